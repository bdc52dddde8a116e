#include "frontend/quantized_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "frontend/context.h"
#include "frontend/element_ref_encoding.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "tensorstark-model 1\n";

json ClampToJson(const Clamp& clamp) {
  json j = json::object();
  if (clamp.lo) j["lo"] = *clamp.lo;
  if (clamp.hi) j["hi"] = *clamp.hi;
  return j;
}

Clamp ClampFromJson(const json& j) {
  Clamp clamp;
  if (j.contains("lo")) clamp.lo = j["lo"].get<int64_t>();
  if (j.contains("hi")) clamp.hi = j["hi"].get<int64_t>();
  return clamp;
}

json OpToJson(const LinearOp& op) {
  return {{"type", "linear"},
          {"out", op.out},
          {"rows", op.rows},
          {"depth", op.depth},
          {"cols", op.cols},
          {"groups", op.groups},
          {"x", RefsToJson(op.x)},
          {"weights", op.weights},
          {"bias", op.bias},
          {"out_index", op.out_index},
          {"shift", op.shift},
          {"clamp", ClampToJson(op.clamp)},
          {"bias_per_column", op.bias_per_column},
          {"weight_bits", op.weight_bits}};
}

json OpToJson(const ElementwiseOp& op) {
  return {{"type", "elementwise"},
          {"kind", static_cast<int>(op.kind)},
          {"out", op.out},
          {"a", RefsToJson(op.a)},
          {"b", RefsToJson(op.b)},
          {"a_left", op.a_left},
          {"b_left", op.b_left},
          {"shift", op.shift},
          {"clamp", ClampToJson(op.clamp)}};
}

json OpToJson(const LookupOp& op) {
  return {{"type", "lookup"},        {"function", op.function}, {"out", op.out},
          {"in", RefsToJson(op.in)}, {"table_lo", op.table_lo}, {"table", op.table}};
}

json OpToJson(const ReduceOp& op) {
  return {{"type", "reduce"},    {"kind", static_cast<int>(op.kind)}, {"out", op.out},
          {"window", op.window}, {"in", RefsToJson(op.in)},           {"multiplier", op.multiplier},
          {"shift", op.shift},   {"select_last", op.select_last}};
}

json OpToJson(const DotOp& op) {
  return {{"type", "dot"},         {"out", op.out},
          {"depth", op.depth},     {"a", RefsToJson(op.a)},
          {"b", RefsToJson(op.b)}, {"bias", op.bias},
          {"shift", op.shift},     {"clamp", ClampToJson(op.clamp)}};
}

template <typename Kind>
Kind KindFromJson(const json& j, int count) {
  const int kind = j.at("kind").get<int>();
  if (kind < 0 || kind >= count) throw FrontendError("unknown operator kind");
  return static_cast<Kind>(kind);
}

QOp OpFromJson(const json& j, int64_t& ref_budget) {
  const std::string type = j.at("type").get<std::string>();
  if (type == "linear") {
    LinearOp op;
    op.out = j.at("out");
    op.rows = j.at("rows");
    op.depth = j.at("depth");
    op.cols = j.at("cols");
    op.groups = j.at("groups");
    op.x = RefsFromJson(j.at("x"), ref_budget);
    op.weights = j.at("weights").get<std::vector<int64_t>>();
    op.bias = j.at("bias").get<std::vector<int64_t>>();
    op.out_index = j.at("out_index").get<std::vector<int64_t>>();
    op.shift = j.at("shift");
    op.clamp = ClampFromJson(j.at("clamp"));
    op.bias_per_column = j.value("bias_per_column", false);  // absent before it existed
    op.weight_bits = j.value("weight_bits", 0);              // likewise
    return op;
  }
  if (type == "elementwise") {
    ElementwiseOp op;
    op.kind = KindFromJson<ElementwiseOp::Kind>(j, 3);
    op.out = j.at("out");
    op.a = RefsFromJson(j.at("a"), ref_budget);
    op.b = RefsFromJson(j.at("b"), ref_budget);
    op.a_left = j.at("a_left");
    op.b_left = j.at("b_left");
    op.shift = j.at("shift");
    op.clamp = ClampFromJson(j.at("clamp"));
    return op;
  }
  if (type == "lookup") {
    LookupOp op;
    op.function = j.at("function");
    op.out = j.at("out");
    op.in = RefsFromJson(j.at("in"), ref_budget);
    op.table_lo = j.at("table_lo");
    op.table = j.at("table").get<std::vector<int64_t>>();
    return op;
  }
  if (type == "reduce") {
    ReduceOp op;
    op.kind = KindFromJson<ReduceOp::Kind>(j, 3);
    op.out = j.at("out");
    op.window = j.at("window");
    op.in = RefsFromJson(j.at("in"), ref_budget);
    op.multiplier = j.at("multiplier").get<std::vector<int64_t>>();
    op.shift = j.at("shift");
    op.select_last = j.at("select_last");
    return op;
  }
  if (type == "dot") {
    DotOp op;
    op.out = j.at("out");
    op.depth = j.at("depth");
    op.a = RefsFromJson(j.at("a"), ref_budget);
    op.b = RefsFromJson(j.at("b"), ref_budget);
    op.bias = j.at("bias").get<std::vector<int64_t>>();
    op.shift = j.at("shift");
    op.clamp = ClampFromJson(j.at("clamp"));
    return op;
  }
  throw FrontendError(fmt::format("unknown operator type '{}'", type));
}

