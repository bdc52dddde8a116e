// Single-thread Starknet Poseidon (Poseidon252) throughput: Hades permutations per second, one at a
// time (the channel's pattern) and batched (the Merkle layer's pattern, AVX-512 IFMA when built
// for it), plus the felt252 multiplication the permutation is made of.
#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

#include "field/felt252.h"
#include "hash/poseidon252.h"

namespace tensorstark::hash {
namespace {

using field::Felt252;

Felt252 RandomFelt(std::mt19937_64& gen) {
  return Felt252::FromLimbs({gen(), gen(), gen(), gen() >> 5});
}

// One permutation after another, each on the previous output: latency-bound, like a channel.
void BM_HadesPermutation(benchmark::State& state) {
  std::mt19937_64 gen(1);
  PoseidonState s = {RandomFelt(gen), RandomFelt(gen), RandomFelt(gen)};
  for (auto _ : state) {
    HadesPermutation(s);
    benchmark::DoNotOptimize(s);
  }
  state.counters["perms_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HadesPermutation);

// Independent permutations in batches of state.range(0).
void BM_HadesPermutationBatch(benchmark::State& state) {
  std::mt19937_64 gen(2);
  std::vector<PoseidonState> states(static_cast<size_t>(state.range(0)));
  for (PoseidonState& s : states) s = {RandomFelt(gen), RandomFelt(gen), RandomFelt(gen)};
  for (auto _ : state) {
    HadesPermutationBatch(states);
    benchmark::DoNotOptimize(states.data());
  }
  state.counters["perms_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * states.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HadesPermutationBatch)->Arg(8)->Arg(64)->Arg(1024);

// Merkle-node shaped hashing: 2^12 hashes of 2 children + 2 packed column words.
void BM_PoseidonHashManyBatch(benchmark::State& state) {
  std::mt19937_64 gen(3);
  const size_t n_hashes = 4096, n_per_hash = 4;
  std::vector<Felt252> inputs(n_hashes * n_per_hash), out(n_hashes);
  for (Felt252& x : inputs) x = RandomFelt(gen);
  for (auto _ : state) {
    PoseidonHashManyBatch(inputs, n_per_hash, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["hashes_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * n_hashes, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PoseidonHashManyBatch);

// Four independent chains, so this is multiplication throughput rather than latency.
void BM_Felt252Mul(benchmark::State& state) {
  std::mt19937_64 gen(4);
  std::array<Felt252, 8> v;
  for (Felt252& x : v) x = RandomFelt(gen);
  for (auto _ : state) {
    for (int k = 0; k < 8; k += 2) {
      v[k] *= v[k + 1];
      v[k + 1] *= v[k];
    }
  }
  benchmark::DoNotOptimize(v);
  state.counters["muls_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 8, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Felt252Mul);

}  // namespace
}  // namespace tensorstark::hash
