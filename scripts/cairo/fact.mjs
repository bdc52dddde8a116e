// The fact the fact registry records for a proof (verifier-cairo/src/contracts.cairo), computed
// off-chain with @scure/starknet's Poseidon: Poseidon(model, Poseidon(inputs), Poseidon(outputs)),
// where model is the commitment's 8 words packed big-endian in base 2^31.
import { poseidonHashMany } from '@scure/starknet';

// publicInputs: the proof's public inputs (`tensorstark inspect`'s public_inputs: the commitment's
// 8 words, then what the proof states of the model inputs and of the outputs: values or
// digests); nInputs: how many of them state the inputs (statedInputCount).
// Returns hex strings: { model, inputsHash, outputsHash, fact }.
export function factOf(publicInputs, nInputs) {
  const values = publicInputs.map(BigInt);
  const model = values.slice(0, 8).reduce((packed, word) => (packed << 31n) + word, 0n);
  const inputsHash = poseidonHashMany(values.slice(8, 8 + nInputs));
  const outputsHash = poseidonHashMany(values.slice(8 + nInputs));
  const hex = (v) => `0x${v.toString(16)}`;
  return { model: hex(model), inputsHash: hex(inputsHash), outputsHash: hex(outputsHash),
    fact: hex(poseidonHashMany([model, inputsHash, outputsHash])) };
}

// How many of a proof's public inputs state the model inputs (their values, their digest, or
// none), from the model's generated AIR module (`tensorstark cairo-gen`), as the contract reads
// it. Throws if the module has no statement.
export function statedInputCount(airModule) {
  const count = /n_stated_inputs: (\d+),/.exec(airModule)?.[1];
  if (count === undefined) throw new Error('the AIR module states no input count');
  return Number(count);
}
