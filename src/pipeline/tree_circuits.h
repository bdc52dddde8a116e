// The circuits of an aggregation tree (docs/pipeline.md, "The aggregation tree"): a leaf verifies
// one inner proof (a slice's, or a whole model's) and states it as tree_statement.h says; the one
// node circuit verifies two tree proofs, leaves or nodes alike, each under the preprocessed root it
// comes with (guessed: no child's key is a constant of the node's circuit), and joins their
// statements (NodeStatement). Every tree proof has one shape (TreeShape): a recursion AIR at one
// size class with kTreeStatementWords public inputs, so that one node circuit reads them all.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "pipeline/model_recursion.h"
#include "pipeline/tree_statement.h"
#include "recursion/circuit_channel.h"

namespace tensorstark::pipeline {

// What every proof of a tree is: proved at `config` (hashed with Poseidon2-M31, with a constant
// FRI last layer, so that a circuit verifies it), its recursion AIR (a gate a row) at `size_class`.
struct TreeShape {
  air::ProofConfig config;
  recursion::SizeClass size_class;
};
// The recursive profile, and the class that holds both a node and the leaf of every example.
TreeShape StandardTreeShape();

// Every tree proof's AIR for verifying it, natively or in a circuit, under the root it comes with.
class TreeProofAir {
 public:
  static std::variant<std::unique_ptr<const TreeProofAir>, std::string> Make(
      const TreeShape& shape);

  const TreeShape& tree_shape() const { return shape_; }
  const recursion::RecursionAir& air() const { return air_; }
  // Its preprocessed root is a placeholder: pass the proof's to VerifyNatively, and verify it in a
  // circuit with VerifyInCircuitUnderRoot.
  const recursion::InnerAir& inner() const { return inner_; }
  // The recursion AIR shape a tree circuit must have.
  recursion::RecursionAir::Shape ProofShape() const { return air_.shape(); }

 private:
  TreeProofAir(TreeShape shape, recursion::RecursionAir air, recursion::InnerAir inner)
      : shape_(std::move(shape)), air_(std::move(air)), inner_(std::move(inner)) {}
  TreeShape shape_;
  recursion::RecursionAir air_;
  recursion::InnerAir inner_;
};

// The rules of tree_statement.h over wires: Equal is an assertion.
struct CircuitTreeRules : recursion::CircuitBackend {
  void Equal(recursion::Wire a, recursion::Wire b, std::string_view what) const {
    builder->AssertEqual(a, b, what);
  }
};

// The leaf circuit of `member`'s inner proofs, whose statements are laid out as `regions` says:
// the inner statement guessed and checked as CheckModelStatement checks it
// (AssertModelStatement), the inner proof verified, and the public statement (`stated`: the
// leaf's, LeafStatement; zeros for the topology) asserted to be LeafStatement of it, its
// node_root excepted, which a leaf does not read.
void BuildLeafCircuit(recursion::CircuitBuilder& builder, const InnerMember& member,
                      const LeafRegions& regions, const recursion::InnerWitness* witness,
                      const TreeStatement& stated);

// A child of a node: its proof (with what the native verifier opened) and the root it was proved
// under.
struct TreeChild {
  recursion::InnerWitness witness;
  hash::Poseidon2M31Hash root;
};

// The node circuit: each child verified under its guessed root, and the public statement
// (`stated`: NodeStatement of the children's; zeros for the topology) asserted to be NodeStatement
// of theirs under its own node_root. Two children with values, none for the topology.
void BuildNodeCircuit(recursion::CircuitBuilder& builder, const TreeProofAir& tree,
                      std::span<const TreeChild> children, const TreeStatement& stated);

}  // namespace tensorstark::pipeline
