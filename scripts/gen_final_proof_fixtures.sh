#!/usr/bin/env bash
# Makes the final proofs of the examples that CI verifies through the Cairo fact registry
# (tests/final-proofs/MODEL/: the verifying model and the final proof; CTest
# cairo_final_proof_MODEL). Each example is compiled with compile's defaults (private inputs and
# weights; cifar_cnn's 258k private weights make its inner proof's verifier circuit need 22,474
# Poseidon2 gates, more than the direct path's standard class's 2^14, so its final proof goes
# through the aggregation tree as one leaf), proved with the recursive profile and compressed into
# its final proof (compress --profile onchain), as `make verify-cairo` does. About 1.5 minutes a model on a 2-vCPU AMD EPYC
# with AVX-512 (10.7-13.3 minutes on an AVX2-only one before the private weights' sponge took a
# permutation per row), which is why CI verifies these proofs rather than making them (it makes
# tiny_mlp's, compress_commands). Run it again when the proof format, the recursion circuit, the
# final AIR or a model's inner AIR changes: the native verifier then rejects the old proofs and
# the test fails. The wasm Cairo runner crashes on some proofs whatever they prove (RuntimeError:
# unreachable, in both layouts verify_final.mjs tries): make such a proof again.
# pinn_sliced is pinn compiled with --proof-memory 1.3, so that it is proved in two slices (its
# Tanh lookup alone needs about 1.2 GiB by the estimate, the whole 1.4) joined by the aggregation tree into its
# final proof (docs/pipeline.md).
# Usage: scripts/gen_final_proof_fixtures.sh [build-dir [model ...]] (default: the five below)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
models=("${@:2}")
[ ${#models[@]} -gt 0 ] || models=(fashion_mlp fashion_lenet pinn cifar_cnn pinn_sliced)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for model in "${models[@]}"; do
  example="${model%_sliced}"
  [ -d "examples/$example" ] || { echo "gen_final_proof_fixtures.sh: no example $example" >&2; exit 2; }
  options=()
  [ "$model" = pinn_sliced ] && options=(COMPILE_OPTIONS="--proof-memory 1.3")
  echo "== $model: compile, prove (recursive), compress --profile onchain" >&2
  start=$SECONDS
  make --no-print-directory prove BUILD="$build" MODEL="examples/$example" OUT="$work/$model" \
    COMPRESS=1 OUTER_PROFILE=onchain PROOF=final "${options[@]}" >"$work/$model.log" 2>&1 \
    || { tail -n 20 "$work/$model.log" >&2; exit 1; }
  verifying="$work/$model/$example/model.verifying.tsm"
  [ -e "$verifying" ] || verifying="$work/$model/$example/model.tsm"
  out="tests/final-proofs/$model"
  mkdir -p "$out"
  cp "$verifying" "$out/model.verifying.tsm"
  cp "$work/$model/$example/final.compressed.bin" "$out/final.bin"
  "$build/tensorstark" verify "$out/model.verifying.tsm" "$out/final.bin" >/dev/null
  echo "   $out: $(stat -c %s "$out/final.bin") bytes of proof, $((SECONDS - start)) s" >&2
done
