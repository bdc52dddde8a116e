# Sourced by the bench_*.sh scripts, from the repository root: checks the CLI of the build folder
# (argument 2, default build), sets $cli and $out (argument 1, a file under bench/results/, emptied
# unless BENCH_APPEND=1, which adds rows of another build or machine to it) and a scratch folder
# $work removed on exit.
build=${2:-build}
cli="$build/tensorstark"
[ -x "$cli" ] || { echo "missing $cli: run make build first" >&2; exit 1; }
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
[ "${BENCH_APPEND:-}" = 1 ] || : > "$out"
# A fresh key cache: the first verification of a model files its verifying key, so the later verify
# rows time a verifier that holds its key (key_from_cache), as a deployed one does.
export TENSORSTARK_CACHE_DIR="$work/cache"

# The machine every row names: the CPU's model and the SIMD level the build was configured for.
machine="cpu='$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)', simd='$(sed -n 's/.*tensorstark SIMD level: //p' "$build/configure.log" 2>/dev/null)'"

# Appends a JSON row to $out: a proof of MODEL on INPUT into $work/proof.bin (prove --json on 2
# threads, with the options given after INPUT), kind 'prove', tagged with TAG (Python keyword
# arguments, e.g. "example='x', run=1").
bench_prove() {
  local tag=$1 model=$2 input=$3
  shift 3
  "$cli" prove "$model" --input "$input" -o "$work/proof.bin" --threads 2 --json "$@" 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.update(kind='prove', $machine, $tag); print(json.dumps(d))" \
      >>"$out"
}

# Appends a JSON row to $out: $work/proof.bin verified against MODEL (verify --json, without what
# the proof makes public), kind 'verify', tagged with TAG.
bench_verify() {
  local tag=$1 model=$2
  "$cli" verify "$model" "$work/proof.bin" --json |
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.pop('public'); d.update(kind='verify', $machine, $tag); print(json.dumps(d))" \
      >>"$out"
}
