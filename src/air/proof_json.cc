#include "air/proof_json.h"

#include <string>
#include <type_traits>
#include <vector>

#include "air/calldata.h"
#include "field/felt252.h"
#include "hash/blake2s.h"

namespace tensorstark::air {
namespace {

using nlohmann::json;

std::string HashHex(const hash::Blake2sHash& h) { return h.ToHex(); }
std::string HashHex(const field::Felt252& h) { return h.ToHex(); }
std::string HashHex(const hash::Poseidon2M31Hash& h) { return h.ToHex(); }

json ToJson(M31 v) { return v.value(); }
json ToJson(const QM31& v) {
  json out = json::array();
  for (M31 c : v.ToM31Array()) out.push_back(c.value());
  return out;
}
template <class T>
json ToJson(const std::vector<T>& v) {
  json out = json::array();
  for (const T& x : v) out.push_back(ToJson(x));
  return out;
}
template <class Hash>
json HashesToJson(const std::vector<Hash>& hashes) {
  json out = json::array();
  for (const Hash& h : hashes) out.push_back(HashHex(h));
  return out;
}

template <hash::MerkleHasher H>
json DecommitmentToJson(const hash::MerkleDecommitment<H>& d) {
  return {{"hash_witness", HashesToJson(d.hash_witness)},
          {"column_witness", ToJson(d.column_witness)}};
}

template <hash::MerkleHasher H>
json OpeningToJson(const fri::FriLayerOpening<H>& opening) {
  return {{"fri_witness", ToJson(opening.fri_witness)},
          {"decommitment", DecommitmentToJson(opening.decommitment)}};
}

template <hash::MerkleHasher H>
json LayerToJson(const fri::FriLayerProof<H>& layer) {
  json j = OpeningToJson(layer);
  j["commitment"] = HashHex(layer.commitment);
  return j;
}

template <hash::MerkleHasher H>
json DecommitmentsToJson(const std::vector<hash::MerkleDecommitment<H>>& decommitments) {
  json out = json::array();
  for (const hash::MerkleDecommitment<H>& d : decommitments) out.push_back(DecommitmentToJson(d));
  return out;
}

template <hash::MerkleHasher H>
json PcsToJson(const fri::PcsProof<H>& pcs) {
  json inner_layers = json::array();
  for (const fri::FriLayerProof<H>& layer : pcs.fri_proof.inner_layers) {
    inner_layers.push_back(LayerToJson(layer));
  }
  return {{"commitments", HashesToJson(pcs.commitments)},
          {"sampled_values", ToJson(pcs.sampled_values)},
          {"decommitments", DecommitmentsToJson(pcs.decommitments)},
          {"queried_values", ToJson(pcs.queried_values)},
          {"proof_of_work", pcs.proof_of_work},
          {"fri",
           {{"first_layer", LayerToJson(pcs.fri_proof.first_layer)},
            {"inner_layers", std::move(inner_layers)},
            {"last_layer_poly", ToJson(pcs.fri_proof.last_layer_poly)}}}};
}

json ConfigToJson(const ProofConfig& config) {
  return {{"pow_bits", config.pcs.pow_bits},
          {"log_blowup_factor", config.pcs.fri.log_blowup_factor},
          {"log_last_layer_degree_bound", config.pcs.fri.log_last_layer_degree_bound},
          {"n_queries", config.pcs.fri.n_queries},
          {"fold_step", config.pcs.fri.fold_step},
          {"interaction_pow_bits", config.interaction_pow_bits},
          {"zero_knowledge", config.zk},
          {"security_bits", config.SecurityBits()}};
}

}  // namespace

json SizeBreakdownToJson(const ProofSizeBreakdown& b) {
  return {{"header_and_config", b.header_and_config},
          {"public_inputs", b.public_inputs},
          {"claimed_sums", b.claimed_sums},
          {"nonces", b.nonces},
          {"commitments", b.commitments},
          {"sampled_values", b.sampled_values},
          {"decommitment_hash_witness", b.decommitment_hash_witness},
          {"decommitment_column_witness", b.decommitment_column_witness},
          {"queried_values", b.queried_values},
          {"fri_commitments", b.fri_commitments},
          {"fri_witness", b.fri_witness},
          {"fri_decommitments", b.fri_decommitments},
          {"last_layer", b.last_layer},
          {"total", b.Total()}};
}

template <hash::MerkleHasher H>
json ProofToJson(const StarkProof<H>& proof) {
  json j = {{"format_version", ProofFormatVersion(proof.config)},
            {"hash", ToString(ProofHashTraits<H>::kId)},
            {"config", ConfigToJson(proof.config)},
            {"public_inputs", ToJson(proof.public_inputs)},
            {"interaction_pow_nonce", proof.interaction_pow_nonce},
            {"claimed_sums", ToJson(proof.claimed_sums)},
            {"pcs", PcsToJson(proof.pcs)},
            {"size_breakdown", SizeBreakdownToJson(SizeBreakdown(proof))}};
  if constexpr (std::is_same_v<H, hash::Poseidon252MerkleHasher>) {
    j["calldata_felts"] = SizeBreakdownToJson(ProofCalldata(proof).felts_per_section);
  }
  return j;
}

template json ProofToJson(const StarkProof<hash::Blake2sMerkleHasher>&);
template json ProofToJson(const StarkProof<hash::Poseidon252MerkleHasher>&);
template json ProofToJson(const StarkProof<hash::Poseidon2M31MerkleHasher>&);

}  // namespace tensorstark::air
