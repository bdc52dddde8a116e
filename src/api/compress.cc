#include "api/compress.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <variant>

#include "air/proof_io.h"
#include "api/tree.h"
#include "api/hash_family.h"
#include "api/prove.h"
#include "api/timing.h"
#include "frontend/frontend_error.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "pipeline/final_proof.h"
#include "pipeline/key_cache.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::api {
namespace {

using frontend::FrontendError;
using pipeline::InnerSpec;
using FinalChannel = hash::Poseidon252Channel;
using FinalHasher = hash::Poseidon252MerkleHasher;

std::vector<std::unique_ptr<frontend::StatementLayout>> LayoutsOf(
    const std::vector<const frontend::QuantizedModel*>& models) {
  std::vector<std::unique_ptr<frontend::StatementLayout>> layouts;
  for (const frontend::QuantizedModel* model : models) {
    layouts.push_back(std::make_unique<frontend::StatementLayout>(*model));
  }
  return layouts;
}

// The least security of the proofs a compressed proof's statement rests on: each inner proof's,
// the outer proof's and, for a final proof, its own.
uint32_t LeastSecurityBits(std::span<const InnerSpec> specs, const air::ProofConfig& config,
                           bool final) {
  uint32_t bits = config.SecurityBits();
  if (final) return std::min(bits, pipeline::FinalInnerSecurityBits());
  for (const InnerSpec& spec : specs) {
    bits = std::min(bits, pipeline::InnerProofConfig(spec.zero_knowledge).SecurityBits());
  }
  return bits;
}

// A valid proof's statement and key identity, an inference per member (the models' layouts are
// the caller's to set).
void State(CompressedStatement& stated, const pipeline::OuterKeyIdentity& identity,
           std::span<const pipeline::InnerMember> members, std::span<const field::M31> statement,
           const air::ProofConfig& config, bool final, bool keys_from_cache) {
  std::vector<InnerSpec> specs;
  for (const pipeline::InnerMember& member : members) {
    specs.push_back(member.spec);
    StatedInference& inference = stated.inferences.emplace_back();
    inference.model = member.spec.model;
    inference.zero_knowledge = member.spec.zero_knowledge;
    if (const auto digest = member.spec.air->WeightsDigest()) {
      inference.weights_digests.push_back(*digest);
    }
  }
  stated.security_bits = LeastSecurityBits(specs, config, final);
  stated.identity = identity;
  stated.ids = pipeline::IdsOf(identity, members);
  stated.statement.assign(statement.begin(), statement.end());
  stated.config = config;
  stated.final = final;
  stated.keys_from_cache = keys_from_cache;
}

// Why a compressed (or final) proof is refused before any key is derived for it, where what the
// file states would otherwise set the keys' size (its configuration, its members): a
// configuration no compress profile gives, less security than asked, a statement whose length is
// not its members'.
std::optional<std::string> RefusedBeforeKeys(std::span<const InnerSpec> specs,
                                             const air::ProofConfig& config, size_t n_stated,
                                             bool final, uint32_t min_security_bits) {
  const air::ProofConfig final_config = pipeline::FinalProofConfig();
  const std::vector<air::ProofConfig> outer = {air::ProfileConfig(air::Profile::kTest),
                                               air::ProfileConfig(air::Profile::kFast),
                                               air::ProfileConfig(air::Profile::kRecursive)};
  if (auto refusal =
          final ? RefusedConfiguration("the final proof", config, std::span(&final_config, 1),
                                       "the final proof's")
                : RefusedConfiguration("the outer proof", config, outer,
                                       "one of compress's profiles (test, fast, recursive)")) {
    return refusal;
  }
  if (const uint32_t bits = LeastSecurityBits(specs, config, final); bits < min_security_bits) {
    return fmt::format(
        "the proof rests on {} bits of security (the least of its inner, outer{} proofs'), at "
        "least {} required",
        bits, final ? " and final" : "", min_security_bits);
  }
  size_t n_public = 0;
  for (const InnerSpec& spec : specs) n_public += spec.air->n_public_inputs();
  if (n_stated != n_public) {
    return fmt::format("the proof states {} values, the models' statements have {}", n_stated,
                       n_public);
  }
  return std::nullopt;
}

// The file holding `proof` of the specs' inner proofs.
template <class H>
std::vector<uint8_t> CompressedFile(std::span<const InnerSpec> specs, uint32_t shape,
                                    const air::StarkProof<H>& proof) {
  std::vector<pipeline::CompressedInner> entries;
  for (const InnerSpec& spec : specs) {
    entries.push_back({static_cast<uint32_t>(spec.model), spec.zero_knowledge});
  }
  return pipeline::WriteCompressedProof(shape, entries, air::SerializeProof(proof));
}

template <class C, class H>
CompressedModelProof CompressOuter(std::span<const InnerSpec> specs,
                                   std::span<const pipeline::InnerProof> inners,
                                   const CompressRequest& request, air::ProveOptions options) {
  const auto start = std::chrono::steady_clock::now();
  const air::ProofConfig config = air::ProfileConfig(request.profile);
  auto key_or_error =
      pipeline::SetupCompressed<H>(specs, config, request.shape, pipeline::KeyUse::kProve,
                                   KeyCacheFor(true, request.on_warning));
  if (auto* error = std::get_if<std::string>(&key_or_error)) throw FrontendError(*error);
  pipeline::CompressedKey<H> key = std::get<pipeline::CompressedKey<H>>(std::move(key_or_error));
  if (request.on_phase) request.on_phase("keys and verifier circuit", MillisecondsSince(start));
  auto outer = pipeline::CompressProof<C, H>(key, inners, options);
  if (auto* error = std::get_if<std::string>(&outer)) throw FrontendError(*error);
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(outer);
  CompressedModelProof out;
  out.file = CompressedFile(specs, static_cast<uint32_t>(request.shape), proof);
  State(out.stated, pipeline::IdentityOf(key), key.members, proof.public_inputs, config,
        /*final=*/false, key.from_cache);
  out.recursion = std::move(key.recursion);
  return out;
}

CompressedModelProof CompressFinal(std::span<const InnerSpec> specs,
                                   std::span<const pipeline::InnerProof> inners,
                                   const CompressRequest& request, air::ProveOptions options,
                                   std::string& level) {
  const auto start = std::chrono::steady_clock::now();
  const air::ProofConfig config = pipeline::FinalProofConfig();
  auto key_or_error = pipeline::SetupFinal<FinalHasher>(specs, pipeline::FinalOuterConfig(), config,
                                                        request.shape, pipeline::KeyUse::kProve,
                                                        KeyCacheFor(true, request.on_warning));
  if (auto* error = std::get_if<std::string>(&key_or_error)) throw FrontendError(*error);
  pipeline::FinalKey<FinalHasher> key =
      std::get<pipeline::FinalKey<FinalHasher>>(std::move(key_or_error));
  if (request.on_phase) request.on_phase("keys and circuits", MillisecondsSince(start));
  level = "outer: ";
  auto outer = pipeline::CompressProof<pipeline::InnerChannel, pipeline::InnerHasher>(
      key.outer, inners, options);
  if (auto* error = std::get_if<std::string>(&outer)) throw FrontendError(*error);
  level = "final: ";
  auto final_proof = pipeline::ProveFinal<FinalChannel, FinalHasher>(
      key, std::get<pipeline::OuterForFinal>(outer), options);
  if (auto* error = std::get_if<std::string>(&final_proof)) throw FrontendError(*error);
  const air::StarkProof<FinalHasher>& proof = std::get<air::StarkProof<FinalHasher>>(final_proof);
  CompressedModelProof out;
  out.file =
      CompressedFile(specs, static_cast<uint32_t>(request.shape) | pipeline::kFinalProofBit, proof);
  State(out.stated, pipeline::IdentityOf(key), key.outer.members, proof.public_inputs, config,
        /*final=*/true, key.from_cache);
  out.outer_circuit_gates = key.outer.recursion->circuit().gates.size();
  out.recursion = std::move(key.air);
  return out;
}

// The inner proofs' members of an outer key, or of a final key's outer key.
template <class H>
std::vector<pipeline::InnerMember>& MembersOf(pipeline::CompressedKey<H>& key) {
  return key.members;
}
template <class H>
std::vector<pipeline::InnerMember>& MembersOf(pipeline::FinalKey<H>& key) {
  return key.outer.members;
}

// The outer (or final) proof in `file` checked, into `out`, against the key `setup` derives from
// the models' specs and the proof's configuration, by `check`.
template <class H, class Setup, class Check>
void VerifyRecursionFile(const std::vector<const frontend::QuantizedModel*>& models,
                         const pipeline::CompressedProofFile& file, bool final,
                         const VerifyOptions& options, const Setup& setup, const Check& check,
                         VerifiedCompressed& out) {
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<H>(file.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    out.rejection =
        fmt::format("the {} proof does not parse: {}", final ? "final" : "outer", error->message);
    return;
  }
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(parsed);
  out.parse_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  FileSpecs file_specs = SpecsOfFile(models, file);
  if (auto refusal = RefusedBeforeKeys(file_specs.specs, proof.config, proof.public_inputs.size(),
                                       final, options.min_security_bits)) {
    out.rejection = std::move(refusal);
    return;
  }
  if (options.on_step) {
    options.on_step(final ? "deriving the models' keys and the final circuit"
                          : "deriving the models' keys and verifier circuit");
  }
  auto key_or_error = setup(file_specs.specs, proof.config);
  out.setup_ms = MillisecondsSince(start);
  if (auto* error = std::get_if<std::string>(&key_or_error)) {
    out.rejection = *error;
    return;
  }
  auto& key = std::get<0>(key_or_error);
  start = std::chrono::steady_clock::now();
  const std::optional<air::VerificationError> rejection = check(key, proof);
  out.check_ms = MillisecondsSince(start);
  if (rejection) {
    out.rejection = air::ToString(*rejection);
    return;
  }
  State(out.stated, pipeline::IdentityOf(key), MembersOf(key), proof.public_inputs, proof.config,
        final, key.from_cache);
}

}  // namespace

