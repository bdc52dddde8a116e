// The Fiat–Shamir channel (protocol reference §6): the transcript that makes the interactive
// protocol non-interactive. Prover and verifier feed it the same messages in the same order and
// draw the same challenges from it. Two implementations share one interface:
//   Blake2sChannel    (blake2s_channel.h)    the fastest to prove with;
//   Poseidon252Channel (poseidon252_channel.h) the one a Cairo verifier on Starknet replays.
//
// Common rules for both, fixed once (the Cairo verifier reproduces them for Poseidon252):
// - The state is a digest plus a draw counter. Every Mix* replaces the digest and resets the
//   counter to 0; every draw increments it and leaves the digest alone, so a draw is a function
//   of (digest, counter) only.
// - DrawFelt() takes 4 base-field values of one draw; DrawFelts(n) takes 8 values per draw, i.e.
//   2 QM31 per draw, discarding the unused half of the last draw.
// - DrawU32s() gives 8 words per draw; query positions use them masked to the domain size
//   (queries.h), so the words need at least 30 uniform bits each.
// - Proof of work: nonce n is valid for b bits if a copy of the channel, after MixU64(n), has
//   TrailingZeros() >= b (proof_of_work.h). The prover mixes the same nonce afterwards.
// The byte-level encodings are documented in each implementation's header.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "field/qm31.h"

namespace tensorstark::hash {

template <class C>
concept Channel = std::copyable<C> &&
    requires(C channel, const C const_channel, std::span<const field::QM31> felts, uint64_t value,
             const typename C::Hash& root, size_t n) {
  { C::kName } -> std::convertible_to<std::string_view>;
  channel.MixRoot(root);
  channel.MixFelts(felts);
  channel.MixU64(value);
  { channel.DrawFelt() } -> std::same_as<field::QM31>;
  { channel.DrawFelts(n) } -> std::same_as<std::vector<field::QM31>>;
  { channel.DrawU32s() } -> std::same_as<std::array<uint32_t, 8>>;
  { const_channel.TrailingZeros() } -> std::same_as<uint32_t>;
  // The least nonce in [begin, end) that is valid for `bits` (see above), if any. Each channel
  // implements it in its fastest way (the BLAKE2s one tries 16 nonces per SIMD compression).
  {
    const_channel.FindProofOfWorkNonce(value, value, value)
    } -> std::same_as<std::optional<uint64_t>>;
};

// DrawFelts(n) for a channel whose draws give 8 base-field values: 2 QM31 per draw, in order.
template <class DrawBaseFelts>
std::vector<field::QM31> SecureFeltsFromDraws(size_t n, DrawBaseFelts draw_base_felts) {
  std::vector<field::QM31> felts;
  felts.reserve(n + 1);
  while (felts.size() < n) {
    std::array<field::M31, 8> base = draw_base_felts();
    felts.emplace_back(base[0], base[1], base[2], base[3]);
    felts.emplace_back(base[4], base[5], base[6], base[7]);
  }
  felts.resize(n);
  return felts;
}

}  // namespace tensorstark::hash
