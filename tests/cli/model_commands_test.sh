#!/usr/bin/env bash
# The model commands end to end through the CLI: compile, run (against torch's outputs too),
# prove (test profile), verify; a proof with one flipped byte and a proof checked against another
# model are rejected; zero knowledge, committed and private inputs and outputs (only
# zero-knowledge verifiers for them), compile's defaults (private inputs and weights); the
# commitment compile prints for --profile is the one proofs state; compile refuses, writing
# nothing, a model a calibration outlier would make imprecise (unless --force); open-ended slices,
# integer outputs, argmaxes and a masked softmax over long rows prove numpy's outputs; run and prove warn of
# inputs far below the calibrated range; a proof too large for the memory left is refused before
# any work; a model over compile's --proof-memory is proved in slices and verified as one; verify --class-hash refuses a proof that is not final (compress_commands_test.sh
# checks a final proof's facts); every command answers --help; output folders are created and a
# file that cannot be written is named with the reason; bad input gets a one-line error and exit code 1 (2
# for usage).
# usage: model_commands_test.sh TENSORSTARK EXAMPLES_DIR FRONTEND_TEST_DATA_DIR
set -euo pipefail
ts=$1
examples=$2
test_models=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TENSORSTARK_CACHE_DIR=$work/cache  # the verifying keys prove and verify file
mlp=$examples/fashion_mlp
tiny=$examples/tiny_mlp
# Everything public (compile's defaults make the inputs and weights private: tested below).
public=input=public,weights=public

source "$(dirname "$0")/cli_test_lib.sh"

"$ts" compile "$mlp/model.onnx" -o "$work/mlp.tsm" --calibration "$mlp/calibration.json" \
  --visibility "$public" >/dev/null
"$ts" run "$work/mlp.tsm" --input "$mlp/input.json" --output "$work/run.json" >/dev/null
# Against torch's outputs: float inference must reproduce them, or run fails.
"$ts" run "$work/mlp.tsm" --input "$mlp/input.json" --expected "$mlp/float_outputs.json" \
  | grep -q "expected:  max |error|" || fail "run --expected printed no comparison"
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
d['output_data'][0][3] += 0.5
json.dump(d, open(sys.argv[2], 'w'))" "$mlp/float_outputs.json" "$work/wrong_expected.json"
expect_error 1 "output 'output' element 3: float inference of the ONNX model gives" \
  "$ts" run "$work/mlp.tsm" --input "$mlp/input.json" --expected "$work/wrong_expected.json"
expect_error 1 "output_data\[0\] must be 10 numbers" "$ts" run "$work/mlp.tsm" \
  --input "$mlp/input.json" --expected "$tiny/float_outputs.json"
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/proof.bin" --profile test \
  --outputs "$work/proved.json" >/dev/null 2>&1
cmp -s "$work/run.json" "$work/proved.json" || fail "prove's outputs differ from run's"
"$ts" verify "$work/mlp.tsm" "$work/proof.bin" --min-security-bits 0 | grep -q '^valid' \
  || fail "the proof does not verify"
# The test profile is below the default security floor.
expect_error 1 "at least 96 required" "$ts" verify "$work/mlp.tsm" "$work/proof.bin"

# The commitment compile prints for a profile is the one proofs with that profile state.
for profile in fast onchain; do
  "$ts" compile "$tiny/model.onnx" -o "$work/commit.tsm" --calibration "$tiny/calibration.json" \
    --visibility "$public" --profile $profile >"$work/compile.out"
  printed=$(sed -n "s/^model commitment (profile $profile, [a-z0-9]*): //p" "$work/compile.out")
  stated=$("$ts" prove "$work/commit.tsm" --input "$tiny/input.json" -o "$work/commit.bin" \
    --profile $profile --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['commitment'])")
  [ -n "$printed" ] && [ "$printed" = "$stated" ] \
    || fail "compile --profile $profile printed '$printed', its proof states '$stated'"
done
expect_error 2 "--profile must be test, fast, onchain or recursive" "$ts" compile \
  "$tiny/model.onnx" -o "$work/x.tsm" --profile slow

