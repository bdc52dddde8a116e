// The commitment-scheme commit of Stwo's PCS benchmark (stwo-benchmark-workloads.md W2): 16
// columns × 2^20 random evaluations interpolated, evaluated at blowup 2 and committed in one
// BLAKE2s Merkle tree, twiddles precomputed outside the timing; with 1 and 2 threads.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <memory>
#include <vector>

#include "circle/twiddles.h"
#include "fri/pcs_prover.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::fri {
namespace {

void BM_PcsCommit16x2p20(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(0));
  constexpr uint32_t kLogSize = 20;
  constexpr size_t kColumns = 16;
  std::vector<std::vector<M31>> columns(kColumns, std::vector<M31>(size_t{1} << kLogSize));
  uint64_t s = 1;
  for (auto& column : columns) {
    for (M31& v : column) {
      s = s * 6364136223846793005 + 1442695040888963407;
      v = M31::Reduce(s >> 11);
    }
  }
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(kLogSize + 1);
  const PcsConfig config{.pow_bits = 0, .fri = {.log_blowup_factor = 1}};
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<M31>> input = columns;
    hash::Blake2sChannel channel;
    auto prover =
        std::make_unique<CommitmentSchemeProver<hash::Blake2sChannel, hash::Blake2sMerkleHasher>>(
            config, twiddles);
    state.ResumeTiming();
    prover->CommitEvaluations(std::move(input), channel);
    benchmark::DoNotOptimize(prover->tree(0).merkle->root());
    state.PauseTiming();
    prover.reset();  // frees outside the timing
    state.ResumeTiming();
  }
  state.counters["ns_per_elem"] = benchmark::Counter(
      static_cast<double>(kColumns << kLogSize),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PcsCommit16x2p20)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tensorstark::fri
