#include "recursion/circuit_channel.h"

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <vector>

#include "field/felt252.h"
#include "hash/poseidon2_m31_channel.h"
#include "recursion/bits.h"
#include "recursion/qm31_wire.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;
using hash::Poseidon2M31Channel;

std::array<M31, 3> Limbs(uint64_t n) {
  constexpr uint64_t kMask = (uint64_t{1} << 22) - 1;
  return {M31::FromCanonical(static_cast<uint32_t>(n & kMask)),
          M31::FromCanonical(static_cast<uint32_t>((n >> 22) & kMask)),
          M31::FromCanonical(static_cast<uint32_t>(n >> 44))};
}

std::array<Wire, 3> GuessLimbs(CircuitBuilder& builder, uint64_t n) {
  const std::array<M31, 3> limbs = Limbs(n);
  return {builder.Guess(ValueType::kM31, QM31(limbs[0])),
          builder.Guess(ValueType::kM31, QM31(limbs[1])),
          builder.Guess(ValueType::kM31, QM31(limbs[2]))};
}

// One transcript, run by the native channel and replayed in a circuit whose inputs are guessed
// from the same data: every draw and the final digest must agree. Returns the circuit's digest.
hash::Blake2sHash ReplayTranscript(uint64_t seed, bool with_values) {
  testing::Rng rng(seed);
  Poseidon2M31Channel native;
  CircuitBuilder builder(with_values);
  CircuitChannel circuit(builder);
  auto check_word = [&](const Wire& wire, M31 expected) {
    if (with_values) CHECK(wire.value() == QM31(expected));
  };

  hash::Poseidon2M31Hash root;
  DigestWires root_wires;
  for (size_t i = 0; i < 8; ++i) {
    root.words[i] = rng.M31();
    root_wires[i] = builder.Guess(ValueType::kM31, QM31(root.words[i]));
  }
  native.MixRoot(root);
  circuit.MixRoot(root_wires);

  // Felts of every count around the chunk boundaries (a chunk holds 2 QM31s).
  for (size_t n_felts : {0, 1, 2, 3, 4}) {
    std::vector<QM31> felts;
    std::vector<Wire> words;
    for (size_t i = 0; i < n_felts; ++i) {
      felts.push_back(QM31::FromM31Array({rng.M31(), rng.M31(), rng.M31(), rng.M31()}));
      const GuessedQM31 guessed = GuessQM31(builder, felts.back());
      words.insert(words.end(), guessed.coordinates.begin(), guessed.coordinates.end());
    }
    native.MixFelts(felts);
    circuit.MixWords(words);
    const std::vector<QM31> drawn = native.DrawFelts(3);
    const std::vector<Wire> drawn_wires = circuit.DrawFelts(3);
    for (size_t i = 0; i < drawn.size() && with_values; ++i) {
      CHECK(drawn_wires[i].value() == drawn[i]);
    }
  }

  const uint64_t value = (uint64_t{rng.U32()} << 32) | rng.U32();
  native.MixU64(value);
  circuit.MixU64Limbs(GuessLimbs(builder, value));
  const std::array<uint32_t, 8> words = native.DrawU32s();
  const DigestWires word_wires = circuit.DrawWords();
  for (size_t i = 0; i < 8; ++i) check_word(word_wires[i], M31::FromCanonical(words[i]));
  for (size_t i = 0; i < 8; ++i) check_word(circuit.digest()[i], native.digest().words[i]);
  CHECK(!builder.failure());
  return builder.circuit().Digest();
}

TEST_CASE("the circuit channel replays the native Poseidon2-M31 channel") {
  const hash::Blake2sHash first = ReplayTranscript(1, true);
  // Another transcript's data, and no data at all, give the same circuit.
  CHECK(ReplayTranscript(2, true).bytes == first.bytes);
  CHECK(ReplayTranscript(3, false).bytes == first.bytes);
}

TEST_CASE("the circuit checks the native proof of work") {
  constexpr uint32_t kBits = 10;
  Poseidon2M31Channel native;
  native.MixU64(12345);
  const uint64_t nonce = *native.FindProofOfWorkNonce(kBits, 0, uint64_t{1} << 20);

  auto check = [&](uint64_t candidate) {
    CircuitBuilder builder(true);
    CircuitChannel circuit(builder);
    circuit.MixU64Limbs(GuessLimbs(builder, 12345));
    circuit.CheckProofOfWork(kBits, GuessLimbs(builder, candidate));
    return builder.failure();
  };
  CHECK(!check(nonce));
  // The least valid nonce: every smaller one fails in the circuit too, at a zero bit.
  for (uint64_t smaller = nonce > 8 ? nonce - 8 : 0; smaller < nonce; ++smaller) {
    const auto failure = check(smaller);
    REQUIRE(failure);
    CHECK(failure->find("a proof-of-work zero bit") != std::string::npos);
  }

  // A limb beyond its 22 bits is refused even where its digest would pass.
  CircuitBuilder builder(true);
  CircuitChannel circuit(builder);
  std::array<Wire, 3> limbs = GuessLimbs(builder, nonce);
  limbs[0] = limbs[0] + QM31(M31::FromCanonical(1u << 22));
  circuit.CheckProofOfWork(0, limbs);
  REQUIRE(builder.failure());
  CHECK(builder.failure()->find("a proof-of-work nonce limb") != std::string::npos);
}

