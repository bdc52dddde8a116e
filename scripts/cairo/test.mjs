// Runs the Cairo package's tests (#[test] functions, the Starknet plugin on) with npm wasm-cairo,
// Scarb's compiler and test runner built to WebAssembly, and prints each test's steps and gas.
// Exits 1 unless every test passes.
//
// Usage: node scripts/cairo/test.mjs [package-dir] [--filter NAME]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, runTests } from 'wasm-cairo';

import { bundlePackage } from './bundle.mjs';

const args = process.argv.slice(2);
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args.splice(filterAt, 2)[1] : '';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const packageDir = args[0] ?? path.join(root, 'verifier-cairo');

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('wasm-cairo/wasm-cairo_bg.wasm')) });

const source = bundlePackage(packageDir);
const run = (name) => runTests(source, /*allow_warnings=*/ false, name, /*include_ignored=*/ false,
  /*ignored=*/ false, /*starknet=*/ true, /*run_profiler=*/ '', /*gas_disabled=*/ false,
  /*print_resource_usage=*/ true);
const passed = (output) => {
  const summary = output.match(/test result: (\w+)\. (\d+) passed; (\d+) failed/);
  return summary && summary[1] === 'ok' && Number(summary[2]) > 0;
};

const started = Date.now();
const output = run(filter);
process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (!passed(output)) {
  // The runner reports nothing about a failing test but the count: rerun them one by one to
  // name the ones that fail.
  const names = [...source.matchAll(/#\[test\][^]*?fn (\w+)/g)].map((m) => m[1])
    .filter((name) => name.includes(filter));
  for (const name of names) {
    if (!passed(run(name))) console.log(`FAILED: ${name}`);
  }
  process.exit(1);
}
