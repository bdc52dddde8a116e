// Zero-knowledge mode: blinded LogUp claimed sums (docs/zero-knowledge.md §6). A component's
// claimed sum is the sum of its fractions, a function of its private values, and the proof reveals
// it. In zero-knowledge mode the components that use relations form a chain: component j adds the
// fraction m / (Σ α^i·k_i - z) for a uniformly random QM31 key k (4 trace columns, m a trace
// column, 1 on one row and 0 elsewhere) to the relation zk_blind, and the next component adds the
// same key with m = -1. Each claimed sum is then shifted by an independent uniformly random value
// while the sum of all of them is not. The keys and multiplicities are in the randomized main
// trace, committed before the challenges; zk_blind has challenges of its own, so whatever a prover
// puts in it cannot offset the fractions of another relation.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/proof.h"
#include "air/relation.h"

namespace tensorstark::air {

inline const Relation kZkBlindRelation{"zk_blind", 4};
inline constexpr size_t kZkBlindColumns = 5;  // a key (4) and its multiplicity, per fraction

// Which of the two fractions a component adds: with its own key (yields) and with the previous
// component's (consumes). Its trace ends with their columns in that order.
struct ZkBlinding {
  bool yields = false;
  bool consumes = false;
  size_t n_fractions() const { return size_t{yields} + size_t{consumes}; }
};

// An evaluator that forwards to `E` and adds the blinding fractions before the LogUp batches are
// finalized.
template <class E>
class ZkBlindingEvaluator {
 public:
  using F = typename E::F;
  using EF = typename E::EF;

  ZkBlindingEvaluator(E& inner, const ZkBlinding& blinding) : inner_(inner), blinding_(blinding) {}

  F NextTraceMask() { return inner_.NextTraceMask(); }
  template <size_t N>
  std::array<F, N> NextInteractionMask(size_t tree, const std::array<int, N>& offsets) {
    return inner_.template NextInteractionMask<N>(tree, offsets);
  }
  F GetPreprocessedColumn(const PreprocessedColumnId& id) {
    return inner_.GetPreprocessedColumn(id);
  }
  F PublicInput(size_t i) { return inner_.PublicInput(i); }
  F ConstantF(M31 value) { return inner_.ConstantF(value); }
  EF CombineEF(const std::array<F, 4>& coords) { return inner_.CombineEF(coords); }
  template <class C>
  void AddConstraint(const C& constraint) {
    inner_.AddConstraint(constraint);
  }
  template <class M>
  void AddToRelation(const Relation& relation, const M& multiplicity, std::span<const F> values) {
    inner_.AddToRelation(relation, multiplicity, values);
  }
  template <class M>
  void AddToRelation(const Relation& relation, const M& multiplicity,
                     std::initializer_list<F> values) {
    inner_.AddToRelation(relation, multiplicity, values);
  }
  void FinalizeLogupInPairs() {
    for (size_t f = 0; f < blinding_.n_fractions(); ++f) {
      std::array<F, 4> key;
      for (F& k : key) k = inner_.NextTraceMask();
      const F multiplicity = inner_.NextTraceMask();
      inner_.AddToRelation(kZkBlindRelation, multiplicity, std::span<const F>(key));
    }
    inner_.FinalizeLogupInPairs();
  }

 private:
  E& inner_;
  ZkBlinding blinding_;
};

// A component template (framework.h) with the blinding fractions added
// (FrameworkComponent::WithZkBlinding).
template <class Eval>
class ZkBlinded {
 public:
  ZkBlinded(Eval inner, ZkBlinding blinding) : inner_(std::move(inner)), blinding_(blinding) {}

  std::string name() const { return inner_.name(); }
  uint32_t log_size() const { return inner_.log_size(); }
  template <class E>
  void Evaluate(E& eval) const {
    ZkBlindingEvaluator<E> blinded(eval, blinding_);
    inner_.Evaluate(blinded);
  }
  std::vector<M31> PreprocessedData(const PreprocessedColumnId& id) const requires
      requires(const Eval& e) {
    e.PreprocessedData(id);
  }
  { return inner_.PreprocessedData(id); }
  // The blinding columns follow the inner component's: its borrowed columns keep their indices.
  std::vector<BorrowedTraceColumn> BorrowedTrace() const requires requires(const Eval& e) {
    e.BorrowedTrace();
  }
  { return inner_.BorrowedTrace(); }

 private:
  Eval inner_;
  ZkBlinding blinding_;
};

template <class Eval>
inline constexpr bool kIsZkBlinded = false;
template <class Eval>
inline constexpr bool kIsZkBlinded<ZkBlinded<Eval>> = true;

// The components whose claimed sums are blinded, in chain order, with their fractions: none with
// fewer than two components with relations (the one claimed sum is then what the public terms
// make it).
std::vector<std::pair<size_t, ZkBlinding>> ZkBlindingChain(
    std::span<const Component* const> components);

// The components a proof at `config` is about: `components` themselves, or in zero-knowledge
// mode each one with relations blinded, in a chain in component order (owned by `owned`). A
// one-line error if a component cannot be blinded.
std::variant<std::vector<const Component*>, std::string> ProvedComponents(
    std::span<const Component* const> components, const ProofConfig& config,
    std::vector<std::unique_ptr<Component>>& owned);

}  // namespace tensorstark::air
