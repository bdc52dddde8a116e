// The deployment dry runs (scripts/deploy.mjs) end to end, without a network: the contract classes
// that CTest cairo_classes built with scripts/cairo/build.mjs into CLASSES_DIR (its fixture), then
// `deploy --dry-run` and `verify --dry-run` of a real final proof (FINAL_DIR: compress_commands'
// final.bin of four tiny_mlp proofs and tiny.verifying.tsm). Checks the deploy transactions in
// order (the registry, then the final verifier's class declared and added to it, which deploys
// the verifier at the address printed), verify_final's calldata (the final verifier's class hash,
// the Span's length, the proof), a fact per inner proof under the model id the native verifier
// prints, as a consumer computes it with @scure/starknet, another proof's identity refused, and
// that without --dry-run or the classes the script stops with a one-line error.
// usage: node tests/cli/deploy_dry_run_test.mjs TENSORSTARK CLASSES_DIR FINAL_DIR
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { poseidonHashMany } from '@scure/starknet';

import { hash } from 'starknet';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [tensorstark, classesDir, finalDir] = process.argv.slice(2)
  .map((arg) => arg && path.resolve(arg));
if (!finalDir) {
  console.error('usage: node tests/cli/deploy_dry_run_test.mjs TENSORSTARK CLASSES_DIR FINAL_DIR');
  process.exit(2);
}
const work = mkdtempSync(path.join(tmpdir(), 'tensorstark-deploy-'));
const fail = (message) => {
  console.error(`FAIL: ${message}`);
  rmSync(work, { recursive: true });
  process.exit(1);
};
const expectEqual = (actual, expected, what) => {
  if (String(actual) !== String(expected)) fail(`${what}: ${actual}, expected ${expected}`);
};

// No account: the dry runs must not need one, and the live runs must say so.
const env = Object.fromEntries(Object.entries(process.env)
  .filter(([name]) => !name.startsWith('STARKNET_')));
const deployScript = (...args) => spawnSync(process.execPath,
  [path.join(root, 'scripts/deploy.mjs'), ...args], { cwd: root, env, encoding: 'utf8' });
const dryRun = (...args) => {
  const run = deployScript(...args, '--dry-run');
  if (run.status !== 0) fail(`deploy.mjs ${args.join(' ')} --dry-run exited ${run.status}: ${run.stderr}`);
  return run.stdout;
};
const expectError = (text, ...args) => {
  const run = deployScript(...args);
  if (run.status !== 1 || !run.stderr.includes(text) || run.stderr.trim().includes('\n')) {
    fail(`deploy.mjs ${args.join(' ')}: exit ${run.status}, expected 1 and one line with '${text}': `
      + run.stderr);
  }
};