// Every reference, index and size in range, so that the interpreter and the lowering can index
// without checks: each tensor of at most kMaxTensorElements, the inputs' and computed tensors'
// together fewer, each operand's count computed without overflow and at most kMaxModelRefs.
void Validate(const QuantizedModel& model) {
  const auto check = [](bool ok, const char* what) {
    if (!ok) throw FrontendError(fmt::format("inconsistent {}", what));
  };
  const auto count_of = [&](std::initializer_list<int64_t> factors, const char* what) {
    const std::optional<int64_t> count = CheckedProduct(factors, kMaxModelRefs);
    check(count.has_value(), what);
    return *count;
  };
  const auto tensor_ok = [&](TensorId id) {
    return id >= 0 && static_cast<size_t>(id) < model.tensors.size();
  };
  const auto refs_ok = [&](const std::vector<ElementRef>& refs, int64_t count) {
    check(static_cast<int64_t>(refs.size()) == count, "operand size");
    for (const ElementRef& ref : refs) {
      if (ref.tensor == ElementRef::kLiteral) continue;
      check(tensor_ok(ref.tensor) && ref.index >= 0 && ref.index < model.tensor(ref.tensor).size(),
            "element reference");
    }
  };
  int64_t computed_elements = 0;  // the AIR addresses them all below kMaxTensorElements
  for (const QTensor& t : model.tensors) {
    check(CheckedProduct(t.shape, kMaxTensorElements).has_value(), "shape");
    if (t.kind != QTensor::Kind::kConstant) computed_elements += t.size();
    check(computed_elements < kMaxTensorElements, "shapes (more than 2^30 elements in all)");
    check(t.kind != QTensor::Kind::kConstant || static_cast<int64_t>(t.values.size()) == t.size(),
          "constant");
    check(t.bound_bits >= 0 && t.bound_bits <= 30, "tensor bound");
  }
  size_t previous_start = 0;
  for (size_t start : model.slice_starts) {
    check(start > previous_start && start < model.ops.size(), "slices");
    previous_start = start;
  }
  check(model.slice_weights_digests.empty() ||
            model.slice_weights_digests.size() == model.slice_starts.size() + 1,
        "slices' weights digests");
  for (TensorId id : model.inputs) check(tensor_ok(id), "input list");
  for (TensorId id : model.outputs) check(tensor_ok(id), "output list");
  for (const QOp& qop : model.ops) {
    check(tensor_ok(OutputOf(qop)), "operator output");
    const int64_t out_size = model.tensor(OutputOf(qop)).size();
    std::visit(
        [&](const auto& op) {
          using Op = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<Op, LinearOp>) {
            check(op.groups > 0 && op.cols % op.groups == 0, "linear groups");
            refs_ok(op.x, count_of({op.rows, op.groups, op.depth}, "linear operator"));
            const int64_t outputs = count_of({op.rows, op.cols}, "linear operator");
            check(static_cast<int64_t>(op.weights.size()) ==
                          count_of({op.depth, op.cols}, "linear operator") &&
                      static_cast<int64_t>(op.bias.size()) == outputs &&
                      static_cast<int64_t>(op.out_index.size()) == outputs,
                  "linear operator");
            check(op.shift >= 0 && op.shift <= 30, "shift");
            for (int64_t i : op.out_index) check(i >= 0 && i < out_size, "linear output index");
          } else if constexpr (std::is_same_v<Op, ElementwiseOp>) {
            refs_ok(op.a, out_size);
            refs_ok(op.b, out_size);
            check(op.shift >= 0 && op.shift <= 30 && op.a_left >= 0 && op.a_left <= 30 &&
                      op.b_left >= 0 && op.b_left <= 30,
                  "shift");
          } else if constexpr (std::is_same_v<Op, DotOp>) {
            check(op.depth > 0, "dot depth");
            refs_ok(op.a, count_of({out_size, op.depth}, "dot operator"));
            refs_ok(op.b, count_of({out_size, op.depth}, "dot operator"));
            check(static_cast<int64_t>(op.bias.size()) == out_size, "dot bias");
            check(op.shift >= 0 && op.shift <= 30, "shift");
          } else if constexpr (std::is_same_v<Op, LookupOp>) {
            refs_ok(op.in, out_size);
            check(!op.table.empty(), "lookup table");
          } else {
            check(op.window > 0, "reduction window");
            refs_ok(op.in, count_of({out_size, op.window}, "reduction operator"));
            check(op.kind != ReduceOp::Kind::kSum ||
                      static_cast<int64_t>(op.multiplier.size()) == out_size,
                  "reduction multipliers");
            check(op.shift >= 0 && op.shift <= 30, "shift");
          }
        },
        qop);
  }
}

