#include "recursion/recursion_air.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <string>

#include "air/framework.h"
#include "air/layout.h"
#include "circle/bit_reverse.h"
#include "recursion/gate_components.h"
#include "recursion/poseidon2_gate_component.h"
#include "recursion/poseidon2_round_gates.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

M31 Word(uint32_t v) { return M31::FromCanonical(v); }

uint32_t LogRows(size_t rows) {
  return std::max<uint32_t>(air::kMinComponentLogSize,
                            static_cast<uint32_t>(std::bit_width(rows > 1 ? rows - 1 : 0)));
}

uint32_t DataColumnsOf(ComponentKind kind, Poseidon2Layout layout) {
  switch (kind) {
    case ComponentKind::kValues:
      return ValueGates::kDataColumns;
    case ComponentKind::kArithmetic:
      return ArithmeticGates::kDataColumns;
    case ComponentKind::kPoseidon2:
      return layout == Poseidon2Layout::kRow ? Poseidon2Gates::kDataColumns
                                             : Poseidon2RoundGates::kDataColumns;
  }
  return 0;
}

// The rows a gate takes.
size_t RowsPerGate(ComponentKind kind, Poseidon2Layout layout) {
  return kind == ComponentKind::kPoseidon2 && layout == Poseidon2Layout::kRounds
             ? air::kPoseidon2BlockRows
             : 1;
}

// The log sizes of a component's data columns: the component's, but the round layout's columns
// one block long.
std::vector<uint32_t> DataLogSizes(ComponentKind kind, Poseidon2Layout layout, uint32_t log_size) {
  std::vector<uint32_t> sizes(DataColumnsOf(kind, layout), log_size);
  if (RowsPerGate(kind, layout) > 1) {
    std::fill(sizes.begin() + Poseidon2RoundGates::kFullDataColumns, sizes.end(),
              static_cast<uint32_t>(std::countr_zero(air::kPoseidon2BlockRows)));
  }
  return sizes;
}

// The component of a gate kind's gates (nullopt for public inputs, which have none).
std::optional<ComponentKind> ComponentOf(GateKind kind) {
  switch (kind) {
    case GateKind::kConstant:
    case GateKind::kGuess:
    case GateKind::kAssertEqual:
      return ComponentKind::kValues;
    case GateKind::kAdd:
    case GateKind::kSub:
    case GateKind::kMul:
      return ComponentKind::kArithmetic;
    case GateKind::kPoseidon2:
      return ComponentKind::kPoseidon2;
    case GateKind::kPublicInput:
      break;
  }
  return std::nullopt;
}

// The component of a kind, from its data columns or (for verifying) their sizes.
template <class Data>
std::unique_ptr<air::Component> MakeComponent(ComponentKind kind, Poseidon2Layout layout,
                                              uint32_t log_size, uint32_t first_data_column,
                                              Data data) {
  const std::string name = "recursion_" + std::string(ComponentKindName(kind));
  switch (kind) {
    case ComponentKind::kValues:
      return std::make_unique<air::FrameworkComponent<ValueGates>>(
          ValueGates(name, log_size, first_data_column, std::move(data)));
    case ComponentKind::kArithmetic:
      return std::make_unique<air::FrameworkComponent<ArithmeticGates>>(
          ArithmeticGates(name, log_size, first_data_column, std::move(data)));
    case ComponentKind::kPoseidon2:
      if (layout == Poseidon2Layout::kRounds) {
        return std::make_unique<air::FrameworkComponent<Poseidon2RoundGates>>(
            Poseidon2RoundGates(name, log_size, first_data_column, std::move(data)));
      }
      return std::make_unique<air::FrameworkComponent<Poseidon2Gates>>(
          Poseidon2Gates(name, log_size, first_data_column, std::move(data)));
  }
  return nullptr;
}

}  // namespace

std::string_view ComponentKindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kValues:
      return "values";
    case ComponentKind::kArithmetic:
      return "arithmetic";
    case ComponentKind::kPoseidon2:
      return "poseidon2";
  }
  return "?";
}

std::vector<std::pair<ComponentKind, uint32_t>> SizeClass::Components() const {
  std::vector<std::pair<ComponentKind, uint32_t>> components;
  for (size_t k = 0; k < kComponentKinds; ++k) {
    components.emplace_back(static_cast<ComponentKind>(k), log_rows[k]);
  }
  return components;
}

const SizeClass& StandardSizeClass() {
  // values, arithmetic, Poseidon2.
  static const SizeClass kStandard = {"standard", {18, 20, 14}};
  return kStandard;
}

