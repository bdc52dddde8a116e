// The fact the fact registry records for a proof (verifier-cairo/src/contracts.cairo), computed
// off-chain with @scure/starknet's Poseidon: Poseidon(model, Poseidon(inputs), Poseidon(outputs)),
// where model is the commitment's 8 words packed big-endian in base 2^31.
import { poseidonHashMany } from '@scure/starknet';

// publicInputs: the proof's public inputs (`tensorstark inspect`'s public_inputs: the commitment's
// 8 words, then the model inputs' and outputs' values); nInputs: how many of them are inputs
// (statedInputCount).
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

// How many of a proof's public inputs are model inputs, from the model's generated AIR module
// (`tensorstark cairo-gen`): the counts of its statement's input bounds, as the contract counts
// them (none when the inputs are private). Throws if the module has no statement.
export function statedInputCount(airModule) {
  const fields = /input_bounds: input_bounds\(array!\[([\d,\s]*)\]/.exec(airModule)?.[1];
  if (fields === undefined) throw new Error('the AIR module has no input bounds');
  const values = fields.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  let count = 0;
  for (let i = 1; i < values.length; i += 3) count += values[i];  // (first input, count, bits)
  return count;
}
