#include "air/errors.h"

#include <fmt/format.h>

namespace tensorstark::air {

std::string ToString(const ProvingError& error) {
  if (!error.failure) return error.message;
  const ConstraintFailure& f = *error.failure;
  return fmt::format("{}: component {} constraint {} fails at row {}: {}", error.message,
                     f.component, f.constraint, f.row, f.expression);
}

std::string ToString(const VerificationError& error) {
  if (error.pcs) return error.message + ": " + fri::ToString(*error.pcs);
  return error.message;
}

}  // namespace tensorstark::air