TEST_CASE("bit decompositions recompose the word") {
  for (uint32_t value : {0u, 1u, 5u, field::kP - 1, 1u << 30}) {
    CAPTURE(value);
    CircuitBuilder builder(true);
    const Wire word = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(value)));
    const std::vector<Wire> bits = DecomposeM31(word, "word");
    REQUIRE(bits.size() == 31);
    for (uint32_t i = 0; i < 31; ++i)
      CHECK(bits[i].value() == QM31(M31::FromCanonical((value >> i) & 1)));
    CHECK(!builder.failure());
  }
  CircuitBuilder builder(true);
  DecomposeBits(builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(1u << 8))), 8, "a byte");
  REQUIRE(builder.failure());
  CHECK(builder.failure()->find("(a byte)") != std::string::npos);
}

TEST_CASE("a signed range check passes [-2^b, 2^b) exactly; from b = 30 every M31 passes") {
  auto passes = [](int64_t q, uint32_t bound_bits, size_t* n_gates = nullptr) {
    CircuitBuilder builder(true);
    const M31 value = q < 0 ? -M31::FromCanonical(static_cast<uint32_t>(-q))
                            : M31::FromCanonical(static_cast<uint32_t>(q));
    const Wire word = builder.Guess(ValueType::kM31, QM31(value));
    const size_t before = builder.circuit().gates.size();
    AssertSignedRange(word, bound_bits, "an input");
    if (n_gates) *n_gates = builder.circuit().gates.size() - before;
    return !builder.failure();
  };
  for (const uint32_t b : {0u, 1u, 8u, 29u}) {
    CAPTURE(b);
    const int64_t bound = int64_t{1} << b;
    CHECK(passes(-bound, b));
    CHECK(passes(bound - 1, b));
    CHECK(passes(0, b));
    CHECK_FALSE(passes(-bound - 1, b));
    CHECK_FALSE(passes(bound, b));
  }
  size_t n_gates = 0;
  CHECK(passes((int64_t{1} << 30) - 1, 30, &n_gates));
  CHECK(passes(-((int64_t{1} << 30) - 1), 30));
  CHECK(n_gates == 0);
}

TEST_CASE("a felt's limbs pass below the Stark prime exactly, each below 2^28") {
  // A 252-bit value (four 64-bit words, least significant first) as nine 28-bit limbs, the most
  // significant first, as frontend/context.h states a felt; a limb may be given too large.
  using Words = std::array<uint64_t, 4>;
  auto passes = [](const Words& value, std::optional<uint32_t> last_limb = std::nullopt) {
    CircuitBuilder builder(true);
    std::vector<Wire> limbs;
    for (size_t limb = 9; limb-- > 0;) {
      const size_t first = limb * 28;
      unsigned __int128 window = value[first / 64] >> (first % 64);
      if (first / 64 + 1 < 4)
        window |= static_cast<unsigned __int128>(value[first / 64 + 1]) << (64 - first % 64);
      const auto bits = static_cast<uint32_t>(window & ((1u << 28) - 1));
      limbs.push_back(builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(bits))));
    }
    if (last_limb)
      limbs.back() = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(*last_limb)));
    AssertFelt252Limbs(limbs, 28, "a felt");
    return !builder.failure();
  };
  const Words p = field::Felt252::kModulus;  // 2^251 + 17·2^192 + 1
  const auto minus = [](Words v, uint64_t k) {
    for (uint64_t& word : v) {
      const bool borrow = word < k;
      word -= k;
      k = borrow ? 1 : 0;
    }
    return v;
  };
  CHECK(passes({0, 0, 0, 0}));
  CHECK(passes({1, 0, 0, 0}));
  CHECK(passes(minus(p, 1)));
  CHECK(passes(minus(p, 2)));
  CHECK(passes({0, 0, 0, uint64_t{1} << 59}));                                         // 2^251
  CHECK(passes({~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, (uint64_t{1} << 59) - 1}));  // 2^251 - 1
  CHECK(passes({0, 0, 0, (uint64_t{1} << 59) | 17}));                                  // p - 1
  CHECK_FALSE(passes(p));
  CHECK_FALSE(passes({1 + 1, 0, 0, (uint64_t{1} << 59) | 17}));  // p + 1
  CHECK_FALSE(passes({0, 0, 0, (uint64_t{1} << 59) | 18}));      // p - 1 + 2^192
  CHECK_FALSE(passes({0, 0, 0, (uint64_t{1} << 59) | 32}));      // 2^251 + 2^197
  CHECK_FALSE(passes({~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, (uint64_t{1} << 60) - 1}));
  // 2^28 as the last limb, with the limb before it one less: the value 2^56, not in canonical form.
  CHECK(passes({uint64_t{1} << 56, 0, 0, 0}));
  CHECK_FALSE(passes({(uint64_t{1} << 56) - (uint64_t{1} << 28), 0, 0, 0}, 1u << 28));
}

}  // namespace
}  // namespace tensorstark::recursion
