#include "frontend/model_air.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "air/framework.h"
#include "air/layout.h"
#include "air/lookup_bound.h"
#include "air/lookup_component.h"
#include "air/max_component.h"
#include "air/model_relations.h"
#include "air/poseidon2_sponge.h"
#include "air/private_values_component.h"
#include "air/range_table.h"
#include "air/weight_packing.h"
#include "air/weight_part_table.h"
#include "circle/bit_reverse.h"
#include "frontend/context.h"
#include "frontend/frontend_error.h"
#include "frontend/linear_plan.h"
#include "frontend/model_air_impl.h"
#include "hash/blake2s.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::frontend {
namespace {

using air::FrameworkComponent;
using field::M31;

std::vector<M31> ToM31(std::span<const int64_t> values) {
  std::vector<M31> out;
  out.reserve(values.size());
  for (int64_t v : values) out.push_back(M31::FromSigned(v));
  return out;
}

// The values of these tensors of a run, one after another, as a digest absorbs them.
std::vector<M31> StatedValues(const QuantizedRun& run, std::span<const TensorId> tensors) {
  std::vector<M31> values;
  for (TensorId id : tensors) {
    for (int64_t v : run.values[id]) values.push_back(M31::FromSigned(v));
  }
  return values;
}

}  // namespace

std::vector<M31> ToStorageOrder(std::vector<M31> column) {
  circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(column));
  return column;
}

void PutRangeCheck(std::vector<std::vector<M31>>& trace, size_t col, size_t row, int64_t v,
                   std::vector<uint32_t>& counts) {
  constexpr int64_t kLimb = int64_t{1} << air::kRangeLimbBits;
  const int64_t lo = ((v % kLimb) + kLimb) % kLimb;
  const int64_t hi = (v - lo) / kLimb;
  trace[col][row] = M31::FromSigned(lo);
  trace[col + 1][row] = M31::FromSigned(hi);
  ++counts[lo];
  if (hi >= 0 && hi < kLimb) ++counts[hi];
}

namespace {

// A model of several slices has no AIR of its own: each slice has one (frontend/slices.h).
const QuantizedModel& OneSlice(const QuantizedModel& model) {
  if (!model.slice_starts.empty() || !model.slice_weights_digests.empty()) {
    throw FrontendError(fmt::format(
        "'{}' is proved in {} slices, which only prove and verify take so far (docs/pipeline.md)",
        model.source, model.slice_starts.size() + 1));
  }
  return model;
}

}  // namespace

