#include "cli/inspect_command.h"

#include <fmt/core.h>

#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "air/proof_io.h"
#include "air/proof_json.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::cli {
namespace {

template <class H>
int PrintProof(std::span<const uint8_t> bytes, const std::string& path) {
  auto parsed = air::ParseProof<H>(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    fmt::print(stderr, "tensorstark inspect: {}: {}\n", path, error->message);
    return 1;
  }
  fmt::print("{}\n", air::ProofToJson(std::get<air::StarkProof<H>>(parsed)).dump(2));
  return 0;
}

}  // namespace

int RunInspectCommand(std::span<char* const> args) {
  if (args.size() != 1 || std::string(args[0]) == "--help") {
    fmt::print(args.size() == 1 ? stdout : stderr,
               "usage: tensorstark inspect <proof.bin>\n\nPrints a proof file as JSON: its "
               "configuration, statement, every section, and the bytes per section.\n");
    return args.size() == 1 ? 0 : 2;
  }
  const std::string path = args[0];
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    fmt::print(stderr, "tensorstark inspect: cannot open {}\n", path);
    return 1;
  }
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
  auto hash = air::PeekProofHash(bytes);
  if (const auto* error = std::get_if<air::ProofParseError>(&hash)) {
    fmt::print(stderr, "tensorstark inspect: {}: {}\n", path, error->message);
    return 1;
  }
  return std::get<air::HashId>(hash) == air::HashId::kBlake2s
             ? PrintProof<hash::Blake2sMerkleHasher>(bytes, path)
             : PrintProof<hash::Poseidon252MerkleHasher>(bytes, path);
}

}  // namespace tensorstark::cli
