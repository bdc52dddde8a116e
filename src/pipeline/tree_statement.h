// What every proof of an aggregation tree states (docs/pipeline.md, "The aggregation tree"), and
// the rules that join statements, written once over a backend so that the native prover and
// verifier (M31 words) and the tree's circuits (wires) follow the same code.
//
// A tree proof is a leaf (one inner proof: a slice's or a whole model's, verified in its circuit)
// or a node (two tree proofs verified in the one node circuit). Whatever it verifies, it states
// kTreeStatementWords words:
//   kind        1 for a leaf, 0 for a node;
//   node_root   the node circuit's preprocessed root: a node asserts that its children state the
//               one it states and that a child node was proved under it, and the final circuit
//               that the top of the tree states the node key's, so every node was;
//   keys        which models and leaf keys the tree holds, as a digest of the tree's shape: a
//               leaf states its inner commitment, its parent (the only circuit that knows the
//               leaf's own preprocessed root) takes Compress(commitment, root) as its digest, and a
//               node states Compress(left digest, right digest), so the leaves' order is bound and
//               a leaf needs nothing of the others;
//   facts       a chain over what the leaves state of their models' inputs (and context), then of
//               their outputs, each absorbed in zero-padded blocks of 8 words: a slice that takes
//               a link in states no inputs, one that passes a link on no outputs, so the chain of
//               an inference is the same whether its model is sliced or not;
//   links       the link digests at the two ends of the leaves' run (zeros where the run starts
//               a model's first slice or ends its last): a node asserts that its left child's
//               link out is its right child's link in.
// The facts are stated as the chain's state before the proof's leaves and after them (8 words each,
// a Poseidon2 compression per block: hash/poseidon2_m31_rules.h's Compress), so that a node joins
// two children when the left one's out is the right one's in, and the final circuit checks the
// chain of its statement whatever the number of leaves; the keys' digest is a constant of the
// final circuit, which costs no gates however many leaves it has.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "field/m31.h"
#include "frontend/statement_layout.h"
#include "hash/poseidon2_m31_rules.h"

namespace tensorstark::pipeline {

inline constexpr size_t kTreeDigestWords = hash::poseidon2_rules::kDigestWords;

template <class W>
using TreeDigest = std::array<W, kTreeDigestWords>;

template <class W>
struct TreeStatementOf {
  W kind{};
  TreeDigest<W> node_root{};
  TreeDigest<W> keys{};
  TreeDigest<W> facts_in{}, facts_out{};
  TreeDigest<W> link_in{}, link_out{};