# A proof stating a configuration no profile gives (blowup 2^8: the byte after "TSPF", the
# version, the hash id and pow_bits) is refused before its key is derived, within 1 GB.
python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[13] = 8
open(sys.argv[2], 'wb').write(b)" "$work/proof.bin" "$work/blowup.bin"
expect_error 1 "is not one of prove's profiles" bash -c 'ulimit -v 1000000; exec timeout 60 "$@"' \
  - "$ts" verify "$work/mlp.tsm" "$work/blowup.bin" --min-security-bits 0 --no-cache

# One flipped byte in the middle of the proof.
tamper_middle_byte "$work/proof.bin" "$work/tampered.bin"
expect_error 1 "invalid" "$ts" verify "$work/mlp.tsm" "$work/tampered.bin" --min-security-bits 0

# The same proof against a model compiled with other weight bits (other weights).
"$ts" compile "$mlp/model.onnx" -o "$work/other.tsm" --calibration "$mlp/calibration.json" \
  --weight-bits 9 --visibility "$public" >/dev/null
expect_error 1 "invalid" "$ts" verify "$work/other.tsm" "$work/proof.bin" --min-security-bits 0

# The same proof against the model compiled with the wide layout (another AIR).
"$ts" compile "$mlp/model.onnx" -o "$work/wide.tsm" --calibration "$mlp/calibration.json" \
  --layout wide --visibility "$public" | grep -q "wide layout" \
  || fail "compile --layout wide did not say so"
expect_error 1 "invalid" "$ts" verify "$work/wide.tsm" "$work/proof.bin" --min-security-bits 0

# A direct proof of the onchain profile: its calldata (as the Cairo verifier's proof fixtures are
# written); Starknet records facts of final proofs only, so verify --class-hash refuses it.
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/onchain.bin" --profile onchain \
  --hash poseidon252 >/dev/null 2>&1
"$ts" calldata "$work/onchain.bin" -o "$work/calldata.json" | grep -q "^wrote $work/calldata.json" \
  || fail "calldata of an onchain proof"
expect_error 2 "records the facts of final proofs only" \
  "$ts" verify "$work/mlp.tsm" "$work/onchain.bin" --class-hash 0x5eed
expect_error 2 "--class-hash" "$ts" verify "$work/mlp.tsm" "$work/onchain.bin" --class-hash xyz
expect_error 1 "blake2s proof" "$ts" calldata "$work/proof.bin" -o "$work/x.json"

