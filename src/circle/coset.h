// Cosets of the M31 circle's 2-power subgroups, the canonic cosets that hold trace rows, and the
// circle domains that evaluations live on (protocol reference §2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "circle/circle_point.h"

namespace tensorstark::circle {

// initial + <step>, with step = G_{2^log_size} (or its conjugate). Element i is initial + i·step.
class Coset {
 public:
  Coset(CirclePointIndex initial_index, uint32_t log_size);

  // <G_{2^log_size}>.
  static Coset Subgroup(uint32_t log_size);
  // G_{2^(log_size+1)} + <G_{2^log_size}>.
  static Coset Odds(uint32_t log_size);
  // G_{2^(log_size+2)} + <G_{2^log_size}>.
  static Coset HalfOdds(uint32_t log_size);

  uint32_t log_size() const { return log_size_; }
  size_t size() const { return size_t{1} << log_size_; }
  CirclePointIndex initial_index() const { return initial_index_; }
  CirclePointIndex step_size() const { return step_size_; }
  const CirclePoint<M31>& initial() const { return initial_; }
  const CirclePoint<M31>& step() const { return step_; }

  CirclePointIndex IndexAt(size_t i) const { return initial_index_ + step_size_ * i; }
  CirclePoint<M31> at(size_t i) const { return IndexAt(i).ToPoint(); }
  // All elements in order, by repeated addition (cheaper than at() per element).
  std::vector<CirclePoint<M31>> Points() const;

  // 2·initial + <2·step>, half the size.
  Coset Double() const;
  Coset RepeatedDouble(uint32_t n) const;
  Coset Conjugate() const;
  Coset Shift(CirclePointIndex shift) const;
  // True if this coset is `other` doubled zero or more times.
  bool IsDoublingOf(const Coset& other) const;

  friend bool operator==(const Coset& a, const Coset& b) = default;

 private:
  Coset(CirclePointIndex initial_index, CirclePoint<M31> initial, CirclePointIndex step_size,
        CirclePoint<M31> step, uint32_t log_size)
      : initial_index_(initial_index),
        initial_(initial),
        step_size_(step_size),
        step_(step),
        log_size_(log_size) {}

  CirclePointIndex initial_index_;
  CirclePoint<M31> initial_;
  CirclePointIndex step_size_;
  CirclePoint<M31> step_;
  uint32_t log_size_;
};

// H ∪ conj(H) for a half coset H. Natural order: index i < |H| is H[i], index |H| + i is -H[i].
class CircleDomain {
 public:
  static constexpr uint32_t kMaxLogSize = 30;

  explicit CircleDomain(const Coset& half_coset);

  const Coset& half_coset() const { return half_coset_; }
  uint32_t log_size() const { return half_coset_.log_size() + 1; }
  size_t size() const { return size_t{1} << log_size(); }

  CirclePointIndex IndexAt(size_t i) const;
  CirclePoint<M31> at(size_t i) const { return IndexAt(i).ToPoint(); }
  // All points in natural order.
  std::vector<CirclePoint<M31>> Points() const;
  // A canonic domain is the circle domain of a CanonicCoset.
  bool IsCanonic() const;

  friend bool operator==(const CircleDomain& a, const CircleDomain& b) = default;

 private:
  Coset half_coset_;
};

// Coset::Odds(log_size) = G_{2n} + <G_n>, n = 2^log_size, in coset order c_k = G_{2n} + k·G_n:
// the order of trace rows.
class CanonicCoset {
 public:
  explicit CanonicCoset(uint32_t log_size);

  uint32_t log_size() const { return coset_.log_size(); }
  size_t size() const { return coset_.size(); }
  const Coset& coset() const { return coset_; }
  // G_{2n} + <G_{n/2}> = Coset::HalfOdds(log_size - 1).
  Coset half_coset() const { return Coset::HalfOdds(log_size() - 1); }
  CircleDomain circle_domain() const { return CircleDomain(half_coset()); }
  // The first 2^log_size points of circle_domain() in bit-reversed order (1 ≤ log_size ≤
  // this log size). They form a circle domain themselves, with the half coset
  // G_{4n} + <G_{2^(log_size-1)}>, stored in its own bit-reversed order: a column's evaluations
  // on this domain are the first 2^log_size of its evaluations on circle_domain(). For
  // log_size = log_size() it is circle_domain().
  CircleDomain BitReversedPrefix(uint32_t log_size) const;
  CirclePointIndex initial_index() const { return coset_.initial_index(); }
  CirclePointIndex step_size() const { return coset_.step_size(); }
  // G_n, used for mask offsets.
  const CirclePoint<M31>& step() const { return coset_.step(); }
  CirclePointIndex IndexAt(size_t i) const { return coset_.IndexAt(i); }
  CirclePoint<M31> at(size_t i) const { return coset_.at(i); }

 private:
  Coset coset_;
};

}  // namespace tensorstark::circle
