// The composition polynomial (protocol reference §8.2, §9.3): every component's constraints,
// divided by its trace domain's vanishing polynomial and combined with powers of a random
// coefficient, evaluated on each component's evaluation domain, interpolated and summed. It is
// committed split into 2^k chunks of the largest component's size (C = Σ_j chunk_j·Π π-factors,
// see RecombineComposition), which is what lets constraints have degree up to 3.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/layout.h"
#include "circle/circle_poly.h"
#include "circle/twiddles.h"

namespace tensorstark::air {

// The committed trees 0–2 as the prover holds them.
struct CommittedTrees {
  std::array<const std::vector<circle::CirclePoly>*, 3> polys{};
  std::array<const std::vector<std::span<const M31>>*, 3> evaluations{};  // blown-up domains
  uint32_t log_blowup = 0;
  const circle::TwiddleTree* twiddles = nullptr;
};

// The chunks' coordinate polynomials, chunk-major (4j + coordinate), of the layout's chunk size.
std::vector<circle::CirclePoly> ComputeComposition(std::span<const Component* const> components,
                                                   const AirLayout& layout,
                                                   const CommittedTrees& trees, QM31 random_coeff,
                                                   std::span<const M31> public_inputs,
                                                   const LookupElementsMap& elements,
                                                   std::span<const QM31> claimed_sums);

// The first constraint that fails on the committed trace, if any (for the prover's error).
std::optional<ConstraintFailure> FindConstraintFailure(std::span<const Component* const> components,
                                                       const AirLayout& layout,
                                                       const CommittedTrees& trees,
                                                       std::span<const M31> public_inputs,
                                                       const LookupElementsMap& elements,
                                                       std::span<const QM31> claimed_sums);

}  // namespace tensorstark::air
