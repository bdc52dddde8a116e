// `tensorstark cairo-gen MODEL.tsm -o AIR.cairo`: the Cairo code of a compiled model's AIR
// constraints for the Cairo verifier (air/cairo_gen.h).
#pragma once

#include <span>

namespace tensorstark::cli {

int RunCairoGenCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
