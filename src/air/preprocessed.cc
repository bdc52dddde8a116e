#include "air/preprocessed.h"

#include <cassert>
#include <span>

#include "circle/bit_reverse.h"

namespace tensorstark::air {

std::string PreprocessedColumnId::Name() const {
  switch (kind) {
    case Kind::kIsFirst:
      return "is_first_" + std::to_string(log_size);
    case Kind::kSeq:
      return "seq_" + std::to_string(log_size);
    case Kind::kData:
      return "data_" + std::to_string(index) + "_" + std::to_string(log_size);
  }
  return "";
}

std::vector<field::M31> GeneratePreprocessedColumn(const PreprocessedColumnId& id) {
  assert(id.log_size <= 30);
  std::vector<field::M31> column(size_t{1} << id.log_size);
  switch (id.kind) {
    case PreprocessedColumnId::Kind::kIsFirst:
      // Coset row 0 is the point G_{2n}, which bit-reversed circle-domain order stores first.
      column[0] = field::M31::One();
      break;
    case PreprocessedColumnId::Kind::kSeq:
      for (size_t r = 0; r < column.size(); ++r) {
        column[r] = field::M31::FromCanonical(static_cast<uint32_t>(r));
      }
      circle::BitReverseCosetToCircleDomainOrder(std::span<field::M31>(column));
      break;
    case PreprocessedColumnId::Kind::kData:
      assert(false && "data columns come from their component");
      break;
  }
  return column;
}

}  // namespace tensorstark::air