const started = Date.now();
const classesFile = path.join(classesDir, 'classes.json');
if (!existsSync(classesFile)) {
  fail(`no ${classesFile}: build the classes first (CTest cairo_classes, or node `
    + `scripts/cairo/build.mjs --out ${classesDir})`);
}
const built = JSON.parse(readFileSync(classesFile, 'utf8'));
const cli = (...args) => execFileSync(tensorstark, args,
  { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

// Never an existing deployments file: the dry runs compute every address.
const common = ['--network', 'sepolia', '--classes', classesDir,
  '--deployments', path.join(work, 'none.json')];

const deploy = JSON.parse(dryRun('deploy', ...common, '--json')).transactions;
expectEqual(deploy.map(({ kind, name }) => `${kind} ${name}`).join(', '),
  'declare fact_registry, deploy fact_registry, declare final_verifier, '
    + 'invoke fact_registry.add_verifier (final verifier)', 'the deploy transactions');
const [, registry, declaredFinal, addFinal] = deploy;
for (const tx of [deploy[0], registry, declaredFinal]) {
  expectEqual(tx.class_hash, built[tx.name].class_hash, `${tx.kind} ${tx.name}'s class hash`);
}
const finalClass = built.final_verifier.class_hash;
expectEqual(deploy[0].compiled_class_hash, null, 'the compiled class hash without CASM');
expectEqual(registry.call.calldata.at(-1), '0x60', "the registry's minimum security (96)");
// The registry deploys the verifier itself (deploy_syscall: salt 0, no arguments).
expectEqual(addFinal.call.contractAddress, registry.address, 'add_verifier is sent to');
expectEqual(addFinal.call.calldata, [finalClass], "add_verifier's calldata");
expectEqual(addFinal.verifier,
  `0x${BigInt(hash.calculateContractAddressFromHash(0, finalClass, [], registry.address))
    .toString(16)}`, "the verifier's address");
// The same as text.
const deployText = dryRun('deploy', ...common);
for (const line of ['1. declare fact_registry', '2. deploy fact_registry',
  '3. declare final_verifier', '4. invoke fact_registry.add_verifier (final verifier)',
  `contract address     ${registry.address}`, `verifier class       ${finalClass}`,
  `verifier address     ${addFinal.verifier}`]) {
  if (!deployText.includes(line)) fail(`deploy --dry-run did not print '${line}':\n${deployText}`);
}

// A final proof: verify_final(final verifier class, proof) in one transaction, a fact per inner
// proof under the model id the native verifier prints, the statement split by its layout.
const finalBin = path.join(finalDir, 'final.bin');
const finalModel = path.join(finalDir, 'tiny.verifying.tsm');
cli('calldata', finalModel, finalBin, '-o', 'final_calldata.json');
writeFileSync(path.join(work, 'final_inspect.json'), cli('inspect', finalBin));
const verified = JSON.parse(cli('verify', finalModel, finalBin, '--json'));
writeFileSync(path.join(work, 'identity.json'), JSON.stringify(verified));
const finalArgs = ['--calldata', path.join(work, 'final_calldata.json'),
  '--inspect', path.join(work, 'final_inspect.json'), '--identity', path.join(work, 'identity.json')];
const finalProof = JSON.parse(readFileSync(path.join(work, 'final_calldata.json'), 'utf8'));
const finalVerify = JSON.parse(dryRun('verify', ...common, ...finalArgs, '--json')).transactions;
expectEqual(finalVerify.length, 1, 'final verify transactions');
const [sendFinal] = finalVerify;
expectEqual(sendFinal.call.contractAddress, registry.address, 'verify_final is sent to');
expectEqual(sendFinal.call.entrypoint, 'verify_final', 'the final entrypoint');
expectEqual(sendFinal.call.calldata, [finalClass, `0x${finalProof.length.toString(16)}`,
  ...finalProof], 'the final verifier class, the proof length and the proof');
// Four inner proofs of tiny_mlp with compile's defaults, one after another in the statement, each
// stating its context as inputs and the outputs: a fact each.
const statement = JSON.parse(readFileSync(path.join(work, 'final_inspect.json'), 'utf8'))
  .public_inputs.map(BigInt);
expectEqual(verified.identity.members.length, 4, 'inner proofs');
expectEqual(sendFinal.facts.length, 4, 'facts');
let offset = 0;
verified.identity.members.forEach((member, i) => {
  const own = statement.slice(offset, offset + member.words);
  offset += member.words;
  const fact = sendFinal.facts[i];
  expectEqual(fact.model, verified.identity.model_ids[i], `inner proof ${i + 1}'s model id`);
  const inputsHash = poseidonHashMany(own.slice(8, 8 + member.stated_inputs));
  const outputsHash = poseidonHashMany(own.slice(8 + member.stated_inputs));
  expectEqual(fact.fact, `0x${poseidonHashMany([BigInt(fact.model), BigInt(finalClass),
    inputsHash, outputsHash]).toString(16)}`, `inner proof ${i + 1}'s fact`);
});
expectEqual(offset, statement.length, "the inner proofs' statement lengths");
const [expected] = sendFinal.facts;
const finalText = dryRun('verify', ...common, ...finalArgs);
for (const line of ['1. invoke fact_registry.verify_final', `model id ${expected.model}`,
  `expected fact      ${expected.fact}`]) {
  if (!finalText.includes(line)) fail(`verify --dry-run did not print '${line}':\n${finalText}`);
}
// Another proof's identity is refused before anything is sent.
writeFileSync(path.join(work, 'other.json'), JSON.stringify({ ...verified,
  identity: { ...verified.identity, model_ids: ['0x1'] } }));
expectError('is not the identity of', 'verify', ...common, '--dry-run', ...finalArgs.slice(0, 4),
  '--identity', path.join(work, 'other.json'));

// Without --dry-run: the environment first; and a missing class directory.
expectError('STARKNET_RPC_URL is not set', 'deploy', ...common);
expectError('run make cairo-build', 'deploy', '--network', 'sepolia',
  '--classes', path.join(work, 'missing'), '--dry-run');
expectError('run node scripts/deploy.mjs deploy --network sepolia --artifacts DIR first',
  'verify', ...common, ...finalArgs);
// A proof that is not final is refused: Starknet verifies final proofs only.
const tiny = path.join(root, 'examples/tiny_mlp');
cli('compile', path.join(tiny, 'model.onnx'), '-o', 'tiny.tsm', '--calibration',
  path.join(tiny, 'calibration.json'), '--visibility', 'input=public,weights=public');
cli('prove', 'tiny.tsm', '--input', path.join(tiny, 'input.json'), '-o', 'tiny.bin',
  '--profile', 'onchain');
cli('calldata', 'tiny.bin', '-o', 'tiny_calldata.json');
writeFileSync(path.join(work, 'tiny_inspect.json'), cli('inspect', 'tiny.bin'));
expectError('is not of a final proof', 'verify', ...common, '--dry-run', '--calldata',
  path.join(work, 'tiny_calldata.json'), '--inspect', path.join(work, 'tiny_inspect.json'),
  '--identity', path.join(work, 'identity.json'));

rmSync(work, { recursive: true });
console.log(`deploy and verify dry runs: ${deploy.length} + 1 transactions as expected `
  + `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
