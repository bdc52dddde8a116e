#include "pipeline/slice_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "frontend/frontend_error.h"
#include "frontend/slices.h"
#include "frontend/split_operators.h"
#include "pipeline/sliced_proof.h"
#include "pipeline/tree_leaves.h"

namespace tensorstark::pipeline {
namespace {

constexpr double kGiB = double(uint64_t{1} << 30);

// The operators [first, end) of `model`, which has no cuts yet, as a slice of its own (the first
// and last slices of a model cut there), without its weights' digest: a verifying lowering needs
// none, and computing it hashes every weight. The model is cut there only while the slice is
// taken, rather than copied with every weight for each candidate.
frontend::QuantizedModel CandidateSlice(frontend::QuantizedModel& model, size_t first,
                                        size_t end) {
  struct Uncut {
    frontend::QuantizedModel& model;
    ~Uncut() { model.slice_starts.clear(); }
  } uncut{model};
  if (first > 0) model.slice_starts.push_back(first);
  if (end < model.ops.size()) model.slice_starts.push_back(end);
  frontend::QuantizedModel slice = frontend::SliceOf(model, first > 0 ? 1 : 0).model;
  if (slice.weights_visibility == frontend::Visibility::kPrivate) slice.weights_digest.emplace();
  return slice;
}

// What a candidate slice takes, in units of what a slice may: its proof's memory over the budget,
// and its leaf circuit's rows over the tree's class (LeafLoad; the rows are kept to name them).
struct SliceNeed {
  double memory = 0;
  CircuitRows leaf_rows{};  // zero when not counted
  double Load() const {
    return std::max(memory, LoadOn(leaf_rows, StandardTreeShape().size_class));
  }
  bool Fits() const { return Load() <= 1; }
};

// Why operator `op`, which `need` says does not fit alone, cannot be proved in a slice.
frontend::FrontendError Unsplittable(const frontend::QuantizedModel& model, size_t op,
                                     const SliceNeed& need, uint64_t budget_bytes) {
  const std::string name = fmt::format("operator {} ('{}', {})", op + 1,
                                       model.tensor(frontend::OutputOf(model.ops[op])).name,
                                       frontend::OpKindName(model.ops[op]));
  const bool output = std::find(model.outputs.begin(), model.outputs.end(),
                                frontend::OutputOf(model.ops[op])) != model.outputs.end();
  const std::string_view unsplit =
      output ? "a model output's operator is not split" : "it cannot be split further";
  if (need.memory > 1) {
    const double gib = need.memory * budget_bytes / kGiB;
    return frontend::FrontendError(fmt::format(
        "{} alone needs about {:.3g} GiB to prove, more than the {:.3g} GiB a slice may take, and "
        "{}: compile --proof-memory {:.1f} would let it",
        name, gib, budget_bytes / kGiB, unsplit, std::ceil(gib * 10) / 10));
  }
  const recursion::SizeClass size_class = StandardTreeShape().size_class;
  const auto share = [&](size_t k) {
    return need.leaf_rows[k] / std::ldexp(1.0, static_cast<int>(size_class.log_rows[k]));
  };
  size_t kind = 0;
  for (size_t k = 1; k < recursion::kComponentKinds; ++k) {
    if (share(k) > share(kind)) kind = k;
  }
  return frontend::FrontendError(fmt::format(
      "{} alone makes a leaf circuit of {:.0f} {} rows, more than the aggregation tree's class "
      "holds (2^{}): its slice's proof is too wide to verify in one leaf, and {}",
      name, need.leaf_rows[kind],
      recursion::ComponentKindName(static_cast<recursion::ComponentKind>(kind)),
      size_class.log_rows[kind], unsplit));
}

}  // namespace

void PlanSlices(frontend::QuantizedModel& model, uint64_t budget_bytes,
                const SliceMemoryEstimate& estimate,
                const std::function<void(size_t first, size_t end)>& on_candidate) {
  if (budget_bytes == 0) throw frontend::FrontendError("a slice's memory budget of 0 bytes");
  // What a candidate slice takes: its proof's memory in budgets, and once the model is cut (its
  // slices then reach Starknet only through the aggregation tree) its leaf circuit's share of the
  // tree's class. A candidate that forms no AIR (too many elements, a component too large) does
  // not fit; a single operator that forms none is an error of its own, which passes.
  bool cut = false;
  const auto need = [&](size_t first, size_t end) -> SliceNeed {
    if (on_candidate) on_candidate(first, end);
    try {
      const frontend::QuantizedModel slice = CandidateSlice(model, first, end);
      const frontend::ModelAir air(slice, frontend::ModelAir::Use::kVerifying);
      const double memory = static_cast<double>(estimate(air)) / static_cast<double>(budget_bytes);
      if (!cut || memory > 1) return {memory, {}};
      return {memory, LeafCircuitRows(air)};
    } catch (const frontend::FrontendError&) {
      if (end - first == 1) throw;
      return {std::numeric_limits<double>::infinity(), {}};
    }
  };
  model.slice_starts.clear();
  std::vector<size_t> starts;
  cut = !need(0, model.ops.size()).Fits();
  for (size_t first = 0; cut && first < model.ops.size();) {
    // An operator too large alone becomes parts of about a budget each (its first part is
    // checked again, the others as the cuts reach them).
    for (SliceNeed alone = need(first, first + 1); !alone.Fits(); alone = need(first, first + 1)) {
      const size_t parts = static_cast<size_t>(alone.Load()) + 1;
      const size_t n_ops = model.ops.size();
      if (std::find(model.outputs.begin(), model.outputs.end(),
                    frontend::OutputOf(model.ops[first])) == model.outputs.end()) {
        model = frontend::SplitOperator(std::move(model), first, parts);
      }
      if (model.ops.size() == n_ops) throw Unsplittable(model, first, alone, budget_bytes);
    }
    // The longest run from `first` that fits: [first, fits) fits and [first, too_many) does not,
    // found by doubling its length and then halving the difference, so that no candidate is
    // longer than twice a slice.
    size_t fits = first + 1, too_many = 0;
    for (size_t length = 2; too_many == 0 && fits < model.ops.size(); length *= 2) {
      const size_t end = std::min(first + length, model.ops.size());
      (need(first, end).Fits() ? fits : too_many) = end;
    }
    if (fits == model.ops.size()) break;
    while (too_many - fits > 1) {
      const size_t middle = fits + (too_many - fits) / 2;
      (need(first, middle).Fits() ? fits : too_many) = middle;
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
}

}  // namespace tensorstark::pipeline
