#include "cli/calldata_command.h"

#include <fmt/core.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/calldata.h"
#include "air/proof_io.h"
#include "cli/command_args.h"
#include "frontend/compressed_proof_file.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark calldata PROOF.bin -o CALLDATA.json

Writes a Poseidon252 proof as the felt252 values the Starknet verifier contract reads: a JSON
array of hex strings, M31 values packed eight per felt, and prints the felts per section.
Starknet takes at most 5,000 calldata felts per transaction. A proof whose queries are opened in
batches (prove --query-batches N) is written as {"head": [...], "batches": [[...], ...]}: the head
is verified in one transaction, then the head with each batch in one more.

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
  auto parsed = ParseCommandArgs(args, {"proof"}, {"output"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("calldata", kUsage, *error);
  }
  const std::string& path = std::get<CommandArgs>(parsed).positional[0];
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("output")) return UsageError("calldata", kUsage, "-o FILE is required");
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadProofFile(path);
  } catch (const frontend::FrontendError& e) {
    return Fail(e.what());
  }
  if (frontend::IsCompressedProof(bytes)) {
    return Fail(fmt::format(
        "{} is a compressed proof; the Starknet verifier reads onchain proofs today (prove with "
        "--profile onchain), one for compressed proofs is to come",
        path));
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
  auto hex = [](const std::vector<field::Felt252>& felts) {
    nlohmann::json out = nlohmann::json::array();
    for (const field::Felt252& felt : felts) out.push_back(felt.ToHex());
    return out;
  };
  nlohmann::json written = hex(calldata.felts);
  if (!calldata.batches.empty()) {
    nlohmann::json batches = nlohmann::json::array();
    for (const auto& batch : calldata.batches) batches.push_back(hex(batch));
    written = {{"head", std::move(written)}, {"batches", std::move(batches)}};
  }
  const std::string output = options.Get("output", "");
  try {
    frontend::WriteFileBytes(output, written.dump() + "\n");
  } catch (const frontend::FrontendError& e) {
    return Fail(e.what());
  }
  // The sections count the batches' felts too, so the total does.
  size_t total = calldata.felts.size();
  for (const auto& batch : calldata.batches) total += batch.size();
  const air::ProofSizeBreakdown& s = calldata.felts_per_section;
  fmt::print(
      "wrote {}: {} felts (configuration {}, public inputs {}, claimed sums {}, nonces {}, "
      "commitments {}, sampled values {}, Merkle witness {}, queried values {}, FRI {})\n",
      output, total, s.header_and_config, s.public_inputs, s.claimed_sums, s.nonces, s.commitments,
      s.sampled_values, s.decommitment_hash_witness + s.decommitment_column_witness,
      s.queried_values, s.fri_commitments + s.fri_witness + s.fri_decommitments + s.last_layer);
  if (!calldata.batches.empty()) {
    std::string sizes;
    for (const auto& batch : calldata.batches) {
      sizes += fmt::format("{}{}", sizes.empty() ? "" : ", ", calldata.felts.size() + batch.size());
    }
    fmt::print("{} transactions: the head ({} felts), then the head with each query batch ({})\n",
               calldata.batches.size() + 1, calldata.felts.size(), sizes);
  }
  return 0;
}

}  // namespace tensorstark::cli
