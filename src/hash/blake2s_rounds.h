// The ten rounds of the BLAKE2s compression function (RFC 7693 §3.2), written once for any word
// type: the scalar compression instantiates it on uint32_t, the 16-way SIMD one on a vector per
// word. Ops provides `Word`, `Add`, `Xor` and `Rotr<k>` (rotate right by k bits).
#pragma once

#include "hash/blake2s.h"

namespace tensorstark::hash {

template <class Ops>
inline void Blake2sRounds(typename Ops::Word v[16], const typename Ops::Word m[16]) {
  using Word = typename Ops::Word;
  auto g = [v](int a, int b, int c, int d, const Word& x, const Word& y) {
    v[a] = Ops::Add(Ops::Add(v[a], v[b]), x);
    v[d] = Ops::template Rotr<16>(Ops::Xor(v[d], v[a]));
    v[c] = Ops::Add(v[c], v[d]);
    v[b] = Ops::template Rotr<12>(Ops::Xor(v[b], v[c]));
    v[a] = Ops::Add(Ops::Add(v[a], v[b]), y);
    v[d] = Ops::template Rotr<8>(Ops::Xor(v[d], v[a]));
    v[c] = Ops::Add(v[c], v[d]);
    v[b] = Ops::template Rotr<7>(Ops::Xor(v[b], v[c]));
  };
  // Fully unrolled, the message schedule is known at compile time: each message word is a
  // register or a fixed stack slot, not a table lookup (as a loop, the index arithmetic cost
  // the Merkle commit about a tenth of its time).
#pragma GCC unroll 10
  for (const auto& s : kBlake2sSigma) {
    g(0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
}

}  // namespace tensorstark::hash
