// Runs the Cairo package's tests (#[test] functions, the Starknet plugin on) with npm wasm-cairo,
// Scarb's compiler and test runner built to WebAssembly, and prints each test's steps and gas.
// Exits 1 unless every test passes.
//
// Usage: node scripts/cairo/test.mjs [package-dir] [--filter NAME] [--group NAME] [--list]
//   (groups: GROUPS below; --list prints their names)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bundlePackage } from './bundle.mjs';
import { AIR_MODULES, EXAMPLE_MODULES, FINAL_MODULES, MODELS } from './models.mjs';
import {
  compilerDiagnostics, restartWithRunnerOptions, runCairoTests, runInOwnProcess, runnerMemoryMiB,
  spawnRunnerScript, testSummary,
} from './runner.mjs';

restartWithRunnerOptions();

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const filter = option('--filter') ?? '';
const group = option('--group');
// The longest a failing group's test may take when it is rerun alone (the slowest passing one,
// a full verification through the contracts, takes about 2 minutes here).
const RERUN_TIMEOUT_MS = 15 * 60 * 1000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const packageDir = args[0] ?? path.join(root, 'verifier-cairo');

// The tests run in groups, each a program compiled and run in its own process: all of them in one
// program exhausted the WebAssembly instance ("RuntimeError: unreachable"), and the runner keeps
// every test's memory. Compiling is most of a group's time (the verifier modules alone take 12 s,
// a model's AIR from a few seconds to a minute), so a group holds everything that fits in one
// runner and no test runs in two groups. The generated AIRs and the tests of the verifier modules
// need nothing of each other; a model's full verification needs its AIR only.
// The verification tests (verifier-cairo/src/tests/<file>.cairo) and the AIR each needs.
const VERIFICATIONS = {
  verify_tiny_mlp: 'tiny_mlp',
  verify_fashion_mlp: 'fashion_mlp',
  verify_pinn: 'pinn',
  verify_tiny_mlp_in_batches: 'tiny_mlp',
};
const FIXTURE_TESTS = ['tests::channel_vectors', 'tests::merkle_vectors', 'tests::proof_fixtures',
  'tests::fact_registry_jobs', 'tests::lending', 'tests::mock_final_verifier'];
// A verification file's tests with every other file and AIR left out: of one of its modules
// (through_contracts or direct, see verification_tests.mjs; the direct tests also leave out the
// fact registry, but not the AIR's verifier contract: without it, a batched proof's head failed to
// load, "Vector capacity exceeded" at 1.7 GB, for a reason of the runner's) when the runner does
// not hold both at once, or of both; with tests, only the module's tests named test_<tests>….
// With airTests, also its AIR's tests against the C++ evaluator (the AIR is compiled for the
// verification anyway).
const verificationGroup = (file, { module, tests, airTests = false }) => {
  const air = VERIFICATIONS[file];
  const other = { through_contracts: 'direct', direct: 'through_contracts' }[module];
  return {
    leaveOut: [...FIXTURE_TESTS, ...(airTests ? [] : [`airs::${air}::tests`]),
      ...AIR_MODULES.filter((m) => m !== air).map((m) => `airs::${m}`),
      ...Object.keys(VERIFICATIONS).filter((f) => f !== file).map((f) => `tests::${f}`),
      ...(other ? [`tests::${file}::${other}`] : []),
      ...(module === 'direct' ? ['contracts::fact_registry'] : [])],
    // The AIR's tests (airs::<air>::tests) and the file's (tests::verify_<air>…) both name it.
    filter: airTests ? air : `${file}::${module ?? ''}${tests ? `::test_${tests}` : ''}`,
  };
};
// The AIRs whose tests run in a group of their own: those no verification file verifies, and
// pinn's and tiny_mlp's (the runner holds neither AIR's tests with the model's verification:
// "Vector capacity exceeded" on loading, wasm32's 2 GiB limit on one vector; tiny_mlp's tampered
// copies reached it when its proof grew from 1,185 to 1,218 felts).
const OWN_GROUP_AIRS = [
  ...MODELS.filter((model) => !Object.values(VERIFICATIONS).includes(model)), 'pinn', 'tiny_mlp'];
