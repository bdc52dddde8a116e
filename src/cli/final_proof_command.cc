#include "cli/final_proof_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "cli/command_args.h"
#include "cli/phase_progress.h"
#include "cli/statement_output.h"
#include "cli/step_progress.h"
#include "cli/timing.h"
#include "frontend/file_io.h"
#include "frontend/final_proof.h"
#include "frontend/frontend_error.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

// The keys and circuits; the outer proof's 3 phases and its prover's 11; the final proof's 3 and
// its prover's 11; writing the proof.
constexpr size_t kFinalPhases = 30;

// The outer proof a final proof verifies: the recursive profile's configuration.
air::ProofConfig FinalOuterConfig() { return air::ProfileConfig(air::Profile::kRecursive); }

template <class C, class H>
int CompressFinalWith(const CompressInputs& in, const Options& options) {
  const bool json = options.Has("json");
  PhaseProgress progress(json, kFinalPhases);
  const auto total_start = std::chrono::steady_clock::now();
  auto start = total_start;
  const frontend::OuterShape shape =
      options.Has("fit") ? frontend::OuterShape::kFit : frontend::OuterShape::kStandard;
  const air::ProofConfig final_config = frontend::FinalProofConfig();
  const frontend::KeyCache cache = frontend::KeyCache::FromEnvironment();
  auto key_or_error = frontend::SetupFinal<H>(in.specs, FinalOuterConfig(), final_config, shape,
                                              frontend::KeyUse::kProve, cache);
  if (auto* error = std::get_if<std::string>(&key_or_error)) throw FrontendError(*error);
  const frontend::FinalKey<H>& key = std::get<frontend::FinalKey<H>>(key_or_error);
  progress.Phase("keys and circuits", start);

  air::ProveTimings timings;
  std::string level = "outer";
  timings.on_phase = [&](const std::string& name, double ms) {
    progress.Phase(level + ": " + name, ms);
  };
  air::ProveOptions prove_options;
  prove_options.timings = &timings;
  auto outer = frontend::CompressProof<frontend::InnerChannel, frontend::InnerHasher>(
      key.outer, in.inners, prove_options);
  if (auto* error = std::get_if<std::string>(&outer)) throw FrontendError(*error);
  level = "final";
  auto final_proof =
      frontend::ProveFinal<C, H>(key, std::get<frontend::OuterForFinal>(outer), prove_options);
  progress.Done();
  if (auto* error = std::get_if<std::string>(&final_proof)) throw FrontendError(*error);
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(final_proof);
  start = std::chrono::steady_clock::now();
  std::vector<frontend::CompressedInner> entries;
  for (const frontend::InnerSpec& spec : in.specs) {
    entries.push_back({static_cast<uint32_t>(spec.model), spec.zero_knowledge});
  }
  const std::vector<uint8_t> bytes = frontend::WriteCompressedProof(
      static_cast<uint32_t>(shape) | frontend::kFinalProofBit, entries, air::SerializeProof(proof));
  const std::string path = options.Get("output", "");
  frontend::WriteFileBytes(path, AsChars(bytes));
  progress.Phase("write proof", start);
  const double total_ms = MillisecondsSince(total_start);
  const frontend::CompressedIds ids = frontend::IdsOf(key);

  if (json) {
    const frontend::OuterKeyIdentity identity = frontend::IdentityOf(key);
    fmt::print("{}\n",
               nlohmann::json{{"models", in.model_paths},
                              {"inner_proofs", in.inners.size()},
                              {"final", true},
                              {"shape", options.Has("fit") ? "fit" : "standard"},
                              {"profile", "onchain"},
                              {"hash", std::string(C::kName)},
                              {"threads", tbb::global_control::active_value(
                                              tbb::global_control::max_allowed_parallelism)},
                              {"security_bits", final_config.SecurityBits()},
                              {"total_ms", total_ms},
                              {"grind_ms", timings.grind_ms},  // both provers'
                              {"inner_proof_bytes", in.inner_bytes},
                              {"proof_bytes", bytes.size()},
                              {"circuit_gates", key.air->circuit().gates.size()},
                              {"circuit_gates_by_kind", GatesByKindJson(key.air->circuit())},
                              {"outer_circuit_gates", key.outer.recursion->circuit().gates.size()},
                              {"components", ComponentsJson(*key.air)},
                              {"identity", IdentityJson(identity, ids)},
                              {"starknet", StarknetFactsJson(key.outer.members, ids,
                                                             proof.public_inputs, std::nullopt)},
                              {"keys_from_cache", key.from_cache},
                              {"peak_rss_mb", PeakRssMb()},
                              {"phases_ms", progress.ToJson()}}
                   .dump());
    return 0;
  }
  fmt::print(stderr, "  {:<26} {:9.1f} ms (grinding {:.1f} ms)\n", "total", total_ms,
             timings.grind_ms);
  fmt::print(
      "wrote {}: {} bytes ({} inner proof(s), {} bytes), {} bits of security ({}, profile onchain: "
      "the final proof of an outer proof), a final circuit of {} gates\n",
      path, bytes.size(), in.inners.size(), in.inner_bytes, final_config.SecurityBits(), C::kName,
      key.air->circuit().gates.size());
  PrintCompressedStatements(key.outer.members, ids, in.model_paths, proof.public_inputs);
  PrintStarknetFacts(key.outer.members, ids, proof.public_inputs, std::nullopt);
  return 0;
}

