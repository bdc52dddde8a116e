#include "air/calldata.h"

#include <algorithm>
#include <span>

#include "hash/poseidon252.h"

namespace tensorstark::air {
namespace {

using field::Felt252;
using H = hash::Poseidon252MerkleHasher;
using B = ProofSizeBreakdown;

constexpr size_t kM31sPerFelt = 8;

class CalldataWriter {
 public:
  void StartSection(size_t B::*section) { section_ = section; }

  void Integer(uint64_t v) { Append(Felt252::FromU64(v)); }
  void Hash(const Felt252& h) { Append(h); }
  void Hashes(std::span<const Felt252> hashes) {
    Integer(hashes.size());
    for (const Felt252& h : hashes) Hash(h);
  }
  // `length` is what the list's first felt says: its values, or its QM31 values.
  void M31s(std::span<const M31> values, size_t length) {
    Integer(length);
    for (size_t i = 0; i < values.size(); i += kM31sPerFelt) {
      Append(hash::PackM31s(values.subspan(i, std::min(kM31sPerFelt, values.size() - i))));
    }
  }
  void M31s(std::span<const M31> values) { M31s(values, values.size()); }
  void QM31s(std::span<const QM31> values) {
    std::vector<M31> coordinates;
    coordinates.reserve(4 * values.size());
    for (const QM31& v : values) {
      for (M31 c : v.ToM31Array()) coordinates.push_back(c);
    }
    M31s(coordinates, values.size());
  }

  Calldata Finish() && { return std::move(calldata_); }

 private:
  void Append(const Felt252& felt) {
    calldata_.felts.push_back(felt);
    ++(calldata_.felts_per_section.*section_);
  }

  Calldata calldata_;
  size_t B::*section_ = &B::header_and_config;
};

void WriteOpening(const fri::FriLayerOpening<H>& opening, CalldataWriter& w) {
  w.StartSection(&B::fri_witness);
  w.QM31s(opening.fri_witness);
  w.StartSection(&B::fri_decommitments);
  w.Hashes(opening.decommitment.hash_witness);
  w.M31s(opening.decommitment.column_witness);
}

void WriteLayer(const fri::FriLayerProof<H>& layer, CalldataWriter& w) {
  WriteOpening(layer, w);
  w.StartSection(&B::fri_commitments);
  w.Hash(layer.commitment);
}

void WriteTreeOpenings(const std::vector<hash::MerkleDecommitment<H>>& decommitments,
                       const std::vector<std::vector<M31>>& queried_values, CalldataWriter& w) {
  w.StartSection(&B::decommitment_hash_witness);
  w.Integer(decommitments.size());
  for (const hash::MerkleDecommitment<H>& d : decommitments) {
    w.StartSection(&B::decommitment_hash_witness);
    w.Hashes(d.hash_witness);
    w.StartSection(&B::decommitment_column_witness);
    w.M31s(d.column_witness);
  }
  w.StartSection(&B::queried_values);
  w.Integer(queried_values.size());
  for (const std::vector<M31>& tree : queried_values) w.M31s(tree);
}

}  // namespace

Calldata ProofCalldata(const StarkProof<H>& proof) {
  const ProofConfig& config = proof.config;
  const fri::PcsProof<H>& pcs = proof.pcs;
  CalldataWriter w;
  w.StartSection(&B::header_and_config);
  for (uint64_t v :
       {config.zk ? kZkCalldataFormatVersion : kCalldataFormatVersion,
        uint64_t{config.pcs.pow_bits}, uint64_t{config.pcs.fri.log_blowup_factor},
        uint64_t{config.pcs.fri.log_last_layer_degree_bound}, uint64_t{config.pcs.fri.n_queries},
        uint64_t{config.pcs.fri.fold_step}, uint64_t{config.interaction_pow_bits}}) {
    w.Integer(v);
  }
  if (config.zk) w.Integer(kZkProofFlags);
  w.StartSection(&B::public_inputs);
  w.M31s(proof.public_inputs);
  w.StartSection(&B::nonces);
  w.Integer(proof.interaction_pow_nonce);
  w.StartSection(&B::claimed_sums);
  w.QM31s(proof.claimed_sums);

  w.StartSection(&B::commitments);
  w.Hashes(pcs.commitments);
  w.StartSection(&B::sampled_values);
  std::vector<QM31> sampled;
  for (const auto& tree : pcs.sampled_values) {
    for (const auto& column : tree) sampled.insert(sampled.end(), column.begin(), column.end());
  }
  w.QM31s(sampled);
  WriteTreeOpenings(pcs.decommitments, pcs.queried_values, w);
  w.StartSection(&B::nonces);
  w.Integer(pcs.proof_of_work);

  WriteLayer(pcs.fri_proof.first_layer, w);
  w.StartSection(&B::fri_commitments);
  w.Integer(pcs.fri_proof.inner_layers.size());
  for (const fri::FriLayerProof<H>& layer : pcs.fri_proof.inner_layers) WriteLayer(layer, w);
  w.StartSection(&B::last_layer);
  w.QM31s(pcs.fri_proof.last_layer_poly);
  return std::move(w).Finish();
}

}  // namespace tensorstark::air
