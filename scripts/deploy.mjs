// Deploys the Starknet contracts with starknet.js and sends proofs to them (docs/starknet.md, "Deploying").
//   deploy: declares the fact registry's class, the final verifier's (every model's) and each
//     model's verifier class, deploys the registry through the Universal Deployer, adds each
//     verifier class to it (the registry deploys the verifier), and records it all in
//     deployments/<network>.json;
//   verify: sends a proof's calldata (`tensorstark calldata`) to the registry: a final proof to
//     verify_final with the final verifier's class, which records a fact per inner proof; a
//     model's onchain proof to verify with the model's verifier class, which records its fact.
// --dry-run prints every transaction without touching the network. Run with --help for the options
// and the environment.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Account, RpcProvider, constants, defaultDeployer, hash, logger, num, shortString, transaction,
} from 'starknet';

import { factOf, finalStatementFacts, statedInputCount } from './cairo/fact.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NETWORKS = {
  sepolia: { chainId: constants.StarknetChainId.SN_SEPOLIA },
  mainnet: { chainId: constants.StarknetChainId.SN_MAIN },
  // starknet-devnet's default address; it takes any chain ID.
  devnet: { rpcUrl: 'http://127.0.0.1:5050/rpc' },
};
// Starknet's limit on a transaction's calldata (the account's __execute__ calldata).
const MAX_TX_CALLDATA = 5000;
const DEFAULT_SALT = shortString.encodeShortString('tensorstark');
const DEFAULT_MIN_SECURITY_BITS = 96;
const SCARB_ARTIFACTS = 'tensorstark_verifier.starknet_artifacts.json';
const NEEDS_CASM = 'needs its CASM, from Scarb: run `scarb --release build` in verifier-cairo '
  + '(Scarb.toml sets casm = true) and pass --artifacts verifier-cairo/target/release';

const HELP = `usage: node scripts/deploy.mjs deploy --network NAME [options]
       node scripts/deploy.mjs verify --network NAME --calldata FILE --inspect FILE --identity FILE [options]
       node scripts/deploy.mjs verify --network NAME --model NAME --calldata FILE --inspect FILE [options]

deploy   declares the fact registry's class, the final verifier's (the one that verifies the final
         proofs of every model) and each model's verifier class, deploys the registry through the
         Universal Deployer, adds each verifier class to it (add_verifier: the registry deploys
         the verifier, and the facts it records carry its class hash), and records classes,
         addresses and transactions in the deployments file. What is already on the network (a
         declared class, a contract at its address, an added verifier) is skipped, so an
         interrupted deploy can be run again.
verify   sends a proof's calldata to the registry, waits for it, and checks that the registry
         records the proof's facts (Poseidon(model, verifier class hash, Poseidon(inputs),
         Poseidon(outputs)), computed here from the proof's public inputs).
         A final proof (tensorstark compress --profile onchain): verify_final(class, proof) with
         the final verifier's class, in one transaction, a fact per inner proof under its model
         id (from --identity).
         A model's onchain proof (the first form, with --model): verify(class, proof) with the
         model's verifier class in one transaction, or, for a proof opened in query batches
         (prove --query-batches N), verify_head(class, head) and then verify_batch(class, head,
         batch) for each batch, the fact recorded with the last; a job interrupted halfway
         resumes with the batches the registry has not verified.

options:
  --network NAME            sepolia, mainnet or devnet (starknet-devnet)
  --dry-run                 print every transaction instead of sending it; needs no network,
                            account or deployments file
  --json                    print the transactions (and, when sent, their hashes) as JSON
  --classes DIR             the Sierra classes of \`make cairo-build\` (default build/cairo); they
                            have no CASM, so only a dry run prints their declares
  --artifacts DIR           Scarb's build of verifier-cairo instead (e.g. verifier-cairo/target/release,
                            with casm = true): the classes and their CASM, which declaring needs
  --deployments FILE        where the deployment is recorded (default deployments/<network>.json);
                            an entry it has is never replaced: a different class or address is an
                            error
  --salt FELT               the deployment salt (default ${DEFAULT_SALT}, "tensorstark").
                            Contracts are deployed with not_from_zero = false, so an address depends
                            only on the class, the salt and the constructor arguments, not the account
  --min-security-bits N     the registry's minimum proof security (default ${DEFAULT_MIN_SECURITY_BITS})
deploy:
  --models NAME,...         the models whose own verifiers to add (default: every model verifier
                            class, the zero-knowledge ones, <model>_zk, included; none: only the
                            final verifier)
verify:
  --calldata FILE           the proof as calldata (tensorstark calldata [MODEL...] PROOF -o FILE)
  --inspect FILE            the proof's public inputs (tensorstark inspect PROOF > FILE)
  --identity FILE           a final proof's ids (tensorstark verify MODEL... PROOF --json > FILE)
  --model NAME              a model's onchain proof: the model (its verifier class is
                            <model>_verifier)
  Without a deployments file, --dry-run takes the registry's address that deploy would give it.

environment (not needed with --dry-run):
  STARKNET_RPC_URL          the node's JSON-RPC URL (for devnet, default http://127.0.0.1:5050/rpc)
  STARKNET_ACCOUNT_ADDRESS  the account that pays for and signs the transactions
  STARKNET_PRIVATE_KEY      its private key
`;

