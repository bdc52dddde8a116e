// Where compile cuts a model into slices (frontend/slices.h) so that each slice's proof fits a
// memory budget: consecutive runs of operators, each as long as the budget allows, found by
// lowering candidate slices (for verifying, which builds no data columns) and estimating their
// proofs' memory. A model whose whole proof fits stays one slice.
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

// The first operator of every slice after the first (QuantizedModel::slice_starts): empty when the
// whole model fits. Throws frontend::FrontendError naming an operator that does not fit alone.
// `on_candidate` is told of each candidate slice as it is estimated (progress).
std::vector<size_t> PlanSlices(const frontend::QuantizedModel& model, uint64_t budget_bytes,
                               const SliceMemoryEstimate& estimate,
                               const std::function<void(size_t first, size_t end)>& on_candidate);

}  // namespace tensorstark::pipeline
