#include "recursion/circuit_channel.h"

#include "recursion/bits.h"
#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {

using field::M31;
using field::QM31;

Wire CircuitBackend::Constant(uint32_t v) const {
  return builder->Constant(QM31(M31::FromCanonical(v)));
}

std::array<Wire, 3> GuessU64Limbs(CircuitBuilder& builder, uint64_t value) {
  const std::array<uint32_t, 3> limbs = hash::poseidon2_rules::U64Limbs(value);
  std::array<Wire, 3> wires;
  for (size_t k = 0; k < 3; ++k) {
    wires[k] = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(limbs[k])));
  }
  return wires;
}

std::vector<Wire> CircuitChannel::DrawFelts(size_t n) {
  std::vector<Wire> felts;
  while (felts.size() < n) {
    const DigestWires words = DrawWords();
    felts.push_back(FromCoordinates({words[0], words[1], words[2], words[3]}));
    felts.push_back(FromCoordinates({words[4], words[5], words[6], words[7]}));
  }
  felts.resize(n);
  return felts;
}

void CircuitChannel::CheckProofOfWork(uint32_t bits, const std::array<Wire, 3>& nonce_limbs) {
  // The limbs of a u64: 22, 22 and 20 bits.
  for (size_t k = 0; k < 3; ++k) {
    DecomposeBits(nonce_limbs[k], k < 2 ? hash::poseidon2_rules::kU64LimbBits : 20,
                  "a proof-of-work nonce limb");
  }
  hash::poseidon2_rules::Transcript<CircuitBackend> trial = transcript_;
  trial.MixU64Limbs(nonce_limbs);
  // Trailing zeros of digest[0] + 2^31·digest[1]: the low bits of word 0, then of word 1.
  const Wire zero = builder().Constant(QM31::Zero());
  for (size_t word = 0; word < 2 && 31 * word < bits; ++word) {
    const std::vector<Wire> word_bits = DecomposeM31(trial.digest()[word], "proof-of-work digest");
    for (uint32_t i = 0; i < 31 && 31 * word + i < bits; ++i) {
      builder().AssertEqual(word_bits[i], zero, "a proof-of-work zero bit");
    }
  }
  transcript_.MixU64Limbs(nonce_limbs);
}

}  // namespace tensorstark::recursion
