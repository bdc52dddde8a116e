// The error the frontend raises for a model or an input it cannot handle. Its message is one line
// that names what is wrong (the node, its op type, the attribute or shape), for the CLI to print.
#pragma once

#include <stdexcept>
#include <string>

namespace tensorstark::frontend {

class FrontendError : public std::runtime_error {
 public:
  explicit FrontendError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tensorstark::frontend
