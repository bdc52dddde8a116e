#include "recursion/circuit.h"

namespace tensorstark::recursion {

hash::Blake2sHash Circuit::Digest() const {
  hash::Blake2sHasher hasher;
  auto put = [&](uint32_t word) {
    const std::array<uint8_t, 4> bytes = {
        static_cast<uint8_t>(word), static_cast<uint8_t>(word >> 8),
        static_cast<uint8_t>(word >> 16), static_cast<uint8_t>(word >> 24)};
    hasher.Update(bytes);
  };
  put(n_wires);
  put(static_cast<uint32_t>(gates.size()));
  for (const Gate& gate : gates) {
    put(static_cast<uint32_t>(gate.kind));
    put(static_cast<uint32_t>(gate.type));
    put(gate.n_in);
    for (uint32_t i = 0; i < gate.n_in; ++i) put(operands[gate.in_begin + i]);
    put(gate.out);
    put(gate.n_out);
    for (field::M31 c : gate.constant.ToM31Array()) put(c.value());
  }
  return hasher.Finalize();
}

std::array<size_t, kGateKinds> Circuit::CountByKind() const {
  std::array<size_t, kGateKinds> counts{};
  for (const Gate& gate : gates) ++counts[static_cast<size_t>(gate.kind)];
  return counts;
}

std::string_view GateKindName(GateKind kind) {
  switch (kind) {
    case GateKind::kConstant:
      return "constant";
    case GateKind::kGuess:
      return "guess";
    case GateKind::kAdd:
      return "add";
    case GateKind::kSub:
      return "sub";
    case GateKind::kMul:
      return "mul";
    case GateKind::kAssertEqual:
      return "assert_equal";
    case GateKind::kPoseidon2:
      return "poseidon2";
    case GateKind::kPublicInput:
      return "public_input";
  }
  return "?";
}

}  // namespace tensorstark::recursion