pipeline::InnerProof ParseInnerProof(std::string_view name, std::span<const uint8_t> bytes) {
  if (pipeline::IsSlicedProof(bytes)) throw FrontendError(SlicedProofRefusal(name, "compress"));
  const auto hash = air::PeekProofHash(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    throw FrontendError(fmt::format("{}: {}", name, error->message));
  }
  if (std::get<air::HashId>(hash) != air::HashId::kPoseidon2M31) {
    throw FrontendError(fmt::format(
        "{} is a {} proof; compress takes proofs made with --profile recursive (poseidon2)", name,
        air::ToString(std::get<air::HashId>(hash))));
  }
  auto inner = air::ParseProof<pipeline::InnerHasher>(bytes);
  if (auto* error = std::get_if<air::ProofParseError>(&inner)) {
    throw FrontendError(fmt::format("{}: {}", name, error->message));
  }
  pipeline::InnerProof& proof = std::get<pipeline::InnerProof>(inner);
  if (proof.config != pipeline::InnerProofConfig(proof.config.zk)) {
    throw FrontendError(fmt::format(
        "{} was not made with --profile recursive, the configuration compress verifies", name));
  }
  return std::move(proof);
}

CompressedModelProof CompressProofs(const std::vector<const frontend::QuantizedModel*>& models,
                                    std::span<const InnerProofInput> inners,
                                    const CompressRequest& request) {
  if (request.profile == air::Profile::kOnchain && request.hash != air::HashId::kPoseidon252) {
    throw FrontendError(
        "compress --profile onchain makes the final proof Starknet verifies, hashed with "
        "poseidon252; leave --hash out");
  }
  // The provers' phases, after the compression's own (named by level: "outer: ", "final: ").
  std::string level;
  air::ProveTimings timings;
  timings.on_phase = [&](const std::string& name, double ms) {
    if (request.on_phase) request.on_phase(level + name, ms);
  };
  air::ProveOptions options;
  options.timings = &timings;
  if (TakesTree(models, inners, request)) {
    CompressedModelProof out = CompressTree(models, inners, request, options, level);
    out.stated.layouts = LayoutsOf(models);
    out.grind_ms = timings.grind_ms;
    return out;
  }
  // A final proof of more than kMaxFinalInners went through the tree above.
  if (inners.size() > pipeline::kMaxCompressedInners) {
    throw FrontendError(fmt::format(
        "compress aggregates at most {} proofs into one proof, {} given: compress them in groups, "
        "or into their final proof (--profile onchain), which takes up to {}",
        pipeline::kMaxCompressedInners, inners.size(), pipeline::kMaxTreeInferences));
  }
  std::vector<bool> proved(models.size());
  std::vector<pipeline::InnerProof> proofs;
  for (const InnerProofInput& inner : inners) {
    if (inner.model >= models.size()) {
      throw FrontendError(fmt::format("{}: of model {}, but {} model(s) given", inner.name,
                                      inner.model + 1, models.size()));
    }
    proofs.push_back(ParseInnerProof(inner.name, inner.proof));
    proved[inner.model] = true;
  }
  for (size_t m = 0; m < models.size(); ++m) {
    if (!proved[m]) throw FrontendError(fmt::format("model {} has no proof to compress", m + 1));
  }
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;
  for (const frontend::QuantizedModel* model : models) {
    airs.push_back(std::make_unique<frontend::ModelAir>(*model));
  }
  std::vector<InnerSpec> specs;
  for (size_t i = 0; i < inners.size(); ++i) {
    specs.push_back({airs[inners[i].model].get(), inners[i].model, proofs[i].config.zk});
  }
  CompressedModelProof out = request.profile == air::Profile::kOnchain
                                 ? CompressFinal(specs, proofs, request, options, level)
                                 : WithHashFamily(request.hash, [&]<class C, class H>() {
                                     return CompressOuter<C, H>(specs, proofs, request, options);
                                   });
  out.stated.layouts = LayoutsOf(models);
  out.grind_ms = timings.grind_ms;
  return out;
}

