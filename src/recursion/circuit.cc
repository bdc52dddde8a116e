#include "recursion/circuit.h"

#include <algorithm>

#include "hash/poseidon2_m31.h"

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

bool Circuit::SameTopology(const Circuit& other) const {
  auto same = [](const Gate& a, const Gate& b) {
    return a.kind == b.kind && a.type == b.type && a.in_begin == b.in_begin && a.n_in == b.n_in &&
           a.out == b.out && a.n_out == b.n_out && a.constant == b.constant;
  };
  return n_wires == other.n_wires && operands == other.operands &&
         std::equal(gates.begin(), gates.end(), other.gates.begin(), other.gates.end(), same);
}

std::array<size_t, kGateKinds> Circuit::CountByKind() const {
  std::array<size_t, kGateKinds> counts{};
  for (const Gate& gate : gates) ++counts[static_cast<size_t>(gate.kind)];
  return counts;
}

namespace {

// A gate's fixed operand and output counts.
struct Arity {
  uint32_t n_in, n_out;
};
std::optional<Arity> ArityOf(uint32_t kind) {
  switch (static_cast<GateKind>(kind)) {
    case GateKind::kConstant:
    case GateKind::kGuess:
    case GateKind::kPublicInput:
      return Arity{0, 1};
    case GateKind::kAdd:
    case GateKind::kSub:
    case GateKind::kMul:
      return Arity{2, 1};
    case GateKind::kAssertEqual:
      return Arity{2, 0};
    case GateKind::kPoseidon2: {
      constexpr auto kWidth = static_cast<uint32_t>(hash::kPoseidon2Width);
      return Arity{kWidth, kWidth};
    }
  }
  return std::nullopt;
}

}  // namespace

// n_wires, n_gates, then per gate: kind | type << 8, its operands, and a constant's 4 coordinates.
// Operand ranges and outputs are consecutive, in gate order, as the builder records them.
std::vector<uint32_t> Circuit::ToWords() const {
  std::vector<uint32_t> words = {n_wires, static_cast<uint32_t>(gates.size())};
  words.reserve(2 + 2 * gates.size() + operands.size());
  for (const Gate& gate : gates) {
    words.push_back(static_cast<uint32_t>(gate.kind) | static_cast<uint32_t>(gate.type) << 8);
    for (uint32_t i = 0; i < gate.n_in; ++i) words.push_back(operands[gate.in_begin + i]);
    if (gate.kind == GateKind::kConstant) {
      for (field::M31 c : gate.constant.ToM31Array()) words.push_back(c.value());
    }
  }
  return words;
}

std::optional<Circuit> Circuit::FromWords(std::span<const uint32_t> words) {
  if (words.size() < 2) return std::nullopt;
  Circuit circuit;
  const uint32_t n_wires = words[0], n_gates = words[1];
  if (n_gates > words.size()) return std::nullopt;
  circuit.gates.reserve(n_gates);
  size_t at = 2;
  for (uint32_t g = 0; g < n_gates; ++g) {
    if (at >= words.size()) return std::nullopt;
    const uint32_t kind = words[at] & 0xff, type = words[at] >> 8;
    const std::optional<Arity> arity = ArityOf(kind);
    if (!arity || type > static_cast<uint32_t>(ValueType::kBit)) return std::nullopt;
    ++at;
    Gate gate{.kind = static_cast<GateKind>(kind),
              .type = static_cast<ValueType>(type),
              .in_begin = static_cast<uint32_t>(circuit.operands.size()),
              .n_in = arity->n_in,
              .out = circuit.n_wires,
              .n_out = arity->n_out};
    if (words.size() - at < arity->n_in) return std::nullopt;
    for (uint32_t i = 0; i < arity->n_in; ++i, ++at) {
      if (words[at] >= circuit.n_wires) return std::nullopt;
      circuit.operands.push_back(words[at]);
    }
    if (gate.kind == GateKind::kConstant) {
      if (words.size() - at < 4) return std::nullopt;
      std::array<field::M31, 4> c;
      for (size_t k = 0; k < 4; ++k, ++at) {
        if (words[at] >= field::kP) return std::nullopt;
        c[k] = field::M31::FromCanonical(words[at]);
      }
      gate.constant = field::QM31::FromM31Array(c);
    }
    circuit.n_wires += gate.n_out;
    circuit.gates.push_back(gate);
  }
  if (at != words.size() || circuit.n_wires != n_wires) return std::nullopt;
  return circuit;
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
