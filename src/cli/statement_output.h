// What a model proof's statement makes public, printed for people (prove, verify) and as JSON
// (inspect MODEL, verify --json), and for a proof Starknet reads (poseidon252) the felts its fact
// registry records (frontend/starknet_fact.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <type_traits>

#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/model_air.h"
#include "frontend/model_recursion.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::cli {

// Whether proofs of this hasher are the ones Starknet's verifier reads.
template <class H>
constexpr bool kStarknetReads = std::is_same_v<H, hash::Poseidon252MerkleHasher>;

// `statement`: a proof's public inputs, of length air.n_public_inputs().
nlohmann::json PublicStatementJson(const frontend::ModelAir& air,
                                   std::span<const field::M31> statement);

// One line per output (its values, digest, or that it is private), per input that is not public,
// and for private weights their digest.
void PrintStatement(const frontend::ModelAir& air, std::span<const field::M31> statement);

// {"model", "inputs_hash", "outputs_hash"} and, given the verifier's class hash, "fact".
nlohmann::json StarknetStatementJson(const frontend::ModelAir& air,
                                     std::span<const field::M31> statement,
                                     const std::optional<field::Felt252>& verifier_class);

// The same as lines starting "on Starknet:".
void PrintStarknetStatement(const frontend::ModelAir& air, std::span<const field::M31> statement,
                            const std::optional<field::Felt252>& verifier_class);

// A compressed or final proof's statements: the circuit id, then each inner proof's model id and
// statement (PrintStatement), under a heading naming its model when there are several.
void PrintCompressedStatements(std::span<const frontend::InnerMember> members,
                               const frontend::CompressedIds& ids,
                               const std::vector<std::string>& model_paths,
                               std::span<const field::M31> statement);

// A circuit's identity as JSON: what its circuit id and model ids are computed from, and them.
nlohmann::json IdentityJson(const frontend::OuterKeyIdentity& identity,
                            const frontend::CompressedIds& ids);

}  // namespace tensorstark::cli
