# Sourced by the CLI test scripts once they have set $work (their scratch folder).

fail() { echo "FAIL: $*"; exit 1; }

# expect_error CODE SUBSTRING COMMAND...: the command exits with CODE and one stderr line naming
# SUBSTRING.
expect_error() {
  local code=$1 text=$2; shift 2
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = "$code" ] || fail "$* exited $status, expected $code: $(cat "$work/err")"
  grep -q -- "$text" "$work/err" "$work/out" || fail "$* did not say '$text': $(cat "$work/err" "$work/out")"
}