json TensorToJson(const QTensor& t) {
  json j = {
      {"name", t.name},   {"kind", static_cast<int>(t.kind)}, {"type", static_cast<int>(t.type)},
      {"shape", t.shape}, {"frac_bits", t.frac_bits},         {"bound_bits", t.bound_bits}};
  if (t.kind == QTensor::Kind::kConstant) j["values"] = t.values;
  return j;
}

QTensor TensorFromJson(const json& j) {
  QTensor t;
  t.name = j.at("name");
  t.kind = KindFromJson<QTensor::Kind>(j, 3);
  const int type = j.at("type").get<int>();
  if (type < 0 || type > static_cast<int>(DataType::kBool)) throw FrontendError("unknown type");
  t.type = static_cast<DataType>(type);
  t.shape = j.at("shape").get<Shape>();
  t.frac_bits = j.at("frac_bits");
  t.bound_bits = j.at("bound_bits");
  if (j.contains("values")) t.values = j["values"].get<std::vector<int64_t>>();
  return t;
}

}  // namespace

double QTensor::scale() const { return std::ldexp(1.0, -frac_bits); }

Tensor QTensor::Dequantize(std::span<const int64_t> q) const {
  assert(static_cast<int64_t>(q.size()) == size() && (type == DataType::kFloat || frac_bits == 0));
  Tensor out{type, shape, {}, {}};
  if (!out.is_float()) {
    out.ints.assign(q.begin(), q.end());
    return out;
  }
  for (int64_t v : q) out.values.push_back(std::ldexp(static_cast<double>(v), -frac_bits));
  return out;
}

int64_t Clamp::Apply(int64_t q) const {
  if (lo) q = std::max(q, *lo);
  if (hi) q = std::min(q, *hi);
  return q;
}

QuantizedModel WithoutWeights(QuantizedModel model,
                              std::span<const std::array<uint32_t, 8>> slice_weights_digests) {
  assert(slice_weights_digests.size() == model.slice_starts.size() + 1);
  for (QOp& op : model.ops) {
    if (auto* linear = std::get_if<LinearOp>(&op)) {
      std::fill(linear->weights.begin(), linear->weights.end(), 0);
      std::fill(linear->bias.begin(), linear->bias.end(), 0);
    }
  }
  model.onnx.clear();
  if (model.slice_starts.empty()) {
    model.weights_digest = slice_weights_digests[0];
  } else {
    model.slice_weights_digests.assign(slice_weights_digests.begin(), slice_weights_digests.end());
  }
  return model;
}