VerifiedCompressed VerifyCompressed(const std::vector<const frontend::QuantizedModel*>& models,
                                    const std::vector<std::string>& model_names,
                                    std::span<const uint8_t> bytes, const VerifyOptions& options) {
  VerifiedCompressed out;
  auto file = pipeline::ReadCompressedProof(bytes);
  if (auto* error = std::get_if<std::string>(&file)) {
    out.rejection = *error;
    return out;
  }
  const pipeline::CompressedProofFile& compressed = std::get<pipeline::CompressedProofFile>(file);
  if (auto error = CheckFileModels(compressed, model_names)) {
    out.rejection = *error;
    return out;
  }
  out.stated.layouts = LayoutsOf(models);
  if (compressed.shape & pipeline::kTreeBit) {
    VerifyCompressedTree(models, compressed, options, out);
    return out;
  }
  const bool final = compressed.shape & pipeline::kFinalProofBit;
  const auto hash = air::PeekProofHash(compressed.outer);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    out.rejection =
        fmt::format("the {} proof does not parse: {}", final ? "final" : "outer", error->message);
    return out;
  }
  const air::HashId id = std::get<air::HashId>(hash);
  const pipeline::KeyCache cache = KeyCacheFor(options.key_cache, options.on_warning);
  const auto shape = static_cast<pipeline::OuterShape>(pipeline::OuterShapeBits(compressed.shape));
  if (!final) {
    WithHashFamily(id, [&]<class C, class H>() {
      VerifyRecursionFile<H>(
          models, compressed, final, options,
          [&](std::span<const InnerSpec> specs, const air::ProofConfig& config) {
            return pipeline::SetupCompressed<H>(specs, config, shape, pipeline::KeyUse::kVerify,
                                                cache);
          },
          [&](const pipeline::CompressedKey<H>& key, const air::StarkProof<H>& proof) {
            return pipeline::VerifyCompressedProof<C, H>(key, proof, options.min_security_bits);
          },
          out);
    });
  } else if (id != air::HashId::kPoseidon252) {
    out.rejection = fmt::format("a final proof is hashed with poseidon252, this one with {}",
                                air::ToString(id));
  } else {
    VerifyRecursionFile<FinalHasher>(
        models, compressed, final, options,
        [&](std::span<const InnerSpec> specs, const air::ProofConfig& config) {
          return pipeline::SetupFinal<FinalHasher>(specs, pipeline::FinalOuterConfig(), config,
                                                   shape, pipeline::KeyUse::kVerify, cache);
        },
        [&](const pipeline::FinalKey<FinalHasher>& key, const air::StarkProof<FinalHasher>& proof) {
          return pipeline::VerifyFinalProof<FinalChannel, FinalHasher>(key, proof,
                                                                       options.min_security_bits);
        },
        out);
  }
  return out;
}

std::optional<std::string> CheckFileModels(const pipeline::CompressedProofFile& file,
                                           const std::vector<std::string>& model_names) {
  std::vector<bool> used(model_names.size());
  for (const pipeline::CompressedInner& inner : file.inners) {
    if (inner.model >= model_names.size()) {
      return fmt::format("the proof is of {} models or more, {} given", inner.model + 1,
                         model_names.size());
    }
    used[inner.model] = true;
  }
  for (size_t m = 0; m < model_names.size(); ++m) {
    if (!used[m]) return fmt::format("the proof is of no inner proof of {}", model_names[m]);
  }
  return std::nullopt;
}

FileSpecs SpecsOfFile(const std::vector<const frontend::QuantizedModel*>& models,
                      const pipeline::CompressedProofFile& file) {
  FileSpecs out;
  for (const frontend::QuantizedModel* model : models) {
    out.airs.push_back(
        std::make_unique<frontend::ModelAir>(*model, frontend::ModelAir::Use::kVerifying));
  }
  for (const pipeline::CompressedInner& inner : file.inners) {
    out.specs.push_back({out.airs[inner.model].get(), inner.model, inner.zero_knowledge});
  }
  return out;
}

}  // namespace tensorstark::api
