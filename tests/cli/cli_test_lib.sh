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

# tamper_middle_byte SRC DST: DST is SRC with its middle byte XORed with 0x5a, so the byte always
# changes (overwriting it with a constant left it unchanged when it already held that value).
tamper_middle_byte() {
  local size offset byte
  size=$(stat -c %s "$1")
  offset=$((size / 2))
  byte=$(od -An -tu1 -j "$offset" -N1 "$1" | tr -d ' ')
  cp "$1" "$2"
  printf "\\$(printf '%03o' $((byte ^ 0x5a)))" \
    | dd of="$2" bs=1 seek="$offset" conv=notrunc status=none
  cmp -s "$1" "$2" && fail "the middle byte of $2 did not change"
  return 0
}
