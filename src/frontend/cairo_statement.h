// The statement part of a model's generated Cairo module (air/cairo_gen.h): the commitment and
// preprocessed root of the model under a configuration, and the public LogUp terms of its
// inputs and outputs, read off ModelAir::PublicTerms.
#pragma once

#include "air/cairo_gen.h"
#include "frontend/model_air.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::frontend {

// Throws FrontendError if the public terms are not of the shape statement.cairo reads (one
// relation, values (address, public input)).
air::CairoStatement MakeCairoStatement(const ModelAir& air,
                                       const ModelKey<hash::Poseidon252MerkleHasher>& key,
                                       const air::ProofConfig& config);

}  // namespace tensorstark::frontend
