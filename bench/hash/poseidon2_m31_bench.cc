// Single-thread Poseidon2-M31 throughput: permutations per second one at a time (a channel's
// pattern, latency-bound) and 16 at a time on the packed lanes (the Merkle layers' and the
// grinder's pattern, at the build's SIMD level).
#include <benchmark/benchmark.h>

#include <random>

#include "hash/poseidon2_m31.h"

namespace tensorstark::hash {
namespace {

void BM_Poseidon2Permutation(benchmark::State& state) {
  std::mt19937_64 gen(1);
  Poseidon2State s;
  for (field::M31& v : s) v = field::M31::Reduce(gen());
  for (auto _ : state) {
    Poseidon2Permute(s);
    benchmark::DoNotOptimize(s);
  }
  state.counters["perms_per_second"] =
      benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Poseidon2Permutation);

void BM_Poseidon2PermutationPacked16(benchmark::State& state) {
  std::mt19937_64 gen(1);
  Poseidon2PackedStates s;
  for (field::PackedM31& v : s) {
    std::array<field::M31, field::kLanes> lanes;
    for (field::M31& lane : lanes) lane = field::M31::Reduce(gen());
    v = field::PackedM31::FromArray(lanes);
  }
  for (auto _ : state) {
    Poseidon2PermutePacked(s);
    benchmark::DoNotOptimize(s);
  }
  state.counters["perms_per_second"] =
      benchmark::Counter(field::kLanes, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Poseidon2PermutationPacked16);

}  // namespace
}  // namespace tensorstark::hash