ModelAir::Impl::Impl(const QuantizedModel& m, bool with_data)
    : model(OneSlice(m)),
      with_data(with_data),
      statement(m),
      private_weights(m.weights_visibility == Visibility::kPrivate) {
  int64_t next = 0;
  for (const QTensor& t : model.tensors) {
    base.push_back(next);
    if (t.kind != QTensor::Kind::kConstant) next += t.size();
  }
  if (next >= kMaxTensorElements) throw FrontendError("the model has more than 2^30 elements");
  for (const QTensor& t : model.tensors) {
    reads.emplace_back(t.kind == QTensor::Kind::kConstant ? 0 : t.size(), 0);
  }
  weights_base = next;
  // A public output is read by the verifier's terms, a committed tensor by its digest.
  for (const StatedPart& part : statement.parts()) {
    const bool read = part.is_input ? part.visibility == Visibility::kCommitted
                                    : part.visibility != Visibility::kPrivate;
    for (TensorId id : read ? part.Tensors() : std::vector<TensorId>{}) {
      for (int64_t& r : reads[id]) ++r;
    }
  }
  // Every element's reads are known before any component's data columns are built. The
  // operators' plans are independent (made in parallel: they copy the operators' references).
  std::vector<std::vector<LinearPlan>> plans(model.ops.size());
  tbb::parallel_for(size_t{0}, model.ops.size(), [&](size_t i) {
    plans[i] = PlansOf(model, model.ops[i]);
    for (LinearPlan& plan : plans[i]) {
      FoldConstantInputs(model, plan);
      ChooseRowLayout(plan, model.trace_shape);
    }
  });
  for (size_t i = 0; i < model.ops.size(); ++i) {
    // Each of a group's plan rows reads its operator row's inputs.
    for (const LinearPlan& plan : plans[i]) {
      for (const ElementRef& ref : plan.x) Count(ref, plan.groups);
      for (const ElementRef& ref : plan.y) Count(ref, plan.groups);
    }
    if (plans[i].empty()) {
      for (const ElementRef& ref : DirectInputs(model.ops[i])) Count(ref);
    }
  }
  for (size_t id = 0; id < reads.size(); ++id) {
    CheckReads(reads[id], fmt::format("'{}'", model.tensors[id].name));
  }
  for (size_t i = 0; i < model.ops.size(); ++i) {
    if (!plans[i].empty()) {
      // The private weights are the MatMul, Gemm and Conv operators' (LinearOp).
      const bool weights_private =
          private_weights && std::holds_alternative<LinearOp>(model.ops[i]);
      for (LinearPlan& plan : plans[i]) AddLinear(std::move(plan), weights_private);
    } else if (const auto* op = std::get_if<LookupOp>(&model.ops[i])) {
      AddLookup(*op);
    } else {
      AddMax(std::get<ReduceOp>(model.ops[i]));
    }
  }
  if (weights_base + static_cast<int64_t>(weight_values.size()) >= kMaxTensorElements) {
    throw FrontendError("the model has more than 2^30 elements and weights");
  }
  CheckReads(weight_reads, "the private weights");
  AddPrivateInputs();
  if (weight_part_bits > 0 && !PackingKeepsLargestSize()) {
    std::fill(weight_packable.begin(), weight_packable.end(), false);
    weight_part_bits = 0;
  }
  weight_words = air::PackWeightWords(weight_packable);
  if (private_weights) weights_digest = DigestOfWeights();
  if (!weight_values.empty()) AddPrivateWeights();
  for (const StatedPart& part : statement.parts()) {
    if (part.visibility == Visibility::kCommitted) AddDigest(part);
  }
  components.push_back(
      std::make_unique<FrameworkComponent<air::RangeTable>>(air::RangeTable(air::kRangeLimbBits)));
}

// Packing shrinks the weights' sponge about threefold for a part table of 2^(bits+1) rows: worth
// it unless the table would be the AIR's largest component, whose size every FRI layer and Merkle
// path of a proof follows (tiny_mlp's 46 weights would take a 2^11-row table beside components of
// 2^8 rows at most). Decided from sizes only, as a verifier's lowering has them: the components
// so far, the sponge unpacked and the range table.
bool ModelAir::Impl::PackingKeepsLargestSize() const {
  uint32_t largest =
      std::max(air::kRangeLimbBits, hash::Poseidon2SpongeLogBlocks(weight_values.size()));
  for (const auto& component : components) largest = std::max(largest, component->log_size());
  return air::WeightPartTable::LogSize(weight_part_bits) <= largest;
}

bool ModelAir::Impl::IsPrivateInput(TensorId id) const {
  return model.input_visibility != Visibility::kPublic || model.link_in.has_value() ||
         (model.link_out && id == model.link_out->salt);
}

void ModelAir::Impl::AddDigest(const StatedPart& part) {
  std::vector<M31> addresses;
  for (TensorId id : part.Tensors()) {
    for (int64_t i = 0; i < model.tensor(id).size(); ++i) addresses.push_back(Address(id, i));
  }
  const std::string name = fmt::format("{}digest_{}", part.link ? "link_" : "", components.size());
  const uint32_t first_data_column = AllocateDataColumns(
      air::Poseidon2TensorSponge::DataColumns(air::Poseidon2TensorSponge::Absorb::kRead));
  components.push_back(std::make_unique<FrameworkComponent<air::Poseidon2TensorSponge>>(
      air::Poseidon2TensorSponge(name, addresses, first_data_column, part.first)));
  trace_builders.push_back([tensors = part.Tensors()](const QuantizedRun& run, const RescaleHook&,
                                                      std::vector<uint32_t>&) {
    return air::MakePoseidon2SpongeTrace(StatedValues(run, tensors)).columns;
  });
}

