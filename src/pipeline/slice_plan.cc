#include "pipeline/slice_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "frontend/frontend_error.h"
#include "frontend/slices.h"
#include "frontend/split_operators.h"

namespace tensorstark::pipeline {
namespace {

constexpr double kGiB = double(uint64_t{1} << 30);

// The operators [first, end) of `model` as a slice of its own (the first and last slices of a
// model cut there), without its weights' digest: a verifying lowering needs none, and computing it
// hashes every weight.
frontend::QuantizedModel CandidateSlice(const frontend::QuantizedModel& model, size_t first,
                                        size_t end) {
  frontend::QuantizedModel cut = model;
  cut.slice_starts.clear();
  if (first > 0) cut.slice_starts.push_back(first);
  if (end < model.ops.size()) cut.slice_starts.push_back(end);
  frontend::QuantizedModel slice = frontend::SliceOf(cut, first > 0 ? 1 : 0).model;
  if (slice.weights_visibility == frontend::Visibility::kPrivate) slice.weights_digest.emplace();
  return slice;
}

}  // namespace

void PlanSlices(frontend::QuantizedModel& model, uint64_t budget_bytes,
                const SliceMemoryEstimate& estimate,
                const std::function<void(size_t first, size_t end)>& on_candidate) {
  const auto need = [&](size_t first, size_t end) {
    if (on_candidate) on_candidate(first, end);
    const frontend::QuantizedModel slice = CandidateSlice(model, first, end);
    return estimate(frontend::ModelAir(slice, frontend::ModelAir::Use::kVerifying));
  };
  model.slice_starts.clear();
  std::vector<size_t> starts;
  for (size_t first = 0; first < model.ops.size();) {
    if (need(first, model.ops.size()) <= budget_bytes) break;
    // An operator too large alone becomes parts of about a budget each (its first part is
    // checked again, the others as the cuts reach them).
    for (uint64_t alone = need(first, first + 1); alone > budget_bytes;
         alone = need(first, first + 1)) {
      const size_t parts = static_cast<size_t>(alone / budget_bytes) + 1;
      const size_t n_ops = model.ops.size();
      if (std::find(model.outputs.begin(), model.outputs.end(),
                    frontend::OutputOf(model.ops[first])) == model.outputs.end()) {
        model = frontend::SplitOperator(std::move(model), first, parts);
      }
      if (model.ops.size() == n_ops) {
        throw frontend::FrontendError(fmt::format(
            "operator {} ('{}', {}) alone needs about {:.1f} GiB to prove, more than the {:.1f} "
            "GiB a slice may take (compile --proof-memory), and cannot be split further",
            first + 1, model.tensor(frontend::OutputOf(model.ops[first])).name,
            frontend::OpKindName(model.ops[first]), alone / kGiB, budget_bytes / kGiB));
      }
    }
    // The longest run from `first` that fits: [first, fits) fits and [first, too_many) does not.
    size_t fits = first + 1, too_many = model.ops.size();
    while (too_many - fits > 1) {
      const size_t middle = fits + (too_many - fits) / 2;
      (need(first, middle) <= budget_bytes ? fits : too_many) = middle;
    }
    starts.push_back(fits);
    first = fits;
  }
  model.slice_starts = std::move(starts);
}

}  // namespace tensorstark::pipeline
