#include "air/range_table.h"

namespace tensorstark::air {

Relation RangeCheckRelation(uint32_t log_range) {
  return {"range_check_" + std::to_string(log_range), 1};
}

}  // namespace tensorstark::air
