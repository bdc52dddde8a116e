// The fact the fact registry records for a proof (verifier-cairo/src/contracts.cairo), computed
// off-chain with @scure/starknet's Poseidon:
// Poseidon(model, verifier class hash, Poseidon(inputs), Poseidon(outputs)), where model is a
// final proof's model id for the inner proof (finalStatementFacts) and the class hash is that of
// the verifier contract the registry verified the proof with (a consumer pins the one declared on
// Starknet, which Scarb reproduces from this repository).
import { poseidonHashMany } from '@scure/starknet';

// The class hash the generated Cairo tests compute a fact with, where the test runner's class
// hashes are not Starknet's: the tests check that Cairo's fact of it is this file's, and that the
// registry records the statement's hashes under the class that verified them.
export const STAND_IN_CLASS_HASH = '0x7374616e642d696e20636c617373';

// The fact of a statement given as its model id (a compressed proof's model id: compressedIdsOf)
// and its stated inputs' and outputs' felts.
// Returns hex strings: { model, inputs, outputs (the stated values' felts), inputsHash,
// outputsHash, fact }.
export function statementFact(model, inputs, outputs, verifierClass) {
  [inputs, outputs] = [inputs.map(BigInt), outputs.map(BigInt)];
  const inputsHash = poseidonHashMany(inputs);
  const outputsHash = poseidonHashMany(outputs);
  const fact = poseidonHashMany([BigInt(model), BigInt(verifierClass), inputsHash, outputsHash]);
  const hex = (v) => `0x${BigInt(v).toString(16)}`;
  return { model: hex(model), inputs: inputs.map(hex), outputs: outputs.map(hex),
    inputsHash: hex(inputsHash), outputsHash: hex(outputsHash), fact: hex(fact) };
}

// A compressed proof's circuit id and its inner model's id (src/pipeline/starknet_fact.h), from
// the identity `compress --json` prints (hash_id, config, zk, log_sizes, members: each one's
// words and stated_inputs, preprocessed_root as 64 hex digits) and the inner model's commitment
// (8 words).
// Returns hex strings: { circuit, model }.
export function compressedIdsOf(identity, commitment) {
  const tag = BigInt('0x' + Buffer.from('tensorstark-circuit-v1').toString('hex'));
  const root = identity.preprocessed_root;
  const members = identity.members.flatMap((m) => [BigInt(m.words), BigInt(m.stated_inputs)]);
  const circuit = poseidonHashMany([tag, BigInt(identity.hash_id), ...identity.config.map(BigInt),
    identity.zk ? 1n : 0n, BigInt(identity.log_sizes.length), ...identity.log_sizes.map(BigInt),
    BigInt(identity.members.length), ...members,
    BigInt('0x' + root.slice(0, 32)), BigInt('0x' + root.slice(32))]);
  const model = commitment.map(BigInt).reduce((packed, word) => (packed << 31n) + word, 0n);
  const hex = (v) => `0x${v.toString(16)}`;
  return { circuit: hex(circuit), model: hex(poseidonHashMany([model, circuit])) };
}

// A final proof's facts, one per inner proof, as the final verifier contract and the registry make
// them: the statement (publicInputs, `tensorstark inspect`'s public_inputs) split by the layout in
// the identity `tensorstark verify MODEL... FINAL.bin --json` prints (each member's statement
// words and stated inputs), each under its model id (compressedIdsOf).
// Returns statementFact's objects, in the inner proofs' order.
export function finalStatementFacts(identity, publicInputs, verifierClass) {
  const facts = [];
  let offset = 0;
  for (const member of identity.members) {
    const words = publicInputs.slice(offset, offset + member.words);
    facts.push(statementFact(compressedIdsOf(identity, words.slice(0, 8)).model,
      words.slice(8, 8 + member.stated_inputs), words.slice(8 + member.stated_inputs),
      verifierClass));
    offset += member.words;
  }
  if (offset !== publicInputs.length) {
    throw new Error(`the identity's layout covers ${offset} statement words, the proof states `
      + `${publicInputs.length}`);
  }
  return facts;
}
