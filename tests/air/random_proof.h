// Random StarkProof structs of chosen size, for the proof-format tests and the fuzzer's seed
// corpus (fuzz/make_seed_corpus.cc). The contents are random, not a proof of anything: the
// format does not care whether a proof verifies.
#pragma once

#include <cstdint>
#include <vector>

#include "air/proof.h"
#include "field/felt252.h"
#include "hash/blake2s.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "test_util.h"

namespace tensorstark::testing {

template <class Hash>
Hash RandomHash(Rng& rng);

template <>
inline hash::Blake2sHash RandomHash(Rng& rng) {
  hash::Blake2sHash h;
  for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(rng.U32());
  return h;
}

// Uniform below 2^251, or p - 1 (the largest canonical value) one time in eight.
template <>
inline field::Felt252 RandomHash(Rng& rng) {
  if (rng.U32() % 8 == 0) return field::Felt252::Zero() - field::Felt252::One();
  return field::Felt252::FromLimbs({rng.U64(), rng.U64(), rng.U64(), rng.U64() >> 5});
}

// Each word uniform below p, or p - 1 (the largest canonical value) one time in eight.
template <>
inline hash::Poseidon2M31Hash RandomHash(Rng& rng) {
  hash::Poseidon2M31Hash h;
  for (field::M31& word : h.words) {
    word = field::M31::FromCanonical(rng.U32() % 8 == 0 ? field::kP - 1 : rng.U32() % field::kP);
  }
  return h;
}

// A proof whose every vector has a random length in [0, max_len], with a random valid config
// (zero-knowledge or not).
template <hash::MerkleHasher H>
class RandomProofBuilder {
 public:
  RandomProofBuilder(Rng& rng, uint32_t max_len) : rng_(rng), max_len_(max_len) {}

  air::StarkProof<H> Build() {
    air::StarkProof<H> proof;
    fri::PcsConfig& pcs = proof.config.pcs;
    pcs.pow_bits = rng_.U32() % 41;
    pcs.fri.log_blowup_factor = 1 + rng_.U32() % 4;
    pcs.fri.log_last_layer_degree_bound = rng_.U32() % 11;
    pcs.fri.n_queries = 1 + rng_.U32() % 256;
    pcs.fri.fold_step = 1 + rng_.U32() % 4;
    proof.config.interaction_pow_bits = rng_.U32() % 41;
    proof.public_inputs = Many([&] { return M31(); });
    proof.interaction_pow_nonce = rng_.U64();
    proof.claimed_sums = Many([&] { return QM31(); });
    fri::PcsProof<H>& p = proof.pcs;
    p.config = pcs;
    p.commitments = Many([&] { return RandomHash<typename H::Hash>(rng_); });
    p.sampled_values = Many([&] { return Many([&] { return Many([&] { return QM31(); }); }); });
    p.decommitments = Many([&] { return Decommitment(); });
    p.queried_values = Many([&] { return Many([&] { return M31(); }); });
    p.proof_of_work = rng_.U64();
    p.fri_proof.first_layer = Layer();
    p.fri_proof.inner_layers = Many([&] { return Layer(); });
    p.fri_proof.last_layer_poly = Many([&] { return QM31(); });
    proof.config.zk = rng_.U32() % 2 == 1;  // drawn last: the other fields stay as they were
    return proof;
  }

 private:
  template <class F>
  auto Many(const F& make) {
    std::vector<decltype(make())> v(rng_.U32() % (max_len_ + 1));
    for (auto& x : v) x = make();
    return v;
  }
  // Random, with the edge values 0 and p - 1 one time in four.
  field::M31 M31() {
    switch (rng_.U32() % 8) {
      case 0:
        return field::M31::Zero();
      case 1:
        return field::M31::FromCanonical(field::kP - 1);
      default:
        return rng_.M31();
    }
  }
  field::QM31 QM31() { return {M31(), M31(), M31(), M31()}; }
  hash::MerkleDecommitment<H> Decommitment() {
    return {Many([&] { return RandomHash<typename H::Hash>(rng_); }), Many([&] { return M31(); })};
  }
  fri::FriLayerOpening<H> Opening() { return {Many([&] { return QM31(); }), Decommitment()}; }
  fri::FriLayerProof<H> Layer() { return {Opening(), RandomHash<typename H::Hash>(rng_)}; }

  Rng& rng_;
  uint32_t max_len_;
};

}  // namespace tensorstark::testing