bool IsVerifyingModel(const QuantizedModel& model) {
  return model.weights_digest.has_value() || !model.slice_weights_digests.empty();
}

TensorId OutputOf(const QOp& op) {
  return std::visit([](const auto& o) { return o.out; }, op);
}

int64_t ElementRefCount(const QOp& qop) {
  int64_t count = 0;
  ForEachOperand(qop, [&](const std::vector<ElementRef>& refs) {
    count += static_cast<int64_t>(refs.size());
  });
  return count;
}

std::string OpKindName(const QOp& qop) {
  if (const auto* op = std::get_if<LinearOp>(&qop)) {
    return op->clamp.active() ? "linear+clamp" : "linear";
  }
  if (const auto* op = std::get_if<ElementwiseOp>(&qop)) {
    static constexpr const char* kNames[] = {"add", "sub", "mul"};
    return kNames[static_cast<int>(op->kind)];
  }
  if (const auto* op = std::get_if<LookupOp>(&qop)) return fmt::format("lookup({})", op->function);
  if (const auto* op = std::get_if<DotOp>(&qop)) return op->clamp.active() ? "dot+clamp" : "dot";
  static constexpr const char* kNames[] = {"sum", "max", "argmax"};
  return kNames[static_cast<int>(std::get<ReduceOp>(qop).kind)];
}

std::string TraceShapeName(TraceShape shape) {
  return shape == TraceShape::kWide ? "wide" : "narrow";
}

std::optional<TraceShape> ParseTraceShape(std::string_view name) {
  if (name == "wide") return TraceShape::kWide;
  if (name == "narrow") return TraceShape::kNarrow;
  return std::nullopt;
}

std::string DescribeTensor(const QuantizedModel& model, TensorId id) {
  // The steps quantize.cc decomposes operators into, by the suffix it appends to the name of the
  // ONNX value the operator computes.
  static constexpr std::pair<std::string_view, std::string_view> kSteps[] = {
      {"/product", "the product before the computed bias is added, for"},
      {"/max", "the row maxima in the softmax computing"},
      {"/shifted", "the input minus its row maximum in the softmax computing"},
      {"/exp", "the exponentials in the softmax computing"},
      {"/sum", "the row sums in the softmax computing"},
      {"/log_sum", "the logarithms of the row sums in the log-softmax computing"},
      {"/reciprocal", "the reciprocals of the row sums in the softmax computing"},
      {"/mean", "the row means in the normalization computing"},
      {"/centered", "the input minus its row mean in the normalization computing"},
      {"/centered_half", "half the centered input in the normalization computing"},
      {"/squared", "the squared deviations in the normalization computing"},
      {"/variance", "the row variances in the normalization computing"},
      {"/rstd", "1/sqrt(variance + epsilon) in the normalization computing"},
      {"/normalized", "the normalized input in the normalization computing"},
      {"/scaled", "the normalized input times its scale in the normalization computing"},
      {"/divisor_reciprocal", "the reciprocal of the divisor in the division computing"},
      {"/onehot", "the one-hot rows of the indices in the gather computing"},
      {"/difference", "the difference of the operands in the operator computing"},
      {"/channel_scaled",
       "the input times its per-channel scale in the batch normalization "
       "computing"},
      {"/slope_product", "the negative part times its slope in the PRelu computing"},
      {"/minus_max", "the input minus its row maximum in the log-softmax computing"},
      {"/minus_log_sum", "the input minus its row's log-sum-exp in the softmax computing"},
      {"/lse_over_chunk", "the log-sum-exp over each chunk's maximum in the softmax computing"},
      {"/live", "the weights of the elements no mask hides in the softmax computing"},
      {"/masked", "the zero weights of the masked elements in the softmax computing"},
  };
  // Steps repeated at each level of chunks: their names end with the level's number.
  static constexpr std::pair<std::string_view, std::string_view> kLeveledSteps[] = {
      {"/chunk_max", "the maxima of chunks of 64 in the operator computing"},
      {"/lse_max", "the chunk maxima in the softmax computing"},
      {"/lse_shifted", "the chunks' elements minus their maximum in the softmax computing"},
      {"/lse_exp", "the chunks' exponentials in the softmax computing"},
      {"/lse_sum", "the chunks' sums of exponentials in the softmax computing"},
      {"/lse_log_sum", "the logarithms of the chunk sums in the softmax computing"},
      {"/lse_offset", "the chunk maxima minus their row maximum in the softmax computing"},
      {"/lse_value", "the chunks' log-sum-exp over the row maximum in the softmax computing"},
      {"/chunk_argmax", "the argmax of each chunk of 64 in the argmax computing"},
      {"/winning_chunk", "the chunk holding the maximum in the argmax computing"},
      {"/chunk_difference", "the winning chunk minus each chunk's number in the argmax computing"},
      {"/chunk_onehot", "the one-hot rows of the winning chunks in the argmax computing"},
      {"/chunk_winner", "the winning chunk's own argmax in the argmax computing"},
  };
  const std::string& name = model.tensor(id).name;
  const auto described = [&](std::string_view stem, std::string_view suffix,
                             std::string_view step) -> std::optional<std::string> {
    if (stem.size() <= suffix.size() || !stem.ends_with(suffix)) return std::nullopt;
    const std::string_view value = stem.substr(0, stem.size() - suffix.size());
    // Only a step of an operator the model has: an ONNX value may itself be named 'a/max'.
    const bool is_step = std::any_of(model.tensors.begin(), model.tensors.end(),
                                     [&](const QTensor& t) { return t.name == value; });
    if (!is_step) return std::nullopt;
    return fmt::format("{} '{}'", step, value);
  };
  for (const auto& [suffix, step] : kSteps) {
    if (auto description = described(name, suffix, step)) return *description;
  }
  const size_t level_digits = name.size() - 1 - name.find_last_not_of("0123456789");
  if (level_digits > 0 && level_digits < name.size()) {
    const std::string_view stem = std::string_view(name).substr(0, name.size() - level_digits);
    for (const auto& [suffix, step] : kLeveledSteps) {
      if (auto description = described(stem, suffix, step)) return *description;
    }
  }
  return fmt::format("'{}'", name);
}

