// Merkle commitment throughput, BLAKE2s (the shape of Stwo's merkle.rs bench: 2^16 rows × 256
// columns), Poseidon252 (2^20 rows × 16 columns) and Poseidon2-M31 (2^20 rows × 16 and 100
// columns, next to BLAKE2s's), and the BLAKE2s hashes it is built from.
// Throughput counters are in GiB of M31 input per second and, for commits, node hashes per second.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <random>
#include <span>
#include <vector>

#include "field/m31.h"
#include "hash/blake2s.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/blake2s_simd.h"
#include "hash/merkle_prover.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_merkle_hasher.h"

namespace tensorstark::hash {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Commits to n_columns random columns of 2^log_rows rows with hasher H, so every node of the
// full tree is hashed. Args: log_rows, n_columns, threads.
template <class H>
void MerkleCommit(benchmark::State& state) {
  const uint32_t log_rows = static_cast<uint32_t>(state.range(0));
  const size_t n_columns = static_cast<size_t>(state.range(1));
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<size_t>(state.range(2)));
  std::mt19937_64 rng(1);
  std::vector<std::vector<field::M31>> data(n_columns,
                                            std::vector<field::M31>(size_t{1} << log_rows));
  for (auto& col : data) {
    for (field::M31& v : col) v = field::M31::Reduce(rng());
  }
  const std::vector<std::span<const field::M31>> columns(data.begin(), data.end());
  for (auto _ : state) {
    auto prover = MerkleProver<H>::Commit(columns);
    benchmark::DoNotOptimize(prover.root());
  }
  const double bytes = static_cast<double>(n_columns << log_rows) * sizeof(field::M31);
  state.counters["GiB_per_s"] =
      benchmark::Counter(bytes / kGiB, benchmark::Counter::kIsIterationInvariantRate);
  // Node hashes, 2^(log_rows + 1) - 1 per tree.
  state.counters["hashes_per_second"] =
      benchmark::Counter(static_cast<double>((size_t{2} << log_rows) - 1),
                         benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Blake2sMerkleCommit(benchmark::State& state) { MerkleCommit<Blake2sMerkleHasher>(state); }
BENCHMARK(BM_Blake2sMerkleCommit)
    ->ArgNames({"log_rows", "cols", "threads"})
    ->Args({16, 256, 1})
    ->Args({16, 256, 2})
    ->Args({20, 16, 1})
    ->Args({20, 16, 2})
    ->Args({20, 100, 1})
    ->Args({20, 100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The Poseidon2-M31 tree of the same traces: a leaf of 16 values takes two permutations, of 100
// values 13, every inner node one.
void BM_Poseidon2M31MerkleCommit(benchmark::State& state) {
  MerkleCommit<Poseidon2M31MerkleHasher>(state);
}
BENCHMARK(BM_Poseidon2M31MerkleCommit)
    ->ArgNames({"log_rows", "cols", "threads"})
    ->Args({20, 16, 1})
    ->Args({20, 16, 2})
    ->Args({20, 100, 1})
    ->Args({20, 100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The Poseidon252 tree of the same 2^20 × 16 trace: one leaf hashes 16 values as two packed felts
// (two permutations), every inner node is the 2-to-1 hash (one permutation).
void BM_Poseidon252MerkleCommit(benchmark::State& state) {
  MerkleCommit<Poseidon252MerkleHasher>(state);
}
BENCHMARK(BM_Poseidon252MerkleCommit)
    ->ArgNames({"log_rows", "cols", "threads"})
    ->Args({20, 16, 1})
    ->Args({20, 16, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Standard BLAKE2s-256 of one long message (the channel's hash), single stream.
void BM_Blake2s(benchmark::State& state) {
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(Blake2s(data));
  state.counters["GiB_per_s"] = benchmark::Counter(static_cast<double>(data.size()) / kGiB,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Blake2s)->Arg(64)->Arg(1 << 20);

// 16 compressions per iteration, message words in L1: the kernel's ceiling.
void BM_Blake2sCompress16(benchmark::State& state) {
  Blake2sStates16 states{};
  alignas(64) uint32_t words[16][16] = {};
  std::array<const uint32_t*, 16> message_words;
  for (int w = 0; w < 16; ++w) message_words[w] = words[w];
  for (auto _ : state) {
    Blake2sCompress16(states, message_words, 0, 0);
    benchmark::ClobberMemory();
  }
  state.counters["GiB_per_s"] =
      benchmark::Counter(16.0 * 64 / kGiB, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Blake2sCompress16);

}  // namespace
}  // namespace tensorstark::hash
