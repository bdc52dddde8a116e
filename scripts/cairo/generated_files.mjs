// What the generators of verifier-cairo's files share: write them, or with --check compare them
// with what is committed (CI), naming the command that regenerates a stale one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// files: [path, text] pairs. Returns false if --check found a file missing or different.
export function writeOrCheck(files, { check, root, regenerate }) {
  let current = true;
  for (const [file, text] of files) {
    if (!check) {
      writeFileSync(file, text);
    } else if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      console.error(`${path.relative(root, file)} is stale: run ${regenerate}`);
      current = false;
    }
  }
  return current;
}
