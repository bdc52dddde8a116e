// The deployment dry runs (scripts/deploy.mjs) end to end, without a network: the contract classes
// that CTest cairo_classes built with scripts/cairo/build.mjs into CLASSES_DIR (its fixture), a
// real onchain proof of fashion_mlp made with the CLI, then `deploy --dry-run` and
// `verify --dry-run`. Checks the transactions in order (the final verifier, then by default every
// model's verifier class, the zero-knowledge ones included, added to the registry), that the
// added verifier's commitment
// (from its generated AIR) is the proof's, that the verify calldata is the proof's behind the
// verifier's class hash and the Span's length, that the expected fact is the one a consumer
// computes from that class hash and the proof's statement, the same for a proof opened in query
// batches (a head and a transaction per batch), and that without --dry-run or the classes the
// scripts stop with a one-line error. Then a real final proof (FINAL_DIR: compress_commands'
// final.bin of four tiny_mlp proofs and tiny.verifying.tsm) sent to the final verifier: verify_final's calldata,
// and a fact per inner proof under the model id the native verifier prints.
// usage: node tests/cli/deploy_dry_run_test.mjs TENSORSTARK CLASSES_DIR FINAL_DIR
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { poseidonHashMany } from '@scure/starknet';

import { hash } from 'starknet';

import { factOf } from '../../scripts/cairo/fact.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [tensorstark, classesDir, finalDir] = process.argv.slice(2)
  .map((arg) => arg && path.resolve(arg));
if (!finalDir) {
  console.error('usage: node tests/cli/deploy_dry_run_test.mjs TENSORSTARK CLASSES_DIR FINAL_DIR');
  process.exit(2);
}
const MODEL = 'fashion_mlp';
const example = path.join(root, 'examples', MODEL);
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
// The models added by default, in the classes' order: fashion_mlp's is the first (the final
// verifier, every model's, is not one of them).
const models = Object.keys(built)
  .filter((name) => name.endsWith('_verifier') && name !== 'final_verifier')
  .map((name) => name.slice(0, -'_verifier'.length));
expectEqual(models[0], MODEL, 'the first model deployed');
expectEqual(models.includes(`${MODEL}_zk`), true, 'the zero-knowledge verifier added too');

