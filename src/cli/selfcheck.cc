#include "cli/selfcheck.h"

#include <fmt/core.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "field/m31.h"
#include "field/packed_m31.h"
#include "field/qm31.h"
#include "hash/blake2s.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/merkle_prover.h"
#include "hash/merkle_verifier.h"
#include "hash/poseidon252.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/proof_of_work.h"
#include "hash/queries.h"

namespace tensorstark::cli {
namespace {

using field::M31;
using field::QM31;

std::mt19937_64 rng(2026);
M31 RandomM31() { return M31::Reduce(rng()); }

// A check returns an empty string on success, or what went wrong.
using Check = std::function<std::string()>;

bool Run(const std::string& name, const Check& check) {
  auto start = std::chrono::steady_clock::now();
  std::string error = check();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (error.empty()) {
    fmt::print("  ok    {:<66} {:>8.1f} ms\n", name, ms);
  } else {
    fmt::print("  FAIL  {:<66} {}\n", name, error);
  }
  return error.empty();
}

std::string CheckFields() {
  if (QM31::FromU32(1, 2, 3, 4) * QM31::FromU32(4, 5, 6, 7) !=
      QM31::FromU32(field::kP - 71, 93, field::kP - 16, 50)) {
    return "QM31 product differs from the reference vector";
  }
  for (int i = 0; i < 1 << 12; ++i) {
    std::array<M31, field::kLanes> a, b;
    for (int l = 0; l < field::kLanes; ++l) a[l] = RandomM31(), b[l] = RandomM31();
    std::array<M31, field::kLanes> product =
        (field::PackedM31::FromArray(a) * field::PackedM31::FromArray(b)).ToArray();
    for (int l = 0; l < field::kLanes; ++l) {
      if (product[l] != a[l] * b[l]) return "packed M31 product differs from scalar";
    }
  }
  return "";
}

// Evaluates a random polynomial of 2^18 coefficients on the 2^19 domain (blowup 2), checks
// sampled values against direct evaluation, and interpolates back.
std::string CheckCircleFft() {
  constexpr uint32_t kLogSize = 18;
  std::vector<M31> coeffs(size_t{1} << kLogSize);
  for (M31& c : coeffs) c = RandomM31();
  circle::CirclePoly poly(coeffs);
  circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(kLogSize + 1);
  circle::CircleDomain domain = circle::CanonicCoset(kLogSize + 1).circle_domain();
  circle::CircleEvaluation evaluation = poly.Evaluate(domain, twiddles);
  for (int i = 0; i < 16; ++i) {
    size_t index = rng() % domain.size();
    if (evaluation.AtDomainIndex(index) != poly.EvalAtPoint(domain.at(index))) {
      return fmt::format("evaluation at domain point {} is wrong", index);
    }
  }
  circle::CirclePoly back = evaluation.Interpolate(twiddles);
  for (size_t i = 0; i < back.coeffs().size(); ++i) {
    M31 want = i < coeffs.size() ? coeffs[i] : M31();
    if (back.coeffs()[i] != want) return fmt::format("coefficient {} did not round-trip", i);
  }
  return "";
}

std::string CheckHashVectors() {
  const std::string abc = "abc";
  hash::Blake2sHash digest =
      hash::Blake2s({reinterpret_cast<const uint8_t*>(abc.data()), abc.size()});
  if (digest.ToHex() != "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982") {
    return "BLAKE2s(\"abc\") differs from RFC 7693";
  }
  // Starknet's poseidon_hash(1, 2), as computed by Cairo's core::poseidon.
  field::Felt252 h = hash::PoseidonHash(field::Felt252::FromU64(1), field::Felt252::FromU64(2));
  if (h.ToHex() != "0x5d44a3decb2b2e0cc71071f7b802f45dd792d064f0fc7316c46514f70f9891a") {
    return "poseidon_hash(1, 2) differs from Starknet's";
  }
  return "";
}

// Commits 16 columns of 2^14 and 4 of 2^12, opens 20 random positions and verifies them, then
// checks that a changed value is rejected.
template <class H>
std::string CheckMerkle() {
  std::vector<std::vector<M31>> data;
  std::vector<uint32_t> log_sizes;
  for (int c = 0; c < 20; ++c) {
    log_sizes.push_back(c < 16 ? 14 : 12);
    std::vector<M31>& column = data.emplace_back(size_t{1} << log_sizes.back());
    for (M31& v : column) v = RandomM31();
  }
  std::vector<std::span<const M31>> columns(data.begin(), data.end());
  auto prover = hash::MerkleProver<H>::Commit(columns);
  hash::QueriesPerLogSize queries;
  for (uint32_t log_size : {14u, 12u}) {
    std::vector<size_t>& q = queries[log_size];
    for (int i = 0; i < 10; ++i) q.push_back(rng() % (size_t{1} << log_size));
    std::sort(q.begin(), q.end());
    q.erase(std::unique(q.begin(), q.end()), q.end());
  }
  auto [values, decommitment] = prover.Decommit(queries, columns);
  hash::MerkleVerifier<H> verifier(prover.root(), log_sizes);
  if (auto error = verifier.Verify(queries, values, decommitment)) {
    return std::string("honest decommitment rejected: ") + hash::ToString(*error);
  }
  values[values.size() / 2] += M31::One();
  auto error = verifier.Verify(queries, values, decommitment);
  if (error != hash::MerkleError::kRootMismatch) return "a changed value was not rejected";
  return "";
}

// Replays a short transcript: a root, draws, a proof of work, query positions.
template <hash::Channel C>
std::string CheckChannel(uint32_t pow_bits) {
  C prover, verifier;
  for (C* channel : {&prover, &verifier}) channel->MixU64(0x7e45);
  std::vector<QM31> felts = prover.DrawFelts(3);
  if (felts != verifier.DrawFelts(3)) return "draws differ between two equal transcripts";
  uint64_t nonce = hash::GrindProofOfWork(prover, pow_bits);
  if (!hash::CheckProofOfWork(verifier, pow_bits, nonce)) return "proof of work rejected";
  prover.MixU64(nonce);
  verifier.MixU64(nonce);
  if (hash::DrawQueryPositions(prover, 20, 70) != hash::DrawQueryPositions(verifier, 20, 70)) {
    return "query positions differ";
  }
  return "";
}

}  // namespace

int RunSelfcheck() {
  fmt::print("tensorstark selfcheck: the field, circle and hash layers end to end\n");
  bool ok = true;
  ok &= Run("M31/QM31 arithmetic, packed against scalar", CheckFields);
  ok &= Run("circle FFT: evaluate 2^18 coefficients on 2^19 points and back", CheckCircleFft);
  ok &= Run("BLAKE2s and Poseidon252 known answers (RFC 7693, Starknet)", CheckHashVectors);
  ok &= Run("Merkle tree (BLAKE2s): commit, open 20 queries, verify, tamper",
            CheckMerkle<hash::Blake2sMerkleHasher>);
  ok &= Run("Merkle tree (Poseidon252): commit, open 20 queries, verify, tamper",
            CheckMerkle<hash::Poseidon252MerkleHasher>);
  ok &= Run("BLAKE2s channel: draws, 24-bit proof of work, queries",
            [] { return CheckChannel<hash::Blake2sChannel>(24); });
  ok &= Run("Poseidon252 channel: draws, 16-bit proof of work, queries",
            [] { return CheckChannel<hash::Poseidon252Channel>(16); });
  fmt::print("{}\n", ok ? "all checks passed" : "some checks FAILED");
  return ok ? 0 : 1;
}

}  // namespace tensorstark::cli
