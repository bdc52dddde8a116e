// `tensorstark calldata proof.bin -o calldata.json`: a Poseidon252 proof as the felt252 values a
// Starknet verifier contract reads (air/calldata.h), written as a JSON array of hex strings.
#pragma once

#include <span>

namespace tensorstark::cli {

int RunCalldataCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
