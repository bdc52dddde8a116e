// A model's verifying key (the root of its preprocessed tree under a configuration, and the model
// commitment it gives) through a KeyCache (key_cache.h): committing the preprocessed columns is
// the slow part of a verification (seconds with Poseidon252), so `verify` and `compress` file the
// key once per model, configuration and hash family, and later runs read it back.
// The cache is trusted like the binary (key_cache.h): a key read from it is not checked against
// the model.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "air/proof.h"
#include "air/proof_io.h"
#include "air/verifying_key.h"
#include "frontend/model_air.h"
#include "hash/blake2s.h"
#include "pipeline/key_cache.h"

namespace tensorstark::pipeline {

// The digest a model's cached values are filed under: of the model as its verifiers hold it (the
// verifying model if its weights are private), so that a prover and its verifiers share them.
hash::Blake2sHash VerifierModelDigest(const frontend::ModelAir& air);
// The same from the bytes `air`'s model was parsed from (ParseQuantizedModel), without
// serializing the model again (0.2 s for nanoGPT's): a file this version wrote holds exactly
// SerializeQuantizedModel's bytes, so where the file is what verifiers hold (public weights, or a
// verifying model) its digest is that name. A file of an earlier format files its own entries.
hash::Blake2sHash VerifierModelDigest(const frontend::ModelAir& air, std::string_view file_bytes);
// The file's digest where it is what verifiers hold, else nothing: the first step of the above,
// which needs no lowering (`verify` runs them side by side).
std::optional<hash::Blake2sHash> VerifiersFileDigest(const frontend::QuantizedModel& model,
                                                     std::string_view file_bytes);

// A configuration's words and its zero-knowledge mode, added to a cache name.
KeyCache::Name& AddConfig(KeyCache::Name& name, const air::ProofConfig& config);

// Where a model's verifying key over hasher H under `config` is filed: its preprocessed root and
// the model commitment it gives (whose layout description takes a large model 20 ms to print).
template <hash::MerkleHasher H>
hash::Blake2sHash ModelKeyName(const hash::Blake2sHash& model_digest,
                               const air::ProofConfig& config) {
  KeyCache::Name name("model verifying key");
  name.Add(static_cast<uint64_t>(air::ProofHashTraits<H>::kId));
  return AddConfig(name, config).Add(model_digest.bytes).Finish();
}

// A commitment's 8 words as 32 bytes (little-endian), and back (nothing for a word not below p).
std::array<uint8_t, 32> CommitmentBytes(const frontend::ModelCommitment& commitment);
std::optional<frontend::ModelCommitment> CommitmentFromBytes(std::span<const uint8_t, 32> bytes);

template <hash::MerkleHasher H>
struct ModelVerifyingKey {
  air::VerifyingKey<H> key;
  frontend::ModelCommitment commitment;
  bool from_cache = false;  // read from the cache, not committed
};

// The key the cache holds for this model and configuration, if it holds one: the root's 32 bytes,
// then the commitment's.
template <hash::MerkleHasher H>
std::optional<ModelVerifyingKey<H>> CachedModelKey(const hash::Blake2sHash& model_digest,
                                                   const air::ProofConfig& config,
                                                   const KeyCache& cache) {
  const auto bytes = cache.Get(ModelKeyName<H>(model_digest, config));
  if (!bytes || bytes->size() != 64) return std::nullopt;
  const auto root =
      air::HashFromBytes<typename H::Hash>(std::span<const uint8_t, 32>(bytes->data(), 32));
  const auto commitment = CommitmentFromBytes(std::span<const uint8_t, 32>(bytes->data() + 32, 32));
  if (!root || !commitment) return std::nullopt;
  return ModelVerifyingKey<H>{{*root}, *commitment, true};
}

template <hash::MerkleHasher H>
void PutModelKey(const hash::Blake2sHash& model_digest, const air::ProofConfig& config,
                 const KeyCache& cache, const ModelVerifyingKey<H>& key) {
  std::vector<uint8_t> bytes;
  for (const auto& part :
       {air::HashBytes(key.key.preprocessed_root), CommitmentBytes(key.commitment)}) {
    bytes.insert(bytes.end(), part.begin(), part.end());
  }
  cache.Put(ModelKeyName<H>(model_digest, config), bytes);
}

// The model's verifying key: from the cache, or committed (SetupModel) and filed. `air` may be
// lowered for verifying: a miss then lowers the model again for Setup.
template <hash::MerkleLayerHasher H>
std::variant<ModelVerifyingKey<H>, std::string> CachedModelVerifyingKey(
    const frontend::ModelAir& air, const hash::Blake2sHash& model_digest,
    const air::ProofConfig& config, const KeyCache& cache) {
  if (auto cached = CachedModelKey<H>(model_digest, config, cache)) return *std::move(cached);
  std::optional<frontend::ModelAir> proving_air;
  if (air.use() == frontend::ModelAir::Use::kVerifying) proving_air.emplace(air.model());
  auto key = frontend::SetupModel<H>(proving_air ? *proving_air : air, config);
  if (auto* error = std::get_if<std::string>(&key)) return *error;
  const frontend::ModelKey<H>& derived = std::get<frontend::ModelKey<H>>(key);
  ModelVerifyingKey<H> verifying{derived.key.verifying_key, derived.commitment, false};
  PutModelKey<H>(model_digest, config, cache, verifying);
  return verifying;
}

}  // namespace tensorstark::pipeline
