// The recursion AIR of a circuit (docs/recursion.md): three components with a row per gate
// (gate_components.h, poseidon2_gate_component.h), the circuit's wiring and constants as
// their data columns, so the AIR's preprocessed root commits to the circuit; the wires' values
// are the witness. The circuit's public inputs are the AIR's statement: the outer verifier writes
// their (id, value) to the wire relation from it (PublicTermShapes), as a model's verifier does
// for its public inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/relation.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "recursion/circuit.h"

namespace tensorstark::recursion {

// The AIR's components, each proving the gates of some kinds (gate_components.h): constants,
// guesses and assertions; additions, subtractions and multiplications; Poseidon2 permutations.
enum class ComponentKind : uint8_t { kValues, kArithmetic, kPoseidon2 };
inline constexpr size_t kComponentKinds = 3;
std::string_view ComponentKindName(ComponentKind kind);  // "values", "arithmetic", "poseidon2"

// The component sizes (log rows per component kind, ComponentKind's order) that every outer proof
// of a class has: outer proofs of different models then have one shape, so one size and one
// verifier cost.
struct SizeClass {
  std::string_view name;
  std::array<uint32_t, kComponentKinds> log_rows;

  // Each component's (kind, log size), in order: what a shape of the class holds.
  std::vector<std::pair<ComponentKind, uint32_t>> Components() const;
};
// Holds the verifier circuits of the examples up to fashion_lenet's (docs/recursion.md).
const SizeClass& StandardSizeClass();

// How the Poseidon2 gates are laid out: a gate a row (510 columns, the fastest to prove: the
// outer proof's) or a round a row (49 columns and 32 rows a gate, poseidon2_round_gates.h: the
// narrow AIR of a proof a Cairo contract verifies, whose cost is per column).
enum class Poseidon2Layout : uint32_t { kRow = 0, kRounds = 1 };

class RecursionAir {
 public:
  // A public input: the wire it writes and how many gates read it.
  struct PublicWire {
    WireId id = 0;
    uint32_t uses = 0;
    bool operator==(const PublicWire&) const = default;
  };
  // What the outer verifier needs of the AIR beyond its preprocessed root: each component's kind
  // and log size, in order, and the public inputs. Small, so a verifying key can be cached
  // without the circuit.
  struct Shape {
    Poseidon2Layout poseidon2_layout = Poseidon2Layout::kRow;
    std::vector<std::pair<ComponentKind, uint32_t>> components;
    std::vector<PublicWire> public_inputs;

    // As words (the layout, the component count, each (kind, log size), the public input count,
    // each (wire, reads)), and back: nullopt unless the words are a shape Make gives (a layout,
    // components of kinds in ComponentKind order, sizes a component can have, wires and reads
    // that are M31s).
    std::vector<uint32_t> ToWords() const;
    static std::optional<Shape> FromWords(std::span<const uint32_t> words);
    bool operator==(const Shape&) const = default;
  };

  // The AIR of `circuit` with its components at the class's sizes, or a one-line error if the
  // circuit needs more rows of a component than the class has; without a class, each component as
  // small as its gates allow (none for a kind without gates). The class's sizes count rows, of
  // the layout's.
  static std::variant<RecursionAir, std::string> Make(
      Circuit circuit, const SizeClass* size_class = nullptr,
      Poseidon2Layout poseidon2_layout = Poseidon2Layout::kRow);

  // The AIR of a shape, for verifying only: its components have no data, and there is no circuit
  // to generate a witness for.
  static RecursionAir ForVerifying(const Shape& shape);

  Shape shape() const;
  // Empty for an AIR made for verifying.
  const Circuit& circuit() const { return circuit_; }

  std::vector<const air::Component*> components() const;
  // How many of each component's rows hold a gate (the rest are padding), in the same order.
  std::vector<size_t> GateRows() const;
  size_t n_public_inputs() const { return public_wires_.size(); }
  // The public inputs' writes to the wire relation, as functions of the statement.
  std::vector<air::PublicLogupTermShape> PublicTermShapes() const;

  struct Witness {
    std::vector<std::vector<std::vector<field::M31>>> traces;  // [component][column][row]
    std::vector<field::M31> public_inputs;
  };
  // The traces of the circuit's wire values (CircuitBuilder::values() of a build with values).
  Witness GenerateWitness(std::span<const field::QM31> wire_values) const;

 private:
  RecursionAir(Circuit circuit, Poseidon2Layout poseidon2_layout)
      : circuit_(std::move(circuit)), poseidon2_layout_(poseidon2_layout) {}

  struct Part {
    std::unique_ptr<air::Component> component;
    ComponentKind kind;
    std::vector<size_t> gates;  // the circuit's gates, in the component's rows
  };

  Circuit circuit_;
  Poseidon2Layout poseidon2_layout_;
  std::vector<PublicWire> public_wires_;  // in the statement's order
  std::vector<Part> parts_;
};

}  // namespace tensorstark::recursion
