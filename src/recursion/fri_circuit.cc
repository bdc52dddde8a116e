#include "recursion/fri_circuit.h"

#include <cassert>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "fri/fold.h"
#include "recursion/domain_point.h"
#include "recursion/merkle_path.h"
#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// The bits of 2^prefix · v for v given by its bits: `prefix` zeros, then v's bits.
std::vector<Wire> ShiftedBits(Wire zero, size_t prefix, std::span<const Wire> bits) {
  std::vector<Wire> shifted(prefix, zero);
  shifted.insert(shifted.end(), bits.begin(), bits.end());
  return shifted;
}

// The x-coordinates of a coset's first fold, pair r of the 2^(w-1) pairs at the circle points of
// positions 4·(leaf·2^(w-1) + r) in CanonicCoset(log_size): one point from the leaf's bits, the
// others that point plus a constant, since a point is the coset's initial point plus a sum over
// the position's set bits (CanonicDomainPoint), so P(4r + 4·leaf·n) = P(4·leaf·n) + P(4r) - P(0).
std::vector<Wire> FirstFoldTwiddles(uint32_t log_size, uint32_t w,
                                    std::span<const Wire> leaf_bits) {
  CircuitBuilder& builder = leaf_bits[0].builder();
  const Wire zero = builder.Constant(QM31::Zero());
  std::vector<Wire> bits(w - 1, zero);
  bits.insert(bits.end(), leaf_bits.begin(), leaf_bits.end());
  const PointWires base = CanonicDomainPoint(log_size, ShiftedBits(zero, 2, bits));
  const circle::CircleDomain domain = circle::CanonicCoset(log_size).circle_domain();
  const circle::CirclePoint<M31> origin = domain.at(0);
  std::vector<Wire> xs = {base.x};
  for (size_t r = 1; r < (size_t{1} << (w - 1)); ++r) {
    const circle::CirclePoint<M31> shift =
        domain.at(circle::BitReverseIndex(4 * r, log_size)) - origin;
    xs.push_back(Plus(base, shift).x);
  }
  return xs;
}

}  // namespace

FriCommitWires CommitFri(CircuitChannel& channel, const fri::FriConfig& config,
                         std::span<const uint32_t> column_log_sizes,
                         const FriProofPoseidon2* proof) {
  assert(config.log_last_layer_degree_bound == 0 && "the circuit supports a constant last layer");
  CircuitBuilder& builder = channel.digest()[0].builder();
  FriCommitWires fri;
  fri.schedule = fri::MakeFriSchedule(config, column_log_sizes);
  const size_t n_layers = fri.schedule.inner_layers.size();
  assert(!proof || (proof->inner_layers.size() == n_layers && proof->last_layer_poly.size() == 1));

  fri.first_root =
      GuessDigest(builder, proof ? proof->first_layer.commitment : hash::Poseidon2M31Hash());
  channel.MixRoot(fri.first_root);
  fri.column_alphas.resize(column_log_sizes.size());
  fri.column_alphas[0] = channel.DrawFelts(1)[0];
  for (size_t k = 0; k < n_layers; ++k) {
    fri.inner_roots.push_back(
        GuessDigest(builder, proof ? proof->inner_layers[k].commitment : hash::Poseidon2M31Hash()));
    channel.MixRoot(fri.inner_roots.back());
    fri.layer_alphas.push_back(channel.DrawFelts(1)[0]);
    const fri::FriInnerLayer& step = fri.schedule.inner_layers[k];
    if (step.injected_column) {
      // β = α^(2^(fold_step - 1)), the factor of the layer's last fold.
      Wire beta = fri.layer_alphas.back();
      for (uint32_t i = 1; i < step.fold_step; ++i) beta = beta * beta;
      fri.column_alphas[*step.injected_column] = beta;
    }
  }
  const GuessedQM31 last = GuessQM31(builder, proof ? proof->last_layer_poly[0] : QM31());
  channel.MixWords(last.coordinates);
  fri.last_layer_value = last.value;
  return fri;
}

FriQueryOpening QueryOpening(const fri::FriSchedule& schedule, const FriOpenedPoseidon2* opened,
                             size_t query) {
  const uint32_t max_log_size = schedule.max_log_size();
  const size_t n_layers = schedule.inner_layers.size();
  // What a verification that stopped early did not open stays zero: the circuit then fails at a
  // check no later than the one the native verifier failed at.
  const bool complete = opened && opened->first_pairs.size() == schedule.column_log_sizes.size() &&
                        opened->nodes.size() == n_layers + 1 &&
                        opened->inner_cosets.size() == n_layers;
  FriQueryOpening opening;
  for (size_t i = 0; i < schedule.column_log_sizes.size(); ++i) {
    const size_t leaf = query >> (max_log_size - schedule.column_log_sizes[i] + 1);
    std::array<QM31, 2>& pair = opening.first_pairs.emplace_back();
    if (!complete) continue;
    const auto it = opened->first_pairs[i].find(leaf);
    if (it != opened->first_pairs[i].end() && it->second.size() == 2) {
      pair = {it->second[0], it->second[1]};
    }
  }
  opening.siblings.push_back(complete ? PathSiblings(opened->nodes[0], max_log_size - 1, query >> 1)
                                      : std::vector<hash::Poseidon2M31Hash>(max_log_size - 1));
  for (size_t k = 0; k < n_layers; ++k) {
    const fri::FriInnerLayer& layer = schedule.inner_layers[k];
    const size_t leaf = query >> (max_log_size - layer.log_size + layer.fold_step);
    const uint32_t leaf_log_size = layer.log_size - layer.fold_step;
    std::vector<QM31>& coset = opening.inner_cosets.emplace_back(size_t{1} << layer.fold_step);
    if (complete) {
      const auto it = opened->inner_cosets[k].find(leaf);
      if (it != opened->inner_cosets[k].end() && it->second.size() == coset.size()) {
        coset = it->second;
      }
    }
    opening.siblings.push_back(complete ? PathSiblings(opened->nodes[k + 1], leaf_log_size, leaf)
                                        : std::vector<hash::Poseidon2M31Hash>(leaf_log_size));
  }
  return opening;
}