void ModelAir::Impl::AddPrivateInputs() {
  // The private inputs' values, grouped by their range (a component checks one), in order.
  std::vector<std::pair<int, std::vector<ValuesSegment>>> groups;
  for (TensorId id : model.inputs) {
    if (!IsPrivateInput(id)) continue;
    const QTensor& t = model.tensor(id);
    if (t.bound_bits > static_cast<int>(air::kValueBoundBits)) {
      throw FrontendError(
          fmt::format("input '{}' has values up to 2^{}, more than a private or committed "
                      "input can have (2^{})",
                      t.name, t.bound_bits, air::kValueBoundBits));
    }
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g.first == t.bound_bits; });
    if (group == groups.end()) group = groups.insert(groups.end(), {t.bound_bits, {}});
    group->second.push_back({id, 0, t.size()});
  }
  // Each group in components of at most kPrivateValuesPartRows values, and no larger than the
  // AIR's largest component or the group's largest tensor: sharing a component never raises
  // the size every FRI layer and Merkle tree of the proof follows.
  uint32_t largest = air::kRangeLimbBits;  // the range table's
  for (const auto& component : components) largest = std::max(largest, component->log_size());
  for (const auto& [bound_bits, segments] : groups) {
    uint32_t tensor_rows = 0;
    for (const ValuesSegment& segment : segments) {
      tensor_rows = std::max(tensor_rows, LogRows(segment.end - segment.begin));
    }
    const int64_t part_rows =
        std::min(kPrivateValuesPartRows, int64_t{1} << std::max(largest, tensor_rows));
    std::vector<ValuesSegment> part;
    int64_t rows = 0;
    for (ValuesSegment segment : segments) {
      while (segment.begin < segment.end) {
        const int64_t end = std::min(segment.end, segment.begin + part_rows - rows);
        part.push_back({segment.id, segment.begin, end});
        rows += end - segment.begin;
        segment.begin = end;
        if (rows == part_rows) {
          AddPrivateValues(static_cast<uint32_t>(bound_bits), std::exchange(part, {}));
          rows = 0;
        }
      }
    }
    if (rows > 0) AddPrivateValues(static_cast<uint32_t>(bound_bits), std::move(part));
  }
}

void ModelAir::Impl::AddPrivateValues(uint32_t bound_bits, std::vector<ValuesSegment> segments) {
  using Shape = air::PrivateValuesShape;
  int64_t rows = 0;
  for (const ValuesSegment& segment : segments) rows += segment.end - segment.begin;
  Shape shape{fmt::format("input_{}", components.size()), LogRows(rows), bound_bits,
              AllocateDataColumns(Shape::kDataColumns)};
  const std::vector<uint32_t> log_sizes(Shape::kDataColumns, shape.log_size);
  const auto data = air::ComponentData::Zeros(log_sizes, with_data);
  for (size_t row = 0; const auto& [id, begin, end] : segments) {
    for (int64_t i = begin; data && i < end; ++i, ++row) {
      (*data)[0][row] = Address(id, i);
      (*data)[1][row] = M31::FromCanonical(static_cast<uint32_t>(reads[id][i]));
      (*data)[2][row] = M31::One();
    }
  }
  components.push_back(std::make_unique<FrameworkComponent<air::PrivateValuesComponent>>(
      air::PrivateValuesComponent(shape, {log_sizes, data})));
  trace_builders.push_back([segments = std::move(segments), shape](
                               const QuantizedRun& run, const RescaleHook&,
                               std::vector<uint32_t>& range_counts) {
    std::vector<std::vector<M31>> trace(Shape::kTraceColumns,
                                        std::vector<M31>(size_t{1} << shape.log_size));
    const uint32_t bits = shape.bound_bits;
    for (size_t row = 0; const auto& [id, begin, end] : segments) {
      for (int64_t i = begin; i < end; ++i, ++row) {
        const int64_t v = run.values[id][i];
        trace[0][row] = M31::FromSigned(v);
        const int64_t u = v + (int64_t{1} << bits);
        PutRangeCheck(trace, 1, row, u, range_counts);
        PutRangeCheck(trace, 3, row,
                      u + (int64_t{1} << air::kRangeCheckBits) - (int64_t{2} << bits),
                      range_counts);
      }
    }
    for (std::vector<M31>& column : trace) column = ToStorageOrder(std::move(column));
    return trace;
  });
}