const COMMON = {
  network: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  classes: { type: 'string' },
  artifacts: { type: 'string' },
  deployments: { type: 'string' },
  salt: { type: 'string' },
  'min-security-bits': { type: 'string' },
};
const COMMANDS = {
  deploy: { ...COMMON, models: { type: 'string' } },
  verify: {
    ...COMMON, model: { type: 'string' }, calldata: { type: 'string' }, inspect: { type: 'string' },
    identity: { type: 'string' },
  },
};

// Our own errors are one line, and exit 1 (2 for bad usage).
class Failure extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}
const fail = (message, code) => {
  throw new Failure(message, code);
};
const usage = (message) => fail(`${message} (node scripts/deploy.mjs --help)`, 2);

const hex = (value) => num.toHex(value);
const sameFelt = (a, b) => BigInt(a) === BigInt(b);
// A path as the user would write it: relative when under the working directory.
function relative(file) {
  const under = path.relative(process.cwd(), file);
  return under.startsWith('..') ? file : under || '.';
}

function readJson(file, missing) {
  if (!existsSync(file)) fail(missing);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`${relative(file)}: ${error.message}`);
  }
}

function parseCommandLine(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    (command ? process.stdout : process.stderr).write(HELP);
    process.exit(command ? 0 : 2);
  }
  if (!COMMANDS[command]) usage(`unknown command ${command}: deploy or verify`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: COMMANDS[command] }));
  } catch (error) {
    usage(error.message.split('\n')[0]);
  }
  const network = values.network ?? usage('--network is required');
  if (!NETWORKS[network]) usage(`unknown network ${network}: ${Object.keys(NETWORKS).join(', ')}`);
  if (values.classes && values.artifacts) usage('--classes and --artifacts exclude each other');
  const minSecurityBits = Number(values['min-security-bits'] ?? DEFAULT_MIN_SECURITY_BITS);
  if (!Number.isInteger(minSecurityBits) || minSecurityBits < 0 || minSecurityBits >= 2 ** 32) {
    usage(`--min-security-bits ${values['min-security-bits']} is not a u32`);
  }
  const salt = values.salt ?? DEFAULT_SALT;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(salt) || BigInt(salt) >= constants.PRIME) {
    usage(`--salt ${salt} is not a felt`);
  }
  return {
    command, network, values, minSecurityBits, salt: hex(salt),
    dryRun: Boolean(values['dry-run']),
    deployments: path.resolve(values.deployments ?? path.join(root, 'deployments', `${network}.json`)),
  };
}

// The contract classes, by name (fact_registry, final_verifier, <model>_verifier): classHash, compiledClassHash
// and declarePayload (null without CASM), sierraFelts, and the directory they are from.
function loadClasses({ classes, artifacts }) {
  return artifacts ? scarbClasses(path.resolve(artifacts))
    : builtClasses(path.resolve(classes ?? path.join(root, 'build/cairo')));
}
const sourceOf = (classes) => Object.values(classes)[0]?.source ?? 'the classes';

// scripts/cairo/build.mjs's output: Sierra only (wasm-cairo makes no CASM), so nothing to declare.
// The class hashes are the ones it computed (recomputing a verifier's takes half a minute).
function builtClasses(dir) {
  const summary = readJson(path.join(dir, 'classes.json'),
    `no ${relative(dir)}/classes.json: run make cairo-build`);
  return Object.fromEntries(Object.entries(summary).map(([name, built]) => {
    const file = path.join(dir, `${name}.contract_class.json`);
    if (!existsSync(file)) fail(`no ${relative(file)}: run make cairo-build`);
    return [name, {
      classHash: built.class_hash, compiledClassHash: null, declarePayload: null,
      sierraFelts: built.sierra_felts, source: relative(dir),
    }];
  }));
}

