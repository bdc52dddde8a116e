// A small `--name value` option parser for the subcommands: every option is named, unknown or
// malformed ones are one-line errors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>

namespace tensorstark::cli {

class Options {
 public:
  // value_options take a value; flags take none. Returns a one-line error on bad input.
  static std::variant<Options, std::string> Parse(std::span<char* const> args,
                                                  const std::set<std::string>& value_options,
                                                  const std::set<std::string>& flags);

  bool Has(const std::string& name) const { return values_.contains(name); }
  std::string Get(const std::string& name, const std::string& fallback) const;
  // The option as an integer in [lo, hi], or a one-line error.
  std::variant<uint64_t, std::string> GetInt(const std::string& name, uint64_t fallback,
                                             uint64_t lo, uint64_t hi) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace tensorstark::cli