void ModelAir::Impl::AddPrivateWeights() {
  using Sponge = air::Poseidon2TensorSponge;
  std::vector<M31> addresses;
  for (size_t i = 0; i < weight_values.size(); ++i) {
    addresses.push_back(WeightAddress(static_cast<int64_t>(i)));
  }
  // A verifier's lowering counts no reads: its sponge has no data columns' values.
  const Sponge::Yielded yielded{
      addresses, with_data ? std::span<const int64_t>(weight_reads) : std::span<const int64_t>(),
      weight_words, weight_part_bits};
  components.push_back(std::make_unique<FrameworkComponent<Sponge>>(
      Sponge(fmt::format("weights_digest_{}", components.size()), yielded,
             AllocateDataColumns(Sponge::DataColumns(Sponge::Absorb::kYield)), weights_digest)));
  trace_builders.push_back([this](const QuantizedRun&, const RescaleHook&, std::vector<uint32_t>&) {
    return air::MakePoseidon2SpongeTrace(
               air::WeightWordValues(weight_words, weight_values, weight_part_bits),
               air::WeightWordEntries(weight_words, weight_values))
        .columns;
  });
  if (weight_part_bits == 0) return;
  components.push_back(std::make_unique<FrameworkComponent<air::WeightPartTable>>(
      air::WeightPartTable(fmt::format("weight_part_table_{}", components.size()), weight_part_bits,
                           AllocateDataColumns(air::WeightPartTable::kDataColumns))));
  trace_builders.push_back([this](const QuantizedRun&, const RescaleHook&, std::vector<uint32_t>&) {
    return std::vector<std::vector<M31>>{
        air::WeightPartCounts(weight_words, weight_values, weight_part_bits)};
  });
}

std::array<M31, 8> ModelAir::Impl::DigestOfWeights() const {
  if (!model.weights_digest) {
    return hash::Poseidon2SpongeDigest(
        air::WeightWordValues(weight_words, weight_values, weight_part_bits));
  }
  std::array<M31, 8> digest;
  for (size_t i = 0; i < digest.size(); ++i) digest[i] = M31::Reduce((*model.weights_digest)[i]);
  return digest;
}

