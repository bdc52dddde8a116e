#include "air/packed_row_evaluator.h"

#include <algorithm>

namespace tensorstark::air {

PackedEvalSetup::PackedEvalSetup(const ColumnsView& view, const EvalContext& ctx,
                                 const ComponentInfo& info, uint32_t log_size,
                                 uint32_t domain_log_size)
    : log_size(log_size),
      domain_log_size(domain_log_size),
      domain_size(size_t{1} << domain_log_size),
      public_inputs(ctx.public_inputs) {
  assert(domain_log_size >= log_size);
  assert(ctx.public_inputs.size() >= info.n_public_inputs);
  assert(view.trees[kPreprocessedTree].size() == info.preprocessed_columns.size());
  assert(view.trees[kTraceTree].size() == info.trace_offsets.size());
  assert(view.trees[kInteractionTree].empty() ||
         view.trees[kInteractionTree].size() == info.interaction_offsets.size());
  for (size_t tree = 0; tree < 3; ++tree) {
    for (std::span<const M31> column : view.trees[tree]) {
      assert(column.size() == domain_size);
      columns[tree].push_back(column.data());
    }
  }
  if (info.relations.empty()) return;
  assert(ctx.lookup_elements != nullptr && "a component with relations needs lookup elements");
  for (const Relation& relation : info.relations) {
    const LookupElements& elements = ctx.lookup_elements->at(relation.name);
    assert(elements.alpha_powers.size() >= relation.n_values);
    PackedLookupElements packed{relation.name, PackedQM31::Broadcast(elements.z), {}};
    for (const QM31& power : elements.alpha_powers) {
      packed.alpha_powers.push_back(PackedQM31::Broadcast(power));
    }
    lookups.push_back(std::move(packed));
  }
  cumsum_shift =
      PackedQM31::Broadcast(ctx.claimed_sum * M31::FromCanonical(1u << log_size).Inverse());
}

const PackedLookupElements& PackedEvalSetup::Lookup(const std::string& relation) const {
  // Components use a handful of relations; a linear scan beats hashing the name.
  const auto it = std::find_if(lookups.begin(), lookups.end(),
                               [&](const PackedLookupElements& l) { return l.name == relation; });
  assert(it != lookups.end());
  return *it;
}

}  // namespace tensorstark::air
