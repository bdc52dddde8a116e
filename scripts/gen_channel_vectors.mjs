// Writes tests/vectors/channel_transcripts.json: a scripted transcript (mixes, draws, proof of
// work, query positions) replayed through an independent JavaScript implementation of the
// channels' encodings (src/hash/blake2s_channel.h, poseidon252_channel.h, poseidon2_m31_channel.h).
// BLAKE2s comes from Node's crypto (OpenSSL) plus the compression function of
// scripts/lib/blake2s.mjs for mix_u64; Poseidon from @scure/starknet; Poseidon2 over M31 from
// scripts/lib/poseidon2_m31.mjs (checked against Plonky3's known answer first). The C++ tests replay the same script and must reproduce
// every output.
//
//   node scripts/gen_channel_vectors.mjs
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { poseidonHash, poseidonHashMany, poseidonSmall } from '@scure/starknet';

import { blake2sCompress, bufOfWords, wordsOf } from './lib/blake2s.mjs';
import { checkKnownAnswer, compress, digestHex } from './lib/poseidon2_m31.mjs';

const P = 2147483647n;
const Pn = 2147483647;

const blake2s = (...parts) => createHash('blake2s256').update(Buffer.concat(parts)).digest();

class Blake2sChannel {
  constructor() { this.digest = Buffer.alloc(32); this.nDraws = 0n; }
  set(d) { this.digest = d; this.nDraws = 0n; }
  mixRoot(hex) { this.set(blake2s(this.digest, Buffer.from(hex, 'hex'))); }
  mixFelts(fs) { this.set(blake2s(this.digest, bufOfWords(fs.flat()))); }
  mixU64(n) {
    const m = new Array(16).fill(0);
    m[0] = Number(n & 0xffffffffn); m[1] = Number(n >> 32n);
    this.set(bufOfWords(blake2sCompress(wordsOf(this.digest), m)));
  }
  drawU32s() {
    const counter = Buffer.alloc(32); counter.writeBigUInt64LE(this.nDraws);
    this.nDraws += 1n;
    return wordsOf(blake2s(this.digest, counter));
  }
  drawBase() {
    for (;;) {
      const w = this.drawU32s();
      if (w.every((x) => x < 2 * Pn)) return w.map((x) => x % Pn);
    }
  }
  trailingZeros() {
    const v = this.digest.readBigUInt64LE(0) | (this.digest.readBigUInt64LE(8) << 64n);
    return ctz(v, 128);
  }
  digestHex() { return this.digest.toString('hex'); }
}

class Poseidon252Channel {
  constructor() { this.digest = 0n; this.nDraws = 0n; }
  set(d) { this.digest = d; this.nDraws = 0n; }
  mixRoot(hex) { this.set(poseidonHash(this.digest, BigInt(hex))); }
  mixFelts(fs) {
    const chunks = [];
    for (let i = 0; i < fs.length; i += 2) {
      chunks.push(fs.slice(i, i + 2).flat().reduce((acc, m) => (acc << 31n) + BigInt(m), 0n));
    }
    this.set(poseidonHashMany([this.digest, BigInt(fs.length), ...chunks]));
  }
  mixU64(n) { this.set(poseidonHash(this.digest, n)); }
  drawU32s() {
    const x = poseidonSmall([this.digest, this.nDraws, 3n])[0];
    this.nDraws += 1n;
    return Array.from({ length: 8 }, (_, k) => Number((x >> (31n * BigInt(k))) & P));
  }
  drawBase() { return this.drawU32s().map((x) => x % Pn); }
  trailingZeros() { return ctz(this.digest, 252); }
  digestHex() { return '0x' + this.digest.toString(16); }
}

// Every rule a compression of the digest with an 8-word chunk.
class Poseidon2M31Channel {
  constructor() { this.digest = new Array(8).fill(0n); this.nDraws = 0n; }
  set(d) { this.digest = d; this.nDraws = 0n; }
  // The root as the proof format writes it: 8 little-endian u32 words in hex.
  mixRoot(hex) {
    const b = Buffer.from(hex, 'hex');
    this.set(compress(this.digest, Array.from({ length: 8 }, (_, i) => BigInt(b.readUInt32LE(4 * i)))));
  }
  mixFelts(fs) {
    const words = [...fs.flat().map(BigInt), 1n];
    while (words.length % 8 !== 0) words.push(0n);
    let d = this.digest;
    for (let i = 0; i < words.length; i += 8) d = compress(d, words.slice(i, i + 8));
    this.set(d);
  }
  mixU64(n) {
    const limb = (k) => (n >> (22n * BigInt(k))) & ((1n << 22n) - 1n);
    this.set(compress(this.digest, [limb(0), limb(1), n >> 44n, 0n, 0n, 0n, 0n, 0n]));
  }
  drawU32s() {
    const out = compress(this.digest, [this.nDraws, 0n, 0n, 0n, 0n, 0n, 0n, 1n]);
    this.nDraws += 1n;
    return out.map(Number);
  }
  drawBase() { return this.drawU32s(); }
  trailingZeros() { return ctz(this.digest[0] + (this.digest[1] << 31n), 62); }
  digestHex() { return digestHex(this.digest); }
}

