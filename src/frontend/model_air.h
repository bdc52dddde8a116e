// The lowering of a compiled model to the AIR: one component per operator plus the range table,
// the global address of every tensor element, and the witness (main traces and public inputs)
// from an integer run.
//
// Public inputs (the statement) as StatementLayout lays them out (statement_layout.h). A public
// input's or output's values become the verifier's public LogUp terms of the tensor relation: it
// yields each input element as many times as operators read it, and reads each output element
// once. A committed tensor's digest (hash::Poseidon2SpongeDigest of its values), or a slice link's
// (of its salt's and tensors' values), is computed by a sponge component from the elements it
// reads (air/poseidon2_sponge.h). A model input that is not public, a link's tensors and salts are
// yielded from the trace by a component per input tensor, range-checked
// (air/private_values_component.h); a private output is read by nothing. The context's words are
// read by no component, bound by the transcript.
//
// Weights are public (values in the preprocessed tree) or private (weights=private): then the
// MatMul, Gemm and Conv components (LinearOp's) read every weight and bias from the tensor
// relation (air/linear_component.h), where a component yields them from the trace at addresses
// after the tensors' and a sponge reads them once more; its digest (Poseidon2 over M31 of each
// such component's weights, then its bias, in component order) is a constant of the AIR, which
// the layout description names. So the commitment binds the weights through their digest, and a
// zero-knowledge proof hides them. Other operators' constants (an Add's constant operand, a
// pooling's divisor) stay in the preprocessed tree: architecture, or parameters the compiler did
// not fold into a MatMul, Gemm or Conv.
//
// The model commitment is BLAKE2s over the layout description (components, their sizes, columns
// and constraints, the inputs' and outputs' shapes, scales and bounds, the private weights'
// digest) and the root of the preprocessed tree (weights or their addresses, addresses, tables)
// for the proof's configuration, as 8 words of 31 bits: two models with the same commitment have
// the same AIR.
#pragma once

#include <fmt/format.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/errors.h"
#include "air/proof.h"
#include "air/relation.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "field/felt252.h"
#include "frontend/quantized_eval.h"
#include "frontend/quantized_model.h"
#include "frontend/statement_layout.h"

namespace tensorstark::frontend {

using ModelCommitment = std::array<field::M31, 8>;
// 0x and the words' hex, 8 digits each.
std::string ToHex(std::span<const field::M31> words);

// The digest a proof states of a committed tensor with these quantized values: Poseidon2 over M31
// (hash::Poseidon2SpongeDigest) of the values as M31.
std::array<field::M31, 8> TensorDigest(std::span<const int64_t> values);

class ModelAir {
 public:
  // What a lowering serves: proving, and Setup, which commits to the data columns; or checking a
  // proof against a known preprocessed root (a cached key): the same components without their
  // data columns' values, which take most of a large model's lowering (nanoGPT's: half its time
  // and 0.4 GB). GenerateWitness and SetupModel need kProving.
  enum class Use { kProving, kVerifying };

  // Keeps a reference to `model`, which must outlive it. Throws FrontendError naming the operator
  // for one the prover does not support yet.
  explicit ModelAir(const QuantizedModel& model, Use use = Use::kProving);
  ~ModelAir();
  ModelAir(ModelAir&&) noexcept;

  std::vector<const air::Component*> components() const;
  const QuantizedModel& model() const;
  Use use() const;

  struct Witness {
    std::vector<std::vector<std::vector<field::M31>>> traces;  // per component, storage order
    std::vector<field::M31> public_inputs;
  };
  // Deterministic text naming every component with its size, column counts and constraints
  // (printed), and the inputs' and outputs' shapes, scales and bounds.
  std::string LayoutDescription() const;
  // The digest of the private weights the AIR fixes (the model's, or a verifying model's stored
  // one: WithoutWeights), or nothing when the weights are public.
  std::optional<std::array<field::M31, 8>> WeightsDigest() const;
  // What a verifier of a model with private weights needs: the model WithoutWeights, holding
  // their digest. Its AIR and commitment are this one's.
  QuantizedModel VerifyingModel() const;
  // The commitment for the root (hex) of the preprocessed tree under some configuration.
  ModelCommitment Commitment(const std::string& preprocessed_root_hex) const;
  // The commitment a statement begins with.
  static ModelCommitment StatedCommitment(std::span<const field::M31> public_inputs);

  // Soundness tests only: a cheating prover's rewrite of a rescale's quotient and remainder
  // (component index, flat index of the output element) before the trace is built from them.
  using RescaleHook =
      std::function<void(size_t component, int64_t element, int64_t& q, int64_t& r)>;

  // From a run of the same model (RunQuantized), for a proof under the configuration whose
  // commitment is given, stating `context` (as many felts as the model's context_felts, or
  // FrontendError).
  Witness GenerateWitness(const QuantizedRun& run, const ModelCommitment& commitment,
                          std::span<const field::Felt252> context = {},
                          const RescaleHook& hook = nullptr) const;

  // Whether its proofs must be zero-knowledge (frontend::RequiresZeroKnowledge of its model).
  bool RequiresZeroKnowledge() const;

