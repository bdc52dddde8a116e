// What Starknet's fact registry (verifier-cairo/src/contracts.cairo) records for each inner proof
// of a final proof, computed natively: a contract consuming facts needs these felts, and
// `compress` and `verify` print them next to the native identifiers.
//   fact:       Poseidon(model id, verifier class hash, Poseidon(inputs), Poseidon(outputs)),
//               where inputs and outputs are the inner statement's words after the commitment,
//               one felt each;
// and for compressed proofs (docs/recursion.md, "Model ids"):
//   circuit id: Poseidon('tensorstark-circuit-v1', hash id, the configuration's 6 words
//               (air::ConfigWords) and its zero-knowledge flag, the number of components and
//               each one's log size, the number of members and each one's statement length and
//               count of words stating its inputs, the preprocessed root's 32 bytes (as a proof
//               writes it) as two big-endian 128-bit felts): the recursion verifying key, whose
//               root commits to the circuit, and the circuit to the inner models' keys; the
//               members' layout, which the circuit fixes too, is in the id so that a contract
//               splitting the statement by a layout the caller gives names no pinned model unless
//               the layout is the circuit's;
//   model id:   Poseidon(the inner model commitment's 8 M31 words packed big-endian in base
//               2^31, circuit id): what a consumer pins.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "air/proof.h"
#include "air/proof_io.h"
#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/model_air.h"
#include "frontend/statement_layout.h"

namespace tensorstark::pipeline {

// How a member's statement is laid out in a recursion proof's statement (the members' follow
// each other): its length, the commitment's 8 words included, and how many of its words after
// the commitment state the inputs (the outputs' follow).
struct MemberLayout {
  uint32_t n_words = 0;
  uint32_t n_stated_inputs = 0;
  bool operator==(const MemberLayout&) const = default;
};

MemberLayout LayoutOf(const frontend::StatementLayout& layout);

// Each member's statement within a recursion proof's `statement` laid out by `layouts` (empty
// spans where the lengths do not add up).
std::vector<std::span<const field::M31>> SplitStatement(std::span<const MemberLayout> layouts,
                                                        std::span<const field::M31> statement);

// What identifies a recursion (outer or final) verifying key.
struct OuterKeyIdentity {
  air::HashId hash = air::HashId::kBlake2s;
  air::ProofConfig config;
  std::vector<uint32_t> log_sizes;  // each component's, in order
  std::vector<MemberLayout> members;
  std::array<uint8_t, 32> preprocessed_root{};
};
field::Felt252 StarknetCircuitId(const OuterKeyIdentity& key);
field::Felt252 StarknetCompressedModelId(std::span<const field::M31> commitment,
                                         const field::Felt252& circuit_id);

struct StarknetStatement {
  field::Felt252 model;
  field::Felt252 inputs_hash;
  field::Felt252 outputs_hash;

  // The fact a registry records when the verifier of this class accepts the proof.
  field::Felt252 Fact(const field::Felt252& verifier_class) const;
};

// From an inner proof's statement (the commitment, then what it states of the inputs and
// outputs, as `layout` says) and its model id under the circuit (StarknetCompressedModelId).
StarknetStatement StarknetStatementOf(const MemberLayout& layout,
                                      std::span<const field::M31> statement,
                                      const field::Felt252& model_id);

// Each member's, within a final proof's statement laid out by `layouts`, under its model id in
// `model_ids`: a final proof's facts.
std::vector<StarknetStatement> StarknetStatements(std::span<const MemberLayout> layouts,
                                                  std::span<const field::Felt252> model_ids,
                                                  std::span<const field::M31> statement);

}  // namespace tensorstark::pipeline