void ModelAir::Impl::AddLookup(const LookupOp& op) {
  const std::string out_name = DescribeTensor(model, op.out);
  const uint32_t table = next_table++;
  const int64_t n = static_cast<int64_t>(op.in.size());
  // The elements, one per row.
  const uint32_t log_size = LogRows(n);
  const std::vector<uint32_t> log_sizes(4, log_size);
  const auto data = air::ComponentData::Zeros(log_sizes, with_data);
  for (int64_t i = 0; data && i < n; ++i) {
    const ElementRef& ref = op.in[i];
    if (ref.tensor == ElementRef::kLiteral) {
      throw FrontendError(
          fmt::format("the prover does not support padding into a lookup ({})", out_name));
    }
    (*data)[0][i] = Address(ref.tensor, ref.index);
    (*data)[1][i] = M31::One();
    (*data)[2][i] = Address(op.out, i);
    (*data)[3][i] = M31::FromCanonical(static_cast<uint32_t>(reads[op.out][i]));
  }
  components.push_back(std::make_unique<FrameworkComponent<air::FunctionLookup>>(
      air::FunctionLookup(fmt::format("lookup_{}", components.size()), log_size, table,
                          AllocateDataColumns(4), {log_sizes, data})));
  trace_builders.push_back(
      [&op, log_size](const QuantizedRun& run, const RescaleHook&, std::vector<uint32_t>&) {
        std::vector<std::vector<M31>> trace(2, std::vector<M31>(size_t{1} << log_size));
        for (size_t i = 0; i < op.in.size(); ++i) {
          trace[0][i] = M31::FromSigned(run.values[op.in[i].tensor][op.in[i].index]);
          trace[1][i] = M31::FromSigned(run.values[op.out][i]);
        }
        for (std::vector<M31>& column : trace) column = ToStorageOrder(std::move(column));
        return trace;
      });

  // The table; its rows past the end repeat the last entry.
  const int64_t size = static_cast<int64_t>(op.table.size());
  const uint32_t table_log_size = LogRows(size);
  const std::vector<uint32_t> table_log_sizes(2, table_log_size);
  const auto entries = air::ComponentData::Zeros(table_log_sizes, with_data);
  for (size_t row = 0; entries && row < (*entries)[0].size(); ++row) {
    const int64_t i = std::min<int64_t>(static_cast<int64_t>(row), size - 1);
    (*entries)[0][row] = M31::FromSigned(op.table_lo + i);
    (*entries)[1][row] = M31::FromSigned(op.table[i]);
  }
  components.push_back(std::make_unique<FrameworkComponent<air::FunctionTable>>(
      air::FunctionTable(fmt::format("table_{}", table), table_log_size, table,
                         AllocateDataColumns(2), {table_log_sizes, entries})));
  trace_builders.push_back(
      [&op, table_log_size](const QuantizedRun& run, const RescaleHook&, std::vector<uint32_t>&) {
        std::vector<M31> multiplicities(size_t{1} << table_log_size);
        for (const ElementRef& ref : op.in) {
          const int64_t i = run.values[ref.tensor][ref.index] - op.table_lo;
          // An input outside the table (a broken run) is left to the LogUp sums to reject.
          if (i >= 0 && i < static_cast<int64_t>(op.table.size())) multiplicities[i] += M31::One();
        }
        return std::vector<std::vector<M31>>{ToStorageOrder(std::move(multiplicities))};
      });
}

