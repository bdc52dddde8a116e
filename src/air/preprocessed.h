// Preprocessed columns (protocol reference §9.5): fixed columns that depend only on the AIR,
// committed in tree 0, so a proof cannot choose them. IsFirst and Seq are derived from their ids;
// Data columns (a model's weights, addresses and tables) come from the component that declares
// them (Component::PreprocessedData), and the verifier knows them through the verifying key's root.
// A column may be smaller than the component that reads it; it then repeats (component.h).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "field/m31.h"

namespace tensorstark::air {

struct PreprocessedColumnId {
  enum class Kind : uint8_t {
    kIsFirst,  // 1 on row 0, 0 elsewhere
    kSeq,      // row index r on row r (coset order): the table 0 … 2^log_size - 1
    kData,     // column `index` of the AIR's fixed data
  };
  Kind kind = Kind::kIsFirst;
  uint32_t log_size = 0;
  uint32_t index = 0;  // kData only: unique among the AIR's data columns

  std::string Name() const;
  friend auto operator<=>(const PreprocessedColumnId&, const PreprocessedColumnId&) = default;
};

// The values of an IsFirst or Seq column in bit-reversed circle-domain storage order.
std::vector<field::M31> GeneratePreprocessedColumn(const PreprocessedColumnId& id);

}  // namespace tensorstark::air