void CheckFriQuery(const FriCommitWires& fri, std::span<const Wire> position_bits,
                   std::span<const Wire> first_layer_values, const FriQueryOpening& opening) {
  const fri::FriSchedule& schedule = fri.schedule;
  const uint32_t max_log_size = schedule.max_log_size();
  assert(position_bits.size() == max_log_size);
  CircuitBuilder& builder = position_bits[0].builder();
  const Wire zero = builder.Constant(QM31::Zero());
  // The bits of the query's position in a layer of log size m.
  auto bits_at = [&](uint32_t m) { return position_bits.subspan(max_log_size - m, m); };

  // The first layer: each column's pair, holding the column's value at the query's side, folded
  // with the y-coordinate of the pair's first point.
  std::vector<Wire> leaf_values, column_folds;
  std::vector<uint32_t> leaf_log_sizes;
  for (size_t i = 0; i < schedule.column_log_sizes.size(); ++i) {
    const uint32_t s = schedule.column_log_sizes[i];
    const std::span<const Wire> bits = bits_at(s);
    const GuessedQM31 even = GuessQM31(builder, opening.first_pairs[i][0]);
    const GuessedQM31 odd = GuessQM31(builder, opening.first_pairs[i][1]);
    builder.AssertEqual(even.value + bits[0] * (odd.value - even.value), first_layer_values[i],
                        "the FRI first layer holds the queried value");
    leaf_values.insert(leaf_values.end(), even.coordinates.begin(), even.coordinates.end());
    leaf_values.insert(leaf_values.end(), odd.coordinates.begin(), odd.coordinates.end());
    leaf_log_sizes.insert(leaf_log_sizes.end(), 8, s - 1);
    const Wire y = CanonicDomainPoint(s, ShiftedBits(zero, 1, bits.subspan(1))).y;
    column_folds.push_back(fri::FoldCirclePair(
        even.value, odd.value, InverseOf(y, "a FRI circle twiddle"), fri.column_alphas[i]));
  }
  AssertMerklePath(fri.first_root, leaf_log_sizes, bits_at(max_log_size - 1),
                   {std::move(leaf_values), GuessSiblings(builder, opening.siblings[0])},
                   "the FRI first layer's Merkle root");

  // The inner layers: the coset around the running value, on its Merkle path, folded fold_step
  // times with the x-coordinates of its pairs; the next column joins after the folds.
  Wire line = column_folds[0];
  for (size_t k = 0; k < schedule.inner_layers.size(); ++k) {
    const fri::FriInnerLayer& layer = schedule.inner_layers[k];
    const uint32_t m = layer.log_size, w = layer.fold_step;
    const std::span<const Wire> bits = bits_at(m);
    const std::span<const Wire> leaf_bits = bits.subspan(w);
    std::vector<Wire> coset, coordinates;
    for (const QM31& value : opening.inner_cosets[k]) {
      const GuessedQM31 guessed = GuessQM31(builder, value);
      coset.push_back(guessed.value);
      coordinates.insert(coordinates.end(), guessed.coordinates.begin(), guessed.coordinates.end());
    }
    // The value at the query's slot: the coset halved by each slot bit in turn.
    std::vector<Wire> selected = coset;
    for (uint32_t j = 0; j < w; ++j) {
      for (size_t t = 0; t < selected.size() / 2; ++t) {
        selected[t] = selected[2 * t] + bits[j] * (selected[2 * t + 1] - selected[2 * t]);
      }
      selected.resize(selected.size() / 2);
    }
    builder.AssertEqual(selected[0], line, "a FRI layer holds the folded value");
    AssertMerklePath(fri.inner_roots[k], std::vector<uint32_t>(4u << w, m - w), leaf_bits,
                     {std::move(coordinates), GuessSiblings(builder, opening.siblings[k + 1])},
                     "a FRI layer's Merkle root");

    // Fold l pairs up 2^(w-1-l) pairs at line log size m - l: pair g = leaf·n + r sits at
    // position 2g, whose x is that of the circle point at 4g in CanonicCoset(m - l + 1).
    Wire alpha = fri.layer_alphas[k];
    std::vector<Wire> xs = FirstFoldTwiddles(m + 1, w, leaf_bits);
    for (uint32_t l = 0; l < w; ++l) {
      const size_t n = size_t{1} << (w - 1 - l);
      for (size_t r = 0; r < n; ++r) {
        coset[r] = fri::FoldLinePair(coset[2 * r], coset[2 * r + 1],
                                     InverseOf(xs[r], "a FRI line twiddle"), alpha);
      }
      alpha = alpha * alpha;
      // The next fold's pairs are the doubling map's images: x_{l+1}[r] = π(x_l[2r]).
      for (size_t r = 0; r < n / 2; ++r) xs[r] = DoubleX(xs[2 * r]);
      xs.resize(n / 2);
    }
    line = coset[0];
    if (layer.injected_column) {
      const Wire beta = fri.column_alphas[*layer.injected_column];
      line = line * (beta * beta) + column_folds[*layer.injected_column];
    }
  }
  builder.AssertEqual(line, fri.last_layer_value, "the FRI last layer");
}

}  // namespace tensorstark::recursion