  // The statement's words in order: the one walk of every reader and writer.
  template <class S, class F>
  static void ForEachWord(S& s, F&& f) {
    f(s.kind);
    for (auto* digest :
         {&s.node_root, &s.keys, &s.facts_in, &s.facts_out, &s.link_in, &s.link_out}) {
      for (auto& word : *digest) f(word);
    }
  }
  std::vector<W> Words() const {
    std::vector<W> words;
    ForEachWord(*this, [&](const W& w) { words.push_back(w); });
    return words;
  }
  // From exactly kTreeStatementWords words.
  static TreeStatementOf FromWords(std::span<const W> words) {
    TreeStatementOf s;
    size_t next = 0;
    ForEachWord(s, [&](W& w) { w = words[next++]; });
    return s;
  }
};
inline constexpr size_t kTreeStatementWords = 1 + 6 * kTreeDigestWords;

using TreeStatement = TreeStatementOf<field::M31>;

// Where an inner proof's statement (frontend::StatementLayout) holds what a leaf chains: after the
// commitment, the words stating the inputs and the context, then the outputs' (either of which is
// a link's digest, and nothing else, in a slice that has that link: LeafRegionsOf throws
// frontend::FrontendError otherwise).
struct LeafRegions {
  size_t inputs_first = 0, inputs_count = 0;
  size_t outputs_first = 0, outputs_count = 0;
  bool link_in = false, link_out = false;
};
LeafRegions LeafRegionsOf(const frontend::StatementLayout& layout);

// The rules below run over a backend B of hash::poseidon2_rules (Word, Constant, Permute) that
// also has
//   void Equal(Word a, Word b, std::string_view what) const;
// which asserts (a circuit) or records the first pair that differs (the native checker).

template <class B>
TreeDigest<typename B::Word> ZeroDigest(const B& b) {
  TreeDigest<typename B::Word> zero;
  zero.fill(b.Constant(0));
  return zero;
}

template <class B>
void EqualDigests(const B& b, const TreeDigest<typename B::Word>& x,
                  const TreeDigest<typename B::Word>& y, std::string_view what) {
  for (size_t w = 0; w < kTreeDigestWords; ++w) b.Equal(x[w], y[w], what);
}

template <class B>
void EqualStatements(const B& b, const TreeStatementOf<typename B::Word>& x,
                     const TreeStatementOf<typename B::Word>& y, std::string_view what) {
  const auto xs = x.Words(), ys = y.Words();
  for (size_t i = 0; i < xs.size(); ++i) b.Equal(xs[i], ys[i], what);
}

// The chain state after absorbing `words` in blocks of 8, the last one padded with zeros; no words
// leave it as it is.
template <class B>
TreeDigest<typename B::Word> Absorb(const B& b, TreeDigest<typename B::Word> state,
                                    std::span<const typename B::Word> words) {
  for (size_t first = 0; first < words.size(); first += kTreeDigestWords) {
    TreeDigest<typename B::Word> block = ZeroDigest(b);
    const size_t n = std::min(kTreeDigestWords, words.size() - first);
    std::copy_n(words.begin() + first, n, block.begin());
    state = hash::poseidon2_rules::Compress(b, state, block);
  }
  return state;
}

// A leaf's statement, from the facts chain's state before it and its inner proof's statement (of
// `regions`, its commitment in the first 8 words). Its node_root is left zero: a leaf states the
// one its prover gives, which only its parent checks.
template <class B>
TreeStatementOf<typename B::Word> LeafStatement(const B& b, const LeafRegions& regions,
                                                const TreeDigest<typename B::Word>& facts_in,
                                                std::span<const typename B::Word> inner) {
  using Word = typename B::Word;
  TreeStatementOf<Word> s;
  s.kind = b.Constant(1);
  s.node_root = ZeroDigest(b);
  std::copy_n(inner.begin(), kTreeDigestWords, s.keys.begin());
  const auto inputs = inner.subspan(regions.inputs_first, regions.inputs_count);
  const auto outputs = inner.subspan(regions.outputs_first, regions.outputs_count);
  s.facts_in = facts_in;
  s.facts_out = Absorb(b, Absorb(b, facts_in, regions.link_in ? decltype(inputs){} : inputs),
                       regions.link_out ? decltype(outputs){} : outputs);
  s.link_in = ZeroDigest(b);
  s.link_out = ZeroDigest(b);
  if (regions.link_in) std::copy_n(inputs.begin(), kTreeDigestWords, s.link_in.begin());
  if (regions.link_out) std::copy_n(outputs.begin(), kTreeDigestWords, s.link_out.begin());
  return s;
}

// A child of a node (or the top of a tree under the final circuit), proved under `root`: checks
// that its kind is a bit, that it states `node_root`, and that a node child was proved under it;
// returns its keys digest, a leaf's root absorbed.
template <class B>
TreeDigest<typename B::Word> JoinChild(const B& b, const TreeStatementOf<typename B::Word>& child,
                                       const TreeDigest<typename B::Word>& root,
                                       const TreeDigest<typename B::Word>& node_root) {
  using Word = typename B::Word;
  const Word one = b.Constant(1), zero = b.Constant(0);
  b.Equal(child.kind * child.kind, child.kind, "a tree proof's kind is a leaf or a node");
  EqualDigests(b, child.node_root, node_root, "a tree proof states the node key's root");
  for (size_t w = 0; w < kTreeDigestWords; ++w) {
    b.Equal((one - child.kind) * (root[w] - node_root[w]), zero,
            "a node of the tree is proved under the node key");
  }
  const TreeDigest<Word> with_root = hash::poseidon2_rules::Compress(b, child.keys, root);
  TreeDigest<Word> keys;
  for (size_t w = 0; w < kTreeDigestWords; ++w) {
    keys[w] = child.keys[w] + child.kind * (with_root[w] - child.keys[w]);
  }
  return keys;
}

// A node's statement from its two children's (each with the root it was proved under), checking
// that they meet: the left child's facts chain ends where the right child's begins, and its link
// out is the right child's link in.
template <class B>
TreeStatementOf<typename B::Word> NodeStatement(const B& b,
                                                const TreeDigest<typename B::Word>& node_root,
                                                const TreeStatementOf<typename B::Word>& left,
                                                const TreeDigest<typename B::Word>& left_root,
                                                const TreeStatementOf<typename B::Word>& right,
                                                const TreeDigest<typename B::Word>& right_root) {
  const auto left_keys = JoinChild(b, left, left_root, node_root);
  const auto right_keys = JoinChild(b, right, right_root, node_root);
  EqualDigests(b, left.facts_out, right.facts_in, "the children's facts chains meet");
  EqualDigests(b, left.link_out, right.link_in,
               "consecutive slices meet (the left child's link out is the right child's link in)");
  TreeStatementOf<typename B::Word> s;
  s.kind = b.Constant(0);
  s.node_root = node_root;
  s.keys = hash::poseidon2_rules::Compress(b, left_keys, right_keys);
  s.facts_in = left.facts_in;
  s.facts_out = right.facts_out;
  s.link_in = left.link_in;
  s.link_out = right.link_out;
  return s;
}

// What the top of a tree must state for the tree to hold exactly the leaves whose keys digest is
// `keys` and whose facts chain ends at `facts` (from zero), every model's run complete (no link
// open at either end), every node under `node_root`.
template <class B>
void CheckTreeTop(const B& b, const TreeStatementOf<typename B::Word>& top,
                  const TreeDigest<typename B::Word>& root,
                  const TreeDigest<typename B::Word>& node_root,
                  const TreeDigest<typename B::Word>& keys,
                  const TreeDigest<typename B::Word>& facts) {
  const auto zero = ZeroDigest(b);
  EqualDigests(b, JoinChild(b, top, root, node_root), keys, "the tree holds the expected leaves");
  EqualDigests(b, top.facts_in, zero, "the tree's facts chain starts at zero");
  EqualDigests(b, top.facts_out, facts, "the tree states the statement's inputs and outputs");
  EqualDigests(b, top.link_in, zero, "the tree's first slice is a model's first");
  EqualDigests(b, top.link_out, zero, "the tree's last slice is a model's last");
}

// The native backend: M31 words; Equal keeps the first failure's description.
struct NativeTreeRules : hash::poseidon2_rules::ScalarBackend {
  mutable std::optional<std::string> failure;
  void Equal(field::M31 a, field::M31 b, std::string_view what) const {
    if (a != b && !failure) failure = std::string(what);
  }
};

}  // namespace tensorstark::pipeline