bool RequiresZeroKnowledge(const QuantizedModel& model) {
  return model.input_visibility != Visibility::kPublic ||
         model.output_visibility != Visibility::kPublic ||
         model.weights_visibility != Visibility::kPublic || model.link_in || model.link_out ||
         !model.slice_starts.empty();
}

std::string VisibilityName(Visibility visibility) {
  switch (visibility) {
    case Visibility::kPublic:
      return "public";
    case Visibility::kCommitted:
      return "committed";
    case Visibility::kPrivate:
      return "private";
  }
  return "";
}

std::optional<Visibility> ParseVisibility(std::string_view name) {
  if (name == "public") return Visibility::kPublic;
  if (name == "committed") return Visibility::kCommitted;
  if (name == "private") return Visibility::kPrivate;
  return std::nullopt;
}

std::string SerializeQuantizedModel(const QuantizedModel& model) {
  json j = {{"inputs", model.inputs},
            {"outputs", model.outputs},
            {"source", model.source},
            {"trace_shape", TraceShapeName(model.trace_shape)},
            {"input_visibility", VisibilityName(model.input_visibility)},
            {"output_visibility", VisibilityName(model.output_visibility)},
            {"weights_visibility", VisibilityName(model.weights_visibility)},
            {"onnx", json::binary(std::vector<uint8_t>(model.onnx.begin(), model.onnx.end()))}};
  if (model.weights_digest) j["weights_digest"] = *model.weights_digest;
  if (model.context_felts > 0) j["context_felts"] = model.context_felts;
  // Only a model of several slices says so: the others' files are those from before.
  if (!model.slice_starts.empty()) j["slice_starts"] = model.slice_starts;
  if (!model.slice_weights_digests.empty()) {
    j["slice_weights_digests"] = model.slice_weights_digests;
  }
  for (const QTensor& t : model.tensors) j["tensors"].push_back(TensorToJson(t));
  j["ops"] = json::array();
  for (const QOp& op : model.ops)
    j["ops"].push_back(std::visit([](const auto& o) { return OpToJson(o); }, op));
  const std::vector<uint8_t> cbor = json::to_cbor(j);
  std::string bytes(kMagic);
  bytes.append(cbor.begin(), cbor.end());
  int64_t refs = 0;
  for (const QOp& op : model.ops) refs += ElementRefCount(op);
  if (refs > ModelRefBudget(bytes.size())) {
    throw FrontendError(fmt::format(
        "the model's {} element references are more than a model file of {} bytes may hold ({}), "
        "which its verifiers would refuse",
        refs, bytes.size(), ModelRefBudget(bytes.size())));
  }
  return bytes;
}

