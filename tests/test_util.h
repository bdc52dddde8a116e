// Shared helpers for the tests: deterministic random field elements.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::testing {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x7e57) : gen_(seed) {}
  uint32_t U32() { return static_cast<uint32_t>(gen_()); }
  uint64_t U64() { return gen_(); }
  field::M31 M31() { return field::M31::Reduce(gen_()); }
  field::QM31 QM31() { return {M31(), M31(), M31(), M31()}; }
  std::vector<field::M31> M31s(size_t n) {
    std::vector<field::M31> v(n);
    for (field::M31& x : v) x = M31();
    return v;
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace tensorstark::testing
