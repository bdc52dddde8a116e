#!/usr/bin/env bash
# Compressed proofs through the CLI: an inner proof of tiny_mlp (compile's defaults: private input
# and weights, zero knowledge; and a context of two felts, an address and a nonce, which every
# statement below carries and prints, a prove without it refused) with the recursive profile,
# compressed (outer profile test, for speed; the standard size class once, then --fit), also by
# prove --compress in one go, verifies against the verifying model and states what the inner proof
# states, under ids the off-chain reference recomputes, with keys from the cache when it holds them
# (a damaged entry changes no verdict); inspect prints it; three inner proofs of two models give one
# aggregated proof of their statements; a flipped byte, another model, models in another order, a
# proof of another profile, an invalid inner proof and malformed files are refused with a one-line
# reason, and files crafted to set the verifier's keys' size (a blowup no profile has, 4,096
# members, a longer statement, a final proof at another configuration or of 5 members) before any
# key is derived, within 1 GB; compress refuses more than 8 proofs (4 into a final proof). The final
# proof (--profile onchain) of four such inferences verifies and states the same; with KEEP_DIR, it
# is kept there (final.bin, with tiny.verifying.tsm) for the Cairo verifier's test.
# usage: compress_commands_test.sh TENSORSTARK EXAMPLES_DIR [KEEP_DIR]
set -euo pipefail
ts=$1
examples=$2
keep=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tiny=$examples/tiny_mlp
# The key cache (pipeline/key_cache.h) in the test's own folder.
export TENSORSTARK_CACHE_DIR=$work/cache

source "$(dirname "$0")/cli_test_lib.sh"

# check_ids LABEL IDENTITY_JSON INSPECT_JSON PRINTED: the circuit and model ids in IDENTITY_JSON's
# identity (compress or verify --json) and those PRINTED (verify's output) are the ones the
# off-chain reference (scripts/cairo/fact.mjs, @scure/starknet's Poseidon) computes from that
# identity and the inner commitment (INSPECT_JSON's first 8 public inputs).
check_ids() {
  node --input-type=module -e "
import { readFileSync } from 'node:fs';
import { compressedIdsOf } from '$(cd "$examples/.." && pwd)/scripts/cairo/fact.mjs';
const [label, ...files] = process.argv.slice(1);
const [withIdentity, inspected, printed] = files.map((f) => readFileSync(f, 'utf8'));
const { identity } = JSON.parse(withIdentity);
const want = compressedIdsOf(identity, JSON.parse(inspected).public_inputs.slice(0, 8));
const said = (what) => new RegExp('^' + what + ' id: (0x[0-9a-f]+)', 'm').exec(printed)?.[1];
for (const [what, got, expected] of [['circuit id', identity.circuit_id, want.circuit],
  ['model id', identity.model_ids[0], want.model], ['circuit id printed', said('circuit'),
  want.circuit], ['model id printed', said('model'), want.model]]) {
  if (got !== expected) {
    console.log('FAIL: the ' + label + what + ' is ' + got + ', fact.mjs says ' + expected);
    process.exit(1);
  }
}" "$@"
}

"$ts" compile "$tiny/model.onnx" -o "$work/tiny.tsm" --calibration "$tiny/calibration.json" \
  --context 2 >/dev/null
context=0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7,5
"$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/inner.bin" --profile recursive \
  --context "$context" >/dev/null 2>&1
expect_error 1 "states 2 context felt(s) (compile --context), --context gives 0" \
  "$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/x.bin" --profile recursive
"$ts" verify "$work/tiny.verifying.tsm" "$work/inner.bin" | tail -n +2 >"$work/inner_statement.txt"
grep -qx "context: ${context/,/, 0x}" "$work/inner_statement.txt" \
  || fail "the inner proof's context: $(cat "$work/inner_statement.txt")"
"$ts" compress "$work/tiny.tsm" "$work/inner.bin" -o "$work/outer.bin" --profile test \
  >"$work/compress.txt" 2>"$work/compress_err.txt"
