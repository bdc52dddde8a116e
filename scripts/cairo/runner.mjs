// Runs the #[test] functions of a bundled Cairo source (bundle.mjs) with npm wasm-cairo, Scarb's
// compiler and test runner built to WebAssembly, with the Starknet plugin on and each test's
// steps, builtins and gas printed. One call per process: the runner keeps every test's memory,
// and a panic inside the WebAssembly can leave the instance unusable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCairoProgram, initSync, runTests } from 'wasm-cairo';

// What node must be started with to run the runner, which node takes on its command line only:
// V8's garbage collector on one thread. With its default helper threads, each collection of the
// runner's multi-GB heap kept both cores busy and every program took about twice as long (CTest
// cairo_registry_jobs, as it was: 41 s wall and 53 s of CPU, against 18 s and 18 s, on a 2-core
// EPYC).
const RUNNER_NODE_OPTIONS = ['--single-threaded-gc'];

// Called first by a script that runs the runner: if node was started without RUNNER_NODE_OPTIONS,
// runs the script again in a node that has them and exits with its status.
export function restartWithRunnerOptions() {
  if (RUNNER_NODE_OPTIONS.every((option) => process.execArgv.includes(option))) return;
  const child = spawnSync(process.execPath,
    [...process.execArgv, ...RUNNER_NODE_OPTIONS, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

// spawnSync of a node script in a node started with RUNNER_NODE_OPTIONS.
export function spawnRunnerScript(script, args, options) {
  return spawnSync(process.execPath, [...RUNNER_NODE_OPTIONS, script, ...args], options);
}

let instance = null;

// Instantiates wasm-cairo's WebAssembly, once per process, before its functions are called.
export function loadRunner() {
  if (!instance) {
    const require = createRequire(import.meta.url);
    instance = initSync({ module: readFileSync(require.resolve('wasm-cairo/wasm-cairo_bg.wasm')) });
  }
}

// The runner's output for the tests whose names contain `filter`; with quiet, the runner's own
// printing (its summary line) is held back.
export function runCairoTests(source, filter, { quiet = false } = {}) {
  loadRunner();
  const log = console.log;
  if (quiet) console.log = () => {};
  try {
    return runTests(source, /*allow_warnings=*/ false, filter, /*include_ignored=*/ false,
      /*ignored=*/ false, /*starknet=*/ true, /*run_profiler=*/ '', /*gas_disabled=*/ false,
      /*print_resource_usage=*/ true);
  } finally {
    console.log = log;
  }
}

// Cairo for `fn name() -> Span<felt252>` returning `felts`: a constant array, which the runner
// compiles and loads as data. Appending the felts one statement at a time is code to compile:
// for a final proof's 3,025 felts it cost the runner 700 MiB of its 4,096 (WebAssembly) and 26 s,
// and programs near the limit crashed as they loaded ("Memory loading failed during state
// initialization: Vector capacity exceeded"); the constant costs 40 MiB and no time. Its span is
// the constant itself, not a copy, so a measured program pays nothing to read it. The runner
// assembles and loads the whole program again for each contract call, so in a program that calls
// contracts the appended felts cost that much again per call: the final proof's test through the
// fact registry took 73 s instead of 45 s and crashed loading the verifier's call (same message).
export function feltsFunction(name, felts) {
  const constant = name.toUpperCase();
  return `const ${constant}: [felt252; ${felts.length}] = [${felts.join(', ')}];\n`
    + `fn ${name}() -> Span<felt252> {\n    ${constant}.span()\n}\n`;
}

// The source of a program: `program`, a function per entry of `lists` (name: felts) returning its
// felts as a Span<felt252> (feltsFunction), and one test, `sierra_gas`, whose body is `body`: a
// test because the test runner compiles as the pinned compiler (Cairo 2.10 and later, Scarb.toml)
// builds a contract, with a redeposit_gas at every branch. Without it a loop's last call, which
// only decides to stop, keeps the gas its body would have cost: wasm-cairo's runCairoProgram and
// compileStarknetContract (Cairo 2.8) compile so, and counted 12% more for a final verification.
export function gasTestProgram(program, body, lists) {
  const functions = Object.entries(lists).map(([name, felts]) => feltsFunction(name, felts));
  return `${program}\n${functions.join('')}#[cfg(test)]\nmod sierra_gas_test {\n`
    + `    use super::{${Object.keys(lists).join(', ')}};\n`
    + `    #[test]\n    fn sierra_gas() {\n        ${body}\n    }\n}\n`;
}

// { result, memoryMiB }: what runCairoTests(source, filter) returns, run in a child process on a
// fresh WebAssembly instance (for programs too large to run one after another in one instance),
// and the runner's peak memory there. Throws if it fails or the runner crashed (a Rust panic
// inside the WebAssembly, as when a program exhausts its memory), with the failure's message, or
// if it runs longer than timeoutMs (when given).
export function runInOwnProcess(source, filter, { timeoutMs } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tensorstark-cairo-'));
  try {
    const file = path.join(dir, 'lib.cairo');
    writeFileSync(file, source);
    const child = spawnRunnerScript(fileURLToPath(import.meta.url), [file, filter],
      { encoding: 'utf8', maxBuffer: 1 << 28, timeout: timeoutMs, killSignal: 'SIGKILL' });
    if (child.error?.code === 'ETIMEDOUT') {
      throw new Error(`no result after ${Math.round(timeoutMs / 1000)} s`);
    }
    if (child.status !== 0) {
      // The thrown error's line (node prints the throwing source line above it).
      const error = child.stderr.split('\n').find((line) => /^\w*Error\b/.test(line));
      throw new Error(error?.trim() ?? `exit status ${child.status}`);
    }
    return { result: child.stdout,
      memoryMiB: Number(child.stderr.match(/^runner memory: (\d+) MiB$/m)?.[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// As a script (runInOwnProcess): node runner.mjs SOURCE_FILE FILTER prints the output of the
// tests whose names contain FILTER, and on stderr the runner's peak memory.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  restartWithRunnerOptions();
  const [file, filter] = process.argv.slice(2);
  const source = readFileSync(file, 'utf8');
  process.stdout.write(runCairoTests(source, filter, { quiet: true }));
  process.stderr.write(`runner memory: ${runnerMemoryMiB()} MiB\n`);
}

// The runner's WebAssembly memory in MiB: it never shrinks, so this is the peak so far, of the
// 4,096 MiB a 32-bit instance can address.
export function runnerMemoryMiB() {
  return instance ? Math.round(instance.memory.buffer.byteLength / 2 ** 20) : 0;
}

// { ok, passed, failed } from the runner's last line, or null if it has none.
export function testSummary(output) {
  const match = output.match(/test result: (\w+)\. (\d+) passed; (\d+) failed/);
  return match && { ok: match[1] === 'ok', passed: Number(match[2]), failed: Number(match[3]) };
}

// The test runner prints no diagnostics when the source does not compile: the compiler does.
export function compilerDiagnostics(source) {
  loadRunner();
  const compiled = compileCairoProgram(source, false);
  return compiled.startsWith('failed') ? compiled : 'the package compiles; warnings fail tests';
}
