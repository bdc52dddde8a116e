// What Starknet's fact registry (verifier-cairo/src/contracts.cairo) records for a proof, computed
// natively: a contract consuming facts needs these felts, and `compile`, `prove` and `verify`
// print them next to the native identifiers.
//   model id: the model commitment's 8 M31 words packed big-endian in base 2^31 (one felt);
//   fact:     Poseidon(model id, verifier class hash, Poseidon(inputs), Poseidon(outputs)), where
//             inputs and outputs are the statement's words after the commitment, one felt each.
#pragma once

#include <span>

#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/model_air.h"

namespace tensorstark::frontend {

field::Felt252 StarknetModelId(std::span<const field::M31> commitment);

struct StarknetStatement {
  field::Felt252 model;
  field::Felt252 inputs_hash;
  field::Felt252 outputs_hash;

  // The fact a registry records when the verifier of this class accepts the proof.
  field::Felt252 Fact(const field::Felt252& verifier_class) const;
};

// From a proof's public inputs (the commitment, then what it states of the inputs and outputs).
StarknetStatement StarknetStatementOf(const ModelAir& air,
                                      std::span<const field::M31> public_inputs);

}  // namespace tensorstark::frontend
