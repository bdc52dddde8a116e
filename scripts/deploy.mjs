// Deploys the Starknet contracts with starknet.js and sends proofs to them (docs/starknet.md, "Deploying").
//   deploy: declares the fact registry's class and the final verifier's (the one verifier of
//     every model), deploys the registry through the Universal Deployer, adds the final verifier
//     class to it (the registry deploys the verifier), and records it all in
//     deployments/<network>.json;
//   verify: sends a final proof's calldata (`tensorstark calldata`) to the registry's
//     verify_final with the final verifier's class, which records a fact per inner proof.
// --dry-run prints every transaction without touching the network. Run with --help for the options
// and the environment.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Account, RpcProvider, constants, defaultDeployer, hash, logger, num, shortString, transaction,
} from 'starknet';

import { finalStatementFacts } from './cairo/fact.mjs';

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

deploy   declares the fact registry's class and the final verifier's (the one verifier of the
         final proofs of every model), deploys the registry through the Universal Deployer, adds
         the final verifier class to it (add_verifier: the registry deploys the verifier, and the
         facts it records carry its class hash), and records classes, addresses and transactions
         in the deployments file. What is already on the network (a declared class, a contract at
         its address, an added verifier) is skipped, so an interrupted deploy can be run again.
verify   sends a final proof's calldata (tensorstark compress --profile onchain, then tensorstark
         calldata) to the registry, verify_final(class, proof) with the final verifier's class in
         one transaction, waits for it, and checks that the registry records a fact per inner
         proof (Poseidon(model id, verifier class hash, Poseidon(inputs), Poseidon(outputs)),
         computed here from the proof's public inputs and its model ids from --identity). A proof
         whose facts the registry already holds is not sent again.

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
verify:
  --calldata FILE           the proof as calldata (tensorstark calldata [MODEL...] PROOF -o FILE)
  --inspect FILE            the proof's public inputs (tensorstark inspect PROOF > FILE)
  --identity FILE           a final proof's ids (tensorstark verify MODEL... PROOF --json > FILE)
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
  deploy: COMMON,
  verify: {
    ...COMMON, calldata: { type: 'string' }, inspect: { type: 'string' },
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

// The contract classes, by name (fact_registry, final_verifier, lending): classHash, compiledClassHash
// and declarePayload (null without CASM), sierraFelts, and the directory they are from.
function loadClasses({ classes, artifacts }) {
  return artifacts ? scarbClasses(path.resolve(artifacts))
    : builtClasses(path.resolve(classes ?? path.join(root, 'build/cairo')));
}
const sourceOf = (classes) => Object.values(classes)[0]?.source ?? 'the classes';

// scripts/cairo/build.mjs's output: Sierra only (wasm-cairo makes no CASM), so nothing to declare.
// The class hashes are the ones it computed (recomputing the final verifier's takes half a minute).
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
// the target's starknet_artifacts.json by module path.
function scarbClasses(dir) {
  const listing = readJson(path.join(dir, SCARB_ARTIFACTS),
    `no ${relative(path.join(dir, SCARB_ARTIFACTS))}: run \`scarb --release build\` in verifier-cairo`);
  const classes = {};
  for (const { module_path: modulePath, artifacts } of listing.contracts) {
    const name = modulePath.endsWith('::fact_registry::FactRegistry') ? 'fact_registry'
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

// Every transaction of a deployment, in order: the registry's class declared and the registry
// deployed, then the final verifier's class declared and added to it.
function deployPlan(classes, options) {
  const declare = (name, cls) => ({
    kind: 'declare', name, class_hash: hex(cls.classHash),
    compiled_class_hash: cls.compiledClassHash && hex(cls.compiledClassHash),
    sierra_felts: cls.sierraFelts,
  });
  const registry = registryDeploy(classes, options);
  const verifier = finalVerifierClass(classes);
  const classHash = hex(verifier.classHash);
  // The registry deploys the verifier when its class is added.
  return [declare('fact_registry', classes.fact_registry), registry,
    declare('final_verifier', verifier),
    callTransaction('invoke', 'fact_registry.add_verifier (final verifier)',
      invokeCall(registry.address, 'add_verifier', [classHash]),
      { verifier_class: classHash, verifier: addedVerifierAddress(registry.address, classHash) })];
}

// The invoke that verifies a final proof (`tensorstark calldata MODEL... FINAL.bin`'s output)
// with the final verifier of class verifierClassHash: the registry's verify_final(class, proof),
// which records `facts` (finalStatementFacts), one per inner proof.
function finalVerifyTransaction(registry, verifierClassHash, calldata, facts) {
  const name = 'fact_registry.verify_final';
  const call = invokeCall(registry, 'verify_final', [verifierClassHash, calldata.length, ...calldata]);
  const txCalldata = transaction.getExecuteCalldata([call], '1').length;
  if (txCalldata > MAX_TX_CALLDATA) {
    fail(`${name} is a transaction of ${txCalldata} calldata felts, over Starknet's `
      + `${MAX_TX_CALLDATA}-felt limit: a final proof of this many inner proofs does not fit`);
  }
  return callTransaction('invoke', name, call, {
    verifier_class: verifierClassHash, transaction_calldata: txCalldata,
    facts: facts.map(({ model, fact, inputsHash, outputsHash }) => ({
      model, fact, inputs_hash: inputsHash, outputs_hash: outputsHash })),
  });
}

// A deployments file: what is on the network, with the transactions that put it there.
function emptyRecord(network, chainId) {
  return { network, chain_id: chainId, classes: {}, contracts: {} };
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
      const recorded = record.final_verifier;
      if (recorded && !sameFelt(recorded.verifier, tx.verifier)) {
        conflict('the final verifier', recorded.verifier, tx.verifier);
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
    if (tx.verifier_class) field('verifier class', tx.verifier_class);
    if (tx.call.entrypoint === 'add_verifier') field('verifier address', tx.verifier);
    if (tx.transaction_calldata) {
      field('transaction calldata', `${tx.transaction_calldata.toLocaleString('en')} felts `
        + `(limit ${MAX_TX_CALLDATA.toLocaleString('en')})`);
    }
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
  const plan = {
    network: options.network, salt: options.salt, min_security_bits: options.minSecurityBits,
    transactions: deployPlan(classes, options),
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
      const [added] = await call(chain.provider, registry, 'verifier_of', [tx.verifier_class]);
      if (sameFelt(added, 0)) txHash = await send(chain, [tx.call]);
      else if (!sameFelt(added, tx.verifier)) {
        fail(`${registry} has the final verifier class at ${hex(added)}, not ${tx.verifier}`);
      }
      record.final_verifier = { ...record.final_verifier, verifier_class: tx.verifier_class,
        verifier: tx.verifier, registry, ...(txHash && { add_tx: txHash }) };
    }
    tx.status = txHash ? `sent: ${txHash}` : 'already on the network';
    if (!quiet) console.log(`   ${'status'.padEnd(20)} ${tx.status}`);
    save();
  }
  if (quiet) print(options, plan);
  else console.log(`recorded in ${relative(options.deployments)}`);
}

// The registry and the final verifier class a proof is sent to, from the deployments file, or
// (dry run only) as deploy would make them: { record, registry, verifierClassHash, source (a
// sentence saying which) }.
function verifierOf(options) {
  const file = relative(options.deployments);
  const deployFirst = `run node scripts/deploy.mjs deploy --network ${options.network} `
    + '--artifacts DIR';
  const record = existsSync(options.deployments) ? readJson(options.deployments) : null;
  if (record) {
    const registry = record.contracts?.fact_registry?.address
      ?? fail(`${file} has no fact registry: ${deployFirst}`);
    const added = record.final_verifier;
    if (!added?.verifier_class) fail(`the final verifier is not added in ${file}: ${deployFirst}`);
    return { record, registry, verifierClassHash: added.verifier_class,
      source: `The registry recorded in ${file}.` };
  }
  if (!options.dryRun) fail(`no ${file}: ${deployFirst} first`);
  const classes = loadClasses(options.values);
  return {
    record, registry: registryDeploy(classes, options).address,
    verifierClassHash: hex(finalVerifierClass(classes).classHash),
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
  if (!Array.isArray(proof) || !Array.isArray(publicInputs)) {
    fail(`${relative(calldataFile)} or ${relative(inspectFile)} is not what tensorstark calldata `
      + 'and tensorstark inspect write for a final proof');
  }
  if (!inspected.compressed?.final) {
    fail(`${relative(inspectFile)} is not of a final proof: Starknet verifies final proofs `
      + '(tensorstark compress --profile onchain)');
  }
  const identityFile = path.resolve(values.identity
    ?? usage('--identity is required for a final proof'));
  const { identity } = readJson(identityFile, `no ${relative(identityFile)}: `
    + made('verify MODEL... PROOF --json'));
  if (!Array.isArray(identity?.members)) {
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
  const recordedFacts = async () => Promise.all(facts.map(async (fact) => sameFelt(
    (await call(chain.provider, registry, 'is_fact_valid', [fact]))[0], 1)));
  // A proof whose facts are all recorded (an earlier run's) is not sent again.
  const done = (await recordedFacts()).every(Boolean);
  const [tx] = transactions;
  if (!values.json) console.log(describe(tx, 0));
  const txHash = done ? null : await send(chain, [tx.call]);
  tx.status = done ? 'already verified' : `sent: ${txHash}`;
  if (!values.json) console.log(`   ${'status'.padEnd(20)} ${tx.status}`);
  (await recordedFacts()).forEach((valid, i) => {
    if (!valid) fail(`transaction ${txHash} was accepted, but is_fact_valid(${facts[i]}) is false`);
  });
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