void ModelAir::Impl::AddMax(const ReduceOp& op) {
  const std::string out_name = DescribeTensor(model, op.out);
  if (op.window > kMaxReduceWindow) {
    throw FrontendError(
        fmt::format("the prover does not support a maximum over more than {} elements yet ({})",
                    kMaxReduceWindow, out_name));
  }
  air::MaxComponentShape shape;
  shape.name = fmt::format("max_{}", components.size());
  shape.window = static_cast<uint32_t>(op.window);
  shape.tie = op.kind == ReduceOp::Kind::kMax ? air::MaxComponentShape::Tie::kAny
              : op.select_last                ? air::MaxComponentShape::Tie::kLast
                                              : air::MaxComponentShape::Tie::kFirst;
  const int64_t outputs = static_cast<int64_t>(op.in.size()) / op.window;
  shape.log_size = LogRows(outputs);
  shape.first_data_column = AllocateDataColumns(shape.n_data_columns());
  const std::vector<uint32_t> log_sizes(shape.n_data_columns(), shape.log_size);
  const auto data = air::ComponentData::Zeros(log_sizes, with_data);
  for (int64_t i = 0; data && i < outputs; ++i) {
    (*data)[0][i] = M31::One();
    for (int64_t w = 0; w < op.window; ++w) {
      const ElementRef& ref = op.in[i * op.window + w];
      if (ref.tensor == ElementRef::kLiteral) {
        throw FrontendError(
            fmt::format("the prover does not support padding into a maximum ({})", out_name));
      }
      (*data)[1 + w][i] = Address(ref.tensor, ref.index);
    }
    (*data)[shape.window + 1][i] = Address(op.out, i);
    (*data)[shape.window + 2][i] = M31::FromCanonical(static_cast<uint32_t>(reads[op.out][i]));
  }
  components.push_back(std::make_unique<FrameworkComponent<air::MaxComponent>>(
      air::MaxComponent(shape, {log_sizes, data})));
  trace_builders.push_back([&op, shape](const QuantizedRun& run, const RescaleHook&,
                                        std::vector<uint32_t>& range_counts) {
    const uint32_t W = shape.window;
    std::vector<std::vector<M31>> trace(shape.n_trace_columns(),
                                        std::vector<M31>(size_t{1} << shape.log_size));
    const int64_t outputs = static_cast<int64_t>(op.in.size()) / op.window;
    for (int64_t i = 0; i < outputs; ++i) {
      std::vector<int64_t> x;
      for (uint32_t w = 0; w < W; ++w) {
        const ElementRef& ref = op.in[i * W + w];
        x.push_back(run.values[ref.tensor][ref.index]);
        trace[w][i] = M31::FromSigned(x.back());
      }
      const auto best =
          static_cast<uint32_t>(MaxPosition(x, shape.tie == air::MaxComponentShape::Tie::kLast));
      trace[W + best][i] = M31::One();
      trace[2 * W][i] = M31::FromSigned(x[best]);
      for (uint32_t w = 0; w < W; ++w) {
        int64_t difference = x[best] - x[w];
        if (shape.tie == air::MaxComponentShape::Tie::kFirst && w < best) difference -= 1;
        if (shape.tie == air::MaxComponentShape::Tie::kLast && w > best) difference -= 1;
        PutRangeCheck(trace, 2 * W + 1 + 2 * w, i, difference, range_counts);
      }
    }
    for (std::vector<M31>& column : trace) column = ToStorageOrder(std::move(column));
    return trace;
  });
}

ModelAir::ModelAir(const QuantizedModel& model, Use use)
    : impl_(std::make_unique<Impl>(model, use == Use::kProving)) {}
ModelAir::~ModelAir() = default;
ModelAir::ModelAir(ModelAir&&) noexcept = default;

std::vector<const air::Component*> ModelAir::components() const {
  std::vector<const air::Component*> result;
  for (const auto& component : impl_->components) result.push_back(component.get());
  return result;
}

ModelAir::Witness ModelAir::GenerateWitness(const QuantizedRun& run,
                                            const ModelCommitment& commitment,
                                            std::span<const field::Felt252> context,
                                            const RescaleHook& hook) const {
  if (!impl_->with_data) throw std::logic_error("a witness of a model lowered for verifying");
  const uint32_t n_context = impl_->model.context_felts;
  if (context.size() != n_context) {
    throw FrontendError(fmt::format(
        "the model states {} context felt{} (compile --context), {} given{}", n_context,
        n_context == 1 ? "" : "s", context.size(), n_context > 0 ? ": pass --context" : ""));
  }
  Witness witness;
  witness.public_inputs.assign(commitment.begin(), commitment.end());
  std::vector<uint32_t> range_counts(size_t{1} << air::kRangeLimbBits, 0);
  for (const Impl::TraceBuilder& build : impl_->trace_builders) {
    witness.traces.push_back(build(run, hook, range_counts));
  }
  std::vector<M31> multiplicities;
  for (uint32_t count : range_counts) multiplicities.push_back(M31::FromCanonical(count));
  witness.traces.push_back({ToStorageOrder(std::move(multiplicities))});
  bool context_stated = false;  // before the first output's words
  for (const Impl::StatedPart& part : impl_->statement.parts()) {
    if (!part.is_input && !context_stated) {
      const std::vector<M31> words = ContextWords(context);
      witness.public_inputs.insert(witness.public_inputs.end(), words.begin(), words.end());
      context_stated = true;
    }
    if (part.visibility == Visibility::kPublic) {
      const std::vector<M31> values = ToM31(run.values[part.id]);
      witness.public_inputs.insert(witness.public_inputs.end(), values.begin(), values.end());
    } else if (part.visibility == Visibility::kCommitted) {
      const auto digest = hash::Poseidon2SpongeDigest(StatedValues(run, part.Tensors()));
      witness.public_inputs.insert(witness.public_inputs.end(), digest.begin(), digest.end());
    }
  }
  assert(witness.public_inputs.size() == n_public_inputs());
  return witness;
}

