// What a model's proofs state (their public inputs), laid out from the model alone: the model
// commitment (8 words), then what the statement says of each model input, then the context's
// words (QuantizedModel::context_felts, frontend/context.h), then what it says of each output, as
// the model's visibility says: a public tensor's quantized values in tensor order (as M31,
// negative values as p - |v|), a committed tensor's Poseidon2 digest (8 words), a private one's
// nothing. A slice's link to a neighbour (QuantizedModel::link_in, link_out; frontend/slices.h)
// is one digest of its salt and tensors in place of the inputs' or the outputs' words.
//
// ModelAir builds its statement by it; a model of several slices, which has no AIR of its own,
// states by it what its slices state together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/quantized_model.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

class StatementLayout {
 public:
  // The words stating one model input or output, or a link (`id` then its salt's).
  struct Part {
    TensorId id = 0;
    bool is_input = false;
    Visibility visibility = Visibility::kPublic;  // a link's: committed
    size_t first = 0;
    size_t count = 0;
    const SliceLink* link = nullptr;

    // The tensors whose values the part states or digests, in order.
    std::vector<TensorId> Tensors() const;
  };

  // Keeps a reference to `model`, which must outlive it.
  explicit StatementLayout(const QuantizedModel& model);

  std::span<const Part> parts() const { return parts_; }

  // The statement's length: the commitment and the words stating the inputs, the context and the
  // outputs.
  size_t n_public_inputs() const;
  // How many of them state the inputs and the context (after the commitment; the outputs'
  // follow): what a Starknet fact hashes as the inputs.
  size_t n_stated_inputs() const;

  // The statement's values of one model input: count values from first, each in
  // [-2^bound_bits, 2^bound_bits) (the tensor's bounds, which the no-wrap analysis assumes).
  struct InputRange {
    std::string name;
    size_t first = 0;
    size_t count = 0;
    uint32_t bound_bits = 0;
  };
  std::vector<InputRange> InputRanges() const;

  // Why the statement's input values are not ones the model was compiled for (outside their
  // InputRanges), or nothing.
  std::optional<std::string> CheckInputs(std::span<const field::M31> public_inputs) const;

  // What a statement (of length n_public_inputs()) says of each model input, then each output.
  struct StatedTensor {
    std::string name;
    bool is_input = false;
    Visibility visibility = Visibility::kPublic;
    Tensor values;                   // public: the values, dequantized
    std::vector<field::M31> digest;  // committed: the Poseidon2 digest
    int frac_bits = 0;  // public: each value is q / 2^frac_bits, q what the statement holds
  };
  std::vector<StatedTensor> Statement(std::span<const field::M31> public_inputs) const;

  // Where a statement holds the context: n_words words from `first`, kContextLimbs per felt.
  struct ContextWordsRange {
    size_t first = 0;
    size_t n_words = 0;
  };
  ContextWordsRange StatedContext() const { return context_; }

  // The context felts a statement (of length n_public_inputs()) holds, or why its words are not
  // a context's (which CheckModelStatement refuses).
  std::variant<std::vector<field::Felt252>, std::string> Context(
      std::span<const field::M31> public_inputs) const;

  // The public model outputs, dequantized, from the public inputs (of length n_public_inputs()).
  std::vector<Tensor> Outputs(std::span<const field::M31> public_inputs) const;

 private:
  const QuantizedModel& model_;
  std::vector<Part> parts_;
  ContextWordsRange context_;
};

}  // namespace tensorstark::frontend
