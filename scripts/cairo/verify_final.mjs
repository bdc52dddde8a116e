// Verifies a final proof (`tensorstark compress --profile onchain`) with the Cairo verifier: the
// final recursion AIR every model shares (verifier-cairo/src/final_air.cairo, `cairo-gen`), no
// Cairo generated for the model. A test calls what the one verifier contract calls
// (contracts::verify_final_calldata) on the proof's calldata and checks each inner statement it
// reports: its model id (computed here by fact.mjs from the identity `tensorstark verify` prints),
// its inputs and outputs. Runs on npm wasm-cairo's test runner and prints the Cairo steps and the
// runner's gas estimate.
//
// Usage: node scripts/cairo/verify_final.mjs TENSORSTARK MODEL.tsm... FINAL.bin
//   TENSORSTARK   the tensorstark command (build/tensorstark)
//   MODEL.tsm...  the (verifying) models the final proof's inner proofs are of, as compress took them
//   FINAL.bin     the final proof
//   --sierra-gas  also the Sierra gas of the verification alone, as Starknet meters a contract
//   --tampered    also tampered copies of the proof, each of which must fail at its check
//   --registry-only  only the program through the fact registry, which verifies the proof in full
//                 and must record the facts of its statements (fact.mjs), without the program
//                 checking the stated values directly and the statement layout tests: the quick
//                 check of a proof of a new model
//   --lending WORD:THRESHOLD  also the lending example (verifier-cairo/src/examples/lending.cairo)
//                 approving the applicant of the first inner proof, whose model states a context
//                 (compile --context 2: the applicant's address and a nonce), with the fact of its
//                 statement: WORD is the output word holding the score, THRESHOLD the least
//                 approved score (e.g. 1:0.5). The registry records that fact through a mock final
//                 verifier in the lending program (the runner does not hold a final verification
//                 and the lending call in one program), after the real final verifier's program
//                 showed it states the same statement
// Exits 0 and prints "valid in Cairo" if the verifier accepts the proof and states what the native
// verifier does, 1 if it does not, 2 when nothing could be checked (bad arguments, a proof the
// native verifier rejects, or a runner crash).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { bundlePackage } from './bundle.mjs';
import { STAND_IN_CLASS_HASH, finalStatementFacts } from './fact.mjs';
import {
  compilerDiagnostics, gasTestProgram, restartWithRunnerOptions, runInOwnProcess, testSummary,
} from './runner.mjs';
import {
  copyPackageWithoutTests, failWith, takeFlag, takeOption, tensorstarkRunner,
} from './script_cli.mjs';
import { EXAMPLE_MODULES } from './modules.mjs';
import { TAMPERED_COPIES, finalVerificationTests } from './verification_tests.mjs';

restartWithRunnerOptions();

const USAGE = 'usage: node scripts/cairo/verify_final.mjs TENSORSTARK MODEL.tsm... FINAL.bin '
  + '[--sierra-gas] [--tampered] [--registry-only] [--lending WORD:THRESHOLD]';
const fail = failWith('verify_final.mjs');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`${USAGE}\n\nVerifies a final proof (compress --profile onchain) with the Cairo `
    + 'verifier\'s final AIR,\nthe one every model shares, on npm wasm-cairo\'s test runner.\n\n'
    + '--sierra-gas  also measures the Sierra gas of the verification alone\n'
    + '--tampered    also verifies tampered copies of the proof, each of which must fail\n'
    + '              at the check that catches it\n'
    + '--registry-only  only the fact registry recording the facts of its statements through\n'
    + '              the final verifier (a full verification; not the stated values checked\n'
    + '              directly nor the statement layout tests)\n'
    + '--lending WORD:THRESHOLD  also has the lending example approve the first inner proof\'s\n'
    + '              applicant (its context: address, nonce) with the fact of its statement\n'
    + '              (recorded by a mock final verifier in a program of its own), the score\n'
    + '              output word WORD at least THRESHOLD (e.g. 1:0.5)');
  process.exit(0);
}
const sierraGas = takeFlag(args, '--sierra-gas');
const tampered = takeFlag(args, '--tampered');
const registryOnly = takeFlag(args, '--registry-only');
const lendingOption = takeOption(args, '--lending', fail);
const lendingMatch = lendingOption && /^(\d+):(-?\d+(?:\.\d+)?)$/.exec(lendingOption);
if (lendingOption && !lendingMatch) fail(`--lending ${lendingOption}: WORD:THRESHOLD, e.g. 1:0.5`, 2);
if (args.length < 3 || args.some((arg) => arg.startsWith('-'))) fail(USAGE, 2);
for (const file of args) {
  if (!existsSync(file)) fail(`no such file: ${file}`, 2);
}
const [tensorstark, ...files] = args;
const proofFile = files.at(-1);

const tensorstarkOutput = tensorstarkRunner(tensorstark, fail);

