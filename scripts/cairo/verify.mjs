// Verifies a proof with the Cairo verifier, as Starknet would: the model's AIR is generated
// (`tensorstark cairo-gen`) into a copy of verifier-cairo/, and a test deploys the fact registry,
// adds the model's verifier class to it, sends the proof's calldata to the registry and checks the
// fact it records against the one computed here from the proof's public inputs and the verifier's
// class (fact.mjs). A proof opened in query batches is verified a transaction at a time, as the
// registry calls the verifier (its head, then each batch). Runs on npm wasm-cairo's test runner,
// so no Starknet node is needed, and prints the Cairo steps and the runner's gas estimate. The
// proof must be made with the onchain profile (Poseidon252), as the contracts verify only those.
//
// Usage: node scripts/cairo/verify.mjs TENSORSTARK MODEL.tsm PROOF.bin
//   TENSORSTARK      the tensorstark command (build/tensorstark)
//   MODEL.tsm        the compiled model the proof is of
//   PROOF.bin        the proof (tensorstark prove ... --profile onchain --hash poseidon252)
//   --sierra-gas     also the Sierra gas of each transaction's verification alone
//   --class-hash H   also the fact a registry on Starknet records with the verifier of class H
//                    (the model's verifier class as declared: deployments/<network>.json)
//   --tampered       also tampered copies of the proof (verification_tests.mjs), each of which
//                    must fail at the check that catches it (a proof verified at once only)
// Exits 0 and prints "valid in Cairo" if the registry records the proof's fact, 1 if it rejects
// the proof (the test runner does not say which check failed: `tensorstark verify` does), 2 when
// nothing could be checked: bad arguments, or the runner crashed (a verification too large for
// its memory: prove with more query batches).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { bundlePackage } from './bundle.mjs';
import { STAND_IN_CLASS_HASH, factOf, statedInputCount } from './fact.mjs';
import { EXAMPLE_MODULES, FINAL_MODULES } from './models.mjs';
import {
  compilerDiagnostics, mainProgram, restartWithRunnerOptions, runCairoTests, runInOwnProcess,
  testSummary,
} from './runner.mjs';
import {
  copyPackageWithoutModels, failWith, takeFlag, tensorstarkRunner,
} from './script_cli.mjs';
import { verificationTests } from './verification_tests.mjs';

restartWithRunnerOptions();

const USAGE = 'usage: node scripts/cairo/verify.mjs TENSORSTARK MODEL.tsm PROOF.bin '
  + '[--sierra-gas] [--tampered] [--class-hash H]';
const fail = failWith('verify.mjs');

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`${USAGE}\n\nVerifies an onchain (Poseidon252) proof of a compiled model with the `
    + 'Cairo verifier\'s\ncontracts, on npm wasm-cairo\'s test runner: the fact registry must '
    + 'record the proof\'s fact.\n\n--sierra-gas  also measures the Sierra gas of each transaction\'s '
    + 'verification alone\n              (no contract call around it), as Starknet meters a '
    + 'contract\'s execution:\n              a minute more per transaction\n--class-hash H  also '
    + 'the fact a registry on Starknet records with the verifier\n              of class H (as '
    + 'declared: deployments/<network>.json)\n--tampered    also '
    + 'verifies tampered copies of the proof, each of which must fail\n              at the check '
    + 'that catches it (a proof verified at once only)');
  process.exit(0);
}
const sierraGas = takeFlag(args, '--sierra-gas');
const tampered = takeFlag(args, '--tampered');
const classHashAt = args.indexOf('--class-hash');
const classHash = classHashAt >= 0 ? args.splice(classHashAt, 2)[1] : undefined;
if (classHashAt >= 0 && !/^0x[0-9a-fA-F]{1,64}$/.test(classHash ?? '')) {
  fail(`--class-hash takes a class hash in hex (0x...), not '${classHash ?? ''}'`, 2);
}
const [tensorstark, modelFile, proofFile] = args;
if (!tensorstark || !modelFile || !proofFile || args.length !== 3) fail(USAGE, 2);
for (const file of [tensorstark, modelFile, proofFile]) {
  if (!existsSync(file)) fail(`no such file: ${file}`, 2);
}

const tensorstarkOutput = tensorstarkRunner(tensorstark, fail);