grep -q "^wrote $work/outer.bin" "$work/compress.txt" || fail "compress: $(cat "$work/compress.txt")"
grep -q "verifier circuit" "$work/compress_err.txt" || fail "compress printed no phases"
"$ts" verify "$work/tiny.verifying.tsm" "$work/outer.bin" --min-security-bits 0 >"$work/verify.txt"
head -1 "$work/verify.txt" | grep -q "^valid (compressed" || fail "$(cat "$work/verify.txt")"
# The statement lines, without the compressed proof's ids.
facts() { tail -n +2 | grep -v '^circuit id: \|^model id: '; }
facts <"$work/verify.txt" | cmp -s - "$work/inner_statement.txt" \
  || fail "the compressed proof states other facts than the inner one"
# The ids compress and verify print are those the off-chain reference (scripts/cairo/fact.mjs,
# @scure/starknet's Poseidon) computes from the outer key's identity and the inner commitment.
"$ts" compress "$work/tiny.tsm" "$work/inner.bin" -o "$work/outer2.bin" --profile test --json \
  >"$work/compress.json" 2>/dev/null
"$ts" inspect "$work/outer.bin" "$work/tiny.verifying.tsm" >"$work/inspect_outer.json"
check_ids "" "$work/compress.json" "$work/inspect_outer.json" "$work/verify.txt"
expect_error 1 "is an outer proof; the Starknet verifier reads final proofs" \
  "$ts" calldata "$work/tiny.verifying.tsm" "$work/outer.bin" -o "$work/x.json"
"$ts" inspect "$work/outer.bin" "$work/tiny.verifying.tsm" \
  | python3 -c "import json,sys; d=json.load(sys.stdin); c=d['compressed']; assert c['shape'] == 'standard' and c['inner_proofs'] == [{'model': 0, 'zero_knowledge': True}] and 'public' in d" \
  || fail "inspect of a compressed proof"
"$ts" compress "$work/tiny.tsm" "$work/inner.bin" -o "$work/fit.bin" --profile test --fit --json \
  | python3 -c "import json,sys; d=json.load(sys.stdin); assert d['circuit_gates'] > 0 and d['components'] and d['shape'] == 'fit'" \
  || fail "compress --json"
"$ts" verify "$work/tiny.verifying.tsm" "$work/fit.bin" --min-security-bits 0 >"$work/verify_fit.txt"
facts <"$work/verify_fit.txt" | cmp -s - "$work/inner_statement.txt" \
  || fail "the --fit proof states other facts"
# Another circuit (the fitted one), another model id.
[ "$(grep '^model id' "$work/verify_fit.txt")" != "$(grep '^model id' "$work/verify.txt")" ] \
  || fail "the standard and fitted circuits give one model id"

# The key cache: compress filed what it derived (the model's inner root, the verifier circuit,
# the outer verifying keys of the standard and the fitted circuit), the second compress read the
# root and the circuit, verify read the root and the outer key, and a damaged entry is a miss:
# derived again and rewritten, the verdict unchanged.
entries=$(ls "$work/cache" | wc -l)
[ "$entries" = 4 ] || fail "the cache holds $entries entries, not 4"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['keys_from_cache']" \
  "$work/compress.json" || fail "the second compress did not read the cache"
