// The tensorstark command line.
#include <fmt/core.h>

#include <new>
#include <span>
#include <string_view>

#include "cli/bench_command.h"
#include "cli/cairo_gen_command.h"
#include "cli/calldata_command.h"
#include "cli/compress_command.h"
#include "cli/inspect_command.h"
#include "cli/model_commands.h"
#include "cli/prove_command.h"
#include "cli/selfcheck.h"
#include "cli/tree_command.h"
#include "frontend/frontend_error.h"

namespace {

constexpr std::string_view kUsage = R"(usage: tensorstark <command> [options]

Proves that an ML model produced a given output with a Circle STARK over Mersenne-31.

commands:
  compile     quantize an ONNX model into a compiled model (tensorstark compile --help)
  run         run a compiled model on an input, next to float inference (tensorstark run --help)
  prove       prove that a compiled model produced its outputs from an input (... prove --help)
  verify      check a proof against a compiled model (tensorstark verify --help)
  compress    prove that the verifier accepts a proof, in one fixed AIR: a compressed proof
              of the same statement (tensorstark compress --help)
  tree        the aggregation tree's steps one at a time: a leaf, a node, a top's final proof
              (tensorstark tree --help)
  bench       prove and verify an example AIR and report time, size, memory and security
              (tensorstark bench --help)
  inspect     print a proof file as JSON, with what it makes public given its model
              (tensorstark inspect PROOF.bin [MODEL.tsm])
  calldata    write a poseidon252 proof as Starknet calldata (tensorstark calldata --help)
  cairo-gen   write the final recursion AIR's constraints as Cairo (tensorstark cairo-gen --help)
  selfcheck   run an end-to-end check of the field, circle and hash layers, with timings
  version     print the version
  help        print this help

Every command answers --help. A first proof: README.md's "Prove your own model", or `make demo`.
)";

constexpr std::string_view kSelfcheckUsage = R"(usage: tensorstark selfcheck

Checks this machine's build end to end, with timings: a circle FFT round trip against direct
evaluation, BLAKE2s and Poseidon known answers, Merkle commitments with both hashes, and both
Fiat-Shamir channels with a proof of work. Exits 1 if a check fails.
)";

constexpr std::string_view kVersionUsage = R"(usage: tensorstark version

Prints the version.
)";

int RunCommand(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "{}", kUsage);
    return 2;
  }
  std::string_view command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (command == "bench") {
    return tensorstark::cli::RunBenchCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "compile") {
    return tensorstark::cli::RunCompileCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "run") {
    return tensorstark::cli::RunRunCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "prove") {
    return tensorstark::cli::RunProveCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "compress") {
    return tensorstark::cli::RunCompressCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "tree") {
    return tensorstark::cli::RunTreeCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "verify") {
    return tensorstark::cli::RunVerifyCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "inspect") {
    return tensorstark::cli::RunInspectCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "cairo-gen") {
    return tensorstark::cli::RunCairoGenCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "calldata") {
    return tensorstark::cli::RunCalldataCommand(std::span<char* const>(argv + 2, argc - 2));
  }
  if (command == "selfcheck" || command == "version" || command == "--version") {
    const std::string_view usage = command == "selfcheck" ? kSelfcheckUsage : kVersionUsage;
    if (argc > 2 && (std::string_view(argv[2]) == "--help" || std::string_view(argv[2]) == "-h")) {
      fmt::print("{}", usage);
      return 0;
    }
    if (argc > 2) {
      fmt::print(stderr, "tensorstark {}: unexpected argument '{}'\n\n{}", command, argv[2], usage);
      return 2;
    }
    if (command == "selfcheck") return tensorstark::cli::RunSelfcheck();
    fmt::print("tensorstark {}\n", TENSORSTARK_VERSION);
    return 0;
  }
  fmt::print(stderr, "tensorstark: unknown command '{}' (see tensorstark --help)\n", command);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return RunCommand(argc, argv);
  } catch (const tensorstark::frontend::FrontendError& e) {
    // A one-line error a command did not catch itself (a model it cannot take, a file it cannot
    // read): still one line and exit 1, never an abort.
    fmt::print(stderr, "tensorstark {}: {}\n", argv[1], e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    // What a prove past prove's memory check, or any command, gets when an allocation fails.
    fmt::print(stderr,
               "tensorstark {}: out of memory: an allocation failed (the machine's memory, or a "
               "limit such as ulimit -v, ran out); free memory, or use a larger machine\n",
               argv[1]);
    return 1;
  }
}