std::array<M31, 8> TensorDigest(std::span<const int64_t> values) {
  return hash::Poseidon2SpongeDigest(ToM31(values));
}

std::string ToHex(std::span<const M31> words) {
  std::string hex = "0x";
  for (M31 word : words) hex += fmt::format("{:08x}", word.value());
  return hex;
}

std::string ModelAir::LayoutDescription() const {
  // The constraints carry everything the data columns do not: shifts, clamp bounds, which
  // relation each lookup goes to and with what.
  std::string text = "tensorstark model layout 2\n";
  for (const auto& component : impl_->components) {
    const air::ComponentInfo info = component->Info();
    text += fmt::format("component {} log_size {} preprocessed {} trace {} interaction {}\n",
                        component->name(), component->log_size(), info.preprocessed_columns.size(),
                        info.trace_offsets.size(), info.interaction_offsets.size());
    for (const std::string& constraint : component->ConstraintExpressions()) {
      text += constraint + "\n";
    }
  }
  const QuantizedModel& model = impl_->model;
  for (const Impl::StatedPart& part : impl_->statement.parts()) {
    if (part.link) {
      text += fmt::format("link {} salt address {}\n", part.is_input ? "in" : "out",
                          impl_->base[part.id]);
      for (TensorId id : part.link->tensors) {
        const QTensor& t = model.tensor(id);
        text += fmt::format("linked {} shape {} frac_bits {} bound_bits {} address {}\n", t.name,
                            ShapeToString(t.shape), t.frac_bits, t.bound_bits, impl_->base[id]);
      }
      continue;
    }
    const QTensor& t = model.tensor(part.id);
    // Only a tensor that is not public says so: the descriptions of models with public inputs
    // and outputs, and so their commitments, are those from before the choice existed.
    text += fmt::format("{} {} shape {} frac_bits {} bound_bits {} address {}{}\n",
                        part.is_input ? "input" : "output", t.name, ShapeToString(t.shape),
                        t.frac_bits, t.bound_bits, impl_->base[part.id],
                        part.visibility == Visibility::kPublic
                            ? ""
                            : fmt::format(" {}", VisibilityName(part.visibility)));
  }
  if (const auto digest = WeightsDigest()) {
    text += fmt::format("weights private digest {}\n", ToHex(*digest));
  }
  // Only a model with a context says so: the others' commitments are those from before.
  if (model.context_felts > 0) text += fmt::format("context felts {}\n", model.context_felts);
  return text;
}

std::optional<std::array<M31, 8>> ModelAir::WeightsDigest() const {
  if (!impl_->private_weights) return std::nullopt;
  return impl_->weights_digest;
}

QuantizedModel ModelAir::VerifyingModel() const {
  assert(impl_->private_weights);
  std::array<uint32_t, 8> words;
  for (size_t i = 0; i < words.size(); ++i) words[i] = impl_->weights_digest[i].value();
  return WithoutWeights(impl_->model, std::span(&words, 1));
}

