#include "pipeline/slice_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "frontend/frontend_error.h"
#include "frontend/slices.h"
#include "frontend/split_operators.h"
#include "pipeline/sliced_proof.h"

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
  if (budget_bytes == 0) throw frontend::FrontendError("a slice's memory budget of 0 bytes");
  // A candidate that forms no AIR (too many elements, a component too large) does not fit; a
  // single operator that forms none is an error of its own, which passes.
  const auto need = [&](size_t first, size_t end) -> uint64_t {
    if (on_candidate) on_candidate(first, end);
    try {
      const frontend::QuantizedModel slice = CandidateSlice(model, first, end);
      return estimate(frontend::ModelAir(slice, frontend::ModelAir::Use::kVerifying));
    } catch (const frontend::FrontendError&) {
      if (end - first == 1) throw;
      return std::numeric_limits<uint64_t>::max();
    }
  };
  model.slice_starts.clear();
  // Every candidate copies the model: not its ONNX bytes, which no lowering reads.
  std::string onnx = std::move(model.onnx);
  model.onnx.clear();
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
    if (starts.size() >= kMaxSlices) {
      throw frontend::FrontendError(fmt::format(
          "the model needs more than {} slices of {:.2f} GiB: give compile --proof-memory more",
          kMaxSlices, budget_bytes / kGiB));
    }
  }
  model.slice_starts = std::move(starts);
  model.onnx = std::move(onnx);
}

}  // namespace tensorstark::pipeline
