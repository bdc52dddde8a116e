// `compress` (compiled models and inner proofs -> a compressed proof: the recursion AIR's proof
// that the verifier accepts each inner proof), and the verification of compressed proofs, which
// `verify` hands them to.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/quantized_model.h"

namespace tensorstark::cli {

int RunCompressCommand(std::span<char* const> args);

// `verify` of a compressed proof file against the models its inner proofs are of (in the order
// compress was given them): prints "valid" and the statements (exit 0) or "invalid" and the
// reason (exit 1).
int VerifyCompressedProofFile(const std::vector<frontend::QuantizedModel>& models,
                              const std::vector<std::string>& model_paths,
                              std::span<const uint8_t> bytes, uint32_t min_security_bits,
                              bool json);

}  // namespace tensorstark::cli