# verify files the model's verifying key (its preprocessed root) in the key cache, and reads it
# there the next time; inspect names it; without it, or with the entry damaged, verify commits it
# again, accepts, and files it; with the cache off it never reads one.
verified_key() {
  "$ts" verify "$work/mlp.tsm" "$work/onchain.bin" --json     | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['valid'], d['key_from_cache'])"
}
inspected_key() {
  "$ts" inspect "$work/onchain.bin" "$work/mlp.tsm"     | python3 -c "import json,sys; k=json.load(sys.stdin)['verifying_key']; print(k['cached'], k['preprocessed_root'] is not None)"
}
rm -rf "$work/cache"
[ "$(inspected_key)" = "False False" ] || fail "inspect names a key the cache does not hold"
[ "$(verified_key)" = "True False" ] || fail "verify without a cached key"
[ "$(verified_key)" = "True True" ] || fail "verify did not read the key it filed"
[ "$(inspected_key)" = "True True" ] || fail "inspect does not name the cached key"
for entry in "$work/cache"/*; do tamper_middle_byte "$entry" "$entry.x" && mv "$entry.x" "$entry"; done
[ "$(verified_key)" = "True False" ] || fail "verify read a damaged cache entry"
[ "$(TENSORSTARK_CACHE_DIR='' verified_key)" = "True False" ] || fail "verify read a disabled cache"
expect_error 2 "-o FILE is required" "$ts" calldata "$work/onchain.bin"

# The recursive profile proves with Poseidon2-M31 by default, and says so in the proof's header.
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/recursive.bin" \
  --profile recursive 2>/dev/null | grep -q "(poseidon2, profile recursive)" \
  || fail "prove --profile recursive did not use poseidon2"
"$ts" verify "$work/mlp.tsm" "$work/recursive.bin" | grep -q '^valid (98 bits of security)' \
  || fail "the recursive proof does not verify"
expect_error 1 "is a poseidon2 proof; the Starknet verifier reads poseidon252 proofs" "$ts" calldata \
  "$work/recursive.bin" -o "$work/x.json"
"$ts" inspect "$work/recursive.bin" >"$work/recursive.json"
grep -q '"hash": "poseidon2"' "$work/recursive.json" || fail "inspect does not name poseidon2"
expect_error 2 "--hash must be blake2s, poseidon252 or poseidon2" "$ts" prove "$work/mlp.tsm" \
  --input "$mlp/input.json" -o "$work/x.bin" --hash sha256

# Zero knowledge: the proof verifies and says so, states the same outputs, differs from a second
# proof of the same input (fresh randomness), and a flipped byte is rejected; its Starknet calldata
# has format version 5 and the zero-knowledge flag after the configuration.
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/zk.bin" --profile test --zk \
  --outputs "$work/zk_outputs.json" >/dev/null 2>&1
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/zk2.bin" --profile test --zk \
  >/dev/null 2>&1
cmp -s "$work/run.json" "$work/zk_outputs.json" || fail "prove --zk's outputs differ from run's"
"$ts" verify "$work/mlp.tsm" "$work/zk.bin" --min-security-bits 0 \
  | grep -q '^valid (8 bits of security, zero knowledge)' || fail "the ZK proof does not verify"
cmp -s "$work/zk.bin" "$work/zk2.bin" && fail "two zero-knowledge proofs are identical"
tamper_middle_byte "$work/zk.bin" "$work/zk_tampered.bin"
expect_error 1 "invalid" "$ts" verify "$work/mlp.tsm" "$work/zk_tampered.bin" --min-security-bits 0
"$ts" prove "$work/mlp.tsm" --input "$mlp/input.json" -o "$work/zk_onchain.bin" --profile test \
  --hash poseidon252 --zk >/dev/null 2>&1
"$ts" calldata "$work/zk_onchain.bin" -o "$work/zk_calldata.json" >/dev/null
python3 -c "import json,sys; c=json.load(open(sys.argv[1])); sys.exit(c[0]!='0x5' or c[7]!='0x1')" \
  "$work/zk_calldata.json" || fail "ZK calldata does not start with version 5 and its flag"
# Private inputs: the proof is zero-knowledge without --zk, states the commitment and the 10
# outputs only, verifies, and gives run's outputs; the model with public inputs rejects it.
"$ts" compile "$mlp/model.onnx" -o "$work/private.tsm" --calibration "$mlp/calibration.json" \
  --visibility input=private,output=public,weights=public | grep -q "private inputs" \
  || fail "compile --visibility input=private did not say so"
"$ts" prove "$work/private.tsm" --input "$mlp/input.json" -o "$work/private.bin" --profile test \
  --outputs "$work/private_outputs.json" 2>&1 | grep -q "zero knowledge" \
  || fail "a proof with private inputs is not zero-knowledge"
cmp -s "$work/run.json" "$work/private_outputs.json" || fail "private-input outputs differ from run's"
"$ts" verify "$work/private.tsm" "$work/private.bin" --min-security-bits 0 \
  | grep -q '^valid (8 bits of security, zero knowledge)' || fail "the private-input proof does not verify"
stated=$("$ts" inspect "$work/private.bin" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['public_inputs']))")
[ "$stated" = 18 ] || fail "a private-input proof states $stated values, expected 18"
expect_error 1 "invalid" "$ts" verify "$work/mlp.tsm" "$work/private.bin" --min-security-bits 0
# cairo-gen writes the final AIR, every model's: a model given is refused with a one-line error.
expect_error 2 "no model is taken" "$ts" cairo-gen "$work/mlp.tsm" -o "$work/air.cairo"
# Committed inputs and outputs: run prints their Poseidon2 digests, the zero-knowledge proof states
# the same (the commitment and two digests), and verify prints them; a proof of another input
# states another input digest.
"$ts" compile "$mlp/model.onnx" -o "$work/committed.tsm" --calibration "$mlp/calibration.json" \
  --visibility input=committed,output=committed,weights=public \
  | grep -q "committed inputs, committed outputs" \
  || fail "compile --visibility input=committed,output=committed did not say so"
"$ts" run "$work/committed.tsm" --input "$mlp/input.json" | grep "Poseidon2 digest" >"$work/run_digests.txt"
[ "$(wc -l <"$work/run_digests.txt")" = 2 ] || fail "run does not print the two digests"
"$ts" prove "$work/committed.tsm" --input "$mlp/input.json" -o "$work/committed.bin" \
  --profile test 2>/dev/null | grep "Poseidon2 digest" >"$work/prove_digests.txt"
cmp -s "$work/run_digests.txt" "$work/prove_digests.txt" || fail "prove states other digests than run's"
"$ts" verify "$work/committed.tsm" "$work/committed.bin" --min-security-bits 0 >"$work/verified.txt" \
  || fail "the committed proof does not verify"
grep "Poseidon2 digest" "$work/verified.txt" | cmp -s - "$work/run_digests.txt" \
  || fail "verify prints other digests than run's"
stated=$("$ts" inspect "$work/committed.bin" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['public_inputs']))")
[ "$stated" = 24 ] || fail "a committed proof states $stated values, expected 24"
# inspect with the model, and verify --json, list what the proof makes public: the two digests
# run printed.
public_digests() {
  python3 -c "
import json, sys
for t in json.load(sys.stdin)['public']['tensors']:
    print(f\"{t['kind']} '{t['name']}' {t['visibility']}: Poseidon2 digest {t['poseidon2_digest']}\")
"
}
"$ts" inspect "$work/committed.bin" "$work/committed.tsm" | public_digests \
  | cmp -s - "$work/run_digests.txt" || fail "inspect does not list the digests run printed"
"$ts" verify "$work/committed.tsm" "$work/committed.bin" --min-security-bits 0 --json \
  | public_digests | cmp -s - "$work/run_digests.txt" \
  || fail "verify --json does not list the digests run printed"
expect_error 1 "not a proof of this model" "$ts" inspect "$work/committed.bin" "$work/mlp.tsm"
python3 -c "import json; print(json.dumps({'input_data': [[v * 0.5 for v in json.load(open('$mlp/input.json'))['input_data'][0]]]}))" \
  >"$work/other_input.json"
"$ts" run "$work/committed.tsm" --input "$work/other_input.json" | grep "^input .*digest" \
  >"$work/other_digest.txt" || fail "run does not print the other input's digest"
grep "^input" "$work/run_digests.txt" | cmp -s - "$work/other_digest.txt" \
  && fail "another input has the same digest"

# compile's defaults, private inputs and weights and public outputs: compile writes the verifying
# model (no weights) next to the model and prints the weights' digest; the proof verifies against
# the verifying model, and verify and inspect name the same digest; the verifying model cannot run
# or prove; the proof of the model with other weights does not verify against it.
"$ts" compile "$tiny/model.onnx" -o "$work/private.tsm" >"$work/compiled.txt"
grep -q "46 private weights and biases, narrow layout, private inputs, public outputs" \
  "$work/compiled.txt" || fail "compile's defaults are not private inputs and weights"
digest=$(sed -n 's/^private weights: Poseidon2 digest //p' "$work/compiled.txt")
[ -n "$digest" ] || fail "compile does not print the weights' digest"
[ -f "$work/private.verifying.tsm" ] || fail "compile did not write the verifying model"
"$ts" prove "$work/private.tsm" --input "$tiny/input.json" -o "$work/private.bin" --profile test \
  >/dev/null 2>&1
"$ts" verify "$work/private.verifying.tsm" "$work/private.bin" --min-security-bits 0 \
  >"$work/verified.txt" || fail "the private-weights proof does not verify against the verifying model"
grep -q "valid (.*zero knowledge)" "$work/verified.txt" || fail "the private-weights proof is not zero-knowledge"
grep -q "weights private: Poseidon2 digest $digest" "$work/verified.txt" \
  || fail "verify does not name compile's weights digest"
weights=$("$ts" inspect "$work/private.bin" "$work/private.verifying.tsm" \
  | python3 -c "import json,sys; w = json.load(sys.stdin)['public']['weights']; print(w['visibility'], w['poseidon2_digest'])")
[ "$weights" = "private $digest" ] || fail "inspect says the weights are '$weights'"
tensors=$("$ts" inspect "$work/private.bin" "$work/private.verifying.tsm" | python3 -c "
import json, sys
print(*(t['kind'] + '=' + t['visibility'] for t in json.load(sys.stdin)['public']['tensors']))")
[ "$tensors" = "input=private output=public" ] || fail "inspect says the tensors are '$tensors'"
expect_error 1 "verifying model" "$ts" prove "$work/private.verifying.tsm" --input "$tiny/input.json" \
  -o "$work/x.bin"
expect_error 1 "verifying model" "$ts" run "$work/private.verifying.tsm" --input "$tiny/input.json"
# A proof that cannot fit in the memory the process may use is refused before any work, naming
# what would take less: the CIFAR-size CNN's 258k private weights make about 3 GiB of committed
# traces at the recursive profile, over 4 GiB at the prover's peak (prove's estimate), and ulimit
# -v leaves under 1 GiB.
cnn=$examples/cifar_cnn
"$ts" compile "$cnn/model.onnx" -o "$work/cnn_private.tsm" --calibration "$cnn/calibration.json" \
  >/dev/null
expect_error 1 "this proof needs more memory than is available: about" \
  bash -c 'ulimit -v 1000000 && exec "$@"' limited "$ts" prove "$work/cnn_private.tsm" \
  --input "$cnn/input.json" -o "$work/x.bin" --profile recursive --threads 2
grep -qE "about [0-9.]+ GiB at its peak \(at blowup 8\), and 0\.[0-9] GiB is available; it takes less with --profile fast or public weights" "$work/err" \
  || fail "the memory refusal names no sizes or no remedy: $(cat "$work/err")"
[ ! -e "$work/x.bin" ] || fail "a refused proof was written"
# Its inner proof's verifier circuit outgrows the standard size class of a compressed proof: the
# refusal names the option that takes it.
"$ts" prove "$work/cnn_private.tsm" --input "$cnn/input.json" -o "$work/cnn_recursive.bin" \
  --profile recursive >/dev/null 2>&1
expect_error 1 "more than the standard size class's 2^14 rows: compress --fit sizes the outer" \
  "$ts" compress "$work/cnn_private.tsm" "$work/cnn_recursive.bin" -o "$work/x.bin"
"$ts" compile "$tiny/model.onnx" -o "$work/other_private.tsm" --weight-frac-bits 7 >/dev/null
"$ts" prove "$work/other_private.tsm" --input "$tiny/input.json" -o "$work/other_private.bin" \
  --profile test >/dev/null 2>&1
expect_error 1 "invalid" "$ts" verify "$work/private.verifying.tsm" "$work/other_private.bin" \
  --min-security-bits 0

# Slices as torch exports them (end = INT64_MAX), an int64 output computed with an int64
# constant, a maximum and argmaxes over more than 64 elements, a masked softmax over rows of 300:
# the verified outputs are numpy's.
for name in open_slices last_slice argmax_offset wide_max wide_argmax long_softmax; do
  dir=$test_models/$name
  "$ts" compile "$dir/model.onnx" -o "$work/$name.tsm" --calibration "$dir/calibration.json" \
    --visibility "$public" >/dev/null
  "$ts" prove "$work/$name.tsm" --input "$dir/input.json" -o "$work/$name.bin" --profile test \
    >/dev/null 2>&1
  "$ts" verify "$work/$name.tsm" "$work/$name.bin" --min-security-bits 0 --json \
    >"$work/$name.json" || fail "the $name proof does not verify"
  python3 -c "
import json, sys
stated = [t for t in json.load(open(sys.argv[1]))['public']['tensors'] if t['kind'] == 'output']
want = json.load(open(sys.argv[2]))['output_data'][0]
got = stated[0]['values']
assert len(got) == len(want) and all(abs(g - w) < 0.01 for g, w in zip(got, want)), (got, want)
" "$work/$name.json" "$dir/float_outputs.json" || fail "$name: the proof states other outputs than numpy's"
done

# compile refuses, writing nothing, a model whose output a calibration outlier would make
# imprecise; --force compiles it anyway.
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
d['input_data'][0][3 * 8 + 5] = 1e30
json.dump(d, open(sys.argv[2], 'w'))" "$tiny/calibration.json" "$work/outlier.json"
expect_error 1 "calibration sample 3 has input 'input' element 5 = 1e+30" "$ts" compile \
  "$tiny/model.onnx" -o "$work/outlier.tsm" --calibration "$work/outlier.json"
[ -e "$work/outlier.tsm" ] && fail "compile wrote a model that loses its output's precision"
"$ts" compile "$tiny/model.onnx" -o "$work/outlier.tsm" --calibration "$work/outlier.json" \
  --force >/dev/null || fail "compile --force refused"

# Calibrated on values 255 times larger than the inputs it then runs on (0-255 pixels for a model
# fed 0-1): run and prove warn that the outputs may be imprecise.
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
d['input_data'] = [[v * 255 for v in values] for values in d['input_data']]
json.dump(d, open(sys.argv[2], 'w'))" "$tiny/calibration.json" "$work/times255.json"
"$ts" compile "$tiny/model.onnx" -o "$work/times255.tsm" --calibration "$work/times255.json" \
  >/dev/null
"$ts" run "$work/times255.tsm" --input "$tiny/input.json" 2>"$work/err" >/dev/null
grep -q "warning: input 'input' has at most 4 significant bits" "$work/err" \
  || fail "run did not warn of an input far below the calibrated range: $(cat "$work/err")"
"$ts" prove "$work/times255.tsm" --input "$tiny/input.json" -o "$work/x.bin" --profile test \
  2>"$work/err" >/dev/null
grep -q "the calibration set's values were far larger" "$work/err" || fail "prove did not warn"
"$ts" run "$work/mlp.tsm" --input "$mlp/input.json" 2>"$work/err" >/dev/null
[ -s "$work/err" ] && fail "run warned on an input like its calibration set: $(cat "$work/err")"

# A model over its --proof-memory budget is cut into slices: proved one at a time and verified as
# one, against the verifying model, stating the outputs the model in one slice states; a sliced
# proof is not one of the model in one slice, the commands that take one proof say which does
# (compress --profile onchain, whose final proof of a sliced model CTest
# cairo_final_proof_pinn_sliced verifies; tests/pipeline has the broken chains).
lenet=$examples/fashion_lenet
"$ts" compile "$lenet/model.onnx" -o "$work/sliced.tsm" --calibration "$lenet/calibration.json" \
  --proof-memory 0.5 | grep -q "^slices: 2, each proved on its own within 0.5 GiB" \
  || fail "compile --proof-memory 0.5 did not cut fashion_lenet in two"
"$ts" compile "$lenet/model.onnx" -o "$work/whole.tsm" --calibration "$lenet/calibration.json" \
  | grep -q "^slices:" && fail "fashion_lenet was cut within the default budget"
"$ts" prove "$work/sliced.tsm" --input "$lenet/input.json" -o "$work/sliced.bin" \
  --outputs "$work/sliced_out.json" 2>"$work/sliced_phases.txt" >/dev/null
grep -q "slice 2/2: commit main trace" "$work/sliced_phases.txt" || fail "prove named no slice"
"$ts" prove "$work/whole.tsm" --input "$lenet/input.json" -o "$work/whole.bin" \
  --outputs "$work/whole_out.json" 2>/dev/null >/dev/null
cmp -s "$work/sliced_out.json" "$work/whole_out.json" || fail "slices computed other outputs"
"$ts" verify "$work/sliced.verifying.tsm" "$work/sliced.bin" | grep -q '^valid' \
  || fail "the sliced proof does not verify"
expect_error 1 "invalid: the proof has 2 slices, the model 1" "$ts" verify \
  "$work/whole.verifying.tsm" "$work/sliced.bin"
expect_error 1 "invalid: the proof does not parse: not a sliced proof" "$ts" verify \
  "$work/sliced.verifying.tsm" "$work/whole.bin"
expect_error 1 "is a sliced proof .*: inspect does not take one; compress --profile onchain" \
  "$ts" inspect "$work/sliced.bin"
expect_error 1 "is a sliced proof .*: calldata does not take one; compress --profile onchain" \
  "$ts" calldata "$work/sliced.bin" -o "$work/x.json"
expect_error 1 "joins sliced proofs through the aggregation tree into a final proof only: add --profile onchain" \
  "$ts" compress "$work/sliced.verifying.tsm" "$work/sliced.bin" -o "$work/x.bin"
expect_error 1 "sliced.bin (slice 1 of 2) is a blake2s proof; compress takes proofs made with --profile recursive" \
  "$ts" compress "$work/sliced.verifying.tsm" "$work/sliced.bin" -o "$work/x.bin" --profile onchain
# Below what its largest operators need: they are split into parts, which prove the same outputs.
"$ts" compile "$lenet/model.onnx" -o "$work/parts.tsm" --calibration "$lenet/calibration.json" \
  --proof-memory 0.2 >"$work/parts.out"
operators=$(sed -n 's/^wrote .*parts.tsm: \([0-9]*\) operators.*/\1/p' "$work/parts.out")
[ "${operators:-0}" -gt 7 ] || fail "no operator of fashion_lenet was split at 0.2 GiB"
"$ts" prove "$work/parts.tsm" --input "$lenet/input.json" -o "$work/parts.bin" \
  --outputs "$work/parts_out.json" >/dev/null 2>&1