// Scarb's starknet-contract target: each contract's Sierra and, with casm = true, CASM, listed in
// the target's starknet_artifacts.json by module path (the two models' `Verifier` modules share a
// name, so Scarb names their files by module path, which this does not depend on).
function scarbClasses(dir) {
  const listing = readJson(path.join(dir, SCARB_ARTIFACTS),
    `no ${relative(path.join(dir, SCARB_ARTIFACTS))}: run \`scarb --release build\` in verifier-cairo`);
  const classes = {};
  for (const { module_path: modulePath, artifacts } of listing.contracts) {
    const model = /::airs::(\w+)::Verifier$/.exec(modulePath)?.[1];
    const name = model ? `${model}_verifier`
      : modulePath.endsWith('::fact_registry::FactRegistry') ? 'fact_registry'
        : modulePath.endsWith('::final_verifier::FinalVerifier') ? 'final_verifier' : null;
    if (!name || !artifacts.sierra) continue;
    const artifact = (file) => readJson(path.join(dir, file), `no ${file} in ${relative(dir)}`);
    const contract = artifact(artifacts.sierra);
    const casm = artifacts.casm ? artifact(artifacts.casm) : null;
    const classHash = hash.computeSierraContractClassHash(contract);
    classes[name] = {
      classHash,
      // Blake2s, as Starknet 0.14.1 and later take it; a live declare has starknet.js compute the
      // one the node's version takes.
      compiledClassHash: casm && hash.computeCompiledClassHash(casm),
      declarePayload: casm && { contract, casm, classHash },
      sierraFelts: contract.sierra_program.length, source: relative(dir),
    };
  }
  return classes;
}

const finalVerifierClass = (classes) => classes.final_verifier
  ?? fail(`no final_verifier class in ${sourceOf(classes)}`);

function verifierClass(classes, model) {
  return classes[`${model}_verifier`] ?? fail(`no verifier class for model ${model} in ${sourceOf(classes)} `
    + `(the models: ${modelsOf(classes).join(', ') || 'none'})`);
}

// The models with a verifier of their own (the final verifier is every model's).
const modelsOf = (classes) => Object.keys(classes)
  .filter((name) => name.endsWith('_verifier') && name !== 'final_verifier')
  .map((name) => name.slice(0, -'_verifier'.length));

// The generated AIR module a model's verifier is compiled from.
function airModule(model) {
  const file = path.join(root, 'verifier-cairo/src/airs', `${model}.cairo`);
  if (!existsSync(file)) fail(`no ${relative(file)}: ${model} has no Cairo verifier`);
  return { file, text: readFileSync(file, 'utf8') };
}

