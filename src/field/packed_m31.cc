#include "field/packed_m31.h"

namespace tensorstark::field {

// Prints the lanes as [v0, v1, ..., v15], for test failure messages.
std::ostream& operator<<(std::ostream& os, const PackedM31& v) {
  const std::array<M31, kLanes> lanes = v.ToArray();
  os << '[';
  for (int i = 0; i < kLanes; ++i) os << (i == 0 ? "" : ", ") << lanes[i];
  return os << ']';
}

}  // namespace tensorstark::field