cmp -s "$work/parts_out.json" "$work/whole_out.json" || fail "split operators computed other outputs"
"$ts" verify "$work/parts.verifying.tsm" "$work/parts.bin" | grep -q '^valid' \
  || fail "the proof of split operators does not verify"
expect_error 1 "alone needs about .* GiB to prove, more than the 0.1 GiB a slice may take, and it cannot be split further: compile --proof-memory 0.[2-9] would let it" \
  "$ts" compile "$lenet/model.onnx" -o "$work/x.tsm" --proof-memory 0.1
expect_error 2 "--proof-memory must be a number of GiB, at least 1/1024, got 'lots'" \
  "$ts" compile "$lenet/model.onnx" -o "$work/x.tsm" --proof-memory lots

# The aggregation tree's steps one at a time, as separate machines would take them (pinn in two
# slices): each slice proved alone under the salts file the first creates (this user's alone),
# joined and verified as the sliced proof; a leaf per slice and their node, whose top `tree check`
# accepts for the proof and refuses for a leaf alone; a node of the slices swapped is refused (the
# last slice's facts chain ends after the output it states, the first's starts at zero).
# (The final proof of such a top is `compress`'s, verified in Cairo by cairo_final_proof_pinn_sliced.)
pinn=$examples/pinn
"$ts" compile "$pinn/model.onnx" -o "$work/pinn2.tsm" --calibration "$pinn/calibration.json" \
  --proof-memory 1.3 | grep -q "^slices: 2" || fail "pinn at 1.3 GiB is not in two slices"