keys_from_cache() {
  "$ts" verify "$work/tiny.verifying.tsm" "$work/outer.bin" --min-security-bits 0 --json \
    | python3 -c "import json,sys; d=json.load(sys.stdin); assert d['valid']; print(d['keys_from_cache'])"
}
[ "$(keys_from_cache)" = True ] || fail "verify did not read the cached keys"
# The first 32 bytes overwritten, the file's length and check kept.
for entry in "$work"/cache/*; do
  printf '%032d' 7 | dd of="$entry" conv=notrunc status=none
done
[ "$(keys_from_cache)" = False ] || fail "verify did not derive the key again past damaged entries"
[ "$(keys_from_cache)" = True ] || fail "verify did not rewrite the damaged entries"
TENSORSTARK_CACHE_DIR= "$ts" verify "$work/tiny.verifying.tsm" "$work/outer.bin" \
  --min-security-bits 0 | grep -q "^valid" || fail "verify without a cache"

# The final proof (--profile onchain) of four inferences, the inner proof and three more with the
# next nonces: the outer proof at the recursive profile, then its verifier's proof in the narrow
# recursion AIR with Poseidon252, at the final size class (about 3.5 minutes, 16 GB): it verifies
# (its key from the cache compress filed) and states what each inner proof states; inspect says
# it is final; a flipped byte is refused; so is another hash.
finals=("$work/inner.bin")
for nonce in 6 7 8; do
  "$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/inner_$nonce.bin" \
    --profile recursive --context "${context%,*},$nonce" >/dev/null 2>&1
  finals+=("$work/inner_$nonce.bin")
done
"$ts" compress "$work/tiny.tsm" "${finals[@]}" -o "$work/final.bin" --profile onchain \
  >"$work/final.txt" 2>/dev/null
grep -q "^wrote $work/final.bin: .*(4 inner proof(s), .*profile onchain: the final proof" \
  "$work/final.txt" || fail "compress --profile onchain: $(cat "$work/final.txt")"
"$ts" verify "$work/tiny.verifying.tsm" "$work/final.bin" >"$work/verify_final.txt"
head -1 "$work/verify_final.txt" | grep -q "^valid (final proof, 4 inner proof(s), 98 bits" \
  || fail "$(cat "$work/verify_final.txt")"
# Proof 1's statement is the inner proof's; proof k's context ends in nonce 4 + k.
sed -n '/^proof 1 (/,/^proof 2 (/p' "$work/verify_final.txt" | sed '$d' | facts \
  | cmp -s - "$work/inner_statement.txt" || fail "the final proof states other facts than the inner one"
[ "$(grep '^context: ' "$work/verify_final.txt" | sed 's/.*, //' | tr '\n' ' ')" = "0x5 0x6 0x7 0x8 " ] \
  || fail "the final proof's contexts: $(grep '^context: ' "$work/verify_final.txt")"
# compress filed the final verifying key: verify builds no circuit.
"$ts" verify "$work/tiny.verifying.tsm" "$work/final.bin" --json >"$work/verify_final.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['valid'] and d['final'] and d['keys_from_cache'], d" \
  "$work/verify_final.json" || fail "verify of a final proof with its key in the cache"
# The final ids are those the off-chain reference computes from the final key's identity and the
# inner commitment, and those verify printed.
"$ts" inspect "$work/final.bin" >"$work/inspect_final.json"
check_ids "final " "$work/verify_final.json" "$work/inspect_final.json" "$work/verify_final.txt"
# The facts the registry records for the four statements under a verifier class, which verify
# --class-hash prints, are the off-chain reference's (fact.mjs, from the identity and the
# statement); each stated output word is its value × 2^frac_bits, as a contract reads it. A proof
# that is not final has no facts on Starknet.
"$ts" verify "$work/tiny.verifying.tsm" "$work/final.bin" --json --class-hash 0x5eed \
  >"$work/facts.json"
"$ts" verify "$work/tiny.verifying.tsm" "$work/final.bin" --class-hash 0x5eed >"$work/facts.txt"
node --input-type=module -e "
import { readFileSync } from 'node:fs';
import { finalStatementFacts } from '$(cd "$examples/.." && pwd)/scripts/cairo/fact.mjs';
const [verified, inspected, printed] = process.argv.slice(1).map((f) => readFileSync(f, 'utf8'));
const { identity, starknet, public: stated } = JSON.parse(verified);
const want = finalStatementFacts(identity, JSON.parse(inspected).public_inputs, '0x5eed');
const check = (what, got, expected) => {
  if (got !== expected) {
    console.log('FAIL: ' + what + ' is ' + got + ', fact.mjs says ' + expected);
    process.exit(1);
  }
};
check('the number of facts', starknet.length, 4);
want.forEach((w, i) => {
  check('proof ' + (i + 1) + '\\'s model id', starknet[i].model, w.model);
  check('proof ' + (i + 1) + '\\'s inputs hash', starknet[i].inputs_hash, w.inputsHash);
  check('proof ' + (i + 1) + '\\'s outputs hash', starknet[i].outputs_hash, w.outputsHash);
  check('proof ' + (i + 1) + '\\'s fact', starknet[i].fact, w.fact);
  const line = new RegExp('^on Starknet, proof ' + (i + 1) + ': fact (0x[0-9a-f]+) \\\\(verifier class 0x5eed\\\\)', 'm');
  check('proof ' + (i + 1) + '\\'s printed fact', line.exec(printed)?.[1], w.fact);
  const output = stated[i].tensors.find((t) => t.kind === 'output');
  const encoded = output.values.map((v) => {
    const q = Math.round(v * 2 ** output.frac_bits);
    return '0x' + (q < 0 ? 2 ** 31 - 1 + q : q).toString(16);
  });
  check('proof ' + (i + 1) + '\\'s output words', encoded.join(), w.outputs.join());
});" "$work/facts.json" "$work/inspect_final.json" "$work/facts.txt"
expect_error 2 "records the facts of final proofs only" \
  "$ts" verify "$work/tiny.verifying.tsm" "$work/outer.bin" --class-hash 0x5eed
expect_error 1 "aggregates 4 inner proofs: leave MODEL.tsm out" \
  "$ts" inspect "$work/final.bin" "$work/tiny.verifying.tsm"
"$ts" inspect "$work/final.bin" \
  | python3 -c "import json,sys; c=json.load(sys.stdin)['compressed']; assert c['final'] and c['shape'] == 'standard'" \
  || fail "inspect of a final proof"
# Its calldata starts with the statement's layout, which the verifying model gives: four inner
# proofs of 28 words (the commitment, the context's 18 and 2 outputs), 18 stated as inputs.
expect_error 1 "is a final proof: give the verifying models" \
  "$ts" calldata "$work/final.bin" -o "$work/x.json"
"$ts" calldata "$work/tiny.verifying.tsm" "$work/final.bin" -o "$work/final_calldata.json" \
  | grep -q "felts (statement layout 9, " || fail "calldata of a final proof"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[:9] == ['0x4'] + ['0x1c', '0x12'] * 4, d[:9]" \
  "$work/final_calldata.json" || fail "the final proof's calldata layout"
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  cp "$work/final.bin" "$work/tiny.verifying.tsm" "$keep/"
fi
tamper_middle_byte "$work/final.bin" "$work/final_tampered.bin"
expect_error 1 "invalid" "$ts" verify "$work/tiny.verifying.tsm" "$work/final_tampered.bin"
expect_error 1 "leave --hash out" "$ts" compress "$work/tiny.tsm" "$work/inner.bin" \
  -o "$work/x.bin" --profile onchain --hash blake2s

# prove --compress: the inner proof and the compressed one in one go.
"$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/one_go.bin" --compress --fit \
  --outer-profile test --context "$context" >"$work/one_go.txt" 2>"$work/one_go_err.txt"
grep -q "inner proof" "$work/one_go_err.txt" || fail "prove --compress printed no inner proof phase"
"$ts" verify "$work/tiny.verifying.tsm" "$work/one_go.bin" --min-security-bits 0 | facts \
  | cmp -s - "$work/inner_statement.txt" || fail "prove --compress states other facts"
expect_error 2 "--compress proves with --profile recursive" "$ts" prove "$work/tiny.tsm" \
  --input "$tiny/input.json" -o "$work/x.bin" --compress --profile fast
expect_error 2 "--outer-profile and --fit go with --compress" "$ts" prove "$work/tiny.tsm" \
  --input "$tiny/input.json" -o "$work/x.bin" --fit

# Aggregation: tiny_mlp's proof twice and the public model's, in one proof of the three
# statements, verified with the two models in compress's order.
"$ts" compile "$tiny/model.onnx" -o "$work/public.tsm" --calibration "$tiny/calibration.json" \
  --visibility input=public,weights=public >/dev/null
"$ts" prove "$work/public.tsm" --input "$tiny/input.json" -o "$work/public_inner.bin" \
  --profile recursive >/dev/null 2>&1
"$ts" compress "$work/tiny.tsm" "$work/inner.bin" "$work/inner.bin" "$work/public.tsm" \
  "$work/public_inner.bin" -o "$work/aggregated.bin" --profile test --fit >"$work/aggregate.txt" 2>/dev/null
grep -q "(3 inner proof(s)" "$work/aggregate.txt" || fail "compress of 3: $(cat "$work/aggregate.txt")"
"$ts" verify "$work/tiny.verifying.tsm" "$work/public.tsm" "$work/aggregated.bin" \
  --min-security-bits 0 >"$work/verify3.txt"
head -1 "$work/verify3.txt" | grep -q "^valid (compressed, 3 inner proofs" || fail "$(cat "$work/verify3.txt")"
[ "$(grep -c '^proof [123] (' "$work/verify3.txt")" = 3 ] || fail "verify of 3: $(cat "$work/verify3.txt")"
expect_error 1 "invalid" "$ts" verify "$work/public.tsm" "$work/tiny.verifying.tsm" \
  "$work/aggregated.bin" --min-security-bits 0
expect_error 1 "the proof is of 2 models or more, 1 given" "$ts" verify "$work/tiny.verifying.tsm" \
  "$work/aggregated.bin" --min-security-bits 0
expect_error 2 "several models are given" "$ts" verify "$work/tiny.verifying.tsm" \
  "$work/public.tsm" "$work/inner.bin"

# A flipped byte of the outer proof.
tamper_middle_byte "$work/outer.bin" "$work/tampered.bin"
expect_error 1 "invalid" "$ts" verify "$work/tiny.verifying.tsm" "$work/tampered.bin" --min-security-bits 0
# Another model (everything public): another commitment, another circuit.
expect_error 1 "invalid" "$ts" verify "$work/public.tsm" "$work/outer.bin" --min-security-bits 0
# The test profile's outer proof is below the default security floor.
expect_error 1 "at least 96 required" "$ts" verify "$work/tiny.verifying.tsm" "$work/outer.bin"
# Malformed files.
head -c 10 "$work/outer.bin" >"$work/short.bin"
expect_error 1 "truncated compressed proof" "$ts" verify "$work/tiny.verifying.tsm" "$work/short.bin"
head -c 2000 "$work/outer.bin" >"$work/cut.bin"
expect_error 1 "the outer proof does not parse" "$ts" verify "$work/tiny.verifying.tsm" "$work/cut.bin"

# Files whose header or configuration would set the keys' size (a blowup no profile has, more
# members than compress aggregates, a statement of another length, a final proof at another
# configuration) are refused before any key is derived: in seconds, within 1 GB of address space.
# craft SRC DST PYTHON: DST is SRC's bytes `b` after the Python statements run on them (header: 16
# bytes and 8 per member, then the proof: "TSPF", version, hash id, then the configuration's u32s).
craft() {
  python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); $3
open(sys.argv[2], 'wb').write(b)" "$1" "$2"
}
refused_quickly() {
  local text=$1; shift
  expect_error 1 "$text" bash -c 'ulimit -v 1000000; exec timeout 60 "$@"' - \
    "$ts" verify "$work/tiny.verifying.tsm" "$@" --min-security-bits 0 --no-cache
}
craft "$work/outer.bin" "$work/blowup.bin" "b[24 + 13] = 8"
refused_quickly "configuration (blowup 2^8, 3 queries, 5+2 bits of grinding) is not one of" \
  "$work/blowup.bin"
craft "$work/outer.bin" "$work/many.bin" \
  "b[12:16] = (4096).to_bytes(4, 'little'); b[24:24] = b[16:24] * 4095"
refused_quickly "a compressed proof verifies 1 to 8 inner proofs, not 4096" "$work/many.bin"
craft "$work/outer.bin" "$work/longer.bin" "b[12] = 8; b[24:24] = b[16:24] * 7"
refused_quickly "the proof states 28 values, the models' statements have 224" "$work/longer.bin"
craft "$work/final.bin" "$work/final_queries.bin" "b[16 + 32 + 21] = 12"
refused_quickly \
  "configuration (blowup 2^5, 12 queries, 25+10 bits of grinding) is not the final proof's" \
  "$work/final_queries.bin"
craft "$work/final.bin" "$work/final_many.bin" "b[12] = 5; b[48:48] = b[16:24]"
refused_quickly "a final proof verifies 1 to 4 inner proofs, not 5" "$work/final_many.bin"
# A tree's final proof (shape 6: final, through the aggregation tree) of more inferences than the
# tree takes, or whose statement is not its inferences' length.
craft "$work/final.bin" "$work/tree_many.bin" \
  "b[8] = 6; b[12:16] = (1025).to_bytes(4, 'little'); b[48:48] = b[16:24] * 1021"
refused_quickly "a tree's final proof verifies 1 to 1024 inferences, not 1025" "$work/tree_many.bin"
craft "$work/final.bin" "$work/tree_longer.bin" "b[8] = 6; b[12] = 5; b[48:48] = b[16:24]"
refused_quickly "the proof states 112 values, the models' statements have 140" \
  "$work/tree_longer.bin"

# What compress refuses: a proof of another profile, an invalid inner proof, bad usage.
"$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/fast.bin" --context "$context" \
  >/dev/null 2>&1
expect_error 1 "compress takes proofs made with --profile recursive" \
  "$ts" compress "$work/tiny.tsm" "$work/fast.bin" -o "$work/x.bin"
"$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/recursive_hash.bin" \
  --profile fast --hash poseidon2 --context "$context" >/dev/null 2>&1
expect_error 1 "was not made with --profile recursive" \
  "$ts" compress "$work/tiny.tsm" "$work/recursive_hash.bin" -o "$work/x.bin"
tamper_middle_byte "$work/inner.bin" "$work/bad_inner.bin"
expect_error 1 "the inner proof is invalid" "$ts" compress "$work/tiny.tsm" "$work/bad_inner.bin" -o "$work/x.bin"
[ -e "$work/x.bin" ] && fail "compress wrote a file for a refused proof"
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=("$work/inner.bin"); done
expect_error 1 "compress aggregates at most 8 proofs into one proof, 9 given" \
  "$ts" compress "$work/tiny.tsm" "${nine[@]}" -o "$work/x.bin" --profile test
expect_error 2 "-o FILE is required" "$ts" compress "$work/tiny.tsm" "$work/inner.bin"
expect_error 2 "a proof before any model" "$ts" compress "$work/inner.bin" "$work/inner.bin" -o "$work/x.bin"
expect_error 2 "no inner proof given" "$ts" compress "$work/tiny.tsm" -o "$work/x.bin"
expect_error 2 "public.tsm: a model with no proof after it" "$ts" compress "$work/tiny.tsm" \
  "$work/inner.bin" "$work/public.tsm" -o "$work/x.bin"
expect_error 2 "--profile must be" "$ts" compress "$work/tiny.tsm" "$work/inner.bin" -o "$work/x.bin" --profile big
"$ts" compress --help | grep -q "^usage: tensorstark compress" || fail "compress --help"
echo "compress commands: ok"
