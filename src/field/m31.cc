#include "field/m31.h"

#include <cassert>

namespace tensorstark::field {

M31 M31::Inverse() const {
  assert(!IsZero() && "inverse of zero");
  return Pow(kP - 2);
}

std::ostream& operator<<(std::ostream& os, M31 v) { return os << v.value(); }

}  // namespace tensorstark::field
