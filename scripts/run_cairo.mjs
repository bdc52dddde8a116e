// Runs one Cairo program (read from stdin) with StarkWare's compiler and VM built to WebAssembly
// (npm wasm-cairo) and prints what runCairoProgram returns, println! output included. One program
// per process: a panic inside the WebAssembly can leave the instance unusable.
//
// Usage: node scripts/run_cairo.mjs < program.cairo

import { readFileSync } from 'node:fs';
import { runCairoProgram } from 'wasm-cairo';

import { loadRunner, restartWithRunnerOptions } from './cairo/runner.mjs';

restartWithRunnerOptions();
loadRunner();

const source = readFileSync(0, 'utf8');
const maxGas = 4294967295; // larger values wrap
const output = runCairoProgram(source, maxGas, false, false, false, true);
process.stdout.write(output);
if (!output.includes('Run completed successfully')) process.exit(1);
