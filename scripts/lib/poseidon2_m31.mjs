// Poseidon2 over M31, width 16 (Plonky3's Poseidon2Mersenne31<16>), written from the paper and
// Plonky3's parameters, apart from the C++ code (src/hash/poseidon2_m31.h), for the test vector
// generators; BigInt arithmetic, slow and simple. The constants come from Xoroshiro128+ seeded
// with 1 through SplitMix64, one M31 per draw's top 31 bits below p; checkKnownAnswer() compares
// the permutation with Plonky3's own test vector.
export const P = 2147483647n;
const MASK64 = (1n << 64n) - 1n;
const INTERNAL_SHIFTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16];

function constants() {
  let x = 1n;
  const splitMix = () => {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
  let s0 = splitMix();
  let s1 = splitMix();
  const rotl = (v, k) => ((v << BigInt(k)) | (v >> BigInt(64 - k))) & MASK64;
  const next = () => {
    const r = (s0 + s1) & MASK64;
    s1 ^= s0;
    s0 = rotl(s0, 24) ^ s1 ^ ((s1 << 16n) & MASK64);
    s1 = rotl(s1, 37);
    return r;
  };
  const m31 = () => {
    for (;;) {
      const v = (next() >> 32n) >> 1n;
      if (v !== P) return v;
    }
  };
  const rounds = (n) => Array.from({ length: n }, () => Array.from({ length: 16 }, m31));
  const initial = rounds(4);
  const terminal = rounds(4);
  const partial = Array.from({ length: 14 }, m31);
  return { initial, terminal, partial };
}
const C = constants();

const mod = (v) => ((v % P) + P) % P;
const sbox = (v) => { const v2 = (v * v) % P; return (((v2 * v2) % P) * v) % P; };

function external(s) {
  const out = new Array(16);
  for (let k = 0; k < 16; k += 4) {
    const [a, b, c, d] = s.slice(k, k + 4);
    out[k] = 2n * a + 3n * b + c + d;
    out[k + 1] = a + 2n * b + 3n * c + d;
    out[k + 2] = a + b + 2n * c + 3n * d;
    out[k + 3] = 3n * a + b + c + 2n * d;
  }
  const sums = [0, 1, 2, 3].map((i) => out[i] + out[i + 4] + out[i + 8] + out[i + 12]);
  return out.map((v, i) => mod(v + sums[i % 4]));
}

function internal(s) {
  const sum = s.reduce((a, b) => a + b, 0n);
  return s.map((v, i) => mod(i === 0 ? sum - 2n * v : sum + (v << BigInt(INTERNAL_SHIFTS[i - 1]))));
}

// The permutation of 16 BigInt values below p.
export function permute(state) {
  let s = external(state);
  const full = (rc) => { s = external(s.map((v, i) => sbox(mod(v + rc[i])))); };
  C.initial.forEach(full);
  for (const rc of C.partial) {
    s[0] = sbox(mod(s[0] + rc));
    s = internal(s);
  }
  C.terminal.forEach(full);
  return s;
}

// P(a ‖ b)[0..8] on two 8-value arrays.
export const compress = (a, b) => permute([...a, ...b]).slice(0, 8);

export function checkKnownAnswer() {
  const input = [894848333, 1437655012, 1200606629, 1690012884, 71131202, 1749206695, 1717947831,
    120589055, 19776022, 42382981, 1831865506, 724844064, 171220207, 1299207443, 227047920,
    1783754913].map(BigInt);
  const expected = [1124552602, 2127602268, 1834113265, 1207687593, 1891161485, 245915620,
    981277919, 627265710, 1534924153, 1580826924, 887997842, 1526280482, 547791593, 1028672510,
    1803086471, 323071277].map(BigInt);
  const got = permute(input);
  if (got.some((v, i) => v !== expected[i])) {
    throw new Error(`Poseidon2-M31 differs from Plonky3's known answer: ${got}`);
  }
}

// 8 words as the proof format writes a digest: 4 little-endian bytes each, in hex.
export function digestHex(words) {
  const b = Buffer.alloc(32);
  words.forEach((w, i) => b.writeUInt32LE(Number(w), 4 * i));
  return b.toString('hex');
}
