#include "cli/calldata_command.h"

#include <fmt/core.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "air/calldata.h"
#include "air/proof_io.h"
#include "cli/command_args.h"
#include "cli/compress_command.h"
#include "frontend/compressed_proof_file.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/quantized_model.h"
#include "frontend/starknet_fact.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark calldata PROOF.bin -o CALLDATA.json
       tensorstark calldata MODEL.tsm... FINAL.bin -o CALLDATA.json

Writes a Poseidon252 proof as the felt252 values the Starknet verifier contract reads: a JSON
array of hex strings, M31 values packed eight per felt, and prints the felts per section.
Starknet takes at most 5,000 calldata felts per transaction.
A final proof (compress --profile onchain) is read by the one verifier every model shares; its
calldata starts with how its statement splits into the inner proofs' statements (their number,
then each one's length and count of words stating its inputs), which the verifying models it is
of (in the order compress was given them) say, and which the ids the contract reports bind.

options:
  -o, --output FILE   the calldata to write (required)
)";

int Fail(const std::string& message) {
  fmt::print(stderr, "tensorstark calldata: {}\n", message);
  return 1;
}

// A final proof's bytes and the felts its calldata starts with: the number of inner proofs, then
// each one's statement length and count of words stating its inputs (verifier-cairo's
// contracts::verify_final_calldata reads them).
using FinalCalldataParts = std::pair<std::vector<uint8_t>, std::vector<field::Felt252>>;

// Of a compressed proof file and the models its inner proofs are of, or a one-line error (the
// file is not a final proof, or the models are not its). Throws FrontendError if a model cannot
// be read.
std::variant<FinalCalldataParts, std::string> FinalProofAndLayout(
    std::span<const uint8_t> bytes, const std::string& path,
    const std::vector<std::string>& model_paths) {
  auto file = frontend::ReadCompressedProof(bytes);
  if (const auto* error = std::get_if<std::string>(&file)) return path + ": " + *error;
  const frontend::CompressedProofFile& compressed = std::get<frontend::CompressedProofFile>(file);
  if (!(compressed.shape & frontend::kFinalProofBit)) {
    return fmt::format(
        "{} is an outer proof; the Starknet verifier reads final proofs (compress --profile "
        "onchain)",
        path);
  }
  if (model_paths.empty()) {
    return fmt::format("{} is a final proof: give the verifying models it is of before it", path);
  }
  if (auto error = CheckFileModels(compressed, model_paths)) return *error;
  std::vector<frontend::QuantizedModel> models;
  for (const std::string& model_path : model_paths) {
    models.push_back(frontend::LoadQuantizedModel(model_path));
  }
  const FileSpecs specs = SpecsOfFile(models, compressed);
  std::vector<field::Felt252> layout = {field::Felt252::FromU64(specs.specs.size())};
  for (const frontend::InnerSpec& spec : specs.specs) {
    const frontend::MemberLayout member = frontend::LayoutOf(*spec.air);
    layout.push_back(field::Felt252::FromU64(member.n_words));
    layout.push_back(field::Felt252::FromU64(member.n_stated_inputs));
  }
  return FinalCalldataParts{std::vector<uint8_t>(compressed.outer.begin(), compressed.outer.end()),
                            std::move(layout)};
}

}  // namespace

int RunCalldataCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"proof"}, {"output"}, {},
                                 /*max_positional=*/frontend::kMaxCompressedInners + 1);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("calldata", kUsage, *error);
  }
  // The proof comes last, after a final proof's models (as verify takes them).
  std::vector<std::string> model_paths = std::get<CommandArgs>(parsed).positional;
  const std::string path = model_paths.back();
  model_paths.pop_back();
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("output")) return UsageError("calldata", kUsage, "-o FILE is required");
  std::vector<uint8_t> bytes;
  std::vector<field::Felt252> layout;  // a final proof's statement layout, before its proof
  try {
    bytes = ReadProofFile(path);
    if (frontend::IsCompressedProof(bytes)) {
      auto final_proof = FinalProofAndLayout(bytes, path, model_paths);
      if (const auto* error = std::get_if<std::string>(&final_proof)) return Fail(*error);
      std::tie(bytes, layout) = std::get<FinalCalldataParts>(std::move(final_proof));
    } else if (!model_paths.empty()) {
      return Fail(fmt::format(
          "{} is not a final proof: models come before a final proof only (the proof comes last)",
          path));
    }
  } catch (const frontend::FrontendError& e) {
    return Fail(e.what());
  }
  auto hash = air::PeekProofHash(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    return Fail(fmt::format("{}: {}", path, error->message));
  }
  if (std::get<air::HashId>(hash) != air::HashId::kPoseidon252) {
    return Fail(
        fmt::format("{} is a {} proof; the Starknet verifier reads poseidon252 proofs (prove with "
                    "--profile onchain)",
                    path, air::ToString(std::get<air::HashId>(hash))));
  }
  using H = hash::Poseidon252MerkleHasher;
  auto proof = air::ParseProof<H>(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&proof)) {
    return Fail(fmt::format("{}: {}", path, error->message));
  }
  const air::Calldata calldata = air::ProofCalldata(std::get<air::StarkProof<H>>(proof));
  const size_t n_layout = layout.size();
  nlohmann::json written = nlohmann::json::array();
  for (const field::Felt252& felt : layout) written.push_back(felt.ToHex());
  for (const field::Felt252& felt : calldata.felts) written.push_back(felt.ToHex());
  const std::string output = options.Get("output", "");
  try {
    frontend::WriteFileBytes(output, written.dump() + "\n");
  } catch (const frontend::FrontendError& e) {
    return Fail(e.what());
  }
  const air::ProofSizeBreakdown& s = calldata.felts_per_section;
  fmt::print(
      "wrote {}: {} felts ({}configuration {}, public inputs {}, claimed sums {}, nonces {}, "
      "commitments {}, sampled values {}, Merkle witness {}, queried values {}, FRI {})\n",
      output, written.size(), n_layout > 0 ? fmt::format("statement layout {}, ", n_layout) : "",
      s.header_and_config, s.public_inputs, s.claimed_sums, s.nonces, s.commitments,
      s.sampled_values, s.decommitment_hash_witness + s.decommitment_column_witness,
      s.queried_values, s.fri_commitments + s.fri_witness + s.fri_decommitments + s.last_layer);
  return 0;
}

}  // namespace tensorstark::cli
