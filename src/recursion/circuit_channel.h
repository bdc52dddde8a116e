// The Poseidon2-M31 channel replayed in a circuit: the same Transcript code as the native channel
// (hash/poseidon2_m31_rules.h) over wires, so every challenge the circuit uses is derived from
// the transcript by Poseidon2 gates, never guessed. Values mixed from a proof are M31 wires (a
// QM31 enters as its 4 coordinates, qm31_wire.h); draws come out as M31 words or QM31 wires.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hash/poseidon2_m31_rules.h"
#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

// Poseidon2 rules over wires: constants are constant gates, a permutation is a Poseidon2 gate.
struct CircuitBackend {
  using Word = Wire;
  CircuitBuilder* builder;
  Wire Constant(uint32_t v) const;
  void Permute(std::array<Wire, hash::kPoseidon2Width>& state) const {
    state = builder->Poseidon2(state);
  }
};

using DigestWires = hash::poseidon2_rules::Digest<CircuitBackend>;

// A u64 from a proof (a proof-of-work nonce) guessed as its MixU64 limbs; CheckProofOfWork
// range-checks them.
std::array<Wire, 3> GuessU64Limbs(CircuitBuilder& builder, uint64_t value);

class CircuitChannel {
 public:
  explicit CircuitChannel(CircuitBuilder& builder) : transcript_(CircuitBackend{&builder}) {}

  void MixRoot(const DigestWires& root) { transcript_.MixRoot(root); }
  // M31 words: a QM31 contributes its 4 coordinates, as the native MixFelts.
  void MixWords(std::span<const Wire> words) { transcript_.MixWords(words); }
  // A u64 the circuit fixes (a size, a configuration value): constant limbs.
  void MixU64(uint64_t value) { transcript_.MixU64(value); }
  // The proof-of-work nonce, or any u64, as 22-bit limbs, least significant first.
  void MixU64Limbs(const std::array<Wire, 3>& limbs) { transcript_.MixU64Limbs(limbs); }

  // One draw's 8 M31 words (query positions are their low bits).
  DigestWires DrawWords() { return transcript_.DrawWords(); }
  // n QM31 values, 2 per draw as the native DrawFelts.
  std::vector<Wire> DrawFelts(size_t n);

  // Asserts that the nonce (three 22-bit limbs, range-checked here) gives `bits` trailing zero
  // bits of digest[0] + 2^31·digest[1] after MixU64, as the native CheckProofOfWork; the channel
  // then mixes the nonce, as the native verifier does after the check.
  void CheckProofOfWork(uint32_t bits, const std::array<Wire, 3>& nonce_limbs);

  const DigestWires& digest() const { return transcript_.digest(); }

 private:
  CircuitBuilder& builder() const { return *transcript_.backend().builder; }

  hash::poseidon2_rules::Transcript<CircuitBackend> transcript_;
};

}  // namespace tensorstark::recursion
