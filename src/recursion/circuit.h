// A verifier circuit: the gates a recursion AIR proves, over wires that each carry one QM31 value,
// written once (docs/recursion.md). Circuits are not written by hand: running verifier code over
// recursion::Wire values (circuit_builder.h) records one gate per operation, so a circuit is the
// verifier's own logic. Its topology (the gates' kinds, wiring, constants and guess types)
// depends only on that code and on what the code was given as constants (the verifying key),
// never on a proof's values: Circuit::Digest names it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "field/qm31.h"
#include "hash/blake2s.h"

namespace tensorstark::recursion {

using WireId = uint32_t;

enum class GateKind : uint8_t {
  kConstant,     // out = the gate's constant
  kGuess,        // out = a value the prover supplies (from the proof), of the gate's type
  kAdd,          // out = in[0] + in[1]
  kSub,          // out = in[0] - in[1]
  kMul,          // out = in[0] · in[1]
  kAssertEqual,  // in[0] = in[1]; no output
  kPoseidon2,    // out[0..16) = the Poseidon2-M31 permutation of in[0..16), every word an M31
  kPublicInput,  // out = the next value of the statement (an M31), which the outer proof states
};
inline constexpr size_t kGateKinds = 8;
std::string_view GateKindName(GateKind kind);

// What a guessed value may be: any QM31, an M31 (its other three coordinates 0) or a bit (0 or 1).
enum class ValueType : uint8_t { kQM31, kM31, kBit };

struct Gate {
  GateKind kind = GateKind::kConstant;
  ValueType type = ValueType::kQM31;  // kGuess
  uint32_t in_begin = 0;              // operands: Circuit::operands[in_begin, in_begin + n_in)
  uint32_t n_in = 0;
  WireId out = 0;  // the first output; a gate's outputs are consecutive wires
  uint32_t n_out = 0;
  field::QM31 constant{};  // kConstant
  // What an assertion checks, for messages ("the Merkle root of tree 1"); not part of the
  // topology. A view: the text must outlive the circuit (a string literal).
  std::string_view what{};
};

struct Circuit {
  std::vector<Gate> gates;
  std::vector<WireId> operands;
  uint32_t n_wires = 0;

  // BLAKE2s of every gate's kind, type, operands, outputs and constant: two circuits have the
  // same digest when they have the same topology.
  hash::Blake2sHash Digest() const;
  // Whether `other` has this topology (what Digest hashes), compared in place.
  bool SameTopology(const Circuit& other) const;
  // How many gates of each kind (indexed by GateKind).
  std::array<size_t, kGateKinds> CountByKind() const;

  // The topology as words, to be stored (assertions' `what` is not kept), and back: nullopt if
  // the words are not a circuit a builder records (each gate's operands among the wires before it,
  // its operand and output counts its kind's).
  std::vector<uint32_t> ToWords() const;
  static std::optional<Circuit> FromWords(std::span<const uint32_t> words);
};

}  // namespace tensorstark::recursion