template <class C, class H>
int VerifyFinalWith(const std::vector<frontend::QuantizedModel>& models,
                    const std::vector<std::string>& model_paths,
                    const frontend::CompressedProofFile& file, uint32_t min_security_bits,
                    bool json, const std::optional<field::Felt252>& verifier_class) {
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<H>(file.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    fmt::print("invalid: the final proof does not parse: {}\n", error->message);
    return 1;
  }
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(parsed);
  const double parse_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  StepProgress progress(json);
  progress.Begin("deriving the models' keys and the final circuit");
  const FileSpecs file_specs = SpecsOfFile(models, file);
  const std::vector<frontend::InnerSpec>& specs = file_specs.specs;
  const auto shape = static_cast<frontend::OuterShape>(frontend::OuterShapeBits(file.shape));
  auto key =
      frontend::SetupFinal<H>(specs, FinalOuterConfig(), proof.config, shape,
                              frontend::KeyUse::kVerify, frontend::KeyCache::FromEnvironment());
  progress.End();
  if (auto* error = std::get_if<std::string>(&key)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  const auto& final_key = std::get<frontend::FinalKey<H>>(key);
  const double setup_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  auto rejection = frontend::VerifyFinalProof<C, H>(final_key, proof, min_security_bits);
  const double verify_ms = parse_ms + MillisecondsSince(start);
  if (rejection) {
    fmt::print("invalid: {}\n", air::ToString(*rejection));
    return 1;
  }
  const frontend::CompressedIds ids = frontend::IdsOf(final_key);
  if (json) {
    const auto statements =
        frontend::MemberStatements(final_key.outer.members, proof.public_inputs);
    nlohmann::json public_parts = nlohmann::json::array();
    for (size_t i = 0; i < specs.size(); ++i) {
      public_parts.push_back(PublicStatementJson(*specs[i].air, statements[i]));
    }
    const frontend::OuterKeyIdentity identity = frontend::IdentityOf(final_key);
    fmt::print("{}\n",
               nlohmann::json{{"valid", true},
                              {"compressed", true},
                              {"final", true},
                              {"inner_proofs", specs.size()},
                              {"security_bits", proof.config.SecurityBits()},
                              {"verify_ms", verify_ms},
                              {"setup_ms", setup_ms},
                              {"keys_from_cache", final_key.from_cache},
                              {"identity", IdentityJson(identity, ids)},
                              {"starknet", StarknetFactsJson(final_key.outer.members, ids,
                                                             proof.public_inputs, verifier_class)},
                              {"public", specs.size() == 1 ? public_parts[0] : public_parts}}
                   .dump());
    return 0;
  }
  fmt::print("valid (final proof, {} inner proof(s), {} bits of security)\n", specs.size(),
             proof.config.SecurityBits());
  PrintCompressedStatements(final_key.outer.members, ids, model_paths, proof.public_inputs);
  PrintStarknetFacts(final_key.outer.members, ids, proof.public_inputs, verifier_class);
  return 0;
}

}  // namespace

int CompressFinalAndWrite(const CompressInputs& in, const ProofChoice& choice,
                          const Options& options) {
  if (choice.hash != air::HashId::kPoseidon252) {
    throw FrontendError(
        "compress --profile onchain makes the final proof Starknet verifies, hashed with "
        "poseidon252; leave --hash out");
  }
  return CompressFinalWith<hash::Poseidon252Channel, hash::Poseidon252MerkleHasher>(in, options);
}

int VerifyFinalProofFile(const std::vector<frontend::QuantizedModel>& models,
                         const std::vector<std::string>& model_paths,
                         const frontend::CompressedProofFile& file, uint32_t min_security_bits,
                         bool json, const std::optional<field::Felt252>& verifier_class) {
  auto hash = air::PeekProofHash(file.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&hash)) {
    fmt::print("invalid: the final proof does not parse: {}\n", error->message);
    return 1;
  }
  if (std::get<air::HashId>(hash) != air::HashId::kPoseidon252) {
    fmt::print("invalid: a final proof is hashed with poseidon252, this one with {}\n",
               air::ToString(std::get<air::HashId>(hash)));
    return 1;
  }
  return VerifyFinalWith<hash::Poseidon252Channel, hash::Poseidon252MerkleHasher>(
      models, model_paths, file, min_security_bits, json, verifier_class);
}

}  // namespace tensorstark::cli
