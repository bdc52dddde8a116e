// Bundles a Scarb package into the single source string that npm wasm-cairo compiles: every
// `mod name;` becomes `mod name { <file> }`, recursively (src/lib.cairo's `mod a;` is src/a.cairo,
// whose `mod b;` is src/a/b.cairo), attributes and visibility kept. The crate is then named
// `astro`, so the package's code refers to itself through `crate::` only.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MOD_DECLARATION = /^([ \t]*(?:pub(?:\([a-z]+\))?[ \t]+)?mod[ \t]+(\w+))[ \t]*;/gm;

function inline(file, dir, leaveOut, modulePath) {
  const text = readFileSync(file, 'utf8');
  return text.replace(MOD_DECLARATION, (_, head, name) => {
    const module = modulePath ? `${modulePath}::${name}` : name;
    if (leaveOut.includes(module)) return `${head} {}`;
    const body = inline(path.join(dir, `${name}.cairo`), path.join(dir, name), leaveOut, module);
    return `${head} {\n${body}\n}`;
  });
}

// leaveOut: modules (paths such as `airs` or `airs::pinn`) bundled empty, for a smaller program
// when nothing else uses them.
export function bundlePackage(packageDir, leaveOut = []) {
  const src = path.join(packageDir, 'src');
  return inline(path.join(src, 'lib.cairo'), src, leaveOut, '');
}
