// A model's verifying key (the root of its preprocessed tree under a configuration, and the model
// commitment it gives) through a KeyCache (key_cache.h): committing the preprocessed columns is
// the slow part of a verification (seconds with Poseidon252), so `verify` and `compress` file the
// root once per model, configuration and hash family, and later runs read it back.
// The cache is trusted like the binary (key_cache.h): a root read from it is not checked against
// the model.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "air/proof.h"
#include "air/proof_io.h"
#include "air/verifying_key.h"
#include "frontend/key_cache.h"
#include "frontend/model_air.h"
#include "hash/blake2s.h"

namespace tensorstark::frontend {

// The digest a model's cached values are filed under: of the model as its verifiers hold it (the
// verifying model if its weights are private), so that a prover and its verifiers share them.
hash::Blake2sHash VerifierModelDigest(const ModelAir& air);
// The same from the bytes `air`'s model was parsed from (ParseQuantizedModel), without
// serializing the model again (0.2 s for nanoGPT's): a file this version wrote holds exactly
// SerializeQuantizedModel's bytes, so where the file is what verifiers hold (public weights, or a
// verifying model) its digest is that name. A file of an earlier format files its own entries.
hash::Blake2sHash VerifierModelDigest(const ModelAir& air, std::string_view file_bytes);

// A configuration's words and its zero-knowledge mode, added to a cache name.
KeyCache::Name& AddConfig(KeyCache::Name& name, const air::ProofConfig& config);

// Where a model's preprocessed root over hasher H under `config` is filed.
template <hash::MerkleHasher H>
hash::Blake2sHash PreprocessedRootName(const hash::Blake2sHash& model_digest,
                                       const air::ProofConfig& config) {
  KeyCache::Name name("model preprocessed root");
  name.Add(static_cast<uint64_t>(air::ProofHashTraits<H>::kId));
  return AddConfig(name, config).Add(model_digest.bytes).Finish();
}

// The root the cache holds for this model and configuration, if it holds one.
template <hash::MerkleHasher H>
std::optional<typename H::Hash> CachedPreprocessedRoot(const hash::Blake2sHash& model_digest,
                                                       const air::ProofConfig& config,
                                                       const KeyCache& cache) {
  const auto bytes = cache.Get(PreprocessedRootName<H>(model_digest, config));
  if (!bytes || bytes->size() != 32) return std::nullopt;
  return air::HashFromBytes<typename H::Hash>(std::span<const uint8_t, 32>(*bytes));
}

template <hash::MerkleHasher H>
void PutPreprocessedRoot(const hash::Blake2sHash& model_digest, const air::ProofConfig& config,
                         const KeyCache& cache, const typename H::Hash& root) {
  cache.Put(PreprocessedRootName<H>(model_digest, config), air::HashBytes(root));
}

template <hash::MerkleHasher H>
struct ModelVerifyingKey {
  air::VerifyingKey<H> key;
  ModelCommitment commitment;
  bool from_cache = false;  // the root was read from the cache, not committed
};

// The model's verifying key: its root from the cache, or committed (SetupModel) and filed.
template <hash::MerkleLayerHasher H>
std::variant<ModelVerifyingKey<H>, std::string> CachedModelVerifyingKey(
    const ModelAir& air, const hash::Blake2sHash& model_digest, const air::ProofConfig& config,
    const KeyCache& cache) {
  if (const auto root = CachedPreprocessedRoot<H>(model_digest, config, cache)) {
    return ModelVerifyingKey<H>{{*root}, air.Commitment(root->ToHex()), true};
  }
  auto key = SetupModel<H>(air, config);
  if (auto* error = std::get_if<std::string>(&key)) return *error;
  const ModelKey<H>& derived = std::get<ModelKey<H>>(key);
  PutPreprocessedRoot<H>(model_digest, config, cache, derived.key.verifying_key.preprocessed_root);
  return ModelVerifyingKey<H>{derived.key.verifying_key, derived.commitment, false};
}

}  // namespace tensorstark::frontend
