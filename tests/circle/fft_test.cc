#include "circle/fft.h"

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <bit>
#include <vector>

#include "circle/bit_reverse.h"
#include "circle/circle_poly.h"
#include "circle/fft_reference.h"
#include "circle/twiddles.h"
#include "test_util.h"

namespace tensorstark::circle {
namespace {

using field::kP;

// Random values with the edge values 0, 1 and p-1 in the first positions.
std::vector<M31> RandomValues(testing::Rng& rng, size_t n) {
  std::vector<M31> v(n);
  for (M31& x : v) x = rng.M31();
  const M31 edges[] = {M31::Zero(), M31::One(), M31::FromCanonical(kP - 1)};
  for (size_t i = 0; i < 3 && i < n; ++i) v[i] = edges[i];
  return v;
}

// Σ c_i·b_i(p) with b_i = y^{i_0}·Π_{k≥1} π^{k-1}(x)^{i_k}, straight from the §3.1 definition.
template <typename F>
F ExplicitBasisEval(std::span<const M31> coeffs, const CirclePoint<F>& p) {
  uint32_t n = std::countr_zero(coeffs.size());
  std::vector<F> factors = {p.y};
  for (F x = p.x; factors.size() < n; x = CirclePoint<F>::DoubleX(x)) factors.push_back(x);
  F sum = F::Zero();
  for (size_t i = 0; i < coeffs.size(); ++i) {
    F b = F::One();
    for (uint32_t k = 0; k < n; ++k) {
      if ((i >> k) & 1) b = b * factors[k];
    }
    sum = sum + b * coeffs[i];
  }
  return sum;
}

// Serves canonic domains up to 2^20 and is built once.
const TwiddleTree& CanonicTree() {
  static const TwiddleTree tree = TwiddleTree::ForCanonicDomains(20);
  return tree;
}

// A tree rooted at a non-canonic coset (any initial point of full order works).
const TwiddleTree& OddTree() {
  static const TwiddleTree tree(Coset(CirclePointIndex(0x2a3b5c7), 12));
  return tree;
}

}  // namespace

TEST_CASE("Twiddle tree layout (§3.5)") {
  const TwiddleTree& tree = OddTree();
  const Coset& root = tree.root_coset();
  REQUIRE(tree.twiddles().size() == root.size());
  CHECK(tree.twiddles().back() == M31::One());
  for (size_t i = 0; i < tree.twiddles().size(); ++i) {
    CHECK(tree.twiddles()[i] * tree.itwiddles()[i] == M31::One());
  }
  // Round 0: the first half of the root's x-coordinates, bit-reversed.
  uint32_t log_half = root.log_size() - 1;
  for (size_t i = 0; i < root.size() / 2; ++i) {
    CHECK(tree.twiddles()[i] == root.at(BitReverseIndex(i, log_half)).x);
  }
  // The line layer of size 2^k comes from the root doubled log_size-1-k times.
  for (uint32_t k = 0; k < root.log_size(); ++k) {
    Coset c = root.RepeatedDouble(root.log_size() - 1 - k);
    std::span<const M31> layer = tree.LineLayer(k, false);
    REQUIRE(layer.size() == (size_t{1} << k));
    for (size_t i = 0; i < layer.size(); ++i) CHECK(layer[i] == c.at(BitReverseIndex(i, k)).x);
  }
}

TEST_CASE("Twiddles from a tree equal the twiddles from the definition") {
  for (bool inverse : {false, true}) {
    for (uint32_t log_n = 1; log_n <= 12; ++log_n) {
      CAPTURE(inverse);
      CAPTURE(log_n);
      CircleDomain canonic = CanonicCoset(log_n).circle_domain();
      REQUIRE(CanonicTree().CanServe(canonic));
      CHECK(LayerTwiddles::FromTree(CanonicTree(), canonic, inverse).layers ==
            LayerTwiddles::Direct(canonic, inverse).layers);
      CircleDomain odd(OddTree().root_coset().RepeatedDouble(12 - (log_n - 1)));
      REQUIRE(OddTree().CanServe(odd));
      CHECK(LayerTwiddles::FromTree(OddTree(), odd, inverse).layers ==
            LayerTwiddles::Direct(odd, inverse).layers);
    }
  }
  CHECK(!CanonicTree().CanServe(CircleDomain(Coset(CirclePointIndex(3), 4))));
}

TEST_CASE("The reference FFT evaluates the polynomial at every domain point") {
  testing::Rng rng;
  for (uint32_t log_n = 1; log_n <= 8; ++log_n) {
    CAPTURE(log_n);
    CircleDomain domain = CanonicCoset(log_n).circle_domain();
    CirclePoly poly(RandomValues(rng, domain.size()));
    std::vector<M31> values(poly.coeffs().begin(), poly.coeffs().end());
    ReferenceCircleFft(values, LayerTwiddles::Direct(domain, false));
    for (size_t j = 0; j < values.size(); ++j) {
      CirclePoint<M31> p = domain.at(BitReverseIndex(j, log_n));
      CHECK(values[j] == poly.EvalAtPoint(p));
      CHECK(values[j] == ExplicitBasisEval(poly.coeffs(), p));
    }
    ReferenceCircleIfft(values, LayerTwiddles::Direct(domain, true));
    CHECK(std::equal(values.begin(), values.end(), poly.coeffs().begin()));
  }
}

TEST_CASE("EvalAtPoint follows the basis definition at QM31 points") {
  testing::Rng rng;
  for (uint32_t log_n = 0; log_n <= 10; ++log_n) {
    CirclePoly poly(RandomValues(rng, size_t{1} << log_n));
    for (int i = 0; i < 3; ++i) {
      CirclePoint<QM31> p = CirclePoint<QM31>::FromT(rng.QM31());
      CHECK(poly.EvalAtPoint(p) == ExplicitBasisEval(poly.coeffs(), p));
      CirclePoint<M31> q = CirclePointIndex(rng.U32()).ToPoint();
      CHECK(poly.EvalAtPoint(CirclePoint<QM31>(q)) == QM31(poly.EvalAtPoint(q)));
    }
    // Extending by zero coefficients keeps the polynomial.
    CirclePoint<QM31> p = CirclePoint<QM31>::FromT(rng.QM31());
    CHECK(poly.Extend(log_n + 3).EvalAtPoint(p) == poly.EvalAtPoint(p));
  }
}

TEST_CASE("Fast FFT equals the reference FFT bit for bit") {
  testing::Rng rng;
  for (uint32_t log_n = 1; log_n <= 18; ++log_n) {
    CAPTURE(log_n);
    for (bool odd : {false, true}) {
      if (odd && log_n > 13) continue;
      CAPTURE(odd);
      const TwiddleTree& tree = odd ? OddTree() : CanonicTree();
      CircleDomain domain = odd ? CircleDomain(tree.root_coset().RepeatedDouble(13 - log_n))
                                : CanonicCoset(log_n).circle_domain();
      // Direct twiddles keep the reference independent of the tree where that is cheap.
      auto reference_twiddles = [&](bool inverse) {
        return log_n <= 14 ? LayerTwiddles::Direct(domain, inverse)
                           : LayerTwiddles::FromTree(tree, domain, inverse);
      };
      std::vector<std::vector<M31>> inputs = {
          RandomValues(rng, domain.size()),
          std::vector<M31>(domain.size(), M31::FromCanonical(kP - 1))};
      for (const std::vector<M31>& input : inputs) {
        std::vector<M31> fast = input, reference = input;
        CircleFft(fast, domain, tree);
        ReferenceCircleFft(reference, reference_twiddles(false));
        CHECK(fast == reference);
        fast = input;
        reference = input;
        CircleIfft(fast, domain, tree);
        ReferenceCircleIfft(reference, reference_twiddles(true));
        CHECK(fast == reference);
      }
    }
  }
}

TEST_CASE("A bit-reversed prefix of a canonic domain is a circle domain the tree serves") {
  testing::Rng rng;
  for (uint32_t log_parent : {3u, 9u, 14u}) {
    const CircleDomain parent = CanonicCoset(log_parent).circle_domain();
    for (uint32_t log_n = 1; log_n <= log_parent; ++log_n) {
      CAPTURE(log_parent);
      CAPTURE(log_n);
      const CircleDomain prefix = CanonicCoset(log_parent).BitReversedPrefix(log_n);
      CHECK(prefix.IsCanonic() == (log_n == log_parent));
      for (size_t s = 0; s < prefix.size(); ++s) {
        CHECK(prefix.at(BitReverseIndex(s, log_n)) == parent.at(BitReverseIndex(s, log_parent)));
      }
      REQUIRE(CanonicTree().TwiddleLogSize(prefix) == log_parent);
      for (bool inverse : {false, true}) {
        CHECK(LayerTwiddles::FromTree(CanonicTree(), prefix, inverse).layers ==
              LayerTwiddles::Direct(prefix, inverse).layers);
      }
      // The fast transforms on the prefix equal the reference ones and the parent's evaluation.
      const std::vector<M31> coeffs = RandomValues(rng, prefix.size());
      std::vector<M31> fast = coeffs, reference = coeffs, extended(prefix.size() << 1);
      CircleFft(fast, prefix, CanonicTree());
      ReferenceCircleFft(reference, LayerTwiddles::Direct(prefix, false));
      CHECK(fast == reference);
      if (log_n < log_parent) {
        const CircleDomain twice = CanonicCoset(log_parent).BitReversedPrefix(log_n + 1);
        CircleFftExtend(coeffs, extended, twice, CanonicTree());
        CHECK(std::equal(fast.begin(), fast.end(), extended.begin()));
      }
      CircleIfft(fast, prefix, CanonicTree());
      CHECK(fast == coeffs);
    }
  }
}

TEST_CASE("CircleFftExtend equals zero-extension and CircleFft") {
  testing::Rng rng;
  for (uint32_t log_coeffs : {0u, 1u, 5u, 7u, 8u, 9u, 12u, 14u}) {
    for (uint32_t log_blowup = 0; log_blowup <= 3; ++log_blowup) {
      CAPTURE(log_coeffs);
      CAPTURE(log_blowup);
      if (log_coeffs + log_blowup == 0) continue;  // circle domains have at least 2 points
      CircleDomain domain = CanonicCoset(log_coeffs + log_blowup).circle_domain();
      std::vector<M31> coeffs = RandomValues(rng, size_t{1} << log_coeffs);
      std::vector<M31> extended = coeffs, values(domain.size(), M31::One());
      extended.resize(domain.size());
      CircleFft(extended, domain, CanonicTree());
      CircleFftExtend(coeffs, values, domain, CanonicTree());
      CHECK(values == extended);
    }
  }
}

TEST_CASE("Fast FFT results do not depend on the thread count") {
  testing::Rng rng;
  CircleDomain domain = CanonicCoset(17).circle_domain();
  std::vector<M31> input = RandomValues(rng, domain.size());
  std::vector<M31> many = input, one = input;
  CircleFft(many, domain, CanonicTree());
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    CircleFft(one, domain, CanonicTree());
  }
  CHECK(many == one);
  CircleIfft(many, domain, CanonicTree());
  CHECK(many == input);
}

