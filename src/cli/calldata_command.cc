#include "cli/calldata_command.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/calldata.h"
#include "api/calldata.h"
#include "api/compress.h"
#include "api/run.h"
#include "cli/command_args.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/quantized_model.h"
#include "pipeline/compressed_proof_file.h"

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

}  // namespace

int RunCalldataCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"proof"}, {"output"}, {},
                                 /*max_positional=*/pipeline::kMaxCompressedInners + 1);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("calldata", kUsage, *error);
  }
  // The proof comes last, after a final proof's models (as verify takes them).
  std::vector<std::string> model_paths = std::get<CommandArgs>(parsed).positional;
  const std::string path = model_paths.back();
  model_paths.pop_back();
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("output")) return UsageError("calldata", kUsage, "-o FILE is required");
  api::StarknetCalldata calldata;
  nlohmann::json written = nlohmann::json::array();
  const std::string output = options.Get("output", "");
  try {
    std::vector<frontend::QuantizedModel> models;
    for (const std::string& model_path : model_paths) {
      models.push_back(api::LoadModel(model_path));
    }
    calldata = api::CalldataOf(ReadProofFile(path), path, api::ModelPointers(models), model_paths);
    for (const field::Felt252& felt : calldata.Felts()) written.push_back(felt.ToHex());
    frontend::WriteFileBytes(output, written.dump() + "\n");
  } catch (const frontend::FrontendError& e) {
    return Fail(e.what());
  }
  const size_t n_layout = calldata.layout.size();
  const air::ProofSizeBreakdown& s = calldata.proof.felts_per_section;
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