void SaveQuantizedModel(const QuantizedModel& model, const std::string& path) {
  WriteFileBytes(path, SerializeQuantizedModel(model));
}

QuantizedModel LoadQuantizedModel(const std::string& path) {
  return ParseQuantizedModel(ReadFileBytes(path), path);
}

QuantizedModel ParseQuantizedModel(std::string_view bytes, const std::string& path) {
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) {
    throw FrontendError(fmt::format(
        "'{}' is not a compiled tensorstark model (make one with `tensorstark compile`)", path));
  }
  try {
    const json j =
        json::from_cbor(bytes.begin() + static_cast<std::ptrdiff_t>(kMagic.size()), bytes.end());
    QuantizedModel model;
    for (const json& t : j.at("tensors")) model.tensors.push_back(TensorFromJson(t));
    int64_t ref_budget = ModelRefBudget(bytes.size());
    for (const json& op : j.at("ops")) model.ops.push_back(OpFromJson(op, ref_budget));
    model.inputs = j.at("inputs").get<std::vector<TensorId>>();
    model.outputs = j.at("outputs").get<std::vector<TensorId>>();
    model.source = j.at("source");
    // Models compiled before the choice existed are wide.
    const std::optional<TraceShape> shape =
        ParseTraceShape(j.value("trace_shape", std::string("wide")));
    if (!shape) throw FrontendError("unknown trace shape");
    model.trace_shape = *shape;
    // Models compiled before the choice existed state their inputs and outputs.
    for (auto [key, visibility] : {std::pair{"input_visibility", &model.input_visibility},
                                   {"output_visibility", &model.output_visibility},
                                   {"weights_visibility", &model.weights_visibility}}) {
      const std::optional<Visibility> parsed = ParseVisibility(j.value(key, std::string("public")));
      if (!parsed) throw FrontendError(fmt::format("unknown {}", key));
      *visibility = *parsed;
    }
    if (model.weights_visibility == Visibility::kCommitted) {
      throw FrontendError("weights cannot be committed");
    }
    if (j.contains("weights_digest")) {
      if (model.weights_visibility != Visibility::kPrivate) {
        throw FrontendError("a weights digest without private weights");
      }
      model.weights_digest = j.at("weights_digest").get<std::array<uint32_t, 8>>();
    }
    model.slice_starts = j.value("slice_starts", std::vector<size_t>{});
    model.slice_weights_digests =
        j.value("slice_weights_digests", std::vector<std::array<uint32_t, 8>>{});
    if (!model.slice_weights_digests.empty() &&
        (model.weights_visibility != Visibility::kPrivate || model.weights_digest)) {
      throw FrontendError("slices' weights digests without private weights, or with one digest");
    }
    // Models compiled before the choice existed state no context.
    model.context_felts = j.value("context_felts", uint32_t{0});
    if (model.context_felts > kMaxContextFelts) {
      throw FrontendError(
          fmt::format("{} context felts, more than {}", model.context_felts, kMaxContextFelts));
    }
    const auto& onnx = j.at("onnx").get_binary();
    model.onnx.assign(onnx.begin(), onnx.end());
    Validate(model);
    return model;
  } catch (const json::exception& e) {
    throw FrontendError(fmt::format("compiled model '{}' is corrupt ({})", path, e.what()));
  } catch (const FrontendError& e) {
    throw FrontendError(fmt::format("compiled model '{}' is corrupt ({})", path, e.what()));
  }
}

}  // namespace tensorstark::frontend