# The final-proof fixture CI verifies in Cairo is of such a model (made again whenever the
# slices' estimates change): inspect with its model reads the whole model's statement from it,
# and each slice's weights digest.
pinn_fixture=$(dirname "$0")/../final-proofs/pinn_sliced
"$ts" inspect "$pinn_fixture/final.bin" "$pinn_fixture/model.verifying.tsm" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['compressed']['final'], d['compressed']
assert len(d['public']['weights']['slices_poseidon2_digests']) == 2, d['public']['weights']
assert [t['visibility'] for t in d['public']['tensors']] == ['private', 'public'], d['public']
" || fail "inspect of the sliced pinn fixture with its model"
for k in 1 2; do
  "$ts" prove "$work/pinn2.tsm" --input "$pinn/input.json" --slice $k --salts "$work/salts.bin" \
    -o "$work/slice$k.bin" >/dev/null 2>&1 || fail "prove --slice $k"
done
[ "$(stat -c %a "$work/salts.bin")" = 600 ] || fail "the salts file is readable by others"
expect_error 2 "--slice and --salts go together" "$ts" prove "$work/pinn2.tsm" \
  --input "$pinn/input.json" --slice 1 -o "$work/x.bin"
expect_error 1 "the model is proved in 2 slices, not 3" "$ts" prove "$work/pinn2.tsm" \
  --input "$pinn/input.json" --slice 3 --salts "$work/salts.bin" -o "$work/x.bin"
