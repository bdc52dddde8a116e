#include "pipeline/model_key_cache.h"

#include <cstdint>
#include <span>

#include "frontend/quantized_model.h"

namespace tensorstark::pipeline {

namespace {

hash::Blake2sHash DigestOf(std::string_view bytes) {
  return hash::Blake2s(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace

hash::Blake2sHash VerifierModelDigest(const frontend::ModelAir& air) {
  return DigestOf(
      frontend::SerializeQuantizedModel(air.WeightsDigest() ? air.VerifyingModel() : air.model()));
}

std::optional<hash::Blake2sHash> VerifiersFileDigest(const frontend::QuantizedModel& model,
                                                     std::string_view file_bytes) {
  // A prover's file holds private weights, which its verifiers' file does not.
  const bool verifiers_file = model.weights_visibility != frontend::Visibility::kPrivate ||
                              frontend::IsVerifyingModel(model);
  if (!verifiers_file) return std::nullopt;
  return DigestOf(file_bytes);
}

hash::Blake2sHash VerifierModelDigest(const frontend::ModelAir& air, std::string_view file_bytes) {
  if (auto digest = VerifiersFileDigest(air.model(), file_bytes)) return *digest;
  return VerifierModelDigest(air);
}

std::array<uint8_t, 32> CommitmentBytes(const frontend::ModelCommitment& commitment) {
  std::array<uint8_t, 32> bytes{};
  for (size_t i = 0; i < commitment.size(); ++i) {
    for (size_t b = 0; b < 4; ++b) bytes[4 * i + b] = (commitment[i].value() >> (8 * b)) & 0xff;
  }
  return bytes;
}

std::optional<frontend::ModelCommitment> CommitmentFromBytes(std::span<const uint8_t, 32> bytes) {
  frontend::ModelCommitment commitment;
  for (size_t i = 0; i < commitment.size(); ++i) {
    uint32_t word = 0;
    for (size_t b = 0; b < 4; ++b) word |= uint32_t{bytes[4 * i + b]} << (8 * b);
    if (word >= field::kP) return std::nullopt;
    commitment[i] = field::M31::FromCanonical(word);
  }
  return commitment;
}

KeyCache::Name& AddConfig(KeyCache::Name& name, const air::ProofConfig& config) {
  for (uint64_t word : air::ConfigWords(config)) name.Add(word);
  return name.Add(config.zk ? 1 : 0);
}

}  // namespace tensorstark::pipeline
