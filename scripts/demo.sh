#!/usr/bin/env bash
# `make demo`: the main job from a fresh checkout, one header per step with its time. Builds only
# the command line, then: the foundation self-check; fashion_mlp (an MLP on Fashion-MNIST)
# compiled, proved and verified natively with everything public, then with compile's defaults
# (private inputs and weights: a zero-knowledge proof, checked against the model without its
# weights); then the Starknet path: a scoring model (tiny_mlp) compiled on the spot with a context
# (an applicant's address and a nonce), proved, compressed into the final proof, and verified in
# Cairo by the one final verifier every model shares, as Starknet runs it: the fact registry
# records its fact, and the lending example approves the applicant with the fact of that
# statement. Writes into OUT (out/demo).
#
# Usage: scripts/demo.sh BUILD_DIR [JOBS]   (BUILD_DIR configured: make configure)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:?usage: scripts/demo.sh BUILD_DIR [JOBS]}
jobs=${2:-$(nproc)}
out=${OUT:-out/demo}
model=examples/fashion_mlp
scoring=examples/tiny_mlp
# The applicant (a Starknet address) and the nonce the lending contract has not seen.
applicant=0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7
nonce=1
cli=$build/tensorstark
steps=6
step_number=0
started=$SECONDS

# step TITLE COMMAND...: a header, the command's own output, then the step's wall time.
step() {
  local title=$1 start=$SECONDS
  shift
  step_number=$((step_number + 1))
  printf '\n== [%d/%d] %s\n' "$step_number" "$steps" "$title"
  "$@"
  printf -- '-- %s: %d s\n' "$title" $((SECONDS - start))
}

# The CLI alone, its compiler's output in a log; on a terminal, the build's percentage.
build_cli() {
  local log=$build/demo-build.log status
  echo "building $cli ($jobs jobs; the compiler's output in $log)"
  set +e
  cmake --build "$build" --target tensorstark -j "$jobs" 2>&1 | tee "$log" | {
    if [ -t 1 ]; then
      while IFS= read -r line; do
        [[ $line =~ ^\[\ *([0-9]+)%\] ]] && printf '\r  %s%%' "${BASH_REMATCH[1]}"
      done
      printf '\r      \r'
    else
      cat > /dev/null
    fi
  }
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    tail -n 30 "$log"
    echo "demo: the build failed (the whole log: $log)" >&2
    exit 1
  fi
}

# compile_prove_verify DIR VISIBILITY: compile the example into DIR, prove its input and verify
# the proof against what a verifier holds (with private weights, the model without them).
compile_prove_verify() {
  local dir=$1 visibility=$2
  mkdir -p "$dir"
  "$cli" compile $model/model.onnx -o "$dir/model.tsm" --calibration $model/calibration.json \
    ${visibility:+--visibility "$visibility"}
  echo
  "$cli" prove "$dir/model.tsm" --input $model/input.json -o "$dir/proof.bin" \
    --outputs "$dir/outputs.json"
  echo
  local verifying=$dir/model.tsm
  [ -f "$dir/model.verifying.tsm" ] && verifying=$dir/model.verifying.tsm
  "$cli" verify "$verifying" "$dir/proof.bin"
}

# The scoring model with compile's defaults and a context, its proof for the applicant compressed
# into the final proof (compress --profile onchain), verified natively, and the calldata a
# transaction sends.
prove_final() {
  local dir=$out/scoring
  mkdir -p "$dir"
  "$cli" compile $scoring/model.onnx -o "$dir/model.tsm" --calibration $scoring/calibration.json \
    --context 2 | tail -n 6
  echo
  "$cli" prove "$dir/model.tsm" --input $scoring/input.json -o "$dir/proof.bin" \
    --context "$applicant,$nonce" --compress --outer-profile onchain
  echo
  "$cli" verify "$dir/model.verifying.tsm" "$dir/proof.bin"
  "$cli" calldata "$dir/model.verifying.tsm" "$dir/proof.bin" -o "$dir/calldata.json"
}

step "build the command line" build_cli
step "self-check of the field, FFT, hash and prover layers" "$cli" selfcheck
step "fashion_mlp, everything public: compile, prove, verify" \
  compile_prove_verify "$out/public" input=public,weights=public
step "fashion_mlp with compile's defaults (private input and weights, zero knowledge)" \
  compile_prove_verify "$out/private" ""
step "a score for a Starknet applicant: compile with a context, prove, compress into the final proof (12 GB; 2.5 minutes with AVX-512 IFMA, 11-15 with AVX2 only)" \
  prove_final
# The score is output word 1; the lending example approves from 0.5.
step "the final proof verified in Cairo by the one final verifier, its fact recorded, the loan approved" \
  node scripts/cairo/verify_final.mjs "$cli" "$out/scoring/model.verifying.tsm" \
  "$out/scoring/proof.bin" --lending 1:0.5
printf '\ndemo: done in %d s; its files are in %s\n' $((SECONDS - started)) "$out"
