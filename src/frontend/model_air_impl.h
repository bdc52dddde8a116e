// ModelAir's lowering state (model_air.h), shared by model_air.cc (the statement, the digests,
// private inputs and weights, lookups and max) and model_air_linear.cc (the linear components and
// their weight tables). Not part of the frontend's interface.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "air/component.h"
#include "air/linear_component.h"
#include "air/lookup_bound.h"
#include "air/weight_packing.h"
#include "field/m31.h"
#include "frontend/frontend_error.h"
#include "frontend/linear_plan.h"
#include "frontend/model_air.h"
#include "frontend/statement_layout.h"

namespace tensorstark::frontend {

// A column in coset row order, moved to storage order (bit-reversed circle domain order).
std::vector<field::M31> ToStorageOrder(std::vector<field::M31> column);

// The limb columns of a range check (air::RangeCheck16) at trace[col] and trace[col + 1], counted
// in the limb table's multiplicities. A value outside [0, 2^16) (a cheating prover's) still gets
// limbs that satisfy the decomposition, with the high limb outside the table: the LogUp sums
// reject it.
void PutRangeCheck(std::vector<std::vector<field::M31>>& trace, size_t col, size_t row, int64_t v,
                   std::vector<uint32_t>& counts);

struct ModelAir::Impl {
  using M31 = field::M31;
  using LinearComponentShape = air::LinearComponentShape;

  // A component's main trace from a run, in storage order; the range checks it makes are counted
  // into range_counts (limb multiplicities, indexed by limb).
  using TraceBuilder = std::function<std::vector<std::vector<M31>>(
      const QuantizedRun& run, const RescaleHook& hook, std::vector<uint32_t>& range_counts)>;

  using StatedPart = StatementLayout::Part;

  const QuantizedModel& model;
  // Lowered for proving (ModelAir::Use): the components' data columns' values and the private
  // weights' reads are built only then.
  bool with_data = true;
  StatementLayout statement;
  std::vector<int64_t> base;  // address of element 0 of each tensor
  // Per tensor element: its reads, the statement's and the digests' included.
  std::vector<std::vector<int64_t>> reads;
  // Private weights: each MatMul, Gemm and Conv component's weights, then its bias, at
  // consecutive addresses from weights_base on, their reads, and their digest (a verifying
  // model's, or computed from them once all are known).
  bool private_weights = false;
  int64_t weights_base = 0;
  std::vector<int64_t> weight_values;
  std::vector<int64_t> weight_reads;
  // Which weight_values may share a word of the digest, of how many bits, and the words
  // (air/weight_packing.h).
  std::vector<bool> weight_packable;
  uint32_t weight_part_bits = 0;
  std::vector<air::WeightWord> weight_words;
  std::array<M31, 8> weights_digest{};
  std::vector<std::unique_ptr<air::Component>> components;
  // Per row of a weight table, per slot: an index of weight_values, or -1 (nothing).
  using WeightTableRows = std::vector<std::vector<int64_t>>;
  std::vector<TraceBuilder> trace_builders;  // per component but the last (the range table)
  uint32_t next_data_column = 0;
  uint32_t next_table = 0;

  Impl(const QuantizedModel& m, bool with_data);

  // An element's reads are its producer's LogUp multiplicity, which must stay far below p
  // (air/lookup_bound.h): a count of 2^30 or more is refused.
  static void CheckReads(const std::vector<int64_t>& counts, const std::string& tensor) {
    const auto most = std::max_element(counts.begin(), counts.end());
    if (most != counts.end() && *most >= static_cast<int64_t>(air::kMaxRelationMultiplicity)) {
      throw FrontendError(fmt::format(
          "an element of {} is read {} times, more than LogUp's bound (2^30 - 1)", tensor, *most));
    }
  }

  void Count(const ElementRef& ref, int64_t times = 1) {
    if (ref.tensor == ElementRef::kLiteral) return;
    if (model.tensor(ref.tensor).kind == QTensor::Kind::kConstant) {
      throw FrontendError(fmt::format("the prover does not look up constant tensors ('{}')",
                                      model.tensor(ref.tensor).name));
    }
    reads[ref.tensor][ref.index] += times;
  }

