#include "cli/inspect_command.h"

#include <fmt/core.h>

#include <array>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "air/proof_io.h"
#include "air/proof_json.h"
#include "api/prove.h"
#include "api/run.h"
#include "cli/command_args.h"
#include "cli/hash_family.h"
#include "cli/statement_output.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"
#include "frontend/quantized_model.h"
#include "frontend/slices.h"
#include "frontend/statement_layout.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/model_key_cache.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark inspect PROOF.bin [MODEL.tsm]

Prints a proof file as JSON: its configuration, statement, every section, and the bytes per
section. With the compiled model the proof is of, also what the proof makes public ("public"):
the model commitment, and for each model input and output its visibility and what the statement
holds of it (its values, its Poseidon2 digest, or nothing); and the weights' visibility: public
(the model commitment binds them) or private (it binds their Poseidon2 digest, printed; each
slice's for a model in slices, whose final proof states the whole model's statement). MODEL.tsm
may be the verifying model compile writes for private weights. A compressed proof (compress) is
printed as its outer proof (or, made with --profile onchain, its final proof), with
"compressed": its shape, whether it is final and, per inner proof, its model's index and whether
it was zero-knowledge; MODEL.tsm only if it has one inner proof. With the model, a direct proof
also gets "verifying_key": whether the key cache ($TENSORSTARK_CACHE_DIR, else ~/.cache/
tensorstark) holds the model's verifying key for the proof's configuration (its preprocessed root,
which `verify` files there on first use and then reads instead of committing), and the root.
)";

// False, with a one-line error, if the proof states another number of values than the model's
// proofs.
bool CheckStatementLength(const std::string& path, size_t stated,
                          const frontend::QuantizedModel& model, size_t expected) {
  if (stated == expected) return true;
  fmt::print(stderr,
             "tensorstark inspect: {} states {} values, a proof of {} states {}: not a proof of "
             "this model\n",
             path, stated, model.source, expected);
  return false;
}

// The proof as JSON, with what it makes public if the model is given (a one-line error if the
// proof is not of a model like it).
// A compressed proof's outer proof is printed so, with "compressed" (`compressed`: its shape and
// inner proofs) beside it. `model` was parsed from `model_file`.
template <class H>
int PrintProof(std::span<const uint8_t> bytes, const std::string& path,
               const std::optional<frontend::QuantizedModel>& model, std::string_view model_file,
               const std::optional<nlohmann::json>& compressed) {
  auto parsed = air::ParseProof<H>(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    fmt::print(stderr, "tensorstark inspect: {}: {}\n", path, error->message);
    return 1;
  }
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(parsed);
  nlohmann::json json = air::ProofToJson(proof);
  if (compressed) json["compressed"] = *compressed;
  if (model && frontend::SliceCount(*model) > 1) {
    // A model in slices has no AIR of its own; the final proof of its slices states the whole
    // model's statement, and its weights' digests are the slices'.
    const frontend::StatementLayout layout(*model);
    if (!CheckStatementLength(path, proof.public_inputs.size(), *model, layout.n_public_inputs())) {
      return 1;
    }
    std::vector<std::array<field::M31, 8>> digests;
    for (size_t k = 0; k < frontend::SliceCount(*model); ++k) {
      const frontend::ModelAir slice(frontend::SliceOf(*model, k).model,
                                     frontend::ModelAir::Use::kVerifying);
      if (const auto digest = slice.WeightsDigest()) digests.push_back(*digest);
    }
    json["public"] = PublicStatementJson(layout, digests, proof.public_inputs);
  } else if (model) {
    const frontend::ModelAir air(*model, frontend::ModelAir::Use::kVerifying);
    if (!CheckStatementLength(path, proof.public_inputs.size(), *model, air.n_public_inputs())) {
      return 1;
    }
    json["public"] = PublicStatementJson(air, proof.public_inputs);
    if (!compressed) {
      // What the key cache holds for this model and configuration: with it, `verify` commits
      // nothing (pipeline/model_key_cache.h).
      const pipeline::KeyCache cache = pipeline::KeyCache::FromEnvironment();
      const auto cached = pipeline::CachedModelKey<H>(
          pipeline::VerifierModelDigest(air, model_file), proof.config, cache);
      nlohmann::json key = {{"cached", cached.has_value()}, {"preprocessed_root", nullptr}};
      if (cached) key["preprocessed_root"] = cached->key.preprocessed_root.ToHex();
      json["verifying_key"] = key;
    }
  }
  fmt::print("{}\n", json.dump(2));
  return 0;
}

}  // namespace

int RunInspectCommand(std::span<char* const> args) {
  const bool help = !args.empty() && std::string(args[0]) == "--help";
  if (help || args.empty() || args.size() > 2) {
    fmt::print(help ? stdout : stderr, "{}", kUsage);
    return help ? 0 : 2;
  }
  const std::string path = args[0];
  std::string model_file;
  std::optional<frontend::QuantizedModel> model;
  if (args.size() == 2) {
    try {
      model_file = frontend::ReadFileBytes(args[1]);
      model = api::ParseModel(model_file, args[1]);
    } catch (const frontend::FrontendError& e) {
      fmt::print(stderr, "tensorstark inspect: {}\n", e.what());
      return 1;
    }
  }
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadProofFile(path);
  } catch (const frontend::FrontendError& e) {
    fmt::print(stderr, "tensorstark inspect: {}\n", e.what());
    return 1;
  }
  if (api::IsSlicedProof(bytes)) {
    fmt::print(stderr, "tensorstark inspect: {}\n", api::SlicedProofRefusal(path, "inspect"));
    return 1;
  }
  std::span<const uint8_t> proof_bytes = bytes;
  std::optional<nlohmann::json> compressed;
  if (pipeline::IsCompressedProof(bytes)) {
    auto file = pipeline::ReadCompressedProof(bytes);
    if (const auto* error = std::get_if<std::string>(&file)) {
      fmt::print(stderr, "tensorstark inspect: {}: {}\n", path, *error);
      return 1;
    }
    proof_bytes = std::get<pipeline::CompressedProofFile>(file).outer;
    const auto& parts = std::get<pipeline::CompressedProofFile>(file);
    if (model && parts.inners.size() > 1) {
      fmt::print(stderr,
                 "tensorstark inspect: {} aggregates {} inner proofs: leave MODEL.tsm out (verify "
                 "prints each one's statement)\n",
                 path, parts.inners.size());
      return 1;
    }
    nlohmann::json inners = nlohmann::json::array();
    for (const pipeline::CompressedInner& inner : parts.inners) {
      inners.push_back({{"model", inner.model}, {"zero_knowledge", inner.zero_knowledge}});
    }
    compressed =
        nlohmann::json{{"shape", pipeline::OuterShapeBits(parts.shape) == 0 ? "standard" : "fit"},
                       {"final", (parts.shape & pipeline::kFinalProofBit) != 0},
                       {"inner_proofs", inners}};
  }
  auto hash = air::PeekProofHash(proof_bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    fmt::print(stderr, "tensorstark inspect: {}: {}\n", path, error->message);
    return 1;
  }
  return WithHashFamily(std::get<air::HashId>(hash), [&]<class C, class H>() {
    return PrintProof<H>(proof_bytes, path, model, model_file, compressed);
  });
}

}  // namespace tensorstark::cli
