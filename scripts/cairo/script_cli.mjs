// What the verification script's command line needs (verify_final.mjs): a one-line
// failure with an exit code, flags taken out of the arguments, tensorstark run with its one-line
// error as the script's, and a copy of the Cairo package without its tests.
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// fail(message, code = 1): prints "<script>: message" and exits with code.
export const failWith = (script) => (message, code = 1) => {
  console.error(`${script}: ${message}`);
  process.exit(code);
};

// Whether `name` is among args, which lose it.
export const takeFlag = (args, name) => {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
};

// The value after `name` among args, which lose both (undefined if absent; fail if it has none).
export const takeOption = (args, name, fail) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  if (at + 1 >= args.length) fail(`${name} needs a value`, 2);
  return args.splice(at, 2)[1];
};

// run(...command): tensorstark's standard output; its last line of error (or output) is `fail`'s
// message, with exit code 2, if it fails.
export const tensorstarkRunner = (tensorstark, fail) => {
  const cli = path.resolve(tensorstark);
  return (...command) => {
    try {
      return execFileSync(cli, command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const said = `${error.stdout ?? ''}\n${error.stderr ?? ''}`.trim().split('\n').pop();
      return fail(said || `tensorstark ${command[0]} failed`, 2);
    }
  };
};

// Copies verifier-cairo/ to packageDir without src/tests/ (but the files `keep` names there), for
// a script to write its own tests into.
export const copyPackageWithoutTests = (packageDir, keep = []) => {
  cpSync(path.join(root, 'verifier-cairo'), packageDir, {
    recursive: true,
    filter: (from) => !/[/\\]src[/\\]tests[/\\]/.test(path.relative(root, from))
      || keep.some((name) => from.endsWith(name)),
  });
};