TEST_CASE("Interpolate then evaluate is the identity, 2^1 to 2^20") {
  testing::Rng rng;
  for (uint32_t log_n = 1; log_n <= 20; ++log_n) {
    CAPTURE(log_n);
    CircleDomain domain = CanonicCoset(log_n).circle_domain();
    std::vector<M31> values = RandomValues(rng, domain.size());
    CirclePoly poly = CircleEvaluation(domain, values).Interpolate(CanonicTree());
    CHECK(poly.log_size() == log_n);
    CircleEvaluation back = poly.Evaluate(domain, CanonicTree());
    CHECK(std::equal(values.begin(), values.end(), back.values().begin()));
    // Spot-check the polynomial itself at a few domain points.
    for (int i = 0; i < 4; ++i) {
      size_t j = rng.U64() % domain.size();
      CHECK(poly.EvalAtPoint(domain.at(BitReverseIndex(j, log_n))) == values[j]);
    }
  }
}

TEST_CASE("Evaluation on a larger domain (blowup) agrees with EvalAtPoint") {
  testing::Rng rng;
  for (uint32_t log_n : {1u, 3u, 7u, 10u, 15u}) {
    CirclePoly poly(RandomValues(rng, size_t{1} << log_n));
    for (uint32_t log_blowup = 0; log_blowup <= 3; ++log_blowup) {
      CAPTURE(log_n);
      CAPTURE(log_blowup);
      CircleDomain domain = CanonicCoset(log_n + log_blowup).circle_domain();
      CircleEvaluation eval = poly.Evaluate(domain, CanonicTree());
      for (int i = 0; i < 16; ++i) {
        size_t j = rng.U64() % domain.size();
        CHECK(eval.values()[j] ==
              poly.EvalAtPoint(domain.at(BitReverseIndex(j, domain.log_size()))));
      }
      // Interpolating the extension gives back the coefficients, zero-padded.
      CirclePoly back = eval.Interpolate(CanonicTree());
      CHECK(std::equal(poly.coeffs().begin(), poly.coeffs().end(), back.coeffs().begin()));
      CHECK(std::all_of(back.coeffs().begin() + poly.coeffs().size(), back.coeffs().end(),
                        [](M31 c) { return c.IsZero(); }));
      CirclePoint<QM31> p = CirclePoint<QM31>::FromT(rng.QM31());
      CHECK(back.EvalAtPoint(p) == poly.EvalAtPoint(p));
    }
  }
}

TEST_CASE("Trace rows in coset order land at bit-reversed circle-domain positions") {
  testing::Rng rng;
  CanonicCoset coset(6);
  std::vector<M31> rows = RandomValues(rng, coset.size());
  CircleEvaluation eval = CircleEvaluation::FromCosetOrder(coset, rows);
  CirclePoly poly = eval.Interpolate(CanonicTree());
  for (size_t k = 0; k < rows.size(); ++k) CHECK(poly.EvalAtPoint(coset.at(k)) == rows[k]);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(eval.AtDomainIndex(i) == poly.EvalAtPoint(eval.domain().at(i)));
  }
}

}  // namespace tensorstark::circle