const GROUPS = {
  // The verifier modules' own tests, the vectors and the proof fixtures: no AIR.
  verifier: { leaveOut: ['airs', 'tests::fact_registry_jobs', 'tests::lending',
    'tests::mock_final_verifier',
    ...Object.keys(VERIFICATIONS).map((f) => `tests::${f}`)], filter: '' },
  // The registry's rules (verifier classes, facts, jobs), with a mock verifier: no AIR (the
  // runner holds these neither with the verifier group's tests nor with a model's).
  registry_jobs: { leaveOut: ['airs', ...FIXTURE_TESTS.filter((f) => !f.endsWith('registry_jobs')),
    ...Object.keys(VERIFICATIONS).map((f) => `tests::${f}`)], filter: 'fact_registry_jobs::' },
  // The lending example's rules, with a mock final verifier: no AIR.
  lending: { leaveOut: ['airs',
    ...FIXTURE_TESTS.filter((f) => !f.endsWith('lending') && !f.endsWith('final_verifier')),
    ...Object.keys(VERIFICATIONS).map((f) => `tests::${f}`)], filter: 'tests::lending::' },
  // Each generated AIR's tests against the C++ evaluator, with no other AIR and no contract.
  ...Object.fromEntries(OWN_GROUP_AIRS.map((model) => [`air_${model}`, {
    leaveOut: ['tests', 'contracts::fact_registry', `airs::${model}::Verifier`,
      ...AIR_MODULES.filter((m) => m !== model).map((m) => `airs::${m}`)],
    filter: `airs::${model}::tests::`,
  }])),
  // The runner holds neither tiny_mlp's tests through the contracts and its tampered copies in
  // one program, nor its full verification through the contracts with its AIR's tests or with the
  // registry's failures.
  tiny_mlp: verificationGroup('verify_tiny_mlp', { module: 'through_contracts', tests: 'fact_' }),
  tiny_mlp_registry: verificationGroup('verify_tiny_mlp',
    { module: 'through_contracts', tests: 'registry_' }),
  tiny_mlp_tampered: verificationGroup('verify_tiny_mlp', { module: 'direct' }),
  tiny_mlp_in_batches: verificationGroup('verify_tiny_mlp_in_batches', {}),
  fashion_mlp: verificationGroup('verify_fashion_mlp', { airTests: true }),
  pinn: verificationGroup('verify_pinn', {}),
};
// The final recursion AIR (src/final_air.cairo, every model's) is compiled only for its own tests
// against the C++ evaluator (a final proof's verification is CTest cairo_verify_final's).
for (const name of Object.keys(GROUPS)) GROUPS[name].leaveOut.push(...FINAL_MODULES);
for (const name of Object.keys(GROUPS).filter((n) => n !== 'lending')) {
  GROUPS[name].leaveOut.push(...EXAMPLE_MODULES);
}
GROUPS.air_final = { leaveOut: ['tests', 'contracts', 'airs', ...EXAMPLE_MODULES],
  filter: 'final_air::tests::' };

// --list: the groups' names, one a line (CTest registers a test for each).
if (args.includes('--list')) {
  console.log(Object.keys(GROUPS).join('\n'));
  process.exit(0);
}
if (group !== undefined && !(group in GROUPS)) {
  console.error(`unknown group ${group}: the groups are ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}

if (!group) {
  let failed = false;
  for (const name of Object.keys(GROUPS)) {
    const child = spawnRunnerScript(fileURLToPath(import.meta.url),
      [packageDir, '--group', name, '--filter', filter], { stdio: 'inherit' });
    failed ||= child.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}

const source = bundlePackage(packageDir, GROUPS[group].leaveOut);
const passed = (output) => testSummary(output)?.ok === true;

const started = Date.now();
const runFilter = filter || GROUPS[group].filter;
const output = runCairoTests(source, runFilter);
process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
console.log(`(group ${group}: ${((Date.now() - started) / 1000).toFixed(1)} s, the runner's memory `
  + `${runnerMemoryMiB()} of 4,096 MiB)`);
const counts = testSummary(output);
if (output.includes('Compilation failed')) {
  console.log(compilerDiagnostics(source));
  process.exit(1);
}
// A caller's filter may match nothing in a group; without one, every group has tests.
if (!counts || !counts.ok || (filter === '' && counts.passed === 0)) {
  // The runner reports nothing about a failing test but the count: rerun them one by one to
  // name the ones that fail, each in a process of its own with a time limit (after a failure, a
  // rerun in this instance could hang until CTest's timeout).
  const last = runFilter.split('::').pop();
  const names = [...source.matchAll(/#\[test\][^]*?fn (\w+)/g)].map((m) => m[1])
    .filter((name) => name.includes(last));
  for (const name of names) {
    try {
      if (!passed(runInOwnProcess(source, name, { timeoutMs: RERUN_TIMEOUT_MS }))) {
        console.log(`FAILED: ${name}`);
      }
    } catch (error) {
      console.log(`FAILED: ${name} (${error.message})`);
    }
  }
  process.exit(1);
}