// The commitment a model's verifier checks (its model_commitment()): the 8 words of the generated
// AIR it is compiled from, packed big-endian in base 2^31 as the contract packs them.
function modelCommitment(model) {
  const { file, text } = airModule(model);
  const words = /commitment: m31s\(array!\[([\d,\s]+)\]/.exec(text)?.[1]
    ?? fail(`no model commitment in ${relative(file)}`);
  return hex(words.split(',').reduce((packed, word) => (packed << 31n) + BigInt(word.trim()), 0n));
}

const invokeCall = (contractAddress, entrypoint, calldata) => ({
  contractAddress: hex(contractAddress), entrypoint, calldata: calldata.map(hex),
});
// A transaction that invokes `call` (a deploy is an invoke of the Universal Deployer).
const callTransaction = (kind, name, call, fields) => ({
  kind, name, ...fields, selector: hash.getSelectorFromName(call.entrypoint), call,
});

function deployTransaction(name, cls, salt, constructorCalldata) {
  // not_from_zero = false: the address does not depend on the deploying account.
  const { calls: [call], addresses: [address] } = defaultDeployer.buildDeployerCall(
    { classHash: cls.classHash, salt, unique: false, constructorCalldata }, 0);
  return callTransaction('deploy', name, invokeCall(call.contractAddress, call.entrypoint, call.calldata),
    { class_hash: hex(cls.classHash), address: hex(address) });
}

// The address of the verifier a registry deploys when a class is added (add_verifier:
// deploy_syscall from the registry, salt 0, no constructor arguments).
const addedVerifierAddress = (registryAddress, classHash) =>
  hex(hash.calculateContractAddressFromHash(0, classHash, [], registryAddress));

// The registry's deployment: its constructor takes the minimum security.
function registryDeploy(classes, { salt, minSecurityBits }) {
  const registry = classes.fact_registry ?? fail(`no fact_registry class in ${sourceOf(classes)}`);
  return deployTransaction('fact_registry', registry, salt, [minSecurityBits]);
}

// Every transaction of a deployment, in order: the registry, then the final verifier's class and
// each model's verifier class declared and added to it.
function deployPlan(classes, models, options) {
  const declare = (name, cls) => ({
    kind: 'declare', name, class_hash: hex(cls.classHash),
    compiled_class_hash: cls.compiledClassHash && hex(cls.compiledClassHash),
    sierra_felts: cls.sierraFelts,
  });
  const registry = registryDeploy(classes, options);
  const plan = [declare('fact_registry', classes.fact_registry), registry];
  // A verifier class declared, then added to the registry (which deploys the verifier).
  const addVerifier = (name, cls, label, fields) => {
    const classHash = hex(cls.classHash);
    plan.push(declare(name, cls), callTransaction('invoke', `fact_registry.add_verifier (${label})`,
      invokeCall(registry.address, 'add_verifier', [classHash]),
      { ...fields, verifier_class: classHash,
        verifier: addedVerifierAddress(registry.address, classHash) }));
  };
  addVerifier('final_verifier', finalVerifierClass(classes), 'final verifier', { final: true });
  for (const model of models) {
    addVerifier(`${model}_verifier`, verifierClass(classes, model), model,
      { model, model_commitment: modelCommitment(model) });
  }
  return plan;
}

// An invoke of the registry's `entrypoint` with the verifier class and the spans (each its length
// then its felts) as arguments; `tooLong` says what to do if the transaction is over Starknet's
// calldata limit.
function registryInvoke(registry, name, entrypoint, verifierClassHash, spans, fields, tooLong) {
  const call = invokeCall(registry, entrypoint,
    [verifierClassHash, ...spans.flatMap((span) => [span.length, ...span])]);
  const txCalldata = transaction.getExecuteCalldata([call], '1').length;
  if (txCalldata > MAX_TX_CALLDATA) {
    fail(`${name} is a transaction of ${txCalldata} calldata felts, over Starknet's `
      + `${MAX_TX_CALLDATA}-felt limit: ${tooLong}`);
  }
  return callTransaction('invoke', name, call, {
    verifier_class: verifierClassHash, ...fields, transaction_calldata: txCalldata,
  });
}

// The invoke that verifies a final proof (`tensorstark calldata MODEL... FINAL.bin`'s output)
// with the final verifier of class verifierClassHash: the registry's verify_final(class, proof),
// which records `facts` (finalStatementFacts), one per inner proof.
function finalVerifyTransaction(registry, verifierClassHash, calldata, facts) {
  return registryInvoke(registry, 'fact_registry.verify_final', 'verify_final', verifierClassHash,
    [calldata], {
      final: true,
      facts: facts.map(({ model, fact, inputsHash, outputsHash }) => ({
        model, fact, inputs_hash: inputsHash, outputs_hash: outputsHash })),
    }, 'a final proof of this many inner proofs does not fit in one transaction');
}

// The invokes that verify a model's onchain proof (`tensorstark calldata`'s output) with the
// verifier of class verifierClassHash, in order: the registry's verify(class, proof) for a proof
// opened at once; for one opened in query batches, its verify_head(class, head), then
// verify_batch(class, head, batch) for each batch, the last of which records the fact.
function verifyTransactions(registry, model, verifierClassHash, calldata, fact) {
  const facts = { fact: fact.fact, inputs_hash: fact.inputsHash, outputs_hash: fact.outputsHash };
  const invoke = (name, entrypoint, spans, fields) => registryInvoke(registry,
    `fact_registry.${entrypoint} (${model}${name})`, entrypoint, verifierClassHash, spans,
    { model, model_commitment: fact.model, ...fields }, 'prove with more query batches '
      + '(tensorstark prove --query-batches N, or QUERY_BATCHES=N with make)');
  if (Array.isArray(calldata)) return [invoke('', 'verify', [calldata], facts)];
  const { head, batches } = calldata;
  const job = hash.computePoseidonHashOnElements(
    [verifierClassHash, hash.computePoseidonHashOnElements(head)]);
  return [
    invoke(', head', 'verify_head', [head], { job, batches: batches.length }),
    ...batches.map((batch, b) => invoke(`, batch ${b}`, 'verify_batch', [head, batch],
      { job, batch: b, ...(b === batches.length - 1 && facts) })),
  ];
}

// A deployments file: what is on the network, with the transactions that put it there.
function emptyRecord(network, chainId) {
  return { network, chain_id: chainId, classes: {}, contracts: {}, models: {} };
}

// Fails if the record already has an entry this plan would change.
function checkRecord(record, plan, file) {
  const conflict = (what, recorded, planned) => fail(`${relative(file)} records ${what} as `
    + `${recorded}, this deployment's is ${planned}: pass --deployments FILE to record a new deployment`);
  if (record.network !== plan.network) conflict('the network', record.network, plan.network);
  for (const tx of plan.transactions) {
    if (tx.kind === 'declare') {
      const recorded = record.classes[tx.name]?.class_hash;
      if (recorded && !sameFelt(recorded, tx.class_hash)) {
        conflict(`${tx.name}'s class`, recorded, tx.class_hash);
      }
    } else if (tx.kind === 'deploy') {
      const recorded = record.contracts[tx.name]?.address;
      if (recorded && !sameFelt(recorded, tx.address)) {
        conflict(`${tx.name}'s address`, recorded, tx.address);
      }
    } else {
      const [what, recorded] = tx.final ? ['the final verifier', record.final_verifier]
        : [`${tx.model}'s verifier`, record.models[tx.model]];
      if (recorded && !sameFelt(recorded.verifier, tx.verifier)) {
        conflict(what, recorded.verifier, tx.verifier);
      }
    }
  }
}

const PREVIEW_FELTS = 4;
function feltList(felts) {
  const shown = felts.slice(0, PREVIEW_FELTS).join(', ');
  return `${felts.length.toLocaleString('en')} felts${felts.length ? `: ${shown}` : ''}`
    + `${felts.length > PREVIEW_FELTS ? ', …' : ''}`;
}

// A transaction as text: its kind and name, then its fields.
function describe(tx, index) {
  const lines = [`${index + 1}. ${tx.kind} ${tx.name}`];
  const field = (label, value) => lines.push(`   ${label.padEnd(20)} ${value}`);
  if (tx.kind === 'declare') {
    field('class hash', tx.class_hash);
    field('compiled class hash', tx.compiled_class_hash ?? 'unknown without the CASM (see below)');
    field('Sierra program', `${tx.sierra_felts.toLocaleString('en')} felts`);
  } else {
    const { contractAddress, entrypoint, calldata } = tx.call;
    field('to', tx.kind === 'deploy' ? `${contractAddress} (Universal Deployer)` : contractAddress);
    field('entrypoint', `${entrypoint} (selector ${tx.selector})`);
    field('calldata', feltList(calldata));
    if (tx.kind === 'deploy') field('contract address', tx.address);
    if (tx.model_commitment) field('model commitment', tx.model_commitment);
    if (tx.verifier_class) field('verifier class', tx.verifier_class);
    if (tx.call.entrypoint === 'add_verifier') field('verifier address', tx.verifier);
    if (tx.transaction_calldata) {
      field('transaction calldata', `${tx.transaction_calldata.toLocaleString('en')} felts `
        + `(limit ${MAX_TX_CALLDATA.toLocaleString('en')})`);
    }
    if (tx.job) field('job', tx.batch === undefined ? `${tx.job} (${tx.batches} batches)` : tx.job);
    if (tx.fact) field('expected fact', tx.fact);
    for (const [i, { model, fact }] of (tx.facts ?? []).entries()) {
      field(`inner proof ${i + 1}`, `model id ${model}`);
      field('  expected fact', fact);
    }
  }
  if (tx.status) field('status', tx.status);
  return lines.join('\n');
}

// The transactions, as JSON with --json, else as text after the heading's lines.
function print(options, plan, heading = []) {
  if (options.values.json) {
    console.log(JSON.stringify({ network: options.network, dry_run: options.dryRun, ...plan }, null, 2));
    return;
  }
  console.log(heading.join('\n'));
  plan.transactions.forEach((tx, index) => console.log(describe(tx, index)));
  if (plan.transactions.some((tx) => tx.kind === 'declare' && !tx.compiled_class_hash)) {
    console.log(`Declaring a class ${NEEDS_CASM}.`);
  }
}

// The provider and account from the environment, on the network asked for.
async function connect(network) {
  const env = (name, fallback) => process.env[name] || fallback
    || fail(`${name} is not set (it is needed without --dry-run; see --help)`);
  const nodeUrl = env('STARKNET_RPC_URL', NETWORKS[network].rpcUrl);
  const address = env('STARKNET_ACCOUNT_ADDRESS');
  const privateKey = env('STARKNET_PRIVATE_KEY');
  // starknet.js warns, for one, when recent blocks have too few transactions to estimate a tip.
  logger.setLogLevel('ERROR');
  const provider = new RpcProvider({ nodeUrl });
  let chainId;
  try {
    chainId = await provider.getChainId();
  } catch (error) {
    fail(`cannot reach STARKNET_RPC_URL ${nodeUrl}: ${error.message.split('\n')[0]}`);
  }
  const expected = NETWORKS[network].chainId;
  if (expected && chainId !== expected) {
    fail(`STARKNET_RPC_URL is a ${shortString.decodeShortString(chainId)} node, not ${network}'s `
      + `(${shortString.decodeShortString(expected)})`);
  }
  return { provider, account: new Account({ provider, address, signer: privateKey }), chainId };
}

// Fails unless the deployments file is of the node's chain.
function checkChain(record, chain, file) {
  if (!sameFelt(record.chain_id, chain.chainId)) {
    fail(`${relative(file)} is of chain ${record.chain_id}, the node's is ${chain.chainId}`);
  }
}

// Sends the calls as one invoke and waits until it is accepted on L2; returns its hash.
async function send({ account, provider }, calls) {
  const { transaction_hash: txHash } = await account.execute(calls);
  await accepted(provider, txHash);
  return txHash;
}

async function accepted(provider, txHash) {
  const receipt = await provider.waitForTransaction(txHash);
  if (!receipt.isSuccess()) {
    const reason = receipt.value.revert_reason ?? receipt.value.message ?? receipt.statusReceipt;
    fail(`transaction ${txHash} failed: ${reason}`);
  }
}

// null if the RPC error is `expected` (a class or contract that is not there), else rethrows.
async function unlessMissing(request, expected) {
  try {
    return await request;
  } catch (error) {
    if (error.isType?.(expected)) return null;
    throw error;
  }
}

async function call(provider, contractAddress, entrypoint, calldata) {
  return provider.callContract(invokeCall(contractAddress, entrypoint, calldata));
}

async function runDeploy(options) {
  const classes = loadClasses(options.values);
  const { models: listed } = options.values;
  const models = listed === 'none' ? [] : listed?.split(',') ?? modelsOf(classes);
  const plan = {
    network: options.network, salt: options.salt, min_security_bits: options.minSecurityBits,
    transactions: deployPlan(classes, models, options),
  };
  const recorded = existsSync(options.deployments) ? readJson(options.deployments) : null;
  if (recorded) checkRecord(recorded, plan, options.deployments);
  if (options.dryRun) {
    print(options, plan, [
      `Deploying to ${options.network}: dry run, nothing is sent (when sent, what is already on the `
        + 'network is skipped).',
      `Classes from ${sourceOf(classes)}, salt ${options.salt}, registry minimum security `
        + `${options.minSecurityBits} bits.`]);
    return;
  }

  const chain = await connect(options.network);
  const record = recorded ?? emptyRecord(options.network, chain.chainId);
  checkChain(record, chain, options.deployments);
  const save = () => {
    mkdirSync(path.dirname(options.deployments), { recursive: true });
    writeFileSync(options.deployments, `${JSON.stringify(record, null, 2)}\n`);
  };
  // A class without CASM can only have been declared by someone else: find out before sending.
  for (const tx of plan.transactions.filter(({ kind }) => kind === 'declare')) {
    tx.declared = Boolean(await unlessMissing(chain.provider.getClassByHash(tx.class_hash),
      'CLASS_HASH_NOT_FOUND'));
    if (!tx.declared && !classes[tx.name].declarePayload) {
      fail(`${tx.name} is not declared on ${options.network}: declaring it ${NEEDS_CASM}`);
    }
  }
  const quiet = options.values.json;
  for (const [index, tx] of plan.transactions.entries()) {
    if (!quiet) console.log(describe(tx, index));
    let txHash = null;
    if (tx.kind === 'declare') {
      if (!tx.declared) {
        ({ transaction_hash: txHash } = await chain.account.declare(classes[tx.name].declarePayload));
        await accepted(chain.provider, txHash);
      }
      record.classes[tx.name] = { ...record.classes[tx.name], class_hash: tx.class_hash,
        ...(tx.compiled_class_hash && { compiled_class_hash: tx.compiled_class_hash }),
        ...(txHash && { declare_tx: txHash }) };
    } else if (tx.kind === 'deploy') {
      const there = await unlessMissing(chain.provider.getClassHashAt(tx.address), 'CONTRACT_NOT_FOUND');
      if (there && !sameFelt(there, tx.class_hash)) {
        fail(`${tx.address} holds class ${there}, not ${tx.name}'s ${tx.class_hash}`);
      }
      if (!there) txHash = await send(chain, [tx.call]);
      record.contracts[tx.name] = {
        ...record.contracts[tx.name], address: tx.address, class_hash: tx.class_hash,
        // The Universal Deployer's calldata: class hash, salt, not_from_zero, length, arguments.
        constructor_calldata: tx.call.calldata.slice(4), ...(txHash && { deploy_tx: txHash }),
      };
    } else {
      const registry = tx.call.contractAddress;
      const what = tx.final ? 'the final verifier' : `${tx.model}'s verifier`;
      const [added] = await call(chain.provider, registry, 'verifier_of', [tx.verifier_class]);
      if (sameFelt(added, 0)) txHash = await send(chain, [tx.call]);
      else if (!sameFelt(added, tx.verifier)) {
        fail(`${registry} has ${what} class at ${hex(added)}, not ${tx.verifier}`);
      }
      const entry = { verifier_class: tx.verifier_class, verifier: tx.verifier, registry,
        ...(txHash && { add_tx: txHash }) };
      if (tx.final) {
        record.final_verifier = { ...record.final_verifier, ...entry };
      } else {
        const [checks] = await call(chain.provider, tx.verifier, 'model_commitment', []);
        if (!sameFelt(checks, tx.model_commitment)) {
          fail(`${tx.model}'s verifier checks model ${hex(checks)}, not ${tx.model_commitment} `
            + `(verifier-cairo/src/airs/${tx.model}.cairo): rebuild the classes`);
        }
        record.models[tx.model] = { ...record.models[tx.model], commitment: tx.model_commitment,
          ...entry };
      }
    }
    tx.status = txHash ? `sent: ${txHash}` : 'already on the network';
    if (!quiet) console.log(`   ${'status'.padEnd(20)} ${tx.status}`);
    save();
  }
  if (quiet) print(options, plan);
  else console.log(`recorded in ${relative(options.deployments)}`);
}

// The registry and the verifier class a proof is sent to, from the deployments file, or (dry run
// only) as deploy would make them: { record, registry, verifierClassHash, commitment (a model
// verifier's), source (a sentence saying which) }.
function verifierOf(options, model) {
  const file = relative(options.deployments);
  const deployFirst = `run node scripts/deploy.mjs deploy --network ${options.network} `
    + `--artifacts DIR${model ? ` --models ${model}` : ''}`;
  const record = existsSync(options.deployments) ? readJson(options.deployments) : null;
  if (record) {
    const registry = record.contracts?.fact_registry?.address
      ?? fail(`${file} has no fact registry: ${deployFirst}`);
    const added = model ? record.models?.[model] : record.final_verifier;
    if (!added?.verifier_class) {
      fail(`${model ? `${model}'s verifier` : 'the final verifier'} is not added in ${file}: `
        + deployFirst);
    }
    return { record, registry, verifierClassHash: added.verifier_class,
      commitment: added.commitment, source: `The registry recorded in ${file}.` };
  }
  if (!options.dryRun) fail(`no ${file}: ${deployFirst} first`);
  const classes = loadClasses(options.values);
  return {
    record, registry: registryDeploy(classes, options).address,
    verifierClassHash: hex((model ? verifierClass(classes, model) : finalVerifierClass(classes))
      .classHash),
    commitment: model && modelCommitment(model),
    source: `No ${file}: the registry deploy would make, with the classes from `
      + `${sourceOf(classes)}, salt ${options.salt}, minimum security ${options.minSecurityBits} bits.`,
  };
}

// The transactions that verify the proof in the files the options name, and the facts the
// registry must then hold.
function verifyPlan(options) {
  const { values } = options;
  const made = (what) => `write it with tensorstark ${what} (make verify-onchain does)`;
  const calldataFile = path.resolve(values.calldata ?? usage('--calldata is required'));
  const inspectFile = path.resolve(values.inspect ?? usage('--inspect is required'));
  const proof = readJson(calldataFile, `no ${relative(calldataFile)}: ${made('calldata')}`);
  const inspected = readJson(inspectFile, `no ${relative(inspectFile)}: ${made('inspect PROOF')}`);
  const publicInputs = inspected?.public_inputs;
  const calldataShape = Array.isArray(proof)
    || (Array.isArray(proof?.head) && Array.isArray(proof?.batches));
  if (!calldataShape || !Array.isArray(publicInputs)) {
    fail(`${relative(calldataFile)} or ${relative(inspectFile)} is not what tensorstark calldata `
      + 'and tensorstark inspect write');
  }

  if (inspected.compressed) {
    if (!inspected.compressed.final) {
      fail(`${relative(inspectFile)} is of a compressed proof that is not final: Starknet verifies `
        + 'the final proof (tensorstark compress --profile onchain)');
    }
    if (values.model) usage('--model is for a model\'s onchain proof: a final proof is verified by the final verifier');
    const identityFile = path.resolve(values.identity
      ?? usage('--identity is required for a final proof'));
    const { identity } = readJson(identityFile, `no ${relative(identityFile)}: `
      + made('verify MODEL... PROOF --json'));
    if (!Array.isArray(identity?.members) || !Array.isArray(proof)) {
      fail(`${relative(identityFile)} or ${relative(calldataFile)} is not what tensorstark verify `
        + '--json and tensorstark calldata write for a final proof');
    }
    const verifier = verifierOf(options);
    let facts;
    try {
      facts = finalStatementFacts(identity, publicInputs, verifier.verifierClassHash);
    } catch (error) {
      fail(`${relative(identityFile)} is not the identity of ${relative(inspectFile)}'s proof: `
        + error.message);
    }
    // The native verifier's model ids are the ones computed here from the proof's statement.
    const printed = identity.model_ids ?? [];
    facts.forEach(({ model }, i) => {
      if (!sameFelt(model, printed[i] ?? 0)) {
        fail(`${relative(identityFile)} is not the identity of ${relative(inspectFile)}'s proof: `
          + `inner proof ${i + 1} is of model id ${model}, the identity says ${printed[i]}`);
      }
    });
    return { ...verifier, facts: facts.map(({ fact }) => fact), title: 'a final proof',
      transactions: [finalVerifyTransaction(verifier.registry, verifier.verifierClassHash, proof,
        facts)] };
  }

  const model = values.model ?? usage('--model is required for a model\'s onchain proof');
  if (values.identity) usage('--identity is for a final proof');
  const verifier = verifierOf(options, model);
  // The statement's values (or digests) of the inputs, which the fact hashes apart from the
  // outputs': as many as the AIR's statement says (n_stated_inputs), as the contract splits them.
  const fact = factOf(publicInputs, statedInputCount(airModule(model).text), verifier.verifierClassHash);
  if (!sameFelt(fact.model, verifier.commitment)) {
    fail(`the proof is of model ${fact.model}, but ${model}'s verifier checks ${verifier.commitment}: `
      + 'prove with the model the verifier was generated from');
  }
  return { ...verifier, facts: [fact.fact], title: `a ${model} proof`,
    transactions: verifyTransactions(verifier.registry, model, verifier.verifierClassHash, proof,
      fact) };
}

async function runVerify(options) {
  const { values } = options;
  const { record, registry, facts, title, source, transactions } = verifyPlan(options);
  const plan = { network: options.network, transactions };
  if (options.dryRun) {
    print(options, plan, [`Verifying ${title} on ${options.network}: dry run, nothing is sent.`,
      source]);
    return;
  }

  const chain = await connect(options.network);
  checkChain(record, chain, options.deployments);
  let txHash = null;
  for (const [index, tx] of transactions.entries()) {
    if (!values.json) console.log(describe(tx, index));
    // What an interrupted run already verified is not sent again.
    const verified = async (batch) => sameFelt(
      (await call(chain.provider, registry, 'batch_verified', [tx.job, batch]))[0], 1);
    // A job's head is verified once it has batches left, or a verified batch.
    const done = tx.job !== undefined && (tx.batch === undefined
      ? !sameFelt((await call(chain.provider, registry, 'batches_left', [tx.job]))[0], 0)
        || await verified(0)
      : await verified(tx.batch));
    if (!done) txHash = await send(chain, [tx.call]);
    tx.status = done ? 'already verified' : `sent: ${txHash}`;
    if (!values.json) console.log(`   ${'status'.padEnd(20)} ${tx.status}`);
  }
  for (const fact of facts) {
    const [valid] = await call(chain.provider, registry, 'is_fact_valid', [fact]);
    if (!sameFelt(valid, 1)) {
      fail(`transaction ${txHash} was accepted, but is_fact_valid(${fact}) is false`);
    }
  }
  const recorded = `${facts.length === 1 ? `fact ${facts[0]}` : `${facts.length} facts`} `
    + 'recorded (is_fact_valid: true)';
  transactions[transactions.length - 1].status += `; ${recorded}`;
  if (values.json) print(options, plan);
  else console.log(`   ${'status'.padEnd(20)} ${recorded}`);
}

// An error from starknet.js or the node, on one line: an RPC error's message carries the whole
// request (a declare's is the class), so it is left out.
function oneLine(error) {
  const rpc = error.baseError;
  const text = rpc ? `${error.request.method}: ${rpc.message} ${JSON.stringify(rpc.data ?? '')}`
    : String(error.message ?? error);
  return text.replace(/\s+/g, ' ').slice(0, 1000);
}

try {
  const options = parseCommandLine(process.argv.slice(2));
  await (options.command === 'deploy' ? runDeploy : runVerify)(options);
} catch (error) {
  console.error(`error: ${error instanceof Failure ? error.message : oneLine(error)}`);
  process.exit(error instanceof Failure ? error.code : 1);
}
