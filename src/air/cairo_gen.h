// The Cairo code of an AIR's constraints (verifier-cairo/src/air.cairo reads it), generated from
// the C++ constraint definitions through the expression evaluator (expr.h), never written by
// hand: per component a function that folds its constraints at the out-of-domain point into the
// composition in Horner form, acc = acc·α + c_k(p)·Z(p)^{-1}, as PointEvaluator does; and
// evaluate_composition over all components, in order. Every expression node becomes one `let`,
// so shared subexpressions (the LogUp batches) are computed once; constraints with the same
// expression over other columns share one function, called with their columns' indices. The
// module also describes the AIR's shape and the statement every proof of it shares, and implements
// the verifier's ModelAir trait with them (verifier-cairo/src/verifier.cairo). Its one use is the
// final recursion AIR (docs/recursion.md), the same for every model, which the one verifier
// contract (verifier-cairo/src/contracts.cairo) reads final proofs with.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "air/component.h"
#include "air/layout.h"

namespace tensorstark::air {

// What the generated module's model_statement() holds (verifier-cairo/src/statement.cairo): the
// commitment a proof must state, the preprocessed root and the configuration the module accepts,
// and how the statement's values become public LogUp terms of one relation. The final AIR's
// holds only what every final proof shares: no commitment, terms or bounds (the verifier
// completes it from the proof: its length and preprocessed root; crate::verifier::verify_final).
struct CairoStatement {
  std::vector<M31> commitment;
  std::string preprocessed_root;  // a felt252, in hex
  // The one configuration the module reads proofs at (config.zk: zero-knowledge proofs, and only
  // those, or plain ones).
  ProofConfig config;
  // The least security of the proofs the AIR's circuit verifies (none: its own), which the
  // verifier counts with the proof's.
  uint32_t inner_security_bits = 0;
  // The most inner proofs one statement holds (a final proof's members), which a verifier of it
  // refuses more than, as the native one does.
  uint32_t max_inner_proofs = 0;
  size_t n_public_inputs = 0;   // the statement's length
  size_t n_stated_inputs = 0;   // how many of its values (after the commitment) state the inputs
  std::string tensor_relation;  // the relation of every public term
  // `count` terms: public input first_input + i at address + i, with one multiplicity.
  struct TermRun {
    size_t first_input = 0;
    uint32_t address = 0;
    size_t count = 0;
    M31 multiplicity;
  };
  std::vector<TermRun> terms;
  // `count` public inputs from first_input lie in [-2^bound_bits, 2^bound_bits).
  struct InputBound {
    size_t first_input = 0;
    size_t count = 0;
    uint32_t bound_bits = 0;
  };
  std::vector<InputBound> input_bounds;
};

// The module for these components (the layout gives the relations' order) and statement. With
// `with_test_seed`, it ends with a test that evaluates the composition at random mask values,
// statement, lookup elements and point (drawn from the seed) and compares it with the C++
// evaluator's value, written into the test. Throws std::invalid_argument for a component that
// borrows main columns (component.h), which the Cairo verifier does not read.
std::string GenerateCairoAir(std::span<const Component* const> components, const AirLayout& layout,
                             const CairoStatement& statement, std::string_view source,
                             const uint64_t* with_test_seed = nullptr);

}  // namespace tensorstark::air
