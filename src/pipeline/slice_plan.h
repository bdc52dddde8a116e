// Where compile cuts a model into slices (frontend/slices.h) so that each slice's proof fits a
// memory budget, and, the model being cut, each slice's leaf circuit the aggregation tree's class
// (tree_leaves.h's LeafLoad: sliced proofs reach Starknet only through the tree): consecutive
// runs of operators, each as long as both allow, found by lowering candidate slices (for
// verifying, which builds no data columns), estimating their proofs' memory and counting their
// leaf circuits' gates; an operator too large alone is split into parts first. A model whose
// whole proof fits stays one slice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "frontend/model_air.h"
#include "frontend/quantized_model.h"

namespace tensorstark::pipeline {

// The memory a slice's proof takes, estimated from its AIR alone (so that the cuts are the same
// wherever the model is compiled): the largest of the profiles it may be proved with.
using SliceMemoryEstimate = std::function<uint64_t(const frontend::ModelAir& air)>;

// Cuts `model` into slices that each fit `budget_bytes` by `estimate` (and the tree's class):
// sets its slice_starts
// (the first operator of every slice after the first; none when the whole model fits), and
// splits an operator that does not fit alone into parts that do (frontend/split_operators.h).
// Throws frontend::FrontendError naming an operator that does not fit and cannot be split (a
// model output's, or one output element's). `on_candidate` is told of each candidate slice as it
// is estimated (progress).
void PlanSlices(frontend::QuantizedModel& model, uint64_t budget_bytes,
                const SliceMemoryEstimate& estimate,
                const std::function<void(size_t first, size_t end)>& on_candidate);

}  // namespace tensorstark::pipeline