function ctz(v, max) {
  if (v === 0n) return max;
  let n = 0;
  while ((v & 1n) === 0n) { v >>= 1n; n++; }
  return n;
}

function drawFelts(ch, n) {
  const out = [];
  while (out.length < n) { const b = ch.drawBase(); out.push(b.slice(0, 4), b.slice(4, 8)); }
  return out.slice(0, n);
}

function leastNonce(ch, bits) {
  for (let nonce = 0n; ; nonce++) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(ch)), ch);
    copy.mixU64(nonce);
    if (copy.trailingZeros() >= bits) return nonce;
  }
}

// n distinct positions: words drawn 8 at a time, a repeated position skipped, the drawing stopped
// at the word that completes n (the rest of that draw unused); sorted.
function queries(ch, logSize, n) {
  const mask = (1 << logSize) - 1;
  const kept = new Set();
  while (kept.size < n) {
    for (const word of ch.drawU32s()) if (kept.size < n) kept.add((word & mask) >>> 0);
  }
  return [...kept].sort((a, b) => a - b);
}

// Deterministic pseudo-random M31 values (xorshift32).
let seed = 0x2545f491;
const nextM31 = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed % Pn; };
const qm31 = () => [nextM31(), nextM31(), nextM31(), nextM31()];

function transcript(ch, root, powBits) {
  const ops = [];
  const run = (op, f) => { const out = f(); ops.push(out === undefined ? op : { ...op, expect: out }); };
  run({ op: 'mix_root', root }, () => ch.mixRoot(root.replace(/^0x/, ch instanceof Blake2sChannel ? '' : '0x')));
  run({ op: 'draw_felt' }, () => drawFelts(ch, 1)[0]);
  const fs = [qm31(), qm31(), qm31(), [0, 0, 0, Pn - 1], [Pn - 1, 1, 0, 0]];
  run({ op: 'mix_felts', felts: fs }, () => ch.mixFelts(fs));
  run({ op: 'draw_felts', n: 5 }, () => drawFelts(ch, 5));
  run({ op: 'mix_felts', felts: [fs[0]] }, () => ch.mixFelts([fs[0]]));
  run({ op: 'digest' }, () => ch.digestHex());
  run({ op: 'mix_felts', felts: [] }, () => ch.mixFelts([]));
  run({ op: 'draw_u32s' }, () => ch.drawU32s());
  run({ op: 'mix_u64', value: '0x1111222233334444' }, () => ch.mixU64(0x1111222233334444n));
  run({ op: 'digest' }, () => ch.digestHex());
  run({ op: 'trailing_zeros' }, () => ch.trailingZeros());
  const nonce = leastNonce(ch, powBits);
  ops.push({ op: 'grind', bits: powBits, expect: '0x' + nonce.toString(16) });
  run({ op: 'mix_u64', value: '0x' + nonce.toString(16) }, () => ch.mixU64(nonce));
  run({ op: 'trailing_zeros' }, () => ch.trailingZeros());
  run({ op: 'queries', log_size: 20, n: 12 }, () => queries(ch, 20, 12));
  // Small domains, where positions repeat: the draw goes on until n distinct ones (all 16 of the
  // second domain).
  run({ op: 'queries', log_size: 5, n: 20 }, () => queries(ch, 5, 20));
  run({ op: 'queries', log_size: 4, n: 16 }, () => queries(ch, 4, 16));
  run({ op: 'draw_felts', n: 3 }, () => drawFelts(ch, 3));
  run({ op: 'digest' }, () => ch.digestHex());
  return ops;
}

checkKnownAnswer();
const vectors = {
  generator: 'scripts/gen_channel_vectors.mjs',
  blake2s: transcript(new Blake2sChannel(), 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8), 12),
  poseidon252: transcript(new Poseidon252Channel(), '0x' + '7'.repeat(62), 10),
  poseidon2: transcript(new Poseidon2M31Channel(), '01234567'.repeat(7) + '89abcd0f', 10),
};
// One operation per line keeps the file readable and its diffs small.
const lines = (ops) => ops.map((op) => '    ' + JSON.stringify(op)).join(',\n');
writeFileSync(new URL('../tests/vectors/channel_transcripts.json', import.meta.url),
  `{\n  "generator": "${vectors.generator}",\n` +
  `  "blake2s": [\n${lines(vectors.blake2s)}\n  ],\n` +
  `  "poseidon252": [\n${lines(vectors.poseidon252)}\n  ],\n` +
  `  "poseidon2": [\n${lines(vectors.poseidon2)}\n  ]\n}\n`);
console.log('wrote tests/vectors/channel_transcripts.json');
