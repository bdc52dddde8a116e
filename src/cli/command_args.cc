#include "cli/command_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::cli {

std::variant<CommandArgs, std::string> ParseCommandArgs(
    std::span<char* const> args, const std::vector<std::string>& positional_names,
    const std::set<std::string>& value_options, const std::set<std::string>& flags,
    size_t max_positional) {
  CommandArgs parsed;
  std::vector<char*> named;
  static std::string output = "--output";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string arg = args[i];
    const bool follows_value_option = i > 0 && std::string(args[i - 1]).rfind("--", 0) == 0 &&
                                      value_options.contains(std::string(args[i - 1]).substr(2));
    if (arg == "-o") {
      named.push_back(output.data());
    } else if (arg.rfind("-", 0) != 0 && !follows_value_option &&
               (i == 0 || std::string(args[i - 1]) != "-o")) {
      parsed.positional.push_back(arg);
    } else {
      named.push_back(args[i]);
    }
  }
  if (parsed.positional.size() < positional_names.size()) {
    return fmt::format("no {} given", positional_names[parsed.positional.size()]);
  }
  max_positional = std::max(max_positional, positional_names.size());
  if (parsed.positional.size() > max_positional) {
    return fmt::format("unexpected argument '{}'", parsed.positional[max_positional]);
  }
  auto options = Options::Parse(named, value_options, flags);
  if (const auto* error = std::get_if<std::string>(&options)) return *error;
  parsed.options = std::get<Options>(options);
  return parsed;
}

bool WantsHelp(std::span<char* const> args) {
  return std::any_of(args.begin(), args.end(), [](const char* a) {
    return std::string_view(a) == "--help" || std::string_view(a) == "-h";
  });
}

int UsageError(std::string_view command, std::string_view usage, const std::string& error) {
  fmt::print(stderr, "tensorstark {}: {}\n\n{}", command, error, usage);
  return 2;
}

std::function<void(std::string_view warning)> PrintWarning(std::string_view command) {
  return [command = std::string(command)](std::string_view warning) {
    fmt::print(stderr, "tensorstark {}: warning: {}\n", command, warning);
  };
}

// fmt::join trips a GCC 12 false -Wstringop-overflow here.
std::string FormatValues(const frontend::Tensor& tensor) {
  const std::vector<double> values = tensor.AsDoubles();
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    text += fmt::format("{}{:.5g}", i ? ", " : "", values[i]);
  }
  return text + "]";
}

nlohmann::json ValuesJson(const frontend::Tensor& tensor) {
  return tensor.is_float() ? nlohmann::json(tensor.values) : nlohmann::json(tensor.ints);
}

std::vector<uint8_t> ReadProofFile(const std::string& path) {
  const std::string bytes = frontend::ReadFileBytes(path);
  return {bytes.begin(), bytes.end()};
}

std::string_view AsChars(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void WriteOutputsJson(const std::string& path, const std::vector<frontend::Tensor>& outputs) {
  nlohmann::json data = nlohmann::json::array();
  for (const frontend::Tensor& output : outputs) data.push_back(ValuesJson(output));
  frontend::WriteFileBytes(path, nlohmann::json{{"output_data", data}}.dump() + "\n");
}

std::vector<std::vector<double>> ReadOutputsJson(const std::string& path,
                                                 const std::vector<frontend::Tensor>& like) {
  const std::string text = frontend::ReadFileBytes(path);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw frontend::FrontendError(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
  const nlohmann::json* lists =
      json.is_object() && json.contains("output_data") ? &json["output_data"] : nullptr;
  if (!lists || !lists->is_array() || lists->size() != like.size()) {
    throw frontend::FrontendError(
        fmt::format("{}: expected {{\"output_data\": [...]}} with {} lists, one per output", path,
                    like.size()));
  }
  std::vector<std::vector<double>> outputs;
  for (size_t o = 0; o < like.size(); ++o) {
    const nlohmann::json& list = (*lists)[o];
    if (!list.is_array() || list.size() != static_cast<size_t>(like[o].size()) ||
        !std::all_of(list.begin(), list.end(), [](const auto& v) { return v.is_number(); })) {
      throw frontend::FrontendError(
          fmt::format("{}: output_data[{}] must be {} numbers", path, o, like[o].size()));
    }
    outputs.push_back(list.get<std::vector<double>>());
  }
  return outputs;
}

}  // namespace tensorstark::cli