  M31 Address(TensorId tensor, int64_t index) const {
    return M31::FromCanonical(static_cast<uint32_t>(base[tensor] + index));
  }

  // The next `count` data column indices.
  uint32_t AllocateDataColumns(uint32_t count) {
    next_data_column += count;
    return next_data_column - count;
  }

  // A MatMul, Gemm or Conv operator's component (air/linear_component.h), or a product's, from
  // its plan; with weights_private its weights and bias join weight_values, and where its rows
  // repeat them a weight table holds them (model_air_linear.cc).
  void AddLinear(LinearPlan op, bool weights_private);

  // The weight table of a linear component (air/weight_table_component.h): its rows, each weight
  // and bias read once per row that holds it. Within a row, w_{d,n} is row_pitch·d + n values
  // after w_{0,0} and b_n n after b_0 (the plan's weights are k-major: linear_plan.h).
  void AddWeightTable(const LinearComponentShape& linear, uint32_t row_pitch,
                      std::shared_ptr<const WeightTableRows> rows);

  // A linear operator's private weights join weight_values, packable when the model says they
  // fit in at most air::kMaxPackedWeightBits bits (a model file saying so wrongly is refused).
  void AddPackableWeights(const LinearPlan& op);

  // Private value `index` of weight_values, or 0 for -1 (a weight table's empty slot).
  M31 WeightValue(int64_t index) const {
    return index < 0 ? M31() : M31::FromSigned(weight_values[index]);
  }

  // A committed tensor's or a link's Poseidon2 digest, stated at part.first
  // (air/poseidon2_sponge.h).
  void AddDigest(const StatedPart& part);

  // Whether an input is yielded by the trace (AddPrivateInputs): a private or committed one, a
  // slice's link tensor or salt.
  bool IsPrivateInput(TensorId id) const;

  // The model inputs kept out of the statement (private or committed): their values in the
  // trace, range-checked (air/private_values_component.h). The inputs of one range share
  // components of at most kPrivateValuesPartRows rows: an input is read whole wherever the model
  // starts (an image, a slice's link), and one component of its size would set the size of every
  // FRI layer and Merkle tree of the proof, and under zero knowledge its composition's; a
  // component per tensor would make a slice whose link carries many tensors wide. Called after
  // the operators' components, whose largest size the shared components do not exceed.
  void AddPrivateInputs();
  // Elements [begin, end) of tensor `id`.
  struct ValuesSegment {
    TensorId id;
    int64_t begin = 0, end = 0;
  };
  // One component of the segments' values, each in [-2^bound_bits, 2^bound_bits).
  void AddPrivateValues(uint32_t bound_bits, std::vector<ValuesSegment> segments);
  static constexpr int64_t kPrivateValuesPartRows = int64_t{1} << 16;

  // The private weights (linear_component.h, air/weight_table_component.h): the sponge whose
  // digest the AIR fixes holds them in its trace and yields each with its reads, so the model
  // commitment binds the values the operators use.
  void AddPrivateWeights();
  // Whether packing the weights three to a word keeps the AIR's largest component size.
  bool PackingKeepsLargestSize() const;

  // The address of private weight `index` (of weight_values).
  M31 WeightAddress(int64_t index) const {
    return M31::FromCanonical(static_cast<uint32_t>(weights_base + index));
  }

  // The digest of the private weights: a verifying model's, or computed from the weights.
  std::array<M31, 8> DigestOfWeights() const;

  // A function's lookups of its elements in a table (air/lookup_component.h).
  void AddLookup(const LookupOp& op);

  // A maximum over windows, with its selectors (air/max_component.h).
  void AddMax(const ReduceOp& op);

  // The main trace of a linear component (coset row order until the end) and its range checks.
  std::vector<std::vector<M31>> LinearTrace(
      const LinearPlan& op, const LinearComponentShape& shape, const WeightTableRows& table,
      const QuantizedRun& run, const std::function<void(int64_t, int64_t&, int64_t&)>& rescale,
      std::vector<uint32_t>& range_counts) const;
};

}  // namespace tensorstark::frontend
