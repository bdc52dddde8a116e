// Preprocessed columns (protocol reference §9.5): fixed columns that depend only on the AIR,
// committed in tree 0. The prover and the verifier both derive them from their ids, so a proof
// cannot choose them.
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
  };
  Kind kind = Kind::kIsFirst;
  uint32_t log_size = 0;

  std::string Name() const;
  friend auto operator<=>(const PreprocessedColumnId&, const PreprocessedColumnId&) = default;
};

// The column's values in bit-reversed circle-domain storage order.
std::vector<field::M31> GeneratePreprocessedColumn(const PreprocessedColumnId& id);

}  // namespace tensorstark::air
