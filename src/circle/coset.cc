#include "circle/coset.h"

#include <cassert>

namespace tensorstark::circle {

Coset::Coset(CirclePointIndex initial_index, uint32_t log_size)
    : initial_index_(initial_index),
      initial_(initial_index.ToPoint()),
      step_size_(CirclePointIndex::SubgroupGen(log_size)),
      step_(step_size_.ToPoint()),
      log_size_(log_size) {
  assert(log_size <= kCircleLogOrder);
}

Coset Coset::Subgroup(uint32_t log_size) { return Coset(CirclePointIndex::Zero(), log_size); }

Coset Coset::Odds(uint32_t log_size) {
  return Coset(CirclePointIndex::SubgroupGen(log_size + 1), log_size);
}

Coset Coset::HalfOdds(uint32_t log_size) {
  return Coset(CirclePointIndex::SubgroupGen(log_size + 2), log_size);
}

std::vector<CirclePoint<M31>> Coset::Points() const {
  std::vector<CirclePoint<M31>> points(size());
  CirclePoint<M31> p = initial_;
  for (auto& out : points) {
    out = p;
    p += step_;
  }
  return points;
}

Coset Coset::Double() const {
  assert(log_size_ > 0);
  return Coset(initial_index_ * 2, initial_.Double(), step_size_ * 2, step_.Double(),
               log_size_ - 1);
}

Coset Coset::RepeatedDouble(uint32_t n) const {
  Coset c = *this;
  for (uint32_t i = 0; i < n; ++i) c = c.Double();
  return c;
}

Coset Coset::Conjugate() const {
  return Coset(-initial_index_, initial_.Conjugate(), -step_size_, step_.Conjugate(), log_size_);
}

Coset Coset::Shift(CirclePointIndex shift) const {
  CirclePointIndex initial_index = initial_index_ + shift;
  return Coset(initial_index, initial_index.ToPoint(), step_size_, step_, log_size_);
}

bool Coset::IsDoublingOf(const Coset& other) const {
  return log_size_ <= other.log_size_ && *this == other.RepeatedDouble(other.log_size_ - log_size_);
}

CircleDomain::CircleDomain(const Coset& half_coset) : half_coset_(half_coset) {
  assert(half_coset.log_size() < kMaxLogSize);
}

CirclePointIndex CircleDomain::IndexAt(size_t i) const {
  size_t half = half_coset_.size();
  return i < half ? half_coset_.IndexAt(i) : -half_coset_.IndexAt(i - half);
}

std::vector<CirclePoint<M31>> CircleDomain::Points() const {
  std::vector<CirclePoint<M31>> points = half_coset_.Points();
  size_t half = points.size();
  points.resize(2 * half);
  for (size_t i = 0; i < half; ++i) points[half + i] = points[i].Conjugate();
  return points;
}

bool CircleDomain::IsCanonic() const {
  return half_coset_.initial_index() * 4 == half_coset_.step_size();
}

CanonicCoset::CanonicCoset(uint32_t log_size) : coset_(Coset::Odds(log_size)) {
  assert(log_size > 0);
}

CircleDomain CanonicCoset::BitReversedPrefix(uint32_t log_size) const {
  assert(log_size >= 1 && log_size <= this->log_size());
  // Storage position s < 2^log_size has natural index bitrev(s)·2^(L - log_size) on the domain of
  // log size L: the points H[i·2^(L - log_size)] and their conjugates, i.e. the half coset with
  // the same initial point and a step 2^(L - log_size) times larger.
  return CircleDomain(Coset(half_coset().initial_index(), log_size - 1));
}

}  // namespace tensorstark::circle
