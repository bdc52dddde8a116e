// `tensorstark bench <example>`: proves and verifies an example AIR and reports what a user
// compares provers by — prove time (with grinding separately), verify time, proof size, peak
// memory and the security level — as text or as one JSON object.
#pragma once

#include <span>

namespace tensorstark::cli {

// args: everything after `bench`. Returns the process exit code.
int RunBenchCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
