#include "cli/tree_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "api/compress.h"
#include "api/run.h"
#include "api/timing.h"
#include "api/tree.h"
#include "cli/command_args.h"
#include "cli/compress_command.h"
#include "cli/hash_family.h"
#include "cli/statement_output.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

constexpr std::string_view kUsage =
    R"(usage: tensorstark tree leaf  MODEL.tsm PROOF.bin [PROOF.bin ...] [MODEL.tsm ...] --leaf J -o LEAF.tstp
       tensorstark tree node  LEFT.tstp RIGHT.tstp -o NODE.tstp
       tensorstark tree check MODEL.tsm PROOF.bin [...] --top TOP.tstp
       tensorstark tree final MODEL.tsm PROOF.bin [...] --top TOP.tstp -o FINAL.bin
       tensorstark tree join  MODEL.tsm SLICE.bin [SLICE.bin ...] -o SLICED.bin

The aggregation tree's steps one at a time, each from files and to a file that another process or
machine can take up: what `compress --profile onchain` does in one run for a sliced proof, or for
more than 4 proofs (docs/pipeline.md). The tree over some proofs (each of the model named before
it, made with --profile recursive) has a leaf per proof, and per slice of a sliced proof, numbered
from 1 in order; nodes join consecutive tree proofs two by two, level by level (an odd one out
joins the next level), until one is left: the top.

  leaf   prove leaf J of the tree over the proofs: verifies that proof (or slice) and proves it in
         its leaf circuit; the proofs before it give the facts they state
  node   prove the node joining two consecutive tree proofs (leaves or nodes)
  check  check that TOP.tstp is the top of the tree over the proofs (its proof, and that it holds
         exactly their leaves and statements), natively, without a final proof
  final  the final proof of the tree whose top is TOP.tstp, as compress --profile onchain writes it
  join   the sliced proof of a model's slices' proofs (prove --slice K), in order

options:
  -o, --output FILE  the file to write (leaf, node, final, join)
  --leaf J           leaf: which leaf, from 1
  --top FILE         check, final: the tree's top
  --threads N        worker threads (default: all cores)
)";

api::CompressRequest TreeRequest() {
  api::CompressRequest request;
  request.profile = air::Profile::kOnchain;
  request.hash = air::HashId::kPoseidon252;
  request.on_warning = PrintWarning("tree");
  request.on_phase = [](std::string_view name, double ms) {
    fmt::print(stderr, "  {:<32} {:9.1f} ms\n", name, ms);
  };
  return request;
}

void Write(const std::string& path, std::span<const uint8_t> bytes, std::string_view what) {
  frontend::WriteFileBytes(path, AsChars(bytes));
  fmt::print("wrote {}: {} bytes, {}\n", path, bytes.size(), what);
}

// The models and proofs of the command line, or a usage error's exit code in `exit`.
std::optional<CompressInputs> Inputs(const CommandArgs& command, int& exit) {
  auto in = ReadModelsAndProofs(command.positional);
  if (const auto* error = std::get_if<std::string>(&in)) {
    exit = UsageError("tree", kUsage, *error);
    return std::nullopt;
  }
  return std::get<CompressInputs>(std::move(in));
}

int RunLeaf(const CommandArgs& command) {
  const auto leaf = command.options.GetInt("leaf", 0, 1, SIZE_MAX);
  if (const auto* error = std::get_if<std::string>(&leaf)) {
    return UsageError("tree", kUsage, *error);
  }
  if (std::get<uint64_t>(leaf) == 0) return UsageError("tree", kUsage, "--leaf J is required");
  int exit = 0;
  const auto in = Inputs(command, exit);
  if (!in) return exit;
  const size_t j = std::get<uint64_t>(leaf) - 1;
  const std::vector<uint8_t> bytes =
      api::ProveTreeLeaf(api::ModelPointers(in->models), in->Inners(), j, TreeRequest());
  Write(command.options.Get("output", ""), bytes,
        fmt::format("leaf {} of {}", j + 1,
                    api::TreeLeafCount(api::ModelPointers(in->models), in->Inners())));
  return 0;
}

