import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, compileCairoProgram } from 'wasm-cairo';
import { bundlePackage } from '/work/main/scripts/cairo/bundle.mjs';
const require = createRequire('/work/main/scripts/cairo/test.mjs');
initSync({ module: readFileSync(require.resolve('wasm-cairo/wasm-cairo_bg.wasm')) });
const src = bundlePackage('/work/main/verifier-cairo', process.argv.slice(2));
const out = compileCairoProgram(src, false);
console.log(out.startsWith('failed') ? out.slice(0, 5000) : 'ok ' + out.length);
