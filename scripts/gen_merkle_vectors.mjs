// Writes tests/vectors/merkle_roots.json: small mixed-degree Merkle trees over
// deterministic pseudo-random M31 columns, with their roots under the three node hashes, computed
// by an independent JavaScript implementation of the tree (protocol reference §7.1) and of the
// node encodings (src/hash/poseidon252_merkle_hasher.h, poseidon2_m31_merkle_hasher.h, §7.2 for
// BLAKE2s). Poseidon comes from @scure/starknet, BLAKE2s from scripts/lib/blake2s.mjs, Poseidon2
// over M31 from scripts/lib/poseidon2_m31.mjs (checked against Plonky3's known answer first). tests/hash/merkle_vectors_test.cc commits
// to the same columns and must reproduce every root.
//
//   node scripts/gen_merkle_vectors.mjs
import { writeFileSync } from 'node:fs';
import { poseidonHash, poseidonHashMany } from '@scure/starknet';

import { blake2sCompress } from './lib/blake2s.mjs';
import { checkKnownAnswer, digestHex, permute } from './lib/poseidon2_m31.mjs';

const P = 2147483647;

// ---- Node hashes: hashNode(children ([left, right] or null), column values) ----

// Eight values per felt, big-endian base 2^31; a last chunk of K < 8 values packs just those K.
function packM31s(values) {
  const felts = [];
  for (let i = 0; i < values.length; i += 8) {
    felts.push(values.slice(i, i + 8).reduce((acc, m) => (acc << 31n) + BigInt(m), 0n));
  }
  return felts;
}

const poseidon252 = {
  hashNode(children, values) {
    if (children && values.length === 0) return poseidonHash(children[0], children[1]);
    return poseidonHashMany([...(children ?? []), ...packM31s(values)]);
  },
  hex: (h) => '0x' + h.toString(16),
};

// A leaf: an overwrite sponge of rate 8 whose lane 8 starts at the number of values; a node: its
// children compressed (P(left ‖ right)), then its values absorbed the same way. Digest: lanes 0-7.
const poseidon2 = {
  hashNode(children, values) {
    let state = new Array(16).fill(0n);
    if (children) {
      state = permute([...children[0], ...children[1]]);
    } else {
      state[8] = BigInt(values.length);
    }
    const blocks = Math.ceil(values.length / 8) || (children ? 0 : 1);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 8; i++) state[i] = BigInt(values[8 * b + i] ?? 0);
      state = permute(state);
    }
    return state.slice(0, 8);
  },
  hex: digestHex,
};

// Zero chaining value, t = f = 0; hashes are kept as their eight little-endian words.
const blake2s = {
  hashNode(children, values) {
    let state = new Array(8).fill(0);
    if (children) state = blake2sCompress(state, [...children[0], ...children[1]]);
    for (let i = 0; i < values.length; i += 16) {
      const chunk = values.slice(i, i + 16);
      state = blake2sCompress(state, [...chunk, ...new Array(16 - chunk.length).fill(0)]);
    }
    return state;
  },
  hex: (words) => {
    const b = Buffer.alloc(32);
    words.forEach((w, i) => b.writeUInt32LE(w, 4 * i));
    return b.toString('hex');
  },
};

// ---- The tree of §7.1, one node at a time ----

function root(hasher, columns) {
  const logSizes = columns.map((c) => Math.log2(c.length));
  // Array.prototype.sort is stable: within one length, commit order is kept.
  const order = columns.map((_, i) => i).sort((a, b) => logSizes[b] - logSizes[a]);
  const maxLog = columns.length === 0 ? 0 : logSizes[order[0]];
  let below = null;
  for (let k = maxLog; k >= 0; k--) {
    const layer = [];
    for (let j = 0; j < 2 ** k; j++) {
      const values = order.filter((i) => logSizes[i] === k).map((i) => columns[i][j]);
      const children = below ? [below[2 * j], below[2 * j + 1]] : null;
      layer.push(hasher.hashNode(children, values));
    }
    below = layer;
  }
  return hasher.hex(below[0]);
}

// ---- Columns ----

// xorshift32, with 0 and p - 1 mixed in as edge values.
let seed = 0x5eed_1e55;
function nextM31() {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  if (seed % 16 === 0) return 0;
  if (seed % 16 === 1) return P - 1;
  return seed % P;
}

// Commit order of log sizes, interleaving the sizes of `counts` ({log size: n columns})
// round-robin so that only a stable sort by length restores the order inside a node.
function interleaved(counts) {
  const left = new Map(Object.entries(counts).map(([k, n]) => [Number(k), n]));
  const shape = [];
  while (shape.length < Object.values(counts).reduce((a, b) => a + b, 0)) {
    for (const [k, n] of left) {
      if (n > 0) { shape.push(k); left.set(k, n - 1); }
    }
  }
  return shape;
}

const shapes = [
  [],                                  // empty tree: hashNode(null, [])
  [0],                                 // a single value
  [2],                                 // one column: children-only nodes above the leaves
  [3, 5, 3, 5, 0, 4, 5],               // interleaved sizes
  [6, 2],                              // layers without columns in between
  interleaved({ 5: 7, 4: 9, 3: 8, 2: 17, 1: 1 }),  // full and partial 8-value chunks
  interleaved({ 4: 16, 3: 33, 0: 2 }),  // full and partial 16-value BLAKE2s blocks
  [9, 9, 8],                           // more nodes than one HashLayer task
];

checkKnownAnswer();
const trees = shapes.map((shape) => {
  const columns = shape.map((k) => Array.from({ length: 2 ** k }, nextM31));
  return {
    columns, poseidon252_root: root(poseidon252, columns), blake2s_root: root(blake2s, columns),
    poseidon2_root: root(poseidon2, columns),
  };
});

// One tree per line keeps the file readable and its diffs small.
writeFileSync(new URL('../tests/vectors/merkle_roots.json', import.meta.url),
  '{\n  "generator": "scripts/gen_merkle_vectors.mjs",\n  "trees": [\n' +
  trees.map((t) => '    ' + JSON.stringify(t)).join(',\n') + '\n  ]\n}\n');
console.log('wrote tests/vectors/merkle_roots.json');