std::variant<RecursionAir, std::string> RecursionAir::Make(Circuit circuit_to_prove,
                                                           const SizeClass* size_class,
                                                           Poseidon2Layout poseidon2_layout) {
  RecursionAir air(std::move(circuit_to_prove), poseidon2_layout);
  const Circuit& circuit = air.circuit_;
  std::vector<uint32_t> uses(circuit.n_wires, 0);  // per wire: the gates that read it
  for (WireId w : circuit.operands) ++uses[w];
  // Each component's gates, in circuit order.
  std::array<std::vector<size_t>, kComponentKinds> gates_of_component;
  for (size_t g = 0; g < circuit.gates.size(); ++g) {
    const GateKind kind = circuit.gates[g].kind;
    if (const std::optional<ComponentKind> component = ComponentOf(kind)) {
      gates_of_component[static_cast<size_t>(*component)].push_back(g);
    } else {
      const WireId id = circuit.gates[g].out;
      air.public_wires_.push_back({id, uses[id]});
    }
  }

  uint32_t first_data_column = 0;
  for (size_t k = 0; k < kComponentKinds; ++k) {
    const ComponentKind kind = static_cast<ComponentKind>(k);
    std::vector<size_t>& gates = gates_of_component[k];
    const size_t rows_per_gate = RowsPerGate(kind, poseidon2_layout);
    uint32_t log_size = LogRows(gates.size() * rows_per_gate);
    if (size_class) {
      const uint32_t class_rows = size_class->log_rows[k];
      if (log_size > class_rows) {
        return fmt::format(
            "the verifier circuit has {} {} gates{}, more than the {} size class's 2^{} rows",
            gates.size(), ComponentKindName(kind),
            rows_per_gate > 1 ? fmt::format(" of {} rows", rows_per_gate) : "", size_class->name,
            class_rows);
      }
      log_size = class_rows;
    } else if (gates.empty()) {
      continue;
    }
    const size_t rows = size_t{1} << log_size;
    auto data = std::make_shared<air::DataColumns>();
    data->reserve(DataColumnsOf(kind, poseidon2_layout));  // column() hands out references into it
    auto column = [&]() -> std::vector<M31>& { return data->emplace_back(rows); };
    auto in = [&](size_t g, size_t i) {
      return Word(circuit.operands[circuit.gates[g].in_begin + i]);
    };
    const M31 minus_one = -M31::One();
    switch (kind) {
      case ComponentKind::kValues: {
        auto &id = column(), &reads = column(), &id2 = column(), &reads2 = column();
        std::array<std::vector<M31>*, 4> c = {&column(), &column(), &column(), &column()};
        auto &is_constant = column(), &is_m31 = column(), &is_bit = column();
        for (size_t r = 0; r < gates.size(); ++r) {
          const Gate& gate = circuit.gates[gates[r]];
          if (gate.kind == GateKind::kAssertEqual) {
            id[r] = in(gates[r], 0);
            id2[r] = in(gates[r], 1);
            reads[r] = reads2[r] = minus_one;  // each id read once
            continue;
          }
          id[r] = Word(gate.out);
          reads[r] = Word(uses[gate.out]);
          if (gate.kind == GateKind::kConstant) {
            const std::array<M31, 4> coordinates = gate.constant.ToM31Array();
            for (size_t j = 0; j < 4; ++j) (*c[j])[r] = coordinates[j];
            is_constant[r] = M31::One();
          } else {
            is_m31[r] = Word(gate.type == ValueType::kM31);
            is_bit[r] = Word(gate.type == ValueType::kBit);
          }
        }
        break;
      }
      case ComponentKind::kArithmetic: {
        auto &a = column(), &b = column(), &out = column(), &reads = column(), &s = column(),
             &m = column();
        for (size_t r = 0; r < gates.size(); ++r) {
          const Gate& gate = circuit.gates[gates[r]];
          a[r] = in(gates[r], 0);
          b[r] = in(gates[r], 1);
          out[r] = Word(gate.out);
          reads[r] = Word(uses[gate.out]);
          if (gate.kind == GateKind::kMul) {
            m[r] = M31::One();
          } else {
            s[r] = gate.kind == GateKind::kAdd ? M31::One() : minus_one;
          }
        }
        break;
      }
      case ComponentKind::kPoseidon2: {
        constexpr size_t kWidth = hash::kPoseidon2Width;
        if (poseidon2_layout == Poseidon2Layout::kRounds) {
          std::vector<Poseidon2RoundGates::Gate> round_gates;
          for (const size_t g : gates) {
            Poseidon2RoundGates::Gate& gate = round_gates.emplace_back();
            gate.first_output = circuit.gates[g].out;
            for (size_t i = 0; i < kWidth; ++i) {
              gate.inputs[i] = circuit.operands[circuit.gates[g].in_begin + i];
              gate.output_reads[i] = uses[gate.first_output + i];
            }
          }
          *data = Poseidon2RoundGates::DataOf(round_gates, rows);
          break;
        }
        std::vector<std::vector<M31>*> inputs, outputs, reads;
        for (size_t i = 0; i < kWidth; ++i) inputs.push_back(&column());
        for (size_t i = 0; i < kWidth; ++i) outputs.push_back(&column());
        for (size_t i = 0; i < kWidth; ++i) reads.push_back(&column());
        std::vector<M31>& enabled = column();
        for (size_t r = 0; r < gates.size(); ++r) {
          const Gate& gate = circuit.gates[gates[r]];
          for (size_t i = 0; i < kWidth; ++i) {
            (*inputs[i])[r] = in(gates[r], i);
            (*outputs[i])[r] = Word(gate.out + static_cast<uint32_t>(i));
            (*reads[i])[r] = Word(uses[gate.out + i]);
          }
          enabled[r] = M31::One();
        }
        break;
      }
    }
    assert(data->size() == DataColumnsOf(kind, poseidon2_layout));
    air.parts_.push_back(
        {MakeComponent(kind, poseidon2_layout, log_size, first_data_column, std::move(data)), kind,
         std::move(gates)});
    first_data_column += DataColumnsOf(kind, poseidon2_layout);
  }
  return air;
}

