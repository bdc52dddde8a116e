// Writes verifier-cairo/src/final_air.cairo: the final recursion AIR, the same for every model, as
// Cairo (`tensorstark cairo-gen`), generated from the prover's own constraint definitions,
// with its test against the C++ evaluator (seed 1). With --check, writes nothing and exits 1 if
// the file differs (CI runs that after building the prover).
//
// Usage: node scripts/cairo/gen_final_air.mjs TENSORSTARK [--check]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeOrCheck } from './generated_files.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [tensorstark, ...flags] = process.argv.slice(2);
if (!tensorstark) {
  console.error('usage: node scripts/cairo/gen_final_air.mjs TENSORSTARK [--check]');
  process.exit(2);
}
const work = mkdtempSync(path.join(tmpdir(), 'tensorstark-final-air-'));
const generated = path.join(work, 'final_air.cairo');
execFileSync(path.resolve(tensorstark), ['cairo-gen', '-o', generated, '--test-seed', '1'],
  { stdio: 'ignore' });
const text = readFileSync(generated, 'utf8');
rmSync(work, { recursive: true });
if (!writeOrCheck([[path.join(root, 'verifier-cairo/src/final_air.cairo'), text]], {
  check: flags.includes('--check'), root,
  regenerate: `node scripts/cairo/gen_final_air.mjs ${tensorstark}`,
})) {
  process.exit(1);
}
