// Shape-only operators as index maps: every output element is a copy of one element of one data
// operand, or a constant fill value (Pad). Float evaluation applies the map; the lowering to the
// AIR composes chains of maps and charges nothing for them in the trace.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/graph.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {

struct ElementSource {
  static constexpr int32_t kFill = -1;
  int32_t operand = kFill;  // which operand of the node, or kFill
  int64_t index = 0;        // flat element index within that operand
};

struct IndexMap {
  DataType type = DataType::kFloat;
  Shape shape;
  std::vector<ElementSource> sources;  // one per output element, row-major
  double fill = 0;  // the value of kFill elements (an integer map's is below 2^53: exact)
};

// Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Slice, Split, Gather, GatherElements,
// Pad, Expand, Tile are index maps; Identity and Dropout are handled as unary ops.
bool IsIndexMapOp(const std::string& op_type);

// The node's maps, one per output (several for a Split); operands other than the data operands
// (shapes, axes, indices, pads, split sizes) must be constant. Throws FrontendError naming the
// node.
std::vector<IndexMap> ComputeIndexMaps(const Node& node, std::span<const Operand> inputs);

// Where with a constant condition: each element from operand 1 or 2.
IndexMap WhereMap(const Node& node, std::span<const Operand> inputs);

}  // namespace tensorstark::frontend