const inspected = JSON.parse(tensorstarkOutput('inspect', proofFile));
if (!inspected.compressed?.final) {
  fail(`${proofFile} is not a final proof (tensorstark compress --profile onchain makes one)`, 2);
}
// The native verifier first: the identity it prints is what the model ids are computed from.
const verified = JSON.parse(tensorstarkOutput('verify', ...files, '--json'));
const { identity } = verified;
const work = mkdtempSync(path.join(tmpdir(), 'tensorstark-verify-final-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const calldataFile = path.join(work, 'calldata.json');
tensorstarkOutput('calldata', ...files, '-o', calldataFile);
const calldata = JSON.parse(readFileSync(calldataFile, 'utf8'));

// Each inner statement as the contract splits it, under its model id, and its fact under the
// stand-in class hash (fact.mjs).
const statements = finalStatementFacts(identity, inspected.public_inputs, STAND_IN_CLASS_HASH);

// --lending: the first inner proof's applicant and nonce (its context) and the threshold in the
// score's scale (the frac_bits of the public output holding the word).
let lending = null;
if (lendingMatch) {
  const [, word, threshold] = lendingMatch;
  const stated = [verified.public].flat()[0];
  if (stated.context?.length !== 2) {
    fail('--lending needs a model compiled with --context 2 (the applicant\'s address and a '
      + 'nonce)', 2);
  }
  let first = 0;
  const holder = stated.tensors.filter((t) => t.kind === 'output').find((t) => {
    const words = t.values?.length ?? (t.poseidon2_digest ? 8 : 0);
    first += words;
    return Number(word) < first;
  });
  if (!holder?.values) fail(`--lending: output word ${word} is not a public output's value`, 2);
  lending = { applicant: stated.context[0], nonce: stated.context[1], scoreOutput: Number(word),
    threshold: Math.ceil(Number(threshold) * 2 ** holder.frac_bits) };
}

// The package with this proof's tests as its only ones.
const packageDir = path.join(work, 'verifier-cairo');
copyPackageWithoutTests(packageDir, ['mock_final_verifier.cairo']);
writeFileSync(path.join(packageDir, 'src/tests.cairo'),
  `${lending ? 'mod mock_final_verifier;\n' : ''}mod verify_final;\n`);
// The test file (verification_tests.mjs).
writeFileSync(path.join(packageDir, 'src/tests/verify_final.cairo'),
  finalVerificationTests({
    generator: 'verify_final.mjs', source: proofFile, calldata,
    layoutFelts: 1 + 2 * identity.members.length, statements, withFailures: tampered, lending,
  }));

const crashed = (message) => fail(`the Cairo test runner crashed (${message}); nothing was `
  + 'checked', 2);
// Tests that no filter here selects, appended one more at a time to a program the runner crashed
// on. Its crashes ("Vector capacity exceeded", "RuntimeError: unreachable", at 1.7-2.6 of its
// 4 GiB) come and go with the program's layout and the proof, not with what the tests check: the
// program through the registry that crashed for one CI proof passed with one such test added and
// never run; of eight proofs of the demo one crashed, and with the demo's lending test in the file
// passed only with two padding tests.
const LAYOUT_PADDINGS = [1, 2, 3].map((n) => `
#[test]
fn runner_layout_padding_${n}() {
    assert(core::poseidon::poseidon_hash_span(array![${n}].span()) != 0, 'padding');
}
`);
// The tests of one module of the test file (verification_tests.mjs) whose names contain `filter`,
// the others left out (the runner does not load more than one module's full verifications),
// in a runner of their own: their output and summary. If the runner crashes, again with the
// program laid out differently (LAYOUT_PADDINGS), up to three times.
// Only the modules through the contracts compile them (and the lending example).
const MODULES = ['verifies', 'layouts', 'direct', 'through_contracts', 'lending'];
const run = (module, filter = '') => {
  const source = bundlePackage(packageDir, ['final_air::tests',
    ...(module === 'through_contracts' ? EXAMPLE_MODULES
      : module === 'lending' ? ['final_air', 'contracts::final_verifier']
        : ['contracts::fact_registry', 'contracts::final_verifier', ...EXAMPLE_MODULES]),
    ...(module === 'lending' ? [] : ['tests::mock_final_verifier']),
    ...MODULES.filter((m) => m !== module).map((m) => `tests::verify_final::${m}`)]);
  const tests = `verify_final::${module}::${filter}`;
  let result = runOnce(module, source, tests);
  for (let n = 1; result.crash && n <= LAYOUT_PADDINGS.length; ++n) {
    console.error(`  ${module}: the runner crashed (${result.crash}); once more, laid out `
      + 'differently');
    result = runOnce(module, source + LAYOUT_PADDINGS.slice(0, n).join(''), tests);
  }
  if (result.crash) crashed(`${module}: ${result.crash}`);
  return result;
};

// { output, summary } of one runner's run of `source`'s tests that `filter` selects, or { crash }
// with the runner's message.
function runOnce(module, source, filter) {
  const started = Date.now();
  let output;
  let memoryMiB;
  try {
    ({ result: output, memoryMiB } = runInOwnProcess(source, filter));
  } catch (error) {
    return { crash: error.message };
  }
  console.error(`  ${module}: ran in ${((Date.now() - started) / 1000).toFixed(0)} s, the runner's `
    + `memory ${memoryMiB} of 4,096 MiB`);
  if (output.includes('Compilation failed')) {
    fail(`the verifier does not compile:\n${compilerDiagnostics(source)}`, 2);
  }
  const summary = testSummary(output);
  return summary === null ? { crash: output.trim().split('\n').pop() } : { output, summary };
}

console.error(`verifying ${proofFile} (${calldata.length} calldata felts, ${statements.length} `
  + 'inner proof(s)) with the final AIR in Cairo (compiling the verifier and running it takes '
  + 'about a minute)');
// The steps and gas the runner counted for a program's one test.
const measured = (output) => ({ steps: Number(output.match(/steps: (\d+)/)[1]),
  gas: Number(output.match(/gas usage est\.: (\d+)/)[1]) });
let cost;
if (!registryOnly) {
  const { output, summary } = run('verifies');
  if (summary.passed !== 1) {
    fail('invalid in Cairo: the final verifier rejected the proof or stated other values '
      + '(tensorstark verify names a native rejection)');
  }
  cost = measured(output);
  const layoutTests = run('layouts');
  if (layoutTests.summary.passed !== 3 || layoutTests.summary.failed !== 0) {
    fail('the statement layout is not bound (a wrong one was accepted under the same model id), '
      + 'or more inner proofs than a final proof holds were accepted');
  }
}
const throughContracts = run('through_contracts');
if (throughContracts.summary.passed !== 1) {
  fail('invalid in Cairo: the fact registry did not record the facts of the proof\'s statements '
    + 'through the final verifier');
}
cost ??= measured(throughContracts.output);
if (tampered) {
  // A runner each: one runner for all five crashed at loading the fifth ("Vector capacity
  // exceeded", its wasm32 memory), though each peaks under 2 GiB alone.
  const notCaught = TAMPERED_COPIES.map(([name]) => name)
    .filter((name) => run('direct', `test_tampered_${name}`).summary.passed !== 1);
  if (notCaught.length !== 0) {
    fail(`tampered copies not rejected at the check that should catch them: ${notCaught.join(', ')}`);
  }
  console.log(`rejected in Cairo: all ${TAMPERED_COPIES.length} tampered copies, each at its check`);
}
console.log(registryOnly
  ? 'valid in Cairo: the fact registry recorded through the final verifier the facts of the '
    + 'statements the native verifier states'
  : 'valid in Cairo: the final verifier accepted the proof and states what the native verifier '
    + 'does; the fact registry recorded a fact per inner proof');
statements.forEach((s, i) => console.log(`  inner proof ${i + 1}: model id ${s.model}, `
  + `${s.inputs.length} input and ${s.outputs.length} output values stated (inputs hash `
  + `${s.inputsHash}, outputs hash ${s.outputsHash})`));
console.log(`  ${cost.steps.toLocaleString('en')} Cairo steps, gas ${cost.gas.toExponential(2)} (the `
  + `test runner's estimate${registryOnly ? ', with the registry\'s deployment and calls' : ''}), `
  + `${calldata.length} calldata felts`);
if (lending) {
  const lendingRun = run('lending');
  if (lendingRun.summary.passed !== 1) {
    fail('the lending example did not approve the applicant with the fact of the proof\'s '
      + 'statement');
  }
  console.log(`lending example: approved applicant ${lending.applicant} (nonce ${lending.nonce}) `
    + `with the fact of the proof's statement, its output word ${lending.scoreOutput} at least `
    + `${lendingMatch[2]} (the fact recorded here by a stand-in final verifier: the runner does not `
    + 'hold a final verification and the lending call in one program)');
}

// The Sierra gas of the verification alone, a test that calls what the contract calls, compiled
// as the pinned compiler builds the contract (runner.mjs, gasTestProgram).
if (sierraGas) {
  const program = bundlePackage(packageDir, ['tests', 'contracts::fact_registry',
    'contracts::final_verifier', ...EXAMPLE_MODULES, 'final_air::tests']);
  const call = 'let statements = crate::contracts::verify_final_calldata::<crate::final_air::Air>('
    + `calldata(), 96);\n        assert(statements.len() == ${statements.length}, 'statements');`;
  let output;
  try {
    output = runInOwnProcess(gasTestProgram(program, call, { calldata }), 'sierra_gas').result;
  } catch (error) {
    fail(`the Sierra gas could not be measured: ${error.message}`, 2);
  }
  if (testSummary(output)?.passed !== 1) {
    fail(`the Sierra gas could not be measured: ${output.trim().split('\n').pop()}`, 2);
  }
  const gas = measured(output);
  console.log(`  Sierra gas of the verification alone: ${gas.gas.toExponential(3)}, `
    + `${gas.steps.toLocaleString('en')} steps (as a contract's execution is metered; the call, `
    + 'calldata and storage cost more)');
}