  // What its proofs state (statement_layout.h), and its parts as ModelAir's own.
  const StatementLayout& statement_layout() const;
  size_t n_public_inputs() const { return statement_layout().n_public_inputs(); }
  size_t n_stated_inputs() const { return statement_layout().n_stated_inputs(); }
  using InputRange = StatementLayout::InputRange;
  std::vector<InputRange> InputRanges() const { return statement_layout().InputRanges(); }
  std::optional<std::string> CheckInputs(std::span<const field::M31> public_inputs) const {
    return statement_layout().CheckInputs(public_inputs);
  }
  using StatedTensor = StatementLayout::StatedTensor;
  std::vector<StatedTensor> Statement(std::span<const field::M31> public_inputs) const {
    return statement_layout().Statement(public_inputs);
  }
  using ContextWordsRange = StatementLayout::ContextWordsRange;
  ContextWordsRange StatedContext() const { return statement_layout().StatedContext(); }
  std::variant<std::vector<field::Felt252>, std::string> Context(
      std::span<const field::M31> public_inputs) const {
    return statement_layout().Context(public_inputs);
  }
  std::vector<Tensor> Outputs(std::span<const field::M31> public_inputs) const {
    return statement_layout().Outputs(public_inputs);
  }

  // The verifier's LogUp terms for the model's inputs and outputs, from the proof's public inputs
  // (of length n_public_inputs()).
  std::vector<air::PublicLogupTerm> PublicTerms(std::span<const field::M31> public_inputs) const;
  // The same as a function of the statement: (address, public input) in the tensor relation.
  std::vector<air::PublicLogupTermShape> PublicTermShapes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The verifying key and commitment of a model's AIR under a configuration (Setup), or a one-line
// error for an invalid configuration.
template <hash::MerkleHasher H>
struct ModelKey {
  air::ProvingKey<H> key;  // its verifying key is all a verifier uses
  ModelCommitment commitment;
};

// `air` lowered for proving (ModelAir::Use::kProving).
template <hash::MerkleLayerHasher H>
std::variant<ModelKey<H>, std::string> SetupModel(const ModelAir& air,
                                                  const air::ProofConfig& config) {
  if (air.use() != ModelAir::Use::kProving) {
    throw std::logic_error("the setup of a model lowered for verifying, without its data");
  }
  auto key = air::SetupProver<H>(air.components(), config);
  if (auto* error = std::get_if<std::string>(&key)) return *error;
  auto& proving_key = std::get<air::ProvingKey<H>>(key);
  const ModelCommitment commitment =
      air.Commitment(proving_key.verifying_key.preprocessed_root.ToHex());
  return ModelKey<H>{std::move(proving_key), commitment};
}

// A statement laid out as `layout` says checked before any STARK: it must have the layout's
// length, name the model's commitment, hold inputs in the model's ranges and a context of
// canonical felts. Also the statement of a model of several slices, which has no AIR.
std::optional<air::VerificationError> CheckStatement(const StatementLayout& layout,
                                                     const ModelCommitment& commitment,
                                                     std::span<const field::M31> statement);

// The model-level checks of a statement, before any STARK: a proof of a model with hidden parts
// must be zero-knowledge, and the statement passes CheckStatement. Shared by the model's proofs
// and their compressed (outer) proofs, whose statement is the same.
std::optional<air::VerificationError> CheckModelStatement(const ModelAir& air,
                                                          const ModelCommitment& commitment,
                                                          bool zero_knowledge,
                                                          std::span<const field::M31> statement);

// A proof of the model, against its verifying key and commitment under the proof's configuration
// (SetupModel): the statement (CheckModelStatement), then the STARK with the public LogUp terms of
// the inputs and outputs.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyModelProof(const ModelAir& air,
                                                       const air::StarkProof<H>& proof,
                                                       const air::VerifyingKey<H>& key,
                                                       const ModelCommitment& commitment,
                                                       uint32_t min_security_bits) {
  if (auto error = CheckModelStatement(air, commitment, proof.config.zk, proof.public_inputs)) {
    return error;
  }
  const std::vector<air::PublicLogupTerm> terms = air.PublicTerms(proof.public_inputs);
  return air::Verify<C, H>(air.components(), proof, key, min_security_bits, terms,
                           air.n_public_inputs());
}
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyModelProof(const ModelAir& air,
                                                       const air::StarkProof<H>& proof,
                                                       const ModelKey<H>& key,
                                                       uint32_t min_security_bits) {
  return VerifyModelProof<C, H>(air, proof, key.key.verifying_key, key.commitment,
                                min_security_bits);
}

// The same, computing the key first.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyModelProof(const ModelAir& air,
                                                       const air::StarkProof<H>& proof,
                                                       uint32_t min_security_bits) {
  auto key = SetupModel<H>(air, proof.config);
  if (auto* error = std::get_if<std::string>(&key)) {
    return air::VerificationError{air::VerificationError::Kind::kInvalidAir, *error};
  }
  return VerifyModelProof<C, H>(air, proof, std::get<ModelKey<H>>(key), min_security_bits);
}

}  // namespace tensorstark::frontend
