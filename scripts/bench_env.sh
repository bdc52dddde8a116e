# Sourced by the bench_*.sh scripts, from the repository root: checks the CLI of the build folder
# (argument 2, default build), sets $cli and $out (argument 1, a file under bench/results/, emptied)
# and a scratch folder $work removed on exit.
build=${2:-build}
cli="$build/tensorstark"
[ -x "$cli" ] || { echo "missing $cli: run make build first" >&2; exit 1; }
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
: > "$out"
