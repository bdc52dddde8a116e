// Operators computed by others, expanded into them when shape inference reaches the node (so the
// operands' shapes are known): RNN, GRU and LSTM unrolled (frontend/recurrent.h),
// InstanceNormalization as the mean and deviation over each channel, GatherND by constant
// indices as a Gather of the flattened data, ConvTranspose as a Conv of the zero-spread input.
#pragma once

#include <string>
#include <vector>

#include "frontend/graph.h"

namespace tensorstark::frontend {

// The op types ExpandNode takes, sorted.
std::vector<std::string> ExpandedOpTypes();
bool IsExpandedOp(const std::string& op_type);

// The nodes computing `node`'s outputs, in order; throws FrontendError naming the node for a form
// it does not take.
std::vector<Node> ExpandNode(const Node& node, Graph& graph);

}  // namespace tensorstark::frontend
