// Graph passes over the IR, run at import in this order: shape inference with constant folding,
// then the simplifications below. Each keeps the model's float semantics.
#pragma once

#include "frontend/graph.h"

namespace tensorstark::frontend {

// Gives every value its type and shape, in node order, and replaces each node whose operands are
// all constant by the constants it computes. An operator computed by others (a recurrent net,
// InstanceNormalization, GatherND: frontend/expand.h) is expanded into them when inference
// reaches it. Throws FrontendError for an unsupported op type,
// attribute or operand.
void InferShapesAndFoldConstants(Graph& graph);

// Identity and inference-mode Dropout nodes disappear: their readers read the operand.
void RemoveIdentities(Graph& graph);

// A BatchNormalization that is the only reader of a Conv's or Gemm's output, whose weights are
// constant, is folded into that node's weights and bias.
void FoldBatchNormalization(Graph& graph);

// Drops nodes none of whose outputs is read.
void RemoveDeadNodes(Graph& graph);

// All of the above, in order.
void SimplifyGraph(Graph& graph);

}  // namespace tensorstark::frontend
