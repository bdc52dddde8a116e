// The example AIRs the CLI can benchmark (examples/), built by name with their traces.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"

namespace tensorstark::cli {

struct ExampleAir {
  std::vector<std::unique_ptr<air::Component>> components;
  std::vector<std::vector<std::vector<field::M31>>> traces;  // per component
  std::vector<field::M31> public_inputs;

  std::vector<const air::Component*> ComponentPointers() const;
};

struct ExampleAirBuilder {
  std::function<ExampleAir()> build;
  uint32_t columns = 0;
  ExampleAir operator()() const { return build(); }
};

// name: wide-fib or range-check; columns_text: the --columns value, empty for the default.
std::variant<ExampleAirBuilder, std::string> MakeExampleAirBuilder(const std::string& name,
                                                                   uint32_t log_rows,
                                                                   const std::string& columns_text);

}  // namespace tensorstark::cli
