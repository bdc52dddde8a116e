// Runs the #[test] functions of a bundled Cairo source (bundle.mjs) with npm wasm-cairo, Scarb's
// compiler and test runner built to WebAssembly, with the Starknet plugin on and each test's
// steps, builtins and gas printed. One call per process: the runner keeps every test's memory,
// and a panic inside the WebAssembly can leave the instance unusable.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileCairoProgram, initSync, runTests } from 'wasm-cairo';

let instance = null;

// The runner's output for the tests whose names contain `filter`; with quiet, the runner's own
// printing (its summary line) is held back.
export function runCairoTests(source, filter, { quiet = false } = {}) {
  if (!instance) {
    const require = createRequire(import.meta.url);
    instance = initSync({ module: readFileSync(require.resolve('wasm-cairo/wasm-cairo_bg.wasm')) });
  }
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
  const compiled = compileCairoProgram(source, false);
  return compiled.startsWith('failed') ? compiled : 'the package compiles; warnings fail tests';
}