const QuantizedModel& ModelAir::model() const { return impl_->model; }
ModelAir::Use ModelAir::use() const { return impl_->with_data ? Use::kProving : Use::kVerifying; }

ModelCommitment ModelAir::Commitment(const std::string& preprocessed_root_hex) const {
  const std::string message = LayoutDescription() + "preprocessed root " + preprocessed_root_hex;
  const hash::Blake2sHash digest =
      hash::Blake2s(std::span(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  const std::array<uint32_t, 8> words = digest.Words();
  ModelCommitment commitment;
  for (size_t i = 0; i < commitment.size(); ++i) commitment[i] = M31::Reduce(words[i] & field::kP);
  return commitment;
}

ModelCommitment ModelAir::StatedCommitment(std::span<const M31> public_inputs) {
  ModelCommitment commitment;
  std::copy_n(public_inputs.begin(), commitment.size(), commitment.begin());
  return commitment;
}

bool ModelAir::RequiresZeroKnowledge() const {
  return frontend::RequiresZeroKnowledge(impl_->model);
}

std::vector<air::PublicLogupTermShape> ModelAir::PublicTermShapes() const {
  std::vector<air::PublicLogupTermShape> shapes;
  const std::string relation = air::TensorRelation().name;
  for (const Impl::StatedPart& part : impl_->statement.parts()) {
    if (part.visibility != Visibility::kPublic) continue;
    for (size_t i = 0; i < part.count; ++i) {
      const auto index = static_cast<int64_t>(i);
      // An input is yielded once per read, an output read once.
      const M31 multiplicity =
          part.is_input ? -M31::FromCanonical(static_cast<uint32_t>(impl_->reads[part.id][i]))
                        : M31::One();
      shapes.push_back({relation,
                        {impl_->Address(part.id, index), air::PublicInputRef{part.first + i}},
                        multiplicity});
    }
  }
  return shapes;
}

std::vector<air::PublicLogupTerm> ModelAir::PublicTerms(std::span<const M31> public_inputs) const {
  assert(public_inputs.size() == n_public_inputs());
  return air::InstantiatePublicTerms(PublicTermShapes(), public_inputs);
}

std::optional<air::VerificationError> CheckStatement(const StatementLayout& layout,
                                                     const ModelCommitment& commitment,
                                                     std::span<const M31> statement) {
  using Kind = air::VerificationError::Kind;
  if (statement.size() != layout.n_public_inputs()) {
    return air::VerificationError{Kind::kShapeMismatch,
                                  fmt::format("the proof states {} values, the model's statement "
                                              "has {}",
                                              statement.size(), layout.n_public_inputs())};
  }
  const ModelCommitment stated = ModelAir::StatedCommitment(statement);
  if (stated != commitment) {
    return air::VerificationError{Kind::kStatementMismatch,
                                  fmt::format("the proof is for model {}, not this model ({})",
                                              ToHex(stated), ToHex(commitment))};
  }
  if (auto error = layout.CheckInputs(statement)) {
    return air::VerificationError{Kind::kStatementMismatch, *error};
  }
  const auto context = layout.Context(statement);
  if (const auto* error = std::get_if<std::string>(&context)) {
    return air::VerificationError{Kind::kStatementMismatch, *error};
  }
  return std::nullopt;
}

std::optional<air::VerificationError> CheckModelStatement(const ModelAir& air,
                                                          const ModelCommitment& commitment,
                                                          bool zero_knowledge,
                                                          std::span<const M31> statement) {
  if (air.RequiresZeroKnowledge() && !zero_knowledge) {
    return air::VerificationError{
        air::VerificationError::Kind::kNotZeroKnowledge,
        "the model has committed or private parts, which only a zero-knowledge proof hides: "
        "this proof is not one"};
  }
  return CheckStatement(air.statement_layout(), commitment, statement);
}

const StatementLayout& ModelAir::statement_layout() const { return impl_->statement; }

}  // namespace tensorstark::frontend
