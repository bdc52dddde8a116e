// `compress` (a compiled model and an inner proof -> a compressed proof: the recursion AIR's
// proof that the verifier accepts the inner one), and the verification of compressed proofs,
// which `verify` hands them to.
#pragma once

#include <cstdint>
#include <span>

#include "frontend/quantized_model.h"

namespace tensorstark::cli {

int RunCompressCommand(std::span<char* const> args);

// `verify` of a compressed proof file: prints "valid" and the statement (exit 0) or "invalid" and
// the reason (exit 1).
int VerifyCompressedProofFile(const frontend::QuantizedModel& model, std::span<const uint8_t> bytes,
                              uint32_t min_security_bits, bool json);

}  // namespace tensorstark::cli
