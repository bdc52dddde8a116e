// A column of QM31 values stored as its 4 M31 coordinate columns (structure of arrays), the form
// the prover keeps DEEP quotients, FRI layers and composition evaluations in: each coordinate
// column can be committed, FFT'd and loaded into packed registers directly.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::fri {

using field::M31;
using field::QM31;

struct SecureColumn {
  std::array<std::vector<M31>, 4> coords;

  static SecureColumn Zeros(size_t n) {
    SecureColumn column;
    for (std::vector<M31>& coord : column.coords) coord.assign(n, M31());
    return column;
  }
  size_t size() const { return coords[0].size(); }
  QM31 at(size_t i) const {
    return QM31::FromM31Array({coords[0][i], coords[1][i], coords[2][i], coords[3][i]});
  }
  void Set(size_t i, QM31 value) {
    const std::array<M31, 4> v = value.ToM31Array();
    for (size_t c = 0; c < 4; ++c) coords[c][i] = v[c];
  }
};

}  // namespace tensorstark::fri
