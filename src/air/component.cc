#include "air/component.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace tensorstark::air {

uint32_t Component::EvalLogSize() const {
  // ceil(log2(d - 1)) for d ≥ 3 (component.h).
  const uint32_t degree = Info().max_constraint_degree;
  const uint32_t log_blowup = degree <= 2 ? 0 : std::bit_width(degree - 2);
  return log_size() + std::max<uint32_t>(log_blowup, 1);
}

std::vector<M31> Component::PreprocessedData(const PreprocessedColumnId&) const {
  assert(false && "the component declares no data columns");
  return {};
}

std::unique_ptr<Component> Component::WithZkBlinding(const ZkBlinding&) const { return nullptr; }

std::vector<std::string> Component::ConstraintExpressions() const {
  // One printer: a large part several constraints share is bound once, before its first use.
  ExprPrinter printer;
  std::vector<std::string> texts;
  for (const Expr& constraint : Constraints()) {
    const std::string text = printer.Print(constraint);
    for (std::string& binding : printer.TakeBindings()) texts.push_back(std::move(binding));
    texts.push_back(text);
  }
  return texts;
}

}  // namespace tensorstark::air
