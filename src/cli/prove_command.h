// `prove` (a compiled model and an input → a proof of its outputs) and `verify` (a compiled model
// and a proof → valid, or the reason it is not).
#pragma once

#include <span>

namespace tensorstark::cli {

int RunProveCommand(std::span<char* const> args);
int RunVerifyCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
