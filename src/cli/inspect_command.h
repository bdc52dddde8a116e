// `tensorstark inspect <proof.bin>`: parses a proof file and prints it as JSON (every field and
// the bytes per section), or a one-line error saying why the file is not a valid proof.
#pragma once

#include <span>

namespace tensorstark::cli {

int RunInspectCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
