#include "pipeline/tree_final.h"

#include <fmt/format.h>

#include "recursion/merkle_path.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;
using field::QM31;
using recursion::Wire;

}  // namespace

size_t TreeFinalSpec::n_public_inputs() const {
  size_t n = 0;
  for (const TreeInference& inference : inferences) n += inference.layout->n_public_inputs();
  return n;
}

std::vector<std::span<const M31>> TreeFinalSpec::Statements(std::span<const M31> statement) const {
  std::vector<std::span<const M31>> statements;
  size_t offset = 0;
  for (const TreeInference& inference : inferences) {
    const size_t n = inference.layout->n_public_inputs();
    statements.push_back(offset + n <= statement.size() ? statement.subspan(offset, n)
                                                        : std::span<const M31>());
    offset += n;
  }
  return statements;
}

std::vector<MemberLayout> TreeFinalSpec::Layouts() const {
  std::vector<MemberLayout> layouts;
  for (const TreeInference& inference : inferences) {
    layouts.push_back({static_cast<uint32_t>(inference.layout->n_public_inputs()),
                       static_cast<uint32_t>(inference.layout->n_stated_inputs())});
  }
  return layouts;
}

void BuildTreeFinalCircuit(recursion::CircuitBuilder& builder, const TreeFinalSpec& spec,
                           const TreeChild* top, std::span<const M31> statement) {
  const CircuitTreeRules rules{{&builder}};
  std::vector<M31> values(spec.n_public_inputs());
  if (top) std::copy_n(statement.begin(), std::min(values.size(), statement.size()), values.begin());
  // The final statement first: its wires are 0..n-1 (StatementInputs).
  const std::vector<Wire> stated = recursion::StatementInputs(builder, values);
  TreeDigest<Wire> facts = ZeroDigest(rules);
  size_t offset = 0;
  for (const TreeInference& inference : spec.inferences) {
    const std::span<const Wire> words =
        std::span(stated).subspan(offset, inference.layout->n_public_inputs());
    for (size_t w = 0; w < inference.commitment.size(); ++w) {
      builder.AssertEqual(words[w], builder.Constant(QM31(inference.commitment[w])),
                          "an inference's stated commitment is its model's");
    }
    const LeafRegions regions = LeafRegionsOf(*inference.layout);
    facts = Absorb(rules, facts, words.subspan(regions.inputs_first, regions.inputs_count));
    facts = Absorb(rules, facts, words.subspan(regions.outputs_first, regions.outputs_count));
    offset += words.size();
  }
  std::vector<Wire> top_words;
  const std::vector<M31> top_values =
      recursion::StatementValues(spec.tree->inner(), top ? &top->witness : nullptr);
  for (M31 v : top_values) top_words.push_back(builder.Guess(recursion::ValueType::kM31, QM31(v)));
  const recursion::DigestWires root =
      recursion::GuessDigest(builder, top ? top->root : hash::Poseidon2M31Hash());
  recursion::VerifyInCircuitUnderRoot(builder, spec.tree->inner(), top ? &top->witness : nullptr,
                                      top_words, root);
  TreeDigest<Wire> node_root, keys;
  for (size_t w = 0; w < kTreeDigestWords; ++w) {
    node_root[w] = builder.Constant(QM31(spec.node_root.words[w]));
    keys[w] = builder.Constant(QM31(spec.keys[w]));
  }
  CheckTreeTop(rules, TreeStatementOf<Wire>::FromWords(top_words), root, node_root, keys, facts);
}

std::optional<air::VerificationError> CheckTreeStatements(std::span<const TreeInference> inferences,
                                                          std::span<const M31> statement) {
  size_t n_public = 0;
  for (const TreeInference& inference : inferences) n_public += inference.layout->n_public_inputs();
  if (statement.size() != n_public) {
    return air::VerificationError{
        air::VerificationError::Kind::kShapeMismatch,
        fmt::format("the proof states {} values, the models' statements have {}", statement.size(),
                    n_public)};
  }
  size_t offset = 0;
  for (size_t i = 0; i < inferences.size(); ++i) {
    const size_t n = inferences[i].layout->n_public_inputs();
    if (auto error = frontend::CheckStatement(*inferences[i].layout, inferences[i].commitment,
                                              statement.subspan(offset, n))) {
      if (inferences.size() > 1) error->message = fmt::format("proof {}: {}", i + 1, error->message);
      return error;
    }
    offset += n;
  }
  return std::nullopt;
}

}  // namespace tensorstark::pipeline