const cli = (...args) => execFileSync(tensorstark, args,
  { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
cli('compile', path.join(example, 'model.onnx'), '-o', 'model.tsm',
  '--calibration', path.join(example, 'calibration.json'),
  '--visibility', 'input=public,weights=public');
cli('prove', 'model.tsm', '--input', path.join(example, 'input.json'), '-o', 'proof.bin',
  '--profile', 'onchain', '--hash', 'poseidon252');
cli('calldata', 'proof.bin', '-o', 'calldata.json');
const proof = JSON.parse(readFileSync(path.join(work, 'calldata.json'), 'utf8'));
const inspected = path.join(work, 'inspect.json');
writeFileSync(inspected, cli('inspect', 'proof.bin'));

// Never an existing deployments file: the dry runs compute every address.
const common = ['--network', 'sepolia', '--classes', classesDir,
  '--deployments', path.join(work, 'none.json')];
const verifyArgs = ['--model', MODEL, '--calldata', path.join(work, 'calldata.json'),
  '--inspect', inspected];

const deploy = JSON.parse(dryRun('deploy', ...common, '--json')).transactions;
const finalDeploy = ['declare fact_registry, deploy fact_registry, declare final_verifier, '
  + 'invoke fact_registry.add_verifier (final verifier)'];
expectEqual(deploy.map(({ kind, name }) => `${kind} ${name}`).join(', '),
  [...finalDeploy, ...models.map((model) => `declare ${model}_verifier, `
    + `invoke fact_registry.add_verifier (${model})`)].join(', '),
  'the deploy transactions');
expectEqual(JSON.parse(dryRun('deploy', ...common, '--models', 'none', '--json')).transactions
  .map(({ kind, name }) => `${kind} ${name}`).join(', '), finalDeploy[0],
'the deploy transactions of --models none');
const [, registry, declaredFinal, addFinal, declared, add] = deploy;
for (const tx of [deploy[0], registry, declaredFinal, declared]) {
  expectEqual(tx.class_hash, built[tx.name].class_hash, `${tx.kind} ${tx.name}'s class hash`);
}
const verifierClass = built[`${MODEL}_verifier`].class_hash;
const finalClass = built.final_verifier.class_hash;
expectEqual(deploy[0].compiled_class_hash, null, 'the compiled class hash without CASM');
expectEqual(registry.call.calldata.at(-1), '0x60', "the registry's minimum security (96)");
// The registry deploys each verifier itself (deploy_syscall: salt 0, no arguments).
for (const [tx, cls] of [[add, verifierClass], [addFinal, finalClass]]) {
  expectEqual(tx.call.contractAddress, registry.address, 'add_verifier is sent to');
  expectEqual(tx.call.calldata, [cls], "add_verifier's calldata");
  expectEqual(tx.verifier,
    `0x${BigInt(hash.calculateContractAddressFromHash(0, cls, [], registry.address))
      .toString(16)}`, "the verifier's address");
}

const verify = JSON.parse(dryRun('verify', ...common, ...verifyArgs, '--json')).transactions;
expectEqual(verify.length, 1, 'verify transactions');
const [send] = verify;
const publicInputs = JSON.parse(readFileSync(inspected, 'utf8')).public_inputs;
const input = JSON.parse(readFileSync(path.join(example, 'input.json'), 'utf8'));
// The fact a consumer computes from the verifier's class hash (make cairo-build's) and the proof's
// statement, as Cairo's fact_of does: Poseidon(model, class, Poseidon(inputs), Poseidon(outputs)).
const fact = factOf(publicInputs, input.input_data.flat(Infinity).length, verifierClass);
expectEqual(fact.fact, `0x${poseidonHashMany([fact.model, verifierClass, fact.inputsHash,
  fact.outputsHash].map(BigInt)).toString(16)}`, 'the fact of the class and the statement');
// The proof's commitment is the one its verifier was generated with.
expectEqual(fact.model, add.model_commitment, "the proof's model commitment");
expectEqual(send.call.contractAddress, registry.address, 'verify is sent to');
expectEqual(send.call.entrypoint, 'verify', 'the entrypoint');
expectEqual(send.call.calldata.length, proof.length + 2, 'the verify calldata length');
expectEqual(send.call.calldata.slice(0, 2),
  [verifierClass, `0x${proof.length.toString(16)}`], 'the verifier class and the proof length');
expectEqual(send.call.calldata.slice(2), proof, "the proof's calldata");
expectEqual(send.fact, fact.fact, 'the expected fact');

// The same as text: every transaction, the lengths and the commitment.
const deployText = dryRun('deploy', ...common);
for (const line of ['1. declare fact_registry', '2. deploy fact_registry',
  '3. declare final_verifier', '4. invoke fact_registry.add_verifier (final verifier)',
  `5. declare ${MODEL}_verifier`, `6. invoke fact_registry.add_verifier (${MODEL})`,
  `contract address     ${registry.address}`, `model commitment     ${fact.model}`,
  `verifier class       ${verifierClass}`, `verifier address     ${add.verifier}`]) {
  if (!deployText.includes(line)) fail(`deploy --dry-run did not print '${line}':\n${deployText}`);
}
const verifyText = dryRun('verify', ...common, ...verifyArgs);
for (const line of [`1. invoke fact_registry.verify (${MODEL})`,
  `to                   ${registry.address}`,
  `calldata             ${(proof.length + 2).toLocaleString('en')} felts: ${verifierClass}`,
  `model commitment     ${fact.model}`, `expected fact        ${fact.fact}`]) {
  if (!verifyText.includes(line)) fail(`verify --dry-run did not print '${line}':\n${verifyText}`);
}

// A proof opened in query batches: the head, then the head and each batch, in one transaction
// each; the job is Poseidon(class, Poseidon(head)), the last batch records the fact.
cli('prove', 'model.tsm', '--input', path.join(example, 'input.json'), '-o', 'batched.bin',
  '--profile', 'onchain', '--hash', 'poseidon252', '--query-batches', '2');
cli('calldata', 'batched.bin', '-o', 'batched.json');
const { head, batches } = JSON.parse(readFileSync(path.join(work, 'batched.json'), 'utf8'));
expectEqual(batches.length, 2, 'query batches');
const batchedArgs = ['--model', MODEL, '--calldata', path.join(work, 'batched.json'),
  '--inspect', inspected];
const batched = JSON.parse(dryRun('verify', ...common, ...batchedArgs, '--json')).transactions;
expectEqual(batched.map(({ call }) => call.entrypoint).join(', '),
  'verify_head, verify_batch, verify_batch', 'the batched verify transactions');
const span = (felts) => [`0x${felts.length.toString(16)}`, ...felts];
const job = `0x${poseidonHashMany([BigInt(verifierClass), poseidonHashMany(head.map(BigInt))])
  .toString(16)}`;
expectEqual(batched[0].call.calldata, [verifierClass, ...span(head)], 'verify_head calldata');
for (const [b, batch] of batches.entries()) {
  const tx = batched[b + 1];
  expectEqual(tx.call.calldata, [verifierClass, ...span(head), ...span(batch)],
    `verify_batch ${b} calldata`);
  expectEqual(tx.batch, b, 'the batch index');
}
for (const tx of batched) expectEqual(tx.job, job, 'the job, Poseidon(class, Poseidon(head))');
expectEqual(batched.map((tx) => tx.fact ?? '-').join(), `-,-,${fact.fact}`, 'the fact, with the last batch');

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
expectError('run node scripts/deploy.mjs deploy --network sepolia --artifacts DIR --models fashion_mlp first', 'verify', ...common, ...verifyArgs);

rmSync(work, { recursive: true });
console.log(`deploy and verify dry runs: ${deploy.length} + 1 (+ ${batched.length} batched, + 1 final) `
  + 'transactions as expected '
  + `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
