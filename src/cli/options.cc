#include "cli/options.h"

#include <fmt/format.h>

#include <charconv>

namespace tensorstark::cli {

std::variant<Options, std::string> Options::Parse(std::span<char* const> args,
                                                  const std::set<std::string>& value_options,
                                                  const std::set<std::string>& flags) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) return fmt::format("unexpected argument '{}'", arg);
    const std::string name = arg.substr(2);
    if (flags.contains(name)) {
      options.values_[name] = "";
    } else if (value_options.contains(name)) {
      if (i + 1 == args.size()) return fmt::format("option --{} needs a value", name);
      options.values_[name] = args[++i];
    } else {
      return fmt::format("unknown option '{}'", arg);
    }
  }
  return options;
}

std::string Options::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::variant<uint64_t, std::string> Options::GetInt(const std::string& name, uint64_t fallback,
                                                    uint64_t lo, uint64_t hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    return fmt::format("--{} must be an integer in [{}, {}], got '{}'", name, lo, hi, text);
  }
  return value;
}

}  // namespace tensorstark::cli