int RunNode(const CommandArgs& command) {
  if (command.positional.size() != 2) {
    return UsageError("tree", kUsage, "node takes two tree proofs, LEFT.tstp RIGHT.tstp");
  }
  const std::string& left = command.positional[0];
  const std::string& right = command.positional[1];
  const std::vector<uint8_t> bytes = api::ProveTreeNode(ReadProofFile(left), left,
                                                        ReadProofFile(right), right, TreeRequest());
  Write(command.options.Get("output", ""), bytes, "a node");
  return 0;
}

int RunCheckOrFinal(const CommandArgs& command, bool final) {
  if (!command.options.Has("top")) return UsageError("tree", kUsage, "--top FILE is required");
  int exit = 0;
  const auto in = Inputs(command, exit);
  if (!in) return exit;
  const std::vector<uint8_t> top = ReadProofFile(command.options.Get("top", ""));
  if (!final) {
    if (auto rejection =
            api::CheckTreeTop(api::ModelPointers(in->models), in->Inners(), top, TreeRequest())) {
      fmt::print("invalid: {}\n", *rejection);
      return 1;
    }
    fmt::print("valid: the top of the tree over {} proof(s), {} leaves\n", in->proofs.size(),
               api::TreeLeafCount(api::ModelPointers(in->models), in->Inners()));
    return 0;
  }
  const api::CompressedModelProof proved =
      api::ProveTreeFinal(api::ModelPointers(in->models), in->Inners(), top, TreeRequest());
  Write(command.options.Get("output", ""), proved.file,
        fmt::format("the final proof of {} inference(s), {} bits of security",
                    proved.stated.inferences.size(), proved.stated.security_bits));
  PrintCompressedStatements(proved.stated, in->model_paths);
  PrintStarknetFacts(proved.stated, std::nullopt);
  return 0;
}

int RunJoin(const CommandArgs& command) {
  if (command.positional.size() < 3) {
    return UsageError("tree", kUsage, "join takes a model and its slices' proofs, in order");
  }
  const frontend::QuantizedModel model = api::LoadModel(command.positional[0]);
  std::vector<std::vector<uint8_t>> slices;
  for (size_t i = 1; i < command.positional.size(); ++i) {
    slices.push_back(ReadProofFile(command.positional[i]));
  }
  Write(command.options.Get("output", ""), api::JoinSliceProofs(model, slices),
        fmt::format("the sliced proof of {} slices", slices.size()));
  return 0;
}

}  // namespace

int RunTreeCommand(std::span<char* const> args) {
  if (args.empty() || WantsHelp(args.subspan(0, 1))) {
    fmt::print(args.empty() ? stderr : stdout, "{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  const std::string_view step = args[0];
  if (step != "leaf" && step != "node" && step != "check" && step != "final" && step != "join") {
    return UsageError("tree", kUsage,
                      fmt::format("unknown step '{}': leaf, node, check, final or join", step));
  }
  if (WantsHelp(args.subspan(1))) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args.subspan(1), {"file"}, {"output", "leaf", "top", "threads"},
                                 {}, SIZE_MAX);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("tree", kUsage, *error);
  }
  const CommandArgs& command = std::get<CommandArgs>(parsed);
  if (step != "check" && !command.options.Has("output")) {
    return UsageError("tree", kUsage, "-o FILE is required");
  }
  auto choice = ParseProofChoice(command.options);
  if (const auto* error = std::get_if<std::string>(&choice)) {
    return UsageError("tree", kUsage, *error);
  }
  tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism,
                                   std::get<ProofChoice>(choice).threads);
  try {
    if (step == "leaf") return RunLeaf(command);
    if (step == "node") return RunNode(command);
    if (step == "join") return RunJoin(command);
    return RunCheckOrFinal(command, step == "final");
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark tree {}: {}\n", step, e.what());
    return 1;
  }
}

}  // namespace tensorstark::cli
