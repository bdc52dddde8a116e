#include "frontend/model_key_cache.h"

#include <cstdint>
#include <span>

#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

namespace {

hash::Blake2sHash DigestOf(std::string_view bytes) {
  return hash::Blake2s(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace

hash::Blake2sHash VerifierModelDigest(const ModelAir& air) {
  return DigestOf(
      SerializeQuantizedModel(air.WeightsDigest() ? air.VerifyingModel() : air.model()));
}

hash::Blake2sHash VerifierModelDigest(const ModelAir& air, std::string_view file_bytes) {
  // A prover's file holds private weights, which its verifiers' file does not.
  const bool verifiers_file = !air.WeightsDigest() || air.model().weights_digest.has_value();
  return verifiers_file ? DigestOf(file_bytes) : VerifierModelDigest(air);
}

KeyCache::Name& AddConfig(KeyCache::Name& name, const air::ProofConfig& config) {
  for (uint64_t word : air::ConfigWords(config)) name.Add(word);
  return name.Add(config.zk ? 1 : 0);
}

}  // namespace tensorstark::frontend
