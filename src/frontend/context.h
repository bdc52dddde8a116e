// A model's context (compile --context N): N felts that every proof of the model states next to
// its inputs, such as an applicant's address and a nonce. No operator reads them; the statement
// is mixed into the proof's transcript, so a proof made for one context does not verify for
// another, and a Starknet fact hashes them with the inputs. A dApp recomputes them from its own
// data (the caller, a nonce it has not seen) to tie a fact to a user and refuse replays.
//
// A felt is stated as kContextLimbs words of kContextLimbBits bits each, the most significant
// first (2^252 > p, and each limb is far below the M31 modulus).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "field/felt252.h"
#include "field/m31.h"

namespace tensorstark::frontend {

inline constexpr size_t kContextLimbs = 9;
inline constexpr unsigned kContextLimbBits = 28;
// The most context felts a model states.
inline constexpr size_t kMaxContextFelts = 16;

// The statement's words of the felts: kContextLimbs per felt.
std::vector<field::M31> ContextWords(std::span<const field::Felt252> felts);

// The felts back from the statement's words (a multiple of kContextLimbs), or why they are not
// the words of any felts (a limb of kContextLimbBits bits or more, a value not below p).
std::variant<std::vector<field::Felt252>, std::string> ContextFelts(
    std::span<const field::M31> words);

// A comma-separated list of felts, each 0x and hex digits or a decimal below 2^64. Throws
// FrontendError with a one-line message naming the bad felt.
std::vector<field::Felt252> ParseContextFelts(std::string_view text);

}  // namespace tensorstark::frontend