RecursionAir RecursionAir::ForVerifying(const Shape& shape) {
  const Poseidon2Layout layout = shape.poseidon2_layout;
  RecursionAir air{Circuit{}, layout};
  air.public_wires_ = shape.public_inputs;
  uint32_t first_data_column = 0;
  for (const auto& [kind, log_size] : shape.components) {
    const uint32_t n_data = DataColumnsOf(kind, layout);
    assert(n_data > 0);  // a kind with a component
    air.parts_.push_back({MakeComponent(kind, layout, log_size, first_data_column,
                                        DataLogSizes(kind, layout, log_size)),
                          kind,
                          {}});
    first_data_column += n_data;
  }
  return air;
}

std::vector<uint32_t> RecursionAir::Shape::ToWords() const {
  std::vector<uint32_t> words = {static_cast<uint32_t>(poseidon2_layout),
                                 static_cast<uint32_t>(components.size())};
  for (const auto& [kind, log_size] : components) {
    words.insert(words.end(), {static_cast<uint32_t>(kind), log_size});
  }
  words.push_back(static_cast<uint32_t>(public_inputs.size()));
  for (const PublicWire& wire : public_inputs) words.insert(words.end(), {wire.id, wire.uses});
  return words;
}

std::optional<RecursionAir::Shape> RecursionAir::Shape::FromWords(std::span<const uint32_t> words) {
  size_t at = 0;
  // The next count of pairs, if that many follow.
  auto pairs = [&]() -> std::optional<size_t> {
    if (at >= words.size() || (words.size() - at - 1) / 2 < words[at]) return std::nullopt;
    return words[at++];
  };
  Shape shape;
  if (words.empty() || words[0] > static_cast<uint32_t>(Poseidon2Layout::kRounds)) {
    return std::nullopt;
  }
  shape.poseidon2_layout = static_cast<Poseidon2Layout>(words[at++]);
  const std::optional<size_t> n_components = pairs();
  if (!n_components) return std::nullopt;
  for (size_t i = 0; i < *n_components; ++i, at += 2) {
    const uint32_t kind = words[at], log_size = words[at + 1];
    const bool in_order =
        shape.components.empty() || kind > static_cast<uint32_t>(shape.components.back().first);
    if (kind >= kComponentKinds || !in_order || log_size < air::kMinComponentLogSize ||
        log_size > air::kMaxComponentLogSize ||
        (size_t{1} << log_size) <
            RowsPerGate(static_cast<ComponentKind>(kind), shape.poseidon2_layout)) {
      return std::nullopt;
    }
    shape.components.emplace_back(static_cast<ComponentKind>(kind), log_size);
  }
  const std::optional<size_t> n_public = pairs();
  if (!n_public) return std::nullopt;
  for (size_t i = 0; i < *n_public; ++i, at += 2) {
    if (words[at] >= field::kP || words[at + 1] >= field::kP) return std::nullopt;
    shape.public_inputs.push_back({words[at], words[at + 1]});
  }
  if (at != words.size()) return std::nullopt;
  return shape;
}

