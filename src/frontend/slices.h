// A model cut into consecutive slices, each proved on its own with an AIR of its own, so that a
// model of any size proves within a memory budget (compile chooses the cuts:
// pipeline/slice_plan.h). Slice k runs the operators [start_k, start_{k+1}) of
// QuantizedModel::slice_starts.
//
// A slice is a model in its own right. Its inputs are the tensors crossing the cut before it (the
// first slice's: the model's inputs), its outputs those crossing the cut after it (the last
// slice's: the model's outputs). Two consecutive slices state the tensors crossing the cut between
// them as one Poseidon2 digest of a salt and their values (SliceLink, ModelAir): the earlier one
// computes them, the later one takes them as private inputs, and a verifier checks that the two
// digests are equal, which binds the values without revealing them (the salt, 8 private values the
// prover draws, keeps a guessable activation from being checked against the digest). The first
// slice states the model's inputs and context as the model does, the last its outputs: the cuts
// never appear in what the whole states.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "frontend/quantized_eval.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// How many slices the model is proved in (1 for a model without cuts).
size_t SliceCount(const QuantizedModel& model);

// The tensors crossing the cut before operator `start`: the model's inputs and the tensors
// computed before it that an operator from `start` on reads or that are model outputs, by id.
std::vector<TensorId> CrossingTensors(const QuantizedModel& model, size_t start);

struct ModelSlice {
  QuantizedModel model;  // with link_in (but the first) and link_out (but the last)
  // Per tensor of the slice, the model's tensor it is; the salts, which the slice adds, are last
  // and have none (kNoModelTensor).
  static constexpr TensorId kNoModelTensor = -1;
  std::vector<TensorId> model_tensors;
};

// Slice k (k < SliceCount(model)) of a model of several slices, or of a verifying model (with its
// slice's weights digest). Throws FrontendError for a cut the model's file states wrongly.
ModelSlice SliceOf(const QuantizedModel& model, size_t k);

// A slice's run, from a run of the whole model, with the salts of its links (kSaltSize values
// each; empty for a link the slice does not have).
QuantizedRun SliceRun(const ModelSlice& slice, const QuantizedRun& run,
                      std::span<const int64_t> salt_in, std::span<const int64_t> salt_out);

// A fresh salt: SliceLink::kSaltSize values in [-2^15, 2^15) from the system's random source.
std::vector<int64_t> DrawSalt();

}  // namespace tensorstark::frontend
