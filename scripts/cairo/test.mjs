// Runs the Cairo package's tests (#[test] functions, the Starknet plugin on) with npm wasm-cairo,
// Scarb's compiler and test runner built to WebAssembly, and prints each test's steps and gas.
// Exits 1 unless every test passes.
//
// Usage: node scripts/cairo/test.mjs [package-dir] [--filter NAME] [--group NAME] [--list]
//   (groups: GROUPS below; --list prints their names)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bundlePackage } from './bundle.mjs';
import { EXAMPLE_MODULES, FINAL_MODULES } from './modules.mjs';
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
const USAGE = 'usage: node scripts/cairo/test.mjs [PACKAGE_DIR] [--group NAME] [--filter NAME] '
  + '[--list]';
if (args.includes('--help') || args.includes('-h')) {
  console.log(`${USAGE}\n\nRuns the Cairo package's tests (verifier-cairo/ unless PACKAGE_DIR) `
    + 'with npm wasm-cairo, a group\nat a time, each in a process of its own.\n\n'
    + '--group NAME   only this group (--list names them)\n'
    + '--filter NAME  only the tests whose names contain NAME\n'
    + '--list         the groups\' names, one a line');
  process.exit(0);
}
const unknownOption = args.find((arg) => arg.startsWith('-') && arg !== '--list');
if (unknownOption !== undefined) {
  console.error(`test.mjs: unknown option ${unknownOption}\n${USAGE}`);
  process.exit(2);
}
// The longest a failing group's test may take when it is rerun alone (the slowest passing one,
// a full verification through the contracts, takes about 2 minutes here).
const RERUN_TIMEOUT_MS = 15 * 60 * 1000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const packageDir = args.find((arg) => arg !== '--list') ?? path.join(root, 'verifier-cairo');
if (!existsSync(path.join(packageDir, 'src/lib.cairo'))) {
  console.error(`test.mjs: ${packageDir} is not a Cairo package (no src/lib.cairo)`);
  process.exit(2);
}

// The tests run in groups, each a program compiled and run in its own process: all of them in one
// program exhausted the WebAssembly instance ("RuntimeError: unreachable"), and the runner keeps
// every test's memory. Compiling is most of a group's time (the verifier modules alone take 12 s,
// the final AIR about a minute), so a group leaves out the modules its tests do not need.
// The test files of src/tests/, each in one group.
const TEST_FILES = ['channel_vectors', 'merkle_vectors', 'proof_fixtures', 'fact_registry',
  'lending', 'mock_final_verifier'];
// A group of the test files `files`, leaving out the others and `leaveOut`.
const testGroup = (files, leaveOut, filter) => ({
  leaveOut: [...TEST_FILES.filter((f) => !files.includes(f)).map((f) => `tests::${f}`),
    ...leaveOut],
  filter,
});
const GROUPS = {
  // The verifier modules' own tests, the vectors and the proof fixtures.
  verifier: testGroup(['channel_vectors', 'merkle_vectors', 'proof_fixtures'],
    [...FINAL_MODULES, ...EXAMPLE_MODULES], ''),
  // The registry's rules with a mock final verifier (the runner does not hold these with the
  // verifier group's tests).
  registry: testGroup(['fact_registry', 'mock_final_verifier'],
    [...FINAL_MODULES, ...EXAMPLE_MODULES], 'tests::fact_registry::'),
  // The lending example's rules, with a mock final verifier.
  lending: testGroup(['lending', 'mock_final_verifier'], FINAL_MODULES, 'tests::lending::'),
  // The final recursion AIR (src/final_air.cairo, every model's) against the C++ evaluator (a
  // final proof's verification is CTest cairo_verify_final's).
  air_final: { leaveOut: ['tests', 'contracts', ...EXAMPLE_MODULES], filter: 'final_air::tests::' },
};

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
      if (!passed(runInOwnProcess(source, name, { timeoutMs: RERUN_TIMEOUT_MS }).result)) {
        console.log(`FAILED: ${name}`);
      }
    } catch (error) {
      console.log(`FAILED: ${name} (${error.message})`);
    }
  }
  process.exit(1);
}
