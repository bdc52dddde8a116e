#include "pipeline/tree_statement.h"

#include "frontend/frontend_error.h"

namespace tensorstark::pipeline {

LeafRegions LeafRegionsOf(const frontend::StatementLayout& layout) {
  LeafRegions regions;
  regions.inputs_first = kTreeDigestWords;
  regions.inputs_count = layout.n_stated_inputs();
  regions.outputs_first = regions.inputs_first + regions.inputs_count;
  regions.outputs_count = layout.n_public_inputs() - regions.outputs_first;
  for (const frontend::StatementLayout::Part& part : layout.parts()) {
    if (part.link) (part.is_input ? regions.link_in : regions.link_out) = true;
  }
  // A link is the whole of its side (a slice after the first states no context), so no word of a
  // leaf's statement is left out of both the facts chain and its links.
  if ((regions.link_in && regions.inputs_count != kTreeDigestWords) ||
      (regions.link_out && regions.outputs_count != kTreeDigestWords)) {
    throw frontend::FrontendError("a slice states more than its link on a linked side (a bug)");
  }
  return regions;
}

}  // namespace tensorstark::pipeline
