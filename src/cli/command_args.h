// What the model commands (compile, run, prove, verify) share: positional arguments with named
// options ("-o" is --output), help and usage errors, and how outputs are printed and written.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/options.h"
#include "frontend/tensor.h"

namespace tensorstark::cli {

struct CommandArgs {
  std::vector<std::string> positional;
  Options options;
};

// Arguments not starting with '-' that do not follow a value option are positional; at least one
// per positional name is expected (the first missing one is named in the error), and at most
// max_positional (at most one per name when it is smaller).
std::variant<CommandArgs, std::string> ParseCommandArgs(
    std::span<char* const> args, const std::vector<std::string>& positional_names,
    const std::set<std::string>& value_options, const std::set<std::string>& flags = {},
    size_t max_positional = 0);

bool WantsHelp(std::span<char* const> args);

// Prints "tensorstark <command>: <error>" and the usage to stderr; returns exit code 2.
int UsageError(std::string_view command, std::string_view usage, const std::string& error);

// What prints an api warning as "tensorstark <command>: warning: <warning>" on stderr.
std::function<void(std::string_view warning)> PrintWarning(std::string_view command);

// A proof file's bytes; throws FrontendError naming the path and why it cannot be read.
std::vector<uint8_t> ReadProofFile(const std::string& path);

// Bytes as the characters frontend::WriteFileBytes takes.
std::string_view AsChars(std::span<const uint8_t> bytes);

// "[0.125, -3.5]".
std::string FormatValues(const frontend::Tensor& tensor);

// The values as a JSON list: numbers for a float tensor, integers for an int64 or bool one.
nlohmann::json ValuesJson(const frontend::Tensor& tensor);

// {"output_data": [[...], ...]}, one flat list per output; throws FrontendError if it cannot
// write.
void WriteOutputsJson(const std::string& path, const std::vector<frontend::Tensor>& outputs);

// Reads such a file, one list per output of `like` and of its size; throws FrontendError with a
// one-line message otherwise.
std::vector<std::vector<double>> ReadOutputsJson(const std::string& path,
                                                 const std::vector<frontend::Tensor>& like);

}  // namespace tensorstark::cli
