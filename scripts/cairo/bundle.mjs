// Bundles a Scarb package into the single source string that npm wasm-cairo compiles: every
// `mod name;` becomes `mod name { <file> }`, recursively (src/lib.cairo's `mod a;` is src/a.cairo,
// whose `mod b;` is src/a/b.cairo), attributes and visibility kept. The crate is then named
// `astro`, so the package's code refers to itself through `crate::` only.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MOD_DECLARATION = /^([ \t]*(?:pub(?:\([a-z]+\))?[ \t]+)?mod[ \t]+(\w+))[ \t]*;/gm;

function inline(file, dir) {
  const text = readFileSync(file, 'utf8');
  return text.replace(MOD_DECLARATION, (_, head, name) => {
    const body = inline(path.join(dir, `${name}.cairo`), path.join(dir, name));
    return `${head} {\n${body}\n}`;
  });
}

export function bundlePackage(packageDir) {
  const src = path.join(packageDir, 'src');
  return inline(path.join(src, 'lib.cairo'), src);
}
