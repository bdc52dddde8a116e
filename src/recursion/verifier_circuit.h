// The inner verifier (air/verifier.h) as one circuit: the statement, the four commitments, both
// proofs of work, the LogUp sum check with the public terms, the composition at the out-of-domain
// point, and the commitment scheme's openings (every tree's Merkle path, the DEEP quotients with
// the zero-knowledge masks, FRI) of every query, in the native transcript order. The pieces are
// the native code over wires (the channel rules, the quotient and fold formulas, the constraint
// expressions); the order of the steps follows air::Verify, and the tests compare the two on
// real proofs, accepted and tampered.
//
// The circuit is fixed by the inner AIR's verifying key (InnerAir): components, configuration,
// preprocessed root, statement length and the shapes of the public LogUp terms. A proof only
// supplies the witness; its shape is checked natively first (InnerAir::CheckShape).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/errors.h"
#include "air/layout.h"
#include "air/proof.h"
#include "air/relation.h"
#include "fri/pcs_common.h"
#include "fri/pcs_verifier.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "recursion/circuit_builder.h"
#include "recursion/circuit_channel.h"

namespace tensorstark::recursion {

using InnerHasher = hash::Poseidon2M31MerkleHasher;
using InnerProof = air::StarkProof<InnerHasher>;
using InnerOpened = fri::PcsOpened<InnerHasher>;

class InnerAir {
 public:
  // A one-line error if the components do not form an AIR the circuit can verify at `config`
  // (the recursive profile's constant FRI last layer).
  static std::variant<InnerAir, std::string> Make(
      std::span<const air::Component* const> components, const air::ProofConfig& config,
      const hash::Poseidon2M31Hash& preprocessed_root, size_t n_public_inputs,
      std::vector<air::PublicLogupTermShape> public_terms);

  // A one-line error if the proof does not have the shape the circuit reads.
  std::optional<std::string> CheckShape(const InnerProof& proof) const;

  // The native verifier's verdict, with what it opened (the witness of the circuit's openings),
  // under the key's preprocessed root or under `root` (a family of AIRs of one shape whose roots
  // differ: VerifyInCircuitUnderRoot).
  std::optional<air::VerificationError> VerifyNatively(
      const InnerProof& proof, InnerOpened* opened,
      const hash::Poseidon2M31Hash* root = nullptr) const;

  const air::ProofConfig& config() const { return config_; }
  const air::AirLayout& layout() const { return layout_; }
  size_t n_public_inputs() const { return n_public_inputs_; }

 private:
  friend class VerifierCircuitBuild;
  InnerAir() = default;

  std::vector<const air::Component*> components_;  // as given
  std::vector<std::unique_ptr<air::Component>> blinded_;
  std::vector<const air::Component*> proved_;  // what the proof is about (blinded in ZK mode)
  air::ProofConfig config_;
  hash::Poseidon2M31Hash preprocessed_root_;
  size_t n_public_inputs_ = 0;
  std::vector<air::PublicLogupTermShape> public_terms_;
  air::AirLayout layout_;
  std::array<std::vector<uint32_t>, 4> eval_log_sizes_;  // per tree, per column
  std::vector<fri::ColumnGroup> groups_;
  std::vector<fri::FriMask> masks_;
  // Each sample's point, as an index into sample_points_: (doublings d, shift index s) for the
  // point 2^d·p + s of the out-of-domain point p; (0, 0) is p itself.
  std::array<std::vector<std::vector<size_t>>, 4> sample_point_;  // [tree][column][sample]
  std::vector<std::pair<uint32_t, uint32_t>> sample_points_;
};

// The witness: a proof whose shape passed CheckShape, and what VerifyNatively opened.
struct InnerWitness {
  const InnerProof* proof = nullptr;
  const InnerOpened* opened = nullptr;
  // Soundness tests only: the out-of-domain parameter t the build uses in place of the one it
  // draws, as if the prover had ground its composition root until the draw was this value. Such
  // a build no longer has the key's topology (t is a guess, not a draw): no outer proof is made
  // of it.
  std::optional<field::QM31> forged_oods_t = std::nullopt;
};

// Statement values as a circuit's public inputs: first a public-input gate per value, then a copy
// of each (CircuitBuilder::Copy, an addition row), whose wires are returned for the verifiers to
// read. Each public input is read once, and made first in a fresh builder its wire is its index:
// every circuit's public inputs are then the same given their number, so an outer verifier needs
// no per-circuit list of them (nor to trust one).
std::vector<Wire> StatementInputs(CircuitBuilder& builder, std::span<const field::M31> values);

// The statement a verifier circuit of `air` reads: the witness proof's (n_public_inputs() values,
// padded or cut), or zeros for the topology.
std::vector<field::M31> StatementValues(const InnerAir& air, const InnerWitness* witness);

// Records the verifier circuit of `air` in `builder`: with a witness in a builder with values
// (the prover's build: builder.failure() names the first check the proof fails), without one in a
// builder without values (the topology). The inner statement is read from `statement`'s wires
// (StatementInputs' of several statements, for circuits of several proofs), or if none are given
// from StatementInputs of the proof's statement (zeros for the topology), made here; returns the
// statement's wires.
std::vector<Wire> VerifyInCircuit(CircuitBuilder& builder, const InnerAir& air,
                                  const InnerWitness* witness,
                                  std::span<const Wire> statement = {});

// VerifyInCircuit for AIRs that share `air`'s shape but not its preprocessed root (the proofs of
// an aggregation tree, pipeline/proof_tree.h): the root the proof is verified under is `root`'s
// wires, which the caller guesses and constrains, in place of the key's constant. The statement's
// wires must be given.
void VerifyInCircuitUnderRoot(CircuitBuilder& builder, const InnerAir& air,
                              const InnerWitness* witness, std::span<const Wire> statement,
                              const DigestWires& root);

}  // namespace tensorstark::recursion
