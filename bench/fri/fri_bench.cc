// FRI prover throughput: the circle-to-line and line folds (fast against the reference), and the
// whole commit phase (Merkle trees of every layer, folds, last-layer interpolation) on one QM31
// column of a low-degree polynomial, with BLAKE2s, for fold steps 1 and 3, with 1 and 2 threads.
// The counter ns_per_elem is real time per element of the (largest) input column.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <vector>

#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/line.h"
#include "circle/twiddles.h"
#include "fri/config.h"
#include "fri/fold.h"
#include "fri/fri_prover.h"
#include "fri/fri_schedule.h"
#include "fri/secure_column.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::fri {
namespace {

std::vector<M31> Values(size_t n, uint64_t seed) {
  std::vector<M31> v(n);
  uint64_t s = seed;
  for (M31& x : v) {
    s = s * 6364136223846793005 + 1442695040888963407;
    x = M31::Reduce(s >> 11);
  }
  return v;
}

SecureColumn RandomColumn(size_t n) {
  SecureColumn column;
  for (size_t c = 0; c < 4; ++c) column.coords[c] = Values(n, 0x9e3779b97f4a7c15 + c);
  return column;
}

// The evaluation on CanonicCoset(log_n) of a random polynomial of log size log_n - log_blowup.
SecureColumn LowDegreeColumn(uint32_t log_n, uint32_t log_blowup) {
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(log_n);
  const circle::CircleDomain domain = circle::CanonicCoset(log_n).circle_domain();
  SecureColumn column;
  for (size_t c = 0; c < 4; ++c) {
    circle::CirclePoly poly(Values(size_t{1} << (log_n - log_blowup), 0x2545f4914f6cdd1d + c));
    const circle::CircleEvaluation eval = poly.Evaluate(domain, twiddles);
    column.coords[c].assign(eval.values().begin(), eval.values().end());
  }
  return column;
}

benchmark::Counter NsPerElem(size_t n) {
  return benchmark::Counter(
      1e-9 * static_cast<double>(n),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

const QM31 kAlpha = QM31::FromU32(11, 22, 33, 44);

// args: log size of the circle column, threads, reference (0/1).
void BM_FoldCircleIntoLine(benchmark::State& state) {
  const uint32_t log_n = state.range(0);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(1));
  const circle::CircleDomain domain = circle::CanonicCoset(log_n).circle_domain();
  const SecureColumn src = RandomColumn(domain.size());
  SecureColumn dst = SecureColumn::Zeros(domain.size() / 2);
  for (auto _ : state) {
    if (state.range(2)) {
      FoldCircleIntoLineReference(dst, src, domain, kAlpha);
    } else {
      FoldCircleIntoLine(dst, src, domain, kAlpha);
    }
    benchmark::DoNotOptimize(dst.coords[0].data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_elem"] = NsPerElem(domain.size());
}

// args: log size of the line evaluation, threads, reference (0/1).
void BM_FoldLine(benchmark::State& state) {
  const uint32_t log_n = state.range(0);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(1));
  const circle::LineDomain domain = FriLineDomain(log_n);
  const SecureColumn eval = RandomColumn(domain.size());
  for (auto _ : state) {
    SecureColumn folded =
        state.range(2) ? FoldLineReference(eval, domain, kAlpha) : FoldLine(eval, domain, kAlpha);
    benchmark::DoNotOptimize(folded.coords[0].data());
  }
  state.counters["ns_per_elem"] = NsPerElem(domain.size());
}

// args: log size of the column, fold step, threads. Includes copying the column into Commit.
void BM_FriCommit(benchmark::State& state) {
  const uint32_t log_n = state.range(0);
  const FriConfig config{.log_blowup_factor = 1,
                         .log_last_layer_degree_bound = 0,
                         .fold_step = static_cast<uint32_t>(state.range(1))};
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(2));
  const SecureColumn column = LowDegreeColumn(log_n, config.log_blowup_factor);
  for (auto _ : state) {
    hash::Blake2sChannel channel;
    auto prover = FriProver<hash::Blake2sChannel, hash::Blake2sMerkleHasher>::Commit(
        channel, config, {column});
    benchmark::DoNotOptimize(prover);
  }
  state.counters["ns_per_elem"] = NsPerElem(column.size());
}

BENCHMARK(BM_FoldCircleIntoLine)
    ->ArgsProduct({{20}, {1, 2}, {0}})
    ->Args({16, 1, 1})
    ->Args({16, 1, 0})
    ->ArgNames({"log_n", "threads", "reference"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_FoldLine)
    ->ArgsProduct({{20}, {1, 2}, {0}})
    ->Args({16, 1, 1})
    ->Args({16, 1, 0})
    ->ArgNames({"log_n", "threads", "reference"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_FriCommit)
    ->ArgsProduct({{20}, {1, 3}, {1, 2}})
    ->ArgNames({"log_n", "fold_step", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace tensorstark::fri
