#include "cli/example_airs.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::cli {

std::vector<const air::Component*> ExampleAir::ComponentPointers() const {
  std::vector<const air::Component*> pointers;
  for (const auto& component : components) pointers.push_back(component.get());
  return pointers;
}

std::variant<ExampleAirBuilder, std::string> MakeExampleAirBuilder(
    const std::string& name, uint32_t log_rows, const std::string& columns_text) {
  uint32_t columns = name == "wide-fib" ? 100 : 3;
  if (!columns_text.empty()) {
    auto [end, ec] =
        std::from_chars(columns_text.data(), columns_text.data() + columns_text.size(), columns);
    if (ec != std::errc() || end != columns_text.data() + columns_text.size() || columns < 1 ||
        columns > 4096) {
      return fmt::format("--columns must be an integer in [1, 4096], got '{}'", columns_text);
    }
  }
  if (name == "wide-fib") {
    if (columns < 2) return std::string("wide-fib needs --columns ≥ 2");
    return ExampleAirBuilder{
        [=] {
          examples::WideFibInstance instance = examples::MakeWideFib(log_rows, columns);
          ExampleAir air;
          air.components.push_back(std::make_unique<air::FrameworkComponent<examples::WideFib>>(
              std::move(instance.component)));
          air.traces.push_back(std::move(instance.trace));
          air.public_inputs = std::move(instance.public_inputs);
          return air;
        },
        columns};
  }
  if (name == "range-check") {
    const uint32_t log_range = std::min(log_rows, 16u);
    return ExampleAirBuilder{
        [=] {
          examples::RangeCheckInstance instance =
              examples::MakeRandomRangeCheck(log_rows, log_range, columns, /*seed=*/1);
          ExampleAir air;
          air.components.push_back(
              std::make_unique<air::FrameworkComponent<examples::RangeCheckedValues>>(
                  std::move(instance.values)));
          air.components.push_back(std::make_unique<air::FrameworkComponent<air::RangeTable>>(
              std::move(instance.table)));
          air.traces.push_back(std::move(instance.values_trace));
          air.traces.push_back(std::move(instance.table_trace));
          air.public_inputs = std::move(instance.public_inputs);
          return air;
        },
        columns};
  }
  return fmt::format("unknown example '{}' (wide-fib, range-check)", name);
}

}  // namespace tensorstark::cli