"$ts" tree join "$work/pinn2.tsm" "$work/slice1.bin" "$work/slice2.bin" -o "$work/joined.bin" \
  >/dev/null
"$ts" verify "$work/pinn2.verifying.tsm" "$work/joined.bin" | grep -q '^valid' \
  || fail "the joined slices do not verify"
for j in 1 2; do
  "$ts" tree leaf "$work/pinn2.tsm" "$work/joined.bin" --leaf $j -o "$work/leaf$j.tstp" \
    >/dev/null 2>&1 || fail "tree leaf $j"
done
"$ts" tree node "$work/leaf1.tstp" "$work/leaf2.tstp" -o "$work/top.tstp" >/dev/null 2>&1 \
  || fail "tree node"
"$ts" tree check "$work/pinn2.verifying.tsm" "$work/joined.bin" --top "$work/top.tstp" \
  | grep -q "^valid: the top of the tree over 1 proof(s), 2 leaves" || fail "tree check"
expect_error 1 "invalid: the tree proof does not hold these proofs: the tree holds the expected leaves" \
  "$ts" tree check "$work/pinn2.verifying.tsm" "$work/joined.bin" --top "$work/leaf1.tstp"
expect_error 1 "the children cannot be joined: the children.s facts chains meet" \
  "$ts" tree node "$work/leaf2.tstp" "$work/leaf1.tstp" -o "$work/x.tstp"
