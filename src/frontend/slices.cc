#include "frontend/slices.h"

#include <fmt/format.h>

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "air/model_relations.h"
#include "frontend/frontend_error.h"
#include "hash/random_stream.h"

namespace tensorstark::frontend {
namespace {

// The operators [start, end) of slice k.
std::pair<size_t, size_t> OperatorRange(const QuantizedModel& model, size_t k) {
  const size_t start = k == 0 ? 0 : model.slice_starts[k - 1];
  const size_t end = k < model.slice_starts.size() ? model.slice_starts[k] : model.ops.size();
  return {start, end};
}

void CheckCuts(const QuantizedModel& model) {
  size_t previous = 0;
  for (size_t start : model.slice_starts) {
    if (start <= previous || start >= model.ops.size()) {
      throw FrontendError("the model's slices are not consecutive runs of its operators");
    }
    previous = start;
  }
  if (!model.slice_weights_digests.empty() &&
      model.slice_weights_digests.size() != SliceCount(model)) {
    throw FrontendError("the model states a weights digest for other slices than its own");
  }
}

QTensor SaltTensor(std::string name) {
  QTensor salt;
  salt.name = std::move(name);
  salt.kind = QTensor::Kind::kInput;
  salt.type = DataType::kInt64;
  salt.shape = {SliceLink::kSaltSize};
  salt.bound_bits = static_cast<int>(air::kValueBoundBits);
  return salt;
}

}  // namespace

size_t SliceCount(const QuantizedModel& model) { return model.slice_starts.size() + 1; }

std::vector<TensorId> CrossingTensors(const QuantizedModel& model, size_t start) {
  std::vector<bool> crossing(model.tensors.size(), false);
  std::vector<bool> computed_before(model.tensors.size(), false);
  for (TensorId id : model.inputs) computed_before[id] = true;
  for (size_t i = 0; i < start; ++i) computed_before[OutputOf(model.ops[i])] = true;
  for (size_t i = start; i < model.ops.size(); ++i) {
    ForEachOperand(model.ops[i], [&](const std::vector<ElementRef>& refs) {
      for (const ElementRef& ref : refs) {
        if (ref.tensor != ElementRef::kLiteral && computed_before[ref.tensor]) {
          crossing[ref.tensor] = true;
        }
      }
    });
  }
  for (TensorId id : model.outputs) {
    if (computed_before[id]) crossing[id] = true;
  }
  std::vector<TensorId> tensors;
  for (size_t id = 0; id < crossing.size(); ++id) {
    if (crossing[id]) tensors.push_back(static_cast<TensorId>(id));
  }
  return tensors;
}

ModelSlice SliceOf(const QuantizedModel& model, size_t k) {
  CheckCuts(model);
  const size_t n_slices = SliceCount(model);
  assert(k < n_slices);
  const auto [start, end] = OperatorRange(model, k);
  const bool first = k == 0, last = k + 1 == n_slices;
  const std::vector<TensorId> in = first ? model.inputs : CrossingTensors(model, start);
  const std::vector<TensorId> out = last ? model.outputs : CrossingTensors(model, end);

  // The slice's tensors, in the model's order: what crosses in, what it computes and the
  // constants it reads.
  std::vector<bool> used(model.tensors.size(), false);
  for (TensorId id : in) used[id] = true;
  for (size_t i = start; i < end; ++i) {
    used[OutputOf(model.ops[i])] = true;
    ForEachOperand(model.ops[i], [&](const std::vector<ElementRef>& refs) {
      for (const ElementRef& ref : refs) {
        if (ref.tensor != ElementRef::kLiteral) used[ref.tensor] = true;
      }
    });
  }
  ModelSlice slice;
  QuantizedModel& s = slice.model;
  std::vector<TensorId> slice_id(model.tensors.size(), ElementRef::kLiteral);
  for (size_t id = 0; id < model.tensors.size(); ++id) {
    if (!used[id]) continue;
    slice_id[id] = static_cast<TensorId>(s.tensors.size());
    s.tensors.push_back(model.tensors[id]);
    slice.model_tensors.push_back(static_cast<TensorId>(id));
  }
  const auto remap = [&](TensorId id) {
    if (slice_id[id] == ElementRef::kLiteral) {
      throw FrontendError(fmt::format("slice {} reads '{}', which no slice before it computes", k,
                                      model.tensor(id).name));
    }
    return slice_id[id];
  };
  for (size_t i = start; i < end; ++i) {
    QOp op = model.ops[i];
    std::visit([&](auto& o) { o.out = remap(o.out); }, op);
    ForEachOperand(op, [&](std::vector<ElementRef>& refs) {
      for (ElementRef& ref : refs) {
        if (ref.tensor != ElementRef::kLiteral) ref.tensor = remap(ref.tensor);
      }
    });
    s.ops.push_back(std::move(op));
  }
  for (TensorId id : in) {
    s.inputs.push_back(remap(id));
    if (!first) s.tensors[s.inputs.back()].kind = QTensor::Kind::kInput;
  }
  for (TensorId id : out) s.outputs.push_back(remap(id));
  const auto add_salt = [&](const char* name) {
    s.tensors.push_back(SaltTensor(name));
    slice.model_tensors.push_back(ModelSlice::kNoModelTensor);
    const auto salt = static_cast<TensorId>(s.tensors.size() - 1);
    s.inputs.push_back(salt);
    return salt;
  };
  if (!first) {
    s.link_in = SliceLink{add_salt("slice_salt_in"), {}};
    for (TensorId id : in) s.link_in->tensors.push_back(remap(id));
  }
  if (!last) {
    s.link_out = SliceLink{add_salt("slice_salt_out"), {}};
    for (TensorId id : out) s.link_out->tensors.push_back(remap(id));
  }
  s.source = fmt::format("{} (slice {} of {})", model.source, k + 1, n_slices);
  s.trace_shape = model.trace_shape;
  s.input_visibility = first ? model.input_visibility : Visibility::kPrivate;
  s.output_visibility = last ? model.output_visibility : Visibility::kPrivate;
  s.weights_visibility = model.weights_visibility;
  if (!model.slice_weights_digests.empty()) {
    s.weights_digest = model.slice_weights_digests[k];
  } else if (n_slices == 1) {
    s.weights_digest = model.weights_digest;
  }
  s.context_felts = first ? model.context_felts : 0;
  return slice;
}

QuantizedRun SliceRun(const ModelSlice& slice, const QuantizedRun& run,
                      std::span<const int64_t> salt_in, std::span<const int64_t> salt_out) {
  QuantizedRun slice_run;
  for (TensorId id : slice.model_tensors) {
    slice_run.values.push_back(id == ModelSlice::kNoModelTensor ? std::vector<int64_t>{}
                                                                : run.values[id]);
  }
  const auto set_salt = [&](const std::optional<SliceLink>& link, std::span<const int64_t> salt) {
    if (!link) return;
    assert(salt.size() == SliceLink::kSaltSize);
    slice_run.values[link->salt].assign(salt.begin(), salt.end());
  };
  set_salt(slice.model.link_in, salt_in);
  set_salt(slice.model.link_out, salt_out);
  for (TensorId id : slice.model.outputs) {
    const QTensor& t = slice.model.tensor(id);
    slice_run.outputs.push_back(t.Dequantize(slice_run.values[id]));
  }
  return slice_run;
}

std::vector<int64_t> DrawSalt() {
  hash::RandomStream stream(hash::FreshRandomSeed(), 0);
  std::vector<int64_t> salt;
  constexpr int64_t kHalf = int64_t{1} << air::kValueBoundBits;
  for (int64_t i = 0; i < SliceLink::kSaltSize; ++i) {
    salt.push_back(static_cast<int64_t>(stream.NextM31().value() % (2 * kHalf)) - kHalf);
  }
  return salt;
}

}  // namespace tensorstark::frontend