// The package with this model's AIR as its only one and this proof's test as its only test.
const work = mkdtempSync(path.join(tmpdir(), 'tensorstark-verify-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const packageDir = path.join(work, 'verifier-cairo');
copyPackageWithoutModels(packageDir, ['mock_verifier.cairo']);
writeFileSync(path.join(packageDir, 'src/airs.cairo'), 'pub mod model;\n');
// The tampered copies' tests use the mock verifier (verification_tests.mjs).
writeFileSync(path.join(packageDir, 'src/tests.cairo'),
  `${tampered ? 'mod mock_verifier;\n' : ''}mod verify_model;\n`);
const calldataFile = path.join(work, 'calldata.json');
tensorstarkOutput('calldata', proofFile, '-o', calldataFile);
const calldata = JSON.parse(readFileSync(calldataFile, 'utf8'));
const { public_inputs: publicInputs, config } = JSON.parse(tensorstarkOutput('inspect', proofFile));
// A zero-knowledge proof needs the model's zero-knowledge AIR (a verifier contract of its own).
const airFile = path.join(packageDir, 'src/airs/model.cairo');
tensorstarkOutput('cairo-gen', modelFile, '-o', airFile, ...(config.zero_knowledge ? ['--zk'] : []));
// The statement's values (or digests) of the inputs, which the fact hashes apart from the outputs':
// as many as the AIR's statement says (n_stated_inputs), as the contract splits them.
const nInputs = statedInputCount(readFileSync(airFile, 'utf8'));
const expected = factOf(publicInputs, nInputs, STAND_IN_CLASS_HASH);
// For a proof verified at once, also a test of the verifier alone, without the contracts (below).
const alone = Array.isArray(calldata) ? `
/// The verifier alone, as the verifier contract calls it.
mod alone {
    #[test]
    fn test_verifier_alone_accepts_the_proof() {
        crate::contracts::verify_calldata::<crate::airs::model::Air>(super::calldata().span(), 96);
    }
}
` : '';
if (tampered && !Array.isArray(calldata)) {
  fail('--tampered needs a proof verified at once (prove without --query-batches)', 2);
}
const tests = verificationTests({
  generator: 'verify.mjs', module: 'model', source: modelFile, what: proofFile, calldata, expected,
  withFailures: tampered,
});
writeFileSync(path.join(packageDir, 'src/tests/verify_model.cairo'), tests + alone);

// The package bundled into one program without the modules of final proofs and these.
const bundle = (leaveOut) => bundlePackage(packageDir,
  [...FINAL_MODULES, ...EXAMPLE_MODULES, ...leaveOut]);

// A proof opened in query batches goes through the registry in its transactions, one call each.
const transactions = Array.isArray(calldata) ? [calldata]
  : [calldata.head, ...calldata.batches.map((batch) => [...calldata.head, ...batch])];
const felts = transactions.reduce((sum, tx) => sum + tx.length, 0);
// A proof verified at once goes through the contracts; one opened in batches is verified a
// transaction at a time (its head, then each batch), as the registry calls the verifier, each in
// its own process: the whole job in one runner exceeds its memory.
const batched = transactions.length > 1;
console.error(`verifying ${proofFile} (${felts} calldata felts in ${transactions.length} `
  + `transaction${batched ? 's' : ''}) in Cairo (compiling the verifier and running it takes `
  + `one to two minutes${batched ? ' per transaction' : ''})`);
const source = bundle(batched
  ? ['tests::verify_model::through_contracts', 'contracts::fact_registry']
  : ['tests::verify_model::direct', 'tests::verify_model::alone']);
const filters = batched
  ? transactions.map((_, t) => `verify_model::direct::test_transaction_${t}_`)
  : ['verify_model::through_contracts::test_fact_'];
// A single transaction that did not pass through the contracts is checked again by the verifier
// alone, without them (a test calling what the verifier contract calls, in a process of its
// own): the test runner crashes on some rejections inside a contract call, and a crash must not
// be taken for a rejection. Returns whether the verifier alone accepts the proof.
const verifierAloneAccepts = () => {
  const output = runInOwnProcess(bundle(
    ['tests::verify_model::through_contracts', 'contracts::fact_registry']), 'verify_model::alone::');
  return testSummary(output)?.passed === 1;
};
// The runner's output, or an error when it did not finish (no summary, as when it answers
// "Vector capacity exceeded"): as if it had crashed.
const finished = (output) => {
  if (!output.includes('Compilation failed') && testSummary(output) === null) {
    throw new Error(output.trim().split('\n').pop());
  }
  return output;
};
const transactionName = (t) => (t === 0 ? 'the head' : `query batch ${t - 1}`);
const crashed = (error) => fail(`the Cairo test runner crashed (${error.message}): the `
  + 'verification may be too large for its memory (prove with more query batches, '
  + '--query-batches N); nothing was checked', 2);
const rejected = (t) => fail(`invalid in Cairo: ${batched
  ? `${transactionName(t)} (transaction ${t + 1} of ${filters.length})` : 'the fact registry'} `
  + 'rejected it (tensorstark verify names the check)');

const steps = [];
const gas = [];
filters.forEach((filter, t) => {
  let output;
  try {
    output = finished(batched ? runInOwnProcess(source, filter)
      : runCairoTests(source, filter, { quiet: true }));
  } catch (error) {
    if (batched) crashed(error);
    let accepts;
    try {
      accepts = verifierAloneAccepts();
    } catch {
      crashed(error);
    }
    if (accepts) crashed(error);
    rejected(t);
  }
  if (output.includes('Compilation failed')) {
    fail(`the verifier does not compile:\n${compilerDiagnostics(source)}`);
  }
  if (testSummary(output)?.passed !== 1) rejected(t);
  steps.push(Number(output.match(/steps: (\d+)/)[1]));
  gas.push(Number(output.match(/gas usage est\.: (\d+)/)[1]));
  if (batched) {
    console.error(`  transaction ${t + 1} of ${filters.length} (${transactionName(t)}) verifies: `
      + `${steps[t].toLocaleString('en')} steps`);
  }
});
// The tampered copies (the direct module's test_tampered_ tests), in a runner of their own: each
// passes only if it panics with the message of the check that should catch it.
if (tampered) {
  const names = [...tests.matchAll(/fn (test_tampered_\w+)/g)].map((m) => m[1]);
  console.error(`verifying ${names.length} tampered copies of the proof in Cairo`);
  const source = bundle(['tests::verify_model::through_contracts',
    'tests::verify_model::alone', 'contracts::fact_registry']);
  const rejectedAsExpected = (filter) => {
    try {
      const summary = testSummary(finished(runInOwnProcess(source, filter)));
      return summary !== null && summary.failed === 0 ? summary.passed : -1;
    } catch (error) {
      return crashed(error);
    }
  };
  if (rejectedAsExpected('verify_model::direct::test_tampered_') !== names.length) {
    // The runner does not name failed tests: each runs again on its own (with the others whose
    // names contain its name: the runner's filter matches substrings).
    const missed = names.filter((name) => rejectedAsExpected(`verify_model::direct::${name}`)
      !== names.filter((other) => other.includes(name)).length);
    fail('the Cairo verifier did not reject these tampered copies at the check that should catch '
      + `them: ${missed.join(', ')}`);
  }
  console.log(`rejected in Cairo: all ${names.length} tampered copies, each at its check `
    + `(${names.map((n) => n.slice('test_tampered_'.length)).join(', ')})`);
}

const count = (values) => values.map((v) => v.toLocaleString('en')).join(' + ');
console.log(batched
  ? `valid in Cairo: the head and each of the ${transactions.length - 1} query batches verify, `
    + 'one call each as the fact registry makes them; the registry records the head\'s fact '
    + 'after the last batch'
  : 'valid in Cairo: the fact registry recorded the proof\'s fact');
console.log(`  fact = Poseidon(model, verifier class hash, inputs hash, outputs hash): inputs hash `
  + `${expected.inputsHash}, outputs hash ${expected.outputsHash}${classHash
    ? `; with the verifier of class ${classHash}: ${factOf(publicInputs, nInputs, classHash).fact}`
    : ' (--class-hash H gives the fact under the deployed verifier\'s class)'}`);
console.log(`  model ${expected.model} (the model on Starknet, as compile prints it), ${count(steps)} Cairo steps, gas `
  + `${gas.map((g) => g.toExponential(2)).join(' + ')} (the test runner's estimate), `
  + `${count(transactions.map((tx) => tx.length))} calldata felts`);

// The Sierra gas of each transaction's verification, each a program of its own whose main calls
// what the model's verifier contract calls (contracts.cairo), in a process of its own.
if (sierraGas) {
  const program = bundle(
    ['tests', 'contracts::fact_registry', 'airs::model::Verifier']);
  const air = 'crate::airs::model::Air';
  // Per transaction: main's body and the calldata it reads.
  const calls = batched ? [
    [`let (statement, _) = crate::contracts::verify_head_calldata::<${air}>(head().span(), `
      + '96);\n    statement.model', { head: calldata.head }],
    ...calldata.batches.map((batch) => [`crate::contracts::verify_batch_calldata::<${air}>(`
      + 'head().span(), batch().span()).into()', { head: calldata.head, batch }]),
  ] : [[`crate::contracts::verify_calldata::<${air}>(calldata().span(), 96).model`, { calldata }]];
  const gasUsed = calls.map(([call, lists], t) => {
    let run;
    try {
      run = runInOwnProcess(mainProgram(program, call, lists), null);
    } catch (error) {
      return fail(`the Sierra gas of transaction ${t + 1} could not be measured: ${error.message}`, 2);
    }
    if (run.panic !== null) {
      return fail(`the Sierra gas of transaction ${t + 1} could not be measured: it panicked `
        + `(${run.panic})`, 2);
    }
    console.error(`  transaction ${t + 1} of ${calls.length}: ${run.gas.toLocaleString('en')} `
      + 'Sierra gas');
    return run.gas;
  });
  console.log(`  Sierra gas of the verification alone: ${gasUsed.map((g) => g.toExponential(2))
    .join(' + ')} (as a contract's execution is metered; the calls, calldata and storage cost more)`);
}
