// Compiles the Starknet contract classes of verifier-cairo/ (the fact registry, the final
// verifier every model shares and the lending example) to Sierra with npm wasm-cairo, as Scarb's
// starknet-contract target would, and computes their class hashes offline with starknet.js.
// Writes OUT/<name>.contract_class.json and OUT/classes.json ({name: {class_hash,
// sierra_felts}}), and fails if a class is over Starknet's 81,920-felt limit on a declared Sierra
// program.
//
// Usage: node scripts/cairo/build.mjs [--out DIR] [--only NAME,NAME]
//   --out DIR         where to write (default build/cairo)
//   --only NAME,...   build only these classes (fact_registry, final_verifier, lending)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from 'starknet';
import { compileStarknetContract } from 'wasm-cairo';

import { bundlePackage } from './bundle.mjs';
import { EXAMPLE_MODULES, FINAL_MODULES } from './modules.mjs';
import { loadRunner, restartWithRunnerOptions, spawnRunnerScript } from './runner.mjs';

restartWithRunnerOptions();

const MAX_SIERRA_FELTS = 81920;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = path.resolve(option('--out') ?? path.join(root, 'build/cairo'));

// The class compiler takes one contract per program: each bundle leaves the others out.
const CLASSES = {
  fact_registry: ['tests', ...EXAMPLE_MODULES, ...FINAL_MODULES],
  final_verifier: ['tests', ...EXAMPLE_MODULES, 'contracts::fact_registry'],
  // The example consumer of facts (examples/lending.cairo).
  lending: ['tests', 'contracts::fact_registry', ...FINAL_MODULES],
};
const only = option('--only')?.split(',') ?? Object.keys(CLASSES);
const unknown = only.filter((name) => !(name in CLASSES));
if (unknown.length) {
  console.error(`unknown class ${unknown.join(', ')}: the classes are ${Object.keys(CLASSES).join(', ')}`);
  process.exit(2);
}

// One class compiled into OUT/<name>.contract_class.json: run in a process of its own per class,
// as the compiler's WebAssembly instance keeps its memory and a third class exhausted it.
const compileOnly = option('--compile-one');
if (compileOnly) {
  loadRunner();
  const compiled = compileStarknetContract(
    bundlePackage(path.join(root, 'verifier-cairo'), CLASSES[compileOnly]),
    /*allow_warnings=*/ false, /*replace_ids=*/ false);
  try {
    JSON.parse(compiled);
  } catch {
    console.error(`${compileOnly}: compilation failed\n${compiled.slice(0, 4000)}`);
    process.exit(1);
  }
  writeFileSync(path.join(out, `${compileOnly}.contract_class.json`), compiled);
  process.exit(0);
}

mkdirSync(out, { recursive: true });
const summary = {};
let tooLarge = false;
for (const name of only) {
  const started = Date.now();
  const child = spawnRunnerScript(fileURLToPath(import.meta.url),
    ['--out', out, '--compile-one', name], { stdio: 'inherit' });
  if (child.status !== 0) {
    console.error(`${name}: ${child.status === null ? `the compiler crashed (${child.signal})`
      : 'not built'}`);
    process.exit(1);
  }
  const contractClass = JSON.parse(readFileSync(path.join(out, `${name}.contract_class.json`), 'utf8'));
  const classHash = hash.computeSierraContractClassHash(contractClass);
  const sierraFelts = contractClass.sierra_program.length;
  summary[name] = { class_hash: classHash, sierra_felts: sierraFelts };
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${name}: class hash ${classHash}, ${sierraFelts} Sierra felts (${seconds} s)`);
  if (sierraFelts > MAX_SIERRA_FELTS) {
    console.error(`${name}: ${sierraFelts} felts is over Starknet's ${MAX_SIERRA_FELTS}-felt class limit`);
    tooLarge = true;
  }
}
writeFileSync(path.join(out, 'classes.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out) || '.'}/`);
process.exit(tooLarge ? 1 : 0);
