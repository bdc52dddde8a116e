// Single-thread multiplication throughput of packed (SIMD) and scalar M31 and QM31, in field
// elements per second (a PackedM31 product counts as 16).
#include <benchmark/benchmark.h>

#include <array>
#include <random>

#include "field/m31.h"
#include "field/packed_m31.h"
#include "field/packed_qm31.h"
#include "field/qm31.h"

namespace tensorstark::field {
namespace {

constexpr int kValues = 8;

// Four independent pairs updated as x = x·y, y = y·x: four dependency chains hide the product
// latency, so the loop measures throughput, and both operands of every product are fresh values,
// so no per-operand work (doubling, shifting) can be hoisted out of the loop. The state stays in
// registers, and it is consumed after the loop so the products cannot be dropped.
template <typename T, int kElemsPerValue>
void MulThroughput(benchmark::State& state, std::array<T, kValues> v) {
  for (auto _ : state) {
    for (int k = 0; k < kValues; k += 2) {
      v[k] *= v[k + 1];
      v[k + 1] *= v[k];
    }
  }
  benchmark::DoNotOptimize(v);
  state.counters["elems_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kValues * kElemsPerValue,
                         benchmark::Counter::kIsRate);
}

M31 RandomM31(std::mt19937_64& gen) { return M31::Reduce(gen()); }
QM31 RandomQM31(std::mt19937_64& gen) {
  return {RandomM31(gen), RandomM31(gen), RandomM31(gen), RandomM31(gen)};
}

void BM_M31Mul(benchmark::State& state) {
  std::mt19937_64 gen(1);
  std::array<M31, kValues> v;
  for (M31& x : v) x = RandomM31(gen);
  MulThroughput<M31, 1>(state, v);
}

void BM_PackedM31Mul(benchmark::State& state) {
  std::mt19937_64 gen(2);
  std::array<PackedM31, kValues> v;
  for (PackedM31& x : v) {
    std::array<M31, kLanes> lanes;
    for (M31& l : lanes) l = RandomM31(gen);
    x = PackedM31::FromArray(lanes);
  }
  MulThroughput<PackedM31, kLanes>(state, v);
}

void BM_QM31Mul(benchmark::State& state) {
  std::mt19937_64 gen(3);
  std::array<QM31, kValues> v;
  for (QM31& x : v) x = RandomQM31(gen);
  MulThroughput<QM31, 1>(state, v);
}

void BM_PackedQM31Mul(benchmark::State& state) {
  std::mt19937_64 gen(4);
  std::array<PackedQM31, kValues> v;
  for (PackedQM31& x : v) {
    std::array<QM31, kLanes> lanes;
    for (QM31& l : lanes) l = RandomQM31(gen);
    x = PackedQM31::FromArray(lanes);
  }
  MulThroughput<PackedQM31, kLanes>(state, v);
}

BENCHMARK(BM_M31Mul);
BENCHMARK(BM_PackedM31Mul);
BENCHMARK(BM_QM31Mul);
BENCHMARK(BM_PackedQM31Mul);

}  // namespace
}  // namespace tensorstark::field
