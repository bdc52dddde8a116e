// Proof-of-work attempt rate of the channels (Stwo's W5 workload measures the BLAKE2s one):
// a range of nonces is searched for an impossible number of zero bits, so every nonce is tried.
// The BLAKE2s grinder skips the nonce's high word when it is zero, as it is below 2^32 (real
// grinds start at 0); BM_Blake2sProofOfWorkAttemptsAbove2To32 measures nonces above 2^32.
#include <benchmark/benchmark.h>

#include "hash/blake2s_channel.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon2_m31_channel.h"

namespace tensorstark::hash {
namespace {

template <class C>
void ProofOfWorkAttempts(benchmark::State& state, uint64_t first) {
  C channel;
  channel.MixU64(1);
  const uint64_t n_nonces = state.range(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(channel.FindProofOfWorkNonce(200, first, first + n_nonces));
  }
  state.counters["attempts_per_second"] = benchmark::Counter(
      static_cast<double>(n_nonces), benchmark::Counter::kIsIterationInvariantRate);
}

template <class C>
void BM_ProofOfWorkAttempts(benchmark::State& state) {
  ProofOfWorkAttempts<C>(state, 0);
}

void BM_Blake2sProofOfWorkAttemptsAbove2To32(benchmark::State& state) {
  ProofOfWorkAttempts<Blake2sChannel>(state, uint64_t{1} << 40);
}

BENCHMARK(BM_ProofOfWorkAttempts<Blake2sChannel>)->Arg(1 << 20);
BENCHMARK(BM_Blake2sProofOfWorkAttemptsAbove2To32)->Arg(1 << 20);
BENCHMARK(BM_ProofOfWorkAttempts<Poseidon252Channel>)->Arg(1 << 14);
BENCHMARK(BM_ProofOfWorkAttempts<Poseidon2M31Channel>)->Arg(1 << 18);

}  // namespace
}  // namespace tensorstark::hash
