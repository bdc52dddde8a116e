// What a model proof's statement makes public, printed for people (prove, verify) and as JSON
// (inspect MODEL, verify --json), and for a final proof the felts Starknet's fact registry
// records (pipeline/starknet_fact.h).
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/model_air.h"
#include "frontend/statement_layout.h"
#include "api/compress.h"
#include "pipeline/model_recursion.h"

namespace tensorstark::cli {

// With private weights, their digests (one per slice; ModelAir::WeightsDigest).
using WeightsDigests = std::span<const std::array<field::M31, 8>>;

// `statement`: a proof's public inputs, of length layout.n_public_inputs().
nlohmann::json PublicStatementJson(const frontend::StatementLayout& layout,
                                   WeightsDigests weights_digests,
                                   std::span<const field::M31> statement);
nlohmann::json PublicStatementJson(const frontend::ModelAir& air,
                                   std::span<const field::M31> statement);

// One line per output (its values, digest, or that it is private), per input that is not public,
// and for private weights their digest (each slice's).
void PrintStatement(const frontend::StatementLayout& layout, WeightsDigests weights_digests,
                    std::span<const field::M31> statement);
void PrintStatement(const frontend::ModelAir& air, std::span<const field::M31> statement);

// verify --class-hash given a proof that is not final.
inline constexpr char kClassHashOfFinalProofs[] =
    "--class-hash: Starknet's fact registry records the facts of final proofs only (compress "
    "--profile onchain makes one)";

// A final proof's facts, one per inference, as the registry records them: [{"model",
// "inputs_hash", "outputs_hash"} and, given the verifier's class hash, "fact"].
nlohmann::json StarknetFactsJson(const api::CompressedStatement& stated,
                                 const std::optional<field::Felt252>& verifier_class);

// The same as lines starting "on Starknet".
void PrintStarknetFacts(const api::CompressedStatement& stated,
                        const std::optional<field::Felt252>& verifier_class);

// Each inference's statement as PublicStatementJson gives it.
nlohmann::json PublicStatementsJson(const api::CompressedStatement& stated);

// A compressed or final proof's statements: the circuit id, then each inference's model id and
// statement (PrintStatement), under a heading naming its model when there are several.
void PrintCompressedStatements(const api::CompressedStatement& stated,
                               const std::vector<std::string>& model_paths);

// A circuit's identity as JSON: what its circuit id and model ids are computed from, and them.
nlohmann::json IdentityJson(const pipeline::OuterKeyIdentity& identity,
                            const pipeline::CompressedIds& ids);

}  // namespace tensorstark::cli
