#include "recursion/composition_circuit.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

#include "air/expr.h"
#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {
namespace {

using air::Expr;
using air::ExprVariable;
using field::M31;
using field::QM31;

// Evaluates one component's constraint trees over wires, each shared node once.
class ExprWires {
 public:
  ExprWires(CircuitBuilder& builder, const air::ComponentInfo& info,
            const std::array<std::vector<std::vector<Wire>>, 3>& mask,
            std::span<const Wire> public_inputs, const LookupElementWiresMap& elements,
            Wire claimed_sum)
      : builder_(builder),
        info_(info),
        mask_(mask),
        public_inputs_(public_inputs),
        elements_(elements),
        claimed_sum_(claimed_sum) {}

  Wire Eval(const Expr& expr) {
    if (auto it = done_.find(expr.id()); it != done_.end()) return it->second;
    const std::span<const Expr> in = expr.operands();
    Wire result;
    switch (expr.op()) {
      case Expr::Op::kConstant:
        result = builder_.Constant(expr.constant());
        break;
      case Expr::Op::kVariable:
        result = Variable(expr.variable());
        break;
      case Expr::Op::kAdd:
        result = Eval(in[0]) + Eval(in[1]);
        break;
      case Expr::Op::kSub:
        result = Eval(in[0]) - Eval(in[1]);
        break;
      case Expr::Op::kMul:
        result = Eval(in[0]) * Eval(in[1]);
        break;
      case Expr::Op::kNeg:
        result = -Eval(in[0]);
        break;
      case Expr::Op::kCombine:
        result = FromCoordinates({Eval(in[0]), Eval(in[1]), Eval(in[2]), Eval(in[3])});
        break;
    }
    done_.emplace(expr.id(), result);
    return result;
  }

 private:
  Wire Variable(const ExprVariable& v) const {
    using Kind = ExprVariable::Kind;
    switch (v.kind) {
      case Kind::kTrace:
      case Kind::kInteraction: {
        const bool trace = v.kind == Kind::kTrace;
        const std::vector<int>& offsets =
            (trace ? info_.trace_offsets : info_.interaction_offsets)[v.index];
        const size_t sample = static_cast<size_t>(
            std::find(offsets.begin(), offsets.end(), v.offset) - offsets.begin());
        assert(sample < offsets.size());
        return mask_[trace ? air::kTraceTree : air::kInteractionTree][v.index][sample];
      }
      case Kind::kPreprocessed: {
        const auto& columns = info_.preprocessed_columns;
        const size_t j = static_cast<size_t>(
            std::find(columns.begin(), columns.end(), v.preprocessed) - columns.begin());
        assert(j < columns.size());
        return mask_[air::kPreprocessedTree][j][0];
      }
      case Kind::kPublicInput:
        return public_inputs_[v.index];
      case Kind::kLookupZ:
        return elements_.find(v.relation)->second.z;
      case Kind::kLookupAlphaPower:
        return elements_.find(v.relation)->second.alpha_powers[v.index];
      case Kind::kClaimedSum:
        return claimed_sum_;
    }
    assert(false && "unknown variable kind");
    return claimed_sum_;
  }

  CircuitBuilder& builder_;
  const air::ComponentInfo& info_;
  const std::array<std::vector<std::vector<Wire>>, 3>& mask_;
  std::span<const Wire> public_inputs_;
  const LookupElementWiresMap& elements_;
  Wire claimed_sum_;
  std::unordered_map<const void*, Wire> done_;
};

}  // namespace

Wire CompositionAtPoint(std::span<const air::Component* const> components,
                        const air::AirLayout& layout, const SampledValueWires& sampled_values,
                        Wire point_x, Wire random_coeff, std::span<const Wire> public_inputs,
                        const LookupElementWiresMap& elements, std::span<const Wire> claimed_sums) {
  CircuitBuilder& builder = point_x.builder();
  Wire acc = builder.Constant(QM31::Zero());
  for (size_t i = 0; i < components.size(); ++i) {
    const air::ComponentLayout& component = layout.components[i];
    // circle::CanonicVanishing: π applied log_size - 1 times to x, π(x) = 2x² - 1.
    Wire vanishing = point_x;
    for (uint32_t k = 1; k < component.log_size; ++k) {
      vanishing = vanishing * vanishing * M31::FromCanonical(2) - QM31(M31::One());
    }
    const Wire denom_inv =
        InverseOf(vanishing, "a vanishing polynomial at the out-of-domain point");
    const auto mask = air::ComponentMaskOf<Wire>(layout, i, sampled_values);
    ExprWires exprs(builder, component.info, mask, public_inputs, elements, claimed_sums[i]);
    for (const Expr& constraint : components[i]->Constraints()) {
      acc = acc * random_coeff + exprs.Eval(constraint) * denom_inv;
    }
  }
  return acc;
}

}  // namespace tensorstark::recursion
