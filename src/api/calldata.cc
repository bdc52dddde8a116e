#include "api/calldata.h"

#include <fmt/format.h>

#include <variant>

#include "air/proof_io.h"
#include "api/compress.h"
#include "api/prove.h"
#include "frontend/frontend_error.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/sliced_proof.h"
#include "pipeline/starknet_fact.h"

namespace tensorstark::api {
namespace {

using frontend::FrontendError;

// The layout felts of a final proof of these models.
std::vector<field::Felt252> FinalProofLayout(
    const pipeline::CompressedProofFile& file,
    const std::vector<const frontend::QuantizedModel*>& models) {
  std::vector<field::Felt252> layout = {field::Felt252::FromU64(file.inners.size())};
  for (const pipeline::CompressedInner& inner : file.inners) {
    const pipeline::MemberLayout member =
        pipeline::LayoutOf(frontend::StatementLayout(*models[inner.model]));
    layout.push_back(field::Felt252::FromU64(member.n_words));
    layout.push_back(field::Felt252::FromU64(member.n_stated_inputs));
  }
  return layout;
}

}  // namespace

std::vector<field::Felt252> StarknetCalldata::Felts() const {
  std::vector<field::Felt252> felts = layout;
  felts.insert(felts.end(), proof.felts.begin(), proof.felts.end());
  return felts;
}

StarknetCalldata CalldataOf(std::span<const uint8_t> bytes, std::string_view name,
                            const std::vector<const frontend::QuantizedModel*>& models,
                            const std::vector<std::string>& model_names) {
  StarknetCalldata out;
  std::span<const uint8_t> proof_bytes = bytes;
  if (pipeline::IsCompressedProof(bytes)) {
    auto file = pipeline::ReadCompressedProof(bytes);
    if (const auto* error = std::get_if<std::string>(&file)) {
      throw FrontendError(fmt::format("{}: {}", name, *error));
    }
    const pipeline::CompressedProofFile& compressed = std::get<pipeline::CompressedProofFile>(file);
    if (!(compressed.shape & pipeline::kFinalProofBit)) {
      throw FrontendError(fmt::format(
          "{} is an outer proof; the Starknet verifier reads final proofs (compress --profile "
          "onchain)",
          name));
    }
    if (models.empty()) {
      throw FrontendError(
          fmt::format("{} is a final proof: give the verifying models it is of before it", name));
    }
    if (auto error = CheckFileModels(compressed, model_names)) throw FrontendError(*error);
    out.layout = FinalProofLayout(compressed, models);
    proof_bytes = compressed.outer;
  } else if (!models.empty()) {
    throw FrontendError(fmt::format(
        "{} is not a final proof: models come before a final proof only (the proof comes last)",
        name));
  }
  if (pipeline::IsSlicedProof(proof_bytes)) {
    throw FrontendError(SlicedProofRefusal(name, "calldata"));
  }
  auto hash = air::PeekProofHash(proof_bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    throw FrontendError(fmt::format("{}: {}", name, error->message));
  }
  if (std::get<air::HashId>(hash) != air::HashId::kPoseidon252) {
    throw FrontendError(
        fmt::format("{} is a {} proof; the Starknet verifier reads poseidon252 proofs (prove with "
                    "--profile onchain)",
                    name, air::ToString(std::get<air::HashId>(hash))));
  }
  using H = hash::Poseidon252MerkleHasher;
  auto proof = air::ParseProof<H>(proof_bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&proof)) {
    throw FrontendError(fmt::format("{}: {}", name, error->message));
  }
  out.proof = air::ProofCalldata(std::get<air::StarkProof<H>>(proof));
  return out;
}

}  // namespace tensorstark::api
