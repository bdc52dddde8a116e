// Adds a compiled model's verifier to the Cairo package, so that Scarb builds its verifier
// contract: generates verifier-cairo/src/airs/NAME.cairo with `tensorstark cairo-gen` (for
// zero-knowledge proofs when the model has private or committed parts, as cairo-gen decides) and
// registers `pub mod NAME;` in src/airs.cairo. Run it again after recompiling the model: it
// replaces the module it wrote. Then `scarb --release build` in verifier-cairo/ builds the class
// NAME's verifier (Scarb's airs::NAME::Verifier), which `scripts/deploy.mjs deploy --models NAME`
// declares and adds to the registry, and `scripts/deploy.mjs verify --model NAME` sends proofs to.
//
// Usage: node scripts/cairo/add_model.mjs TENSORSTARK MODEL.tsm NAME [--zk] [--package DIR]
//   TENSORSTARK    the tensorstark command (build/tensorstark)
//   MODEL.tsm      the compiled model (with private weights, its model.verifying.tsm)
//   NAME           the module's name: lowercase letters, digits and _, starting with a letter
//   --zk           a verifier of zero-knowledge proofs (prove --zk) of a model with everything
//                  public
//   --package DIR  the Scarb package to add it to (default verifier-cairo)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MODELS } from './models.mjs';

const USAGE = 'usage: node scripts/cairo/add_model.mjs TENSORSTARK MODEL.tsm NAME [--zk] '
  + '[--package DIR]';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fail = (message, code = 1) => {
  console.error(`add_model.mjs: ${message}`);
  process.exit(code);
};

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`${USAGE}\n\nGenerates the model's AIR and verifier contract into the Cairo package `
    + '(src/airs/NAME.cairo)\nand registers the module, for `scarb --release build` and '
    + '`scripts/deploy.mjs --models NAME`.\n\n--zk           a verifier of zero-knowledge proofs '
    + '(prove --zk) of a model with everything\n               public (a model with private or '
    + 'committed parts gets one anyway)\n--package DIR  the Scarb package (default verifier-cairo)');
  process.exit(0);
}
const zk = args.includes('--zk');
if (zk) args.splice(args.indexOf('--zk'), 1);
const packageAt = args.indexOf('--package');
const packageDir = path.resolve(packageAt >= 0 ? args.splice(packageAt, 2)[1] ?? ''
  : path.join(root, 'verifier-cairo'));
const [tensorstark, modelFile, name] = args;
if (!tensorstark || !modelFile || !name || args.length !== 3) fail(USAGE, 2);
if (!/^[a-z][a-z0-9_]*$/.test(name)) {
  fail(`NAME must be lowercase letters, digits and _, starting with a letter, not '${name}'`, 2);
}
if (MODELS.includes(name)) fail(`'${name}' is an example model's module: choose another NAME`, 2);
for (const file of [tensorstark, modelFile]) {
  if (!existsSync(file)) fail(`no such file: ${file}`, 2);
}
const modules = path.join(packageDir, 'src/airs.cairo');
if (!existsSync(modules)) fail(`${packageDir} is not the Cairo verifier's package (no src/airs.cairo)`, 2);

const airFile = path.join(packageDir, 'src/airs', `${name}.cairo`);
try {
  execFileSync(path.resolve(tensorstark), ['cairo-gen', modelFile, '-o', airFile,
    ...(zk ? ['--zk'] : [])], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
} catch (error) {
  fail(error.stderr?.trim().split('\n').pop() || 'tensorstark cairo-gen failed');
}
const declaration = `pub mod ${name};`;
const listed = readFileSync(modules, 'utf8');
if (!listed.split('\n').includes(declaration)) {
  writeFileSync(modules, `${listed.replace(/\n*$/, '\n')}${declaration}\n`);
  console.log(`registered ${declaration} in ${path.relative(process.cwd(), modules)}`);
}
console.log(`next: (cd ${path.relative(process.cwd(), packageDir) || '.'} && scarb --release build), `
  + `then node scripts/deploy.mjs deploy --network NETWORK --artifacts `
  + `${path.relative(process.cwd(), path.join(packageDir, 'target/release'))} --models ${name}`);
