#!/usr/bin/env bash
# The README's shell commands, as a new user runs them from the repository's root: every command
# of its sh blocks is run (in a scratch copy of the paths they use), or checked where running it
# needs what CI has not (a Starknet account, Scarb), or is CI itself (make demo, make test). A
# command this test does not know fails it, so a command added to the README gets a check here.
# The quickstart's proof must verify, and the Starknet steps' proof too.
# usage: readme_commands_test.sh TENSORSTARK REPOSITORY_ROOT
set -euo pipefail
ts=$(realpath "$1")
root=$(realpath "$2")
work=$(mktemp -d)  # the scratch root, and the commands' output in $work/log
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export TENSORSTARK_CACHE_DIR=$work/cache  # compress's and verify's key cache

# The scratch root: the examples and scripts the commands read, and build/tensorstark.
mkdir -p "$work/build" "$work/log"
ln -s "$root/examples" "$work/examples"
ln -s "$root/scripts" "$work/scripts"
ln -s "$root/node_modules" "$work/node_modules"
ln -s "$ts" "$work/build/tensorstark"

# The commands of the README's sh blocks, continuation lines joined, comments dropped.
/usr/bin/env python3 - "$root/README.md" >"$work/log/commands.txt" <<'EOF'
import re, sys
blocks = re.findall(r"^```sh\n(.*?)^```", open(sys.argv[1]).read(), re.S | re.M)
for block in blocks:
    for command in block.replace("\\\n", " ").splitlines():
        command = re.sub(r"\s+#.*$", "", command).strip()
        if command and not command.startswith("#"):
            print(re.sub(r"\s+", " ", command))
EOF
[ "$(grep -c "^build/tensorstark" "$work/log/commands.txt")" -ge 6 ] \
  || fail "found too few tensorstark commands in the README: $(cat "$work/log/commands.txt")"

cd "$work"
ran=0
while IFS= read -r command; do
  case $command in
    "make demo" | "make test") ;;  # CI runs make test; make demo's steps are these commands
    "make deploy "* | "make verify-onchain "*)  # an account; deploy_dry_run runs their script
      make -s -n -C "$root" ${command#make } >/dev/null || fail "make cannot run '$command'" ;;
    "make cli" | "make python")
      make -s -n -C "$root" ${command#make } >/dev/null || fail "make has no target ${command#make }" ;;
    # CTest python_example runs it, with the module this build made.
    "PYTHONPATH=build/python /usr/bin/python3 examples/python/"*)
      [ -f "$root/${command##* }" ] || fail "'$command': no ${command##* }" ;;
    build/tensorstark\ *)
      eval "$command" </dev/null >"$work/log/stdout" 2>"$work/log/stderr" \
        || fail "'$command' failed: $(tail -n 3 "$work/log/stderr")"
      case $command in
        *" verify "*" --json > "*)  # its verdict is in the file it writes
          grep -q '"valid":true' "${command##*> }" || fail "'$command' did not say valid" ;;
        *" verify "*) grep -q "^valid (" "$work/log/stdout" || fail "'$command' did not say valid" ;;
      esac
      ran=$((ran + 1)) ;;
    # The Cairo runner's verification of a final proof is CTest cairo_verify_final's; deploy.mjs's
    # transactions, deploy_dry_run's.
    "node scripts/cairo/verify_final.mjs "* | "node scripts/deploy.mjs "*)
      script=${command#node }
      node "${script%% *}" --help >/dev/null || fail "${script%% *} --help" ;;
    "(cd verifier-cairo && scarb --release build)" | "export STARKNET_"*) ;;  # Scarb, an account
    *) fail "the README shows a command this test does not know: $command" ;;
  esac
done <"$work/log/commands.txt"
echo "README commands: ok ($ran tensorstark commands run)"
