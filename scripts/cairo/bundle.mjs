// Bundles a Scarb package into the single source string that npm wasm-cairo compiles: every
// `mod name;` becomes `mod name { <file> }`, recursively (src/lib.cairo's `mod a;` is src/a.cairo,
// whose `mod b;` is src/a/b.cairo), attributes and visibility kept. The crate is then named
// `astro`, so the package's code refers to itself through `crate::` only.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MOD_DECLARATION = /^([ \t]*(?:pub(?:\([a-z]+\))?[ \t]+)?mod[ \t]+(\w+))[ \t]*;/gm;

function inline(file, dir, leaveOut, modulePath) {
  let text = readFileSync(file, 'utf8');
  for (const left of leaveOut) {
    if (modulePath && left.startsWith(`${modulePath}::`)) {
      text = withoutInlineModule(text, left.slice(modulePath.length + 2));
    }
  }
  return text.replace(MOD_DECLARATION, (_, head, name) => {
    const module = modulePath ? `${modulePath}::${name}` : name;
    if (leaveOut.includes(module)) return `${head} {}`;
    const body = inline(path.join(dir, `${name}.cairo`), path.join(dir, name), leaveOut, module);
    return `${head} {\n${body}\n}`;
  });
}

// An inline module `[pub] mod name { … }` (a generated file's tests or contract) removed, with the
// doc comments and attributes above it: its braces are counted from its opening one, so its body
// must hold no brace in a string.
function withoutInlineModule(text, name) {
  const start = text.search(new RegExp(`^(?:(?:///|#\\[).*\\n)*(?:pub )?mod ${name} \\{`, 'm'));
  if (start < 0) return text;
  let depth = 0;
  let end = text.indexOf(`mod ${name} {`, start) + `mod ${name} `.length;
  do {
    if (text[end] === '{') depth += 1;
    if (text[end] === '}') depth -= 1;
    end += 1;
  } while (depth !== 0 && end < text.length);
  return `${text.slice(0, start)}${text.slice(end)}`;
}

// leaveOut: modules (paths such as `airs` or `airs::pinn`, bundled empty, or an inline module of a
// file such as `airs::pinn::tests`, removed) for a smaller program when nothing else uses them.
export function bundlePackage(packageDir, leaveOut = []) {
  const src = path.join(packageDir, 'src');
  return inline(path.join(src, 'lib.cairo'), src, leaveOut, '');
}