expect_error 1 "the tree over these proofs has 2 leaves, not 3" "$ts" tree leaf \
  "$work/pinn2.tsm" "$work/joined.bin" --leaf 3 -o "$work/x.tstp"
expect_error 1 "not a tree proof (no TSTP header)" "$ts" tree node "$work/slice1.bin" \
  "$work/leaf2.tstp" -o "$work/x.tstp"

# Every command answers --help on stdout with exit 0. (Read whole before grep: with pipefail, a
# help over one 4 KiB write would fail on SIGPIPE once grep -q has matched its first line.)
for command in compile run prove verify compress tree inspect calldata cairo-gen bench selfcheck \
  version; do
  help=$("$ts" "$command" --help) || fail "$command --help exits with $?"
  grep -q "^usage: tensorstark $command" <<<"$help" || fail "$command --help"
done
help=$("$ts" --help) || fail "tensorstark --help exits with $?"
grep -q "^usage: tensorstark" <<<"$help" || fail "tensorstark --help"

# Output folders are created; a file that cannot be written is named with the reason.
"$ts" run "$work/mlp.tsm" --input "$mlp/input.json" --output "$work/new/folder/run.json" >/dev/null
cmp -s "$work/run.json" "$work/new/folder/run.json" || fail "run --output in a new folder"
expect_error 1 "cannot write '/dev/full': No space left on device" "$ts" run "$work/mlp.tsm" \
  --input "$mlp/input.json" --output /dev/full
