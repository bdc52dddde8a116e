// `tree`: the aggregation tree's steps one at a time (a leaf, a node, the check or the final proof
// of a top, joining slices' proofs), each from files and to a file another machine can take up
// (api/tree.h).
#pragma once

#include <span>

namespace tensorstark::cli {

int RunTreeCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
