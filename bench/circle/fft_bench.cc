// Circle FFT throughput: interpolate and evaluate at 2^16, 2^20, 2^22 with 1 and 2 threads, and
// the low-degree extension with blowup 2 (2^20 coefficients onto a 2^21 domain). Twiddles are
// precomputed outside the timing; the counter ns_per_elem is real time per element of the domain.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <vector>

#include "circle/coset.h"
#include "circle/fft.h"
#include "circle/twiddles.h"

namespace tensorstark::circle {
namespace {

const TwiddleTree& Tree() {
  static const TwiddleTree tree = TwiddleTree::ForCanonicDomains(23);
  return tree;
}

std::vector<M31> Values(size_t n) {
  std::vector<M31> v(n);
  uint64_t s = 0x9e3779b97f4a7c15;
  for (M31& x : v) {
    s = s * 6364136223846793005 + 1442695040888963407;
    x = M31::Reduce(s >> 11);
  }
  return v;
}

// The inverse of a per-iteration rate of n elements is seconds per element; counting n·1e-9
// elements makes it nanoseconds.
benchmark::Counter NsPerElem(size_t n) {
  return benchmark::Counter(
      1e-9 * static_cast<double>(n),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// args: log size, threads.
void BM_Interpolate(benchmark::State& state) {
  const uint32_t log_n = state.range(0);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(1));
  CircleDomain domain = CanonicCoset(log_n).circle_domain();
  std::vector<M31> values = Values(domain.size());
  for (auto _ : state) {
    CircleIfft(values, domain, Tree());
    benchmark::DoNotOptimize(values.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_elem"] = NsPerElem(domain.size());
}

// args: log size, threads. The transform runs in place on as many coefficients as the domain
// has points.
void BM_Evaluate(benchmark::State& state) {
  const uint32_t log_n = state.range(0);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(1));
  CircleDomain domain = CanonicCoset(log_n).circle_domain();
  std::vector<M31> values = Values(domain.size());
  for (auto _ : state) {
    CircleFft(values, domain, Tree());
    benchmark::DoNotOptimize(values.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_elem"] = NsPerElem(domain.size());
}

// args: log size of the coefficients, log blowup, threads. The low-degree extension from a
// separate coefficient buffer into the (preallocated) evaluation buffer, copy included.
void BM_EvaluateBlowup(benchmark::State& state) {
  const uint32_t log_n = state.range(0), log_blowup = state.range(1);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(2));
  CircleDomain domain = CanonicCoset(log_n + log_blowup).circle_domain();
  const std::vector<M31> coeffs = Values(size_t{1} << log_n);
  std::vector<M31> values(domain.size());
  for (auto _ : state) {
    CircleFftExtend(coeffs, values, domain, Tree());
    benchmark::DoNotOptimize(values.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_elem"] = NsPerElem(domain.size());
}

BENCHMARK(BM_Interpolate)
    ->ArgsProduct({{16, 20, 22}, {1, 2}})
    ->ArgNames({"log_n", "threads"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_Evaluate)
    ->ArgsProduct({{16, 20, 22}, {1, 2}})
    ->ArgNames({"log_n", "threads"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_EvaluateBlowup)
    ->ArgsProduct({{20}, {1}, {1, 2}})
    ->ArgNames({"log_n", "log_blowup", "threads"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace tensorstark::circle
