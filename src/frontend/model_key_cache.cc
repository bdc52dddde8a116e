#include "frontend/model_key_cache.h"

#include <cstdint>
#include <span>

#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

hash::Blake2sHash VerifierModelDigest(const ModelAir& air) {
  const std::string bytes =
      SerializeQuantizedModel(air.WeightsDigest() ? air.VerifyingModel() : air.model());
  return hash::Blake2s(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

hash::Blake2sHash VerifierModelDigest(const ModelAir& air, std::string_view file_bytes) {
  const bool verifiers_file = !air.WeightsDigest() || air.model().weights_digest.has_value();
  if (!verifiers_file) return VerifierModelDigest(air);
  return hash::Blake2s(
      std::span(reinterpret_cast<const uint8_t*>(file_bytes.data()), file_bytes.size()));
}

KeyCache::Name& AddConfig(KeyCache::Name& name, const air::ProofConfig& config) {
  for (uint64_t word : air::ConfigWords(config)) name.Add(word);
  return name.Add(config.zk ? 1 : 0);
}

}  // namespace tensorstark::frontend
