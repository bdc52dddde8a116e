#include "recursion/deep_quotients.h"

#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// PrepareBatch's operations on wires; each wire taken apart once.
class WireOps {
 public:
  explicit WireOps(CircuitBuilder& builder) : builder_(&builder) {}

  Wire Conj(Wire v) const {
    const std::array<Wire, 4>& c = Coordinates(v);
    return FromCoordinates({c[0], c[1], -c[2], -c[3]});
  }
  Wire Lo(Wire v) const {
    const std::array<Wire, 4>& c = Coordinates(v);
    return FromCoordinates({c[0], c[1], Zero(), Zero()});
  }
  Wire Hi(Wire v) const {
    const std::array<Wire, 4>& c = Coordinates(v);
    return FromCoordinates({c[2], c[3], Zero(), Zero()});
  }
  Wire Zero() const { return builder_->Constant(QM31::Zero()); }
  Wire One() const { return builder_->Constant(QM31::One()); }

 private:
  const std::array<Wire, 4>& Coordinates(Wire v) const {
    auto it = coordinates_.find(v.id());
    if (it != coordinates_.end()) return it->second;
    const GuessedQM31 guessed =
        GuessQM31(*builder_, builder_->with_values() ? v.value() : QM31::Zero());
    builder_->AssertEqual(guessed.value, v, "a QM31 taken apart");
    return coordinates_.emplace(v.id(), guessed.coordinates).first->second;
  }

  CircuitBuilder* builder_;
  mutable std::map<WireId, std::array<Wire, 4>> coordinates_;
};

}  // namespace

void AssertOutsideCM31(CircuitBuilder& builder, Wire y, std::string_view what) {
  InverseOf(WireOps(builder).Hi(y), what);
}

std::vector<BatchWires> PrepareBatches(CircuitBuilder& builder,
                                       std::span<const SampleBatchWires> batches,
                                       Wire random_coeff) {
  const WireOps ops(builder);
  std::vector<BatchWires> prepared;
  for (const SampleBatchWires& batch : batches) {
    prepared.push_back(fri::PrepareBatch<Wire, Wire>(
        ops, batch.x, batch.y, std::span(batch.columns_and_values), random_coeff));
  }
  return prepared;
}

Wire CombinedQuotientAt(const PointWires& point, std::span<const Wire> column_values,
                        std::span<const BatchWires> batches) {
  CircuitBuilder& builder = point.x.builder();
  return fri::CombinedQuotientAt(builder.Constant(QM31::Zero()), point.x, point.y, column_values,
                                 batches,
                                 [](Wire den) { return InverseOf(den, "a DEEP denominator"); });
}

}  // namespace tensorstark::recursion
