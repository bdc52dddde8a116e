// Proofs of a model of several slices (frontend/slices.h): one proof per slice under its own key,
// made one slice at a time, so that a prover holds one slice's AIR and trace at once, and checked
// together. Each slice's proof is an ordinary model proof of its slice; what joins them is that
// each link's digest is stated alike by the two slices it joins (CheckLink).
//
// The statement of the whole is the model's own (StatementLayout of the model): its commitment
// (SlicedCommitment, which binds every slice's AIR and weights), then the first slice's statement
// of the inputs and the context, then the last slice's of the outputs. The links never appear in
// it.
//
// The sliced proof file: the magic "TSSP", the version (u32), the number of slices (u32), then per
// slice its proof's length (u32) and its bytes (air/proof_io.h's format). All little-endian.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "air/proof.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "field/felt252.h"
#include "field/m31.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"
#include "frontend/slices.h"
#include "frontend/statement_layout.h"
#include "pipeline/model_proof.h"

namespace tensorstark::pipeline {

// The most slices a sliced proof file may hold: what a verifier works through is bounded before
// it parses anything else.
inline constexpr uint32_t kMaxSlices = 4096;

bool IsSlicedProof(std::span<const uint8_t> bytes);
std::vector<uint8_t> WriteSlicedProof(std::span<const std::vector<uint8_t>> slice_proofs);
// The slices' proofs (spans into `bytes`), or why the file is not a sliced proof.
std::variant<std::vector<std::span<const uint8_t>>, std::string> ReadSlicedProof(
    std::span<const uint8_t> bytes);

// The commitment of a model of several slices, from its slices' commitments in order: the
// Poseidon2 sponge (hash::Poseidon2SpongeDigest) of a block naming it, then each slice's 8 words
// (one permutation a slice, so that a circuit can chain it slice by slice), then zero blocks.
frontend::ModelCommitment SlicedCommitment(std::span<const frontend::ModelCommitment> slices);

// The words of a slice's statement that state its link in (is_input) or out; the slice has it.
std::span<const field::M31> LinkWords(const frontend::QuantizedModel& slice,
                                      std::span<const field::M31> statement, bool is_input);

// Why slice k (from 0) and slice k + 1 do not meet, given the words stating the first one's link
// out and the second one's link in, or nothing.
std::optional<std::string> CheckLink(size_t k, std::span<const field::M31> out,
                                     std::span<const field::M31> in);

// The statement of the whole model (laid out as `whole`), from its first and last slices'
// statements (laid out as `first` and `last`).
std::vector<field::M31> WholeStatement(const frontend::StatementLayout& whole,
                                       const frontend::ModelCommitment& commitment,
                                       const frontend::StatementLayout& first,
                                       std::span<const field::M31> first_statement,
                                       const frontend::StatementLayout& last,
                                       std::span<const field::M31> last_statement);

// What proving a model's slices made: per slice its proof's bytes, statement and commitment.
struct SliceProofs {
  std::vector<std::vector<uint8_t>> proofs;
  std::vector<std::vector<field::M31>> statements;
  std::vector<frontend::ModelCommitment> commitments;
  // With private weights: each slice's weights digest (ModelAir::WeightsDigest).
  std::vector<std::array<field::M31, 8>> weights_digests;
  double grind_ms = 0;  // the proofs of work's, in all
};

struct SliceProveCallbacks {
  std::function<void(size_t k, size_t n_slices)> on_slice;  // as slice k (from 0) begins
  // Before slice k's key and trace: throws to refuse its proof (a proof that cannot fit in
  // memory).
  std::function<void(const frontend::ModelAir& air)> before_prove;
  std::function<void(std::string_view phase, double ms)> on_phase;  // air::ProveTimings'
};

// A proof's salts, one per cut (frontend::DrawSalt each): what the two slices of a cut share.
using SliceSalts = std::vector<std::vector<int64_t>>;
SliceSalts DrawSalts(size_t n_cuts);

// The salts file, for slices proved apart (prove --slice): the magic "TSSS", the version (u32), the
// number of cuts (u32), then each cut's kSaltSize values as i32. All little-endian. It is as
// private as the inputs: with it, a link digest can be checked against guessed activations.
std::vector<uint8_t> WriteSalts(const SliceSalts& salts);
// The salts, or why the bytes are not a salts file of `n_cuts` cuts.
std::variant<SliceSalts, std::string> ReadSalts(std::span<const uint8_t> bytes, size_t n_cuts);

// Proves the slices of `model` (of several slices; all, or only slice `only`, from 0) on `run`, a
// run of the whole model, stating `context` in the first, each cut under its salt in `salts` (one
// per cut). Throws frontend::FrontendError.
template <hash::Channel C, hash::MerkleLayerHasher H>
SliceProofs ProveSlices(const frontend::QuantizedModel& model, const frontend::QuantizedRun& run,
                        const air::ProofConfig& config, std::span<const field::Felt252> context,
                        const SliceSalts& salts, const SliceProveCallbacks& callbacks,
                        std::optional<size_t> only = std::nullopt) {
  const size_t n_slices = frontend::SliceCount(model);
  SliceProofs out;
  for (size_t k = 0; k < n_slices; ++k) {
    if (only && k != *only) continue;
    if (callbacks.on_slice) callbacks.on_slice(k, n_slices);
    const frontend::ModelSlice slice = frontend::SliceOf(model, k);
    const frontend::ModelAir air(slice.model);
    if (callbacks.before_prove) callbacks.before_prove(air);
    auto key = frontend::SetupModel<H>(air, config);
    if (auto* error = std::get_if<std::string>(&key)) throw frontend::FrontendError(*error);
    const frontend::ModelKey<H>& model_key = std::get<frontend::ModelKey<H>>(key);
    const std::span<const int64_t> salt_in =
        k > 0 ? std::span(salts[k - 1]) : std::span<const int64_t>();
    const std::span<const int64_t> salt_out =
        k + 1 < n_slices ? std::span(salts[k]) : std::span<const int64_t>();
    frontend::ModelAir::Witness witness =
        air.GenerateWitness(frontend::SliceRun(slice, run, salt_in, salt_out), model_key.commitment,
                            k == 0 ? context : std::span<const field::Felt252>());
    double grind_ms = 0;
    const air::StarkProof<H> stark =
        ProveWitness<C, H>(air, model_key, config, std::move(witness), callbacks.on_phase, grind_ms,
                           fmt::format("slice {} of {} ", k + 1, n_slices));
    out.proofs.push_back(air::SerializeProof(stark));
    out.statements.push_back(stark.public_inputs);
    out.commitments.push_back(model_key.commitment);
    out.grind_ms += grind_ms;
    if (const auto digest = air.WeightsDigest()) out.weights_digests.push_back(*digest);
  }
  return out;
}

}  // namespace tensorstark::pipeline