RecursionAir::Shape RecursionAir::shape() const {
  Shape shape{.poseidon2_layout = poseidon2_layout_, .components = {}, .public_inputs = public_wires_};
  for (const Part& part : parts_)
    shape.components.emplace_back(part.kind, part.component->log_size());
  return shape;
}

std::vector<const air::Component*> RecursionAir::components() const {
  std::vector<const air::Component*> components;
  for (const Part& part : parts_) components.push_back(part.component.get());
  return components;
}

std::vector<size_t> RecursionAir::GateRows() const {
  std::vector<size_t> rows;
  for (const Part& part : parts_) {
    rows.push_back(part.gates.size() * RowsPerGate(part.kind, poseidon2_layout_));
  }
  return rows;
}

std::vector<air::PublicLogupTermShape> RecursionAir::PublicTermShapes() const {
  std::vector<air::PublicLogupTermShape> shapes;
  for (size_t i = 0; i < public_wires_.size(); ++i) {
    const auto [id, uses] = public_wires_[i];
    shapes.push_back(
        {WireRelation().name, {Word(id), air::PublicInputRef{i}, M31(), M31(), M31()}, Word(uses)});
  }
  return shapes;
}

RecursionAir::Witness RecursionAir::GenerateWitness(std::span<const QM31> wire_values) const {
  assert(wire_values.size() == circuit_.n_wires);
  Witness witness;
  for (const PublicWire& wire : public_wires_) {
    witness.public_inputs.push_back(wire_values[wire.id].c0.a);
  }
  for (const Part& part : parts_) {
    const size_t rows = size_t{1} << part.component->log_size();
    std::vector<std::vector<M31>>& trace = witness.traces.emplace_back();
    auto put_qm31 = [&](size_t column, size_t r, QM31 v) {
      const std::array<M31, 4> coordinates = v.ToM31Array();
      for (size_t k = 0; k < 4; ++k) trace[column + k][r] = coordinates[k];
    };
    auto in = [&](const Gate& gate, size_t i) {
      return wire_values[circuit_.operands[gate.in_begin + i]];
    };
    if (part.kind == ComponentKind::kPoseidon2 && poseidon2_layout_ == Poseidon2Layout::kRounds) {
      trace.assign(Poseidon2RoundGates::kTraceColumns, std::vector<M31>(rows));
      for (size_t g = 0; g < rows / air::kPoseidon2BlockRows; ++g) {
        hash::Poseidon2State input{};
        if (g < part.gates.size()) {
          const Gate& gate = circuit_.gates[part.gates[g]];
          for (size_t i = 0; i < input.size(); ++i) input[i] = in(gate, i).c0.a;
        }
        Poseidon2RoundGates::WriteBlock(input, trace, g * air::kPoseidon2BlockRows);
      }
      continue;
    }
    if (part.kind == ComponentKind::kPoseidon2) {
      trace.assign(kPoseidon2GateColumns, std::vector<M31>(rows));
      for (size_t r = 0; r < rows; ++r) {
        hash::Poseidon2State input{};
        if (r < part.gates.size()) {
          const Gate& gate = circuit_.gates[part.gates[r]];
          for (size_t i = 0; i < input.size(); ++i) input[i] = in(gate, i).c0.a;
        }
        const std::vector<M31> row = Poseidon2GateRow(input);
        for (size_t c = 0; c < row.size(); ++c) trace[c][r] = row[c];
      }
      continue;
    }
    if (part.kind == ComponentKind::kArithmetic) {
      trace.assign(ArithmeticGates::kTraceColumns, std::vector<M31>(rows));
      for (size_t r = 0; r < part.gates.size(); ++r) {
        const Gate& gate = circuit_.gates[part.gates[r]];
        put_qm31(0, r, in(gate, 0));
        put_qm31(4, r, in(gate, 1));
        put_qm31(8, r, wire_values[gate.out]);
      }
      continue;
    }
    trace.assign(ValueGates::kTraceColumns, std::vector<M31>(rows));
    for (size_t r = 0; r < part.gates.size(); ++r) {
      const Gate& gate = circuit_.gates[part.gates[r]];
      // An assertion's value is that of its first operand; the relation checks the second.
      put_qm31(0, r, gate.kind == GateKind::kAssertEqual ? in(gate, 0) : wire_values[gate.out]);
    }
  }
  // Rows in coset order, as the data columns; traces are stored bit-reversed (air/component.h).
  for (auto& trace : witness.traces) {
    for (std::vector<M31>& column : trace) {
      circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(column));
    }
  }
  return witness;
}

}  // namespace tensorstark::recursion
