#include "frontend/statement_layout.h"

#include <fmt/format.h>

#include <cassert>
#include <tuple>
#include <utility>

#include "frontend/context.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::frontend {
namespace {

using field::M31;

constexpr size_t kCommitmentWords = 8;

// How many public inputs state a tensor of `size` elements: its values, its digest or nothing.
size_t StatedWords(int64_t size, Visibility visibility) {
  switch (visibility) {
    case Visibility::kPublic:
      return static_cast<size_t>(size);
    case Visibility::kCommitted:
      return hash::kPoseidon2Rate;
    case Visibility::kPrivate:
      return 0;
  }
  return 0;
}

int64_t SignedValue(M31 v) {
  const uint32_t x = v.value();
  return x <= field::kP / 2 ? static_cast<int64_t>(x) : static_cast<int64_t>(x) - field::kP;
}

}  // namespace

std::vector<TensorId> StatementLayout::Part::Tensors() const {
  if (!link) return {id};
  std::vector<TensorId> tensors = {link->salt};
  tensors.insert(tensors.end(), link->tensors.begin(), link->tensors.end());
  return tensors;
}

StatementLayout::StatementLayout(const QuantizedModel& model) : model_(model) {
  size_t next = kCommitmentWords;
  for (const auto& [is_input, list, visibility, link] :
       {std::tuple{true, &model.inputs, model.input_visibility, &model.link_in},
        {false, &model.outputs, model.output_visibility, &model.link_out}}) {
    if (!is_input) {
      context_ = {next, kContextLimbs * model.context_felts};
      next += context_.n_words;
    }
    if (*link) {
      parts_.push_back(
          {(*link)->salt, is_input, Visibility::kCommitted, next, hash::kPoseidon2Rate, &**link});
      next += hash::kPoseidon2Rate;
      continue;
    }
    for (TensorId id : *list) {
      // A first slice's salt is no model input: the link after it digests it.
      if (model.link_out && id == model.link_out->salt) continue;
      const size_t count = StatedWords(model.tensor(id).size(), visibility);
      parts_.push_back({id, is_input, visibility, next, count});
      next += count;
    }
  }
}

size_t StatementLayout::n_public_inputs() const {
  size_t count = kCommitmentWords + context_.n_words;
  for (const Part& part : parts_) count += part.count;
  return count;
}

size_t StatementLayout::n_stated_inputs() const {
  size_t count = context_.n_words;
  for (const Part& part : parts_) {
    if (part.is_input) count += part.count;
  }
  return count;
}

std::vector<StatementLayout::InputRange> StatementLayout::InputRanges() const {
  std::vector<InputRange> ranges;
  for (const Part& part : parts_) {
    if (!part.is_input || part.visibility != Visibility::kPublic) continue;
    const QTensor& t = model_.tensor(part.id);
    ranges.push_back({t.name, part.first, part.count, static_cast<uint32_t>(t.bound_bits)});
  }
  return ranges;
}

std::optional<std::string> StatementLayout::CheckInputs(std::span<const M31> public_inputs) const {
  for (const InputRange& range : InputRanges()) {
    const int64_t bound = int64_t{1} << range.bound_bits;
    for (size_t i = 0; i < range.count; ++i) {
      const int64_t q = SignedValue(public_inputs[range.first + i]);
      if (q < -bound || q >= bound) {
        return fmt::format(
            "input '{}' element {} is {}, outside the range [-{}, {}) the model "
            "was compiled for",
            range.name, i, q, bound, bound);
      }
    }
  }
  return std::nullopt;
}

std::vector<StatementLayout::StatedTensor> StatementLayout::Statement(
    std::span<const M31> public_inputs) const {
  assert(public_inputs.size() == n_public_inputs());
  std::vector<StatedTensor> stated;
  for (const Part& part : parts_) {
    const QTensor& t = model_.tensor(part.id);
    StatedTensor s{part.link ? (part.is_input ? "slice link in" : "slice link out") : t.name,
                   part.is_input,
                   part.visibility,
                   {},
                   {}};
    const std::span<const M31> words = public_inputs.subspan(part.first, part.count);
    if (part.visibility == Visibility::kPublic) {
      std::vector<int64_t> q;
      for (M31 word : words) q.push_back(SignedValue(word));
      s.values = t.Dequantize(q);
      s.frac_bits = t.frac_bits;
    } else {
      s.digest.assign(words.begin(), words.end());
    }
    stated.push_back(std::move(s));
  }
  return stated;
}

std::variant<std::vector<field::Felt252>, std::string> StatementLayout::Context(
    std::span<const M31> public_inputs) const {
  assert(public_inputs.size() == n_public_inputs());
  return ContextFelts(public_inputs.subspan(context_.first, context_.n_words));
}

std::vector<Tensor> StatementLayout::Outputs(std::span<const M31> public_inputs) const {
  std::vector<Tensor> outputs;
  for (StatedTensor& s : Statement(public_inputs)) {
    if (!s.is_input && s.visibility == Visibility::kPublic) outputs.push_back(std::move(s.values));
  }
  return outputs;
}

}  // namespace tensorstark::frontend
