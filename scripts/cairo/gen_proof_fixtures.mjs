// Writes verifier-cairo/src/tests/proof_fixtures.cairo: real proofs made by the C++ prover, as
// calldata (`tensorstark calldata`), with Cairo tests that read them back and compare every field
// with the proof's own JSON (`tensorstark inspect`). The proofs are deterministic, so with
// --check the file must come out the same (CI runs that after building the prover).
//
// Usage: node scripts/cairo/gen_proof_fixtures.mjs TENSORSTARK [--check]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeOrCheck } from './generated_files.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [tensorstark, ...flags] = process.argv.slice(2);
if (!tensorstark) {
  console.error('usage: node scripts/cairo/gen_proof_fixtures.mjs TENSORSTARK [--check]');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'tensorstark-fixtures-'));
function proofOf(name, benchArgs) {
  const proof = path.join(work, `${name}.bin`);
  const calldata = path.join(work, `${name}.json`);
  execFileSync(tensorstark, ['bench', ...benchArgs, '--save-proof', proof], { stdio: 'ignore' });
  execFileSync(tensorstark, ['calldata', proof, '-o', calldata], { stdio: 'ignore' });
  return {
    calldata: JSON.parse(readFileSync(calldata, 'utf8')),
    json: JSON.parse(execFileSync(tensorstark, ['inspect', proof], { encoding: 'utf8' })),
  };
}

const m31s = (values) => `m31s(array![${values.join(', ')}])`;
const qm31s = (values) => `qm31s(array![${values.map((v) => v.join(', ')).join(', ')}])`;
const hashes = (values) => `array![${values.join(', ')}].span()`;
const check = (actual, expected, what) => `    assert(${actual} == ${expected}, '${what}');`;

function decommitmentChecks(actual, d, what) {
  return [
    check(`${actual}.hash_witness`, hashes(d.hash_witness), `${what} hash witness`),
    check(`${actual}.column_witness`, m31s(d.column_witness), `${what} column witness`),
  ];
}

function layerChecks(actual, layer, what) {
  return [
    check(`${actual}.fri_witness`, qm31s(layer.fri_witness), `${what} witness`),
    ...decommitmentChecks(`${actual}.decommitment`, layer.decommitment, what),
    check(`${actual}.commitment`, layer.commitment, `${what} commitment`),
  ];
}

// Every field of the proof read from calldata, against the proof's JSON.
function readTest(name, { calldata, json }) {
  const c = json.config;
  const pcs = json.pcs;
  const lines = [
    `    let proof = read_proof(${name}_calldata().span());`,
    check('proof.config', `ProofConfig { pcs: PcsConfig { pow_bits: ${c.pow_bits}, ` +
      `log_blowup_factor: ${c.log_blowup_factor}, log_last_layer_degree_bound: ` +
      `${c.log_last_layer_degree_bound}, n_queries: ${c.n_queries}, fold_step: ${c.fold_step} }, ` +
      `interaction_pow_bits: ${c.interaction_pow_bits}, zk: ${c.zero_knowledge} }`, 'config'),
    check('proof.public_inputs', m31s(json.public_inputs), 'public inputs'),
    check('proof.interaction_pow_nonce', json.interaction_pow_nonce, 'interaction nonce'),
    check('proof.claimed_sums', qm31s(json.claimed_sums), 'claimed sums'),
    check('proof.pcs.commitments', hashes(pcs.commitments), 'commitments'),
    check('proof.pcs.sampled_values', qm31s(pcs.sampled_values.flat(2)), 'sampled values'),
    check('proof.pcs.decommitments.len()', pcs.decommitments.length, 'trees'),
    ...pcs.decommitments.flatMap((d, t) =>
      decommitmentChecks(`(*proof.pcs.decommitments[${t}])`, d, `tree ${t}`)),
    check('proof.pcs.queried_values.len()', pcs.queried_values.length, 'trees'),
    ...pcs.queried_values.map((v, t) =>
      check(`*proof.pcs.queried_values[${t}]`, m31s(v), `tree ${t} queried values`)),
    check('proof.pcs.proof_of_work', pcs.proof_of_work, 'proof of work'),
    ...layerChecks('proof.pcs.fri_proof.first_layer', pcs.fri.first_layer, 'first layer'),
    check('proof.pcs.fri_proof.inner_layers.len()', pcs.fri.inner_layers.length, 'layers'),
    ...pcs.fri.inner_layers.flatMap((layer, i) =>
      layerChecks(`(*proof.pcs.fri_proof.inner_layers[${i}])`, layer, `layer ${i}`)),
    check('proof.pcs.fri_proof.last_layer_poly', qm31s(pcs.fri.last_layer_poly), 'last layer'),
  ];
  return `fn ${name}_calldata() -> Array<felt252> {
    array![${calldata.join(', ')}]
}

#[test]
fn test_${name}_reads_back() {
${lines.join('\n')}
}

#[test]
#[should_panic(expected: ('calldata: truncated',))]
fn test_${name}_truncated() {
    let calldata = ${name}_calldata();
    read_proof(calldata.span().slice(0, calldata.len() - 1));
}

#[test]
#[should_panic(expected: ('calldata: trailing felts',))]
fn test_${name}_with_a_felt_more() {
    let mut calldata = ${name}_calldata();
    calldata.append(0);
    read_proof(calldata.span());
}`;
}

const fixtures = {
  range_check: proofOf('range_check',
    ['range-check', '--log-rows', '5', '--profile', 'test', '--hash', 'poseidon252']),
};
rmSync(work, { recursive: true });

const text = `// Generated by scripts/cairo/gen_proof_fixtures.mjs from proofs of the C++ prover; do not edit.
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait};
use crate::proof::{PcsConfig, ProofConfig, read_proof};

fn m31s(values: Array<u32>) -> Span<M31> {
    let mut out = array![];
    for value in values {
        out.append(M31Trait::reduce_u32(value));
    };
    out.span()
}

fn qm31s(coordinates: Array<u32>) -> Span<QM31> {
    let mut out = array![];
    let mut i = 0;
    while i != coordinates.len() {
        out
            .append(
                QM31Trait::from_u32s(
                    *coordinates[i], *coordinates[i + 1], *coordinates[i + 2], *coordinates[i + 3],
                ),
            );
        i += 4;
    };
    out.span()
}

${Object.entries(fixtures).map(([name, fixture]) => readTest(name, fixture)).join('\n\n')}
`;

const file = path.join(root, 'verifier-cairo/src/tests/proof_fixtures.cairo');
if (!writeOrCheck([[file, text]], { check: flags.includes('--check'), root,
  regenerate: `node scripts/cairo/gen_proof_fixtures.mjs ${tensorstark}` })) {
  process.exit(1);
}
