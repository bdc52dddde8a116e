#include "field/qm31.h"

namespace tensorstark::field {

std::ostream& operator<<(std::ostream& os, const QM31& v) {
  return os << '(' << v.c0.a << ", " << v.c0.b << ", " << v.c1.a << ", " << v.c1.b << ')';
}

}  // namespace tensorstark::field