expect_error 1 "cannot write '$work/mlp.tsm/x.bin': .*Not a directory" "$ts" prove "$work/mlp.tsm" \
  --input "$mlp/input.json" -o "$work/mlp.tsm/x.bin" --profile test

# Bad input.
expect_error 2 "--layout must be narrow or wide" "$ts" compile "$mlp/model.onnx" \
  -o "$work/x.tsm" --layout tall
expect_error 2 "input must be public, committed or private, not 'secret'" "$ts" compile "$mlp/model.onnx" \
  -o "$work/x.tsm" --visibility input=secret
expect_error 2 "weights must be public or private, not 'committed'" "$ts" compile "$mlp/model.onnx" \
  -o "$work/x.tsm" --visibility weights=committed
expect_error 2 "is not GROUP=V" "$ts" compile "$mlp/model.onnx" -o "$work/x.tsm" --visibility inputs
expect_error 2 "--weight-frac-bits must be auto or an integer in .0, 24., got 'half'" \
  "$ts" compile "$mlp/model.onnx" -o "$work/x.tsm" --weight-frac-bits half
echo '{"input_data": [[1, 2]]}' >"$work/short.json"
expect_error 1 "values" "$ts" prove "$work/mlp.tsm" --input "$work/short.json" -o "$work/x.bin"
expect_error 1 "cannot open" "$ts" prove "$work/missing.tsm" --input "$mlp/input.json" -o "$work/x.bin"
expect_error 1 "not a compiled tensorstark model" "$ts" verify "$mlp/input.json" "$work/proof.bin"
expect_error 2 "--input FILE is required" "$ts" prove "$work/mlp.tsm" -o "$work/x.bin"
expect_error 2 "no proof given" "$ts" verify "$work/mlp.tsm"
echo "model commands: ok"
