// An operator too large to prove within a slice's memory budget, split into operators that each
// compute some of its output elements into a tensor of their own (pipeline/slice_plan.h splits
// one that does not fit alone). Every operator reads its operands element by element
// (ElementRef), so the elements of the split tensor are read from the parts that compute them,
// and the model computes the same values as before.
//
// A MatMul, Gemm or Conv (LinearOp) without groups is split by output columns when it has at least
// as many columns as rows (each part then holds and, when they are private, hashes only its
// columns' weights: an embedding or a language model's head), else by output rows (each part
// reads only its rows' inputs: a convolution's output positions; every part holds all the
// weights). Every other operator is split by output elements.
#pragma once

#include <cstddef>

#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// The model with operator `op` replaced by up to `parts` operators (no more than it has rows,
// columns or elements to split), consecutive in its place; the first part's tensor keeps the
// operator's tensor id. Throws FrontendError for an operator whose output is a model output.
QuantizedModel SplitOperator(QuantizedModel model, size_t op, size_t parts);

}  // namespace tensorstark::frontend
