#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 60) with the persistent
# corpus under fuzz/corpus/<target>, and fails on any crash, timeout or out-of-memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Options (environment):
#   FUZZ_CMIN=1     minimise each target's corpus afterwards (cargo fuzz cmin), as committed
#   FUZZ_SHARED=1   also seed from ../shared/test-vectors; the corpus then goes to
#                   target/fuzz-corpus/<target> (derived from files we must not copy into the
#                   project, so it is never committed)
#   FUZZ_SCRATCH=1  work on a throw-away copy of the corpus (CI smoke runs: the tree stays clean)
#   FUZZ_JOBS=N     run N targets at a time (default 1; one core each, e.g. the long runs)
#
# Seeds: the project's own files listed in fuzz/seeds/<target>.list (paths relative to the
# project root) and the files `eseal demo` makes (seals of every version, signed OFD, detached
# SES signature, keys, certificates), sorted to targets by kind. A summary table (executions per
# second, corpus size, peak RSS per target) ends the run; logs are in target/fuzz-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds="${1:-60}"
shift || true

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet

logs="$root/target/fuzz-logs"
seeds="$root/target/fuzz-seeds"
rm -rf "$seeds" && mkdir -p "$logs" "$seeds"

# Seeds made by eseal itself: realistic, and ours to keep in a committed corpus.
cargo run --quiet -p eseal-cli -- demo --out "$seeds/demo" >/dev/null
seed_demo() { # target, file patterns...
  local t=$1; shift
  mkdir -p "$seeds/$t"
  for p in "$@"; do cp "$seeds/demo/"$p "$seeds/$t/" 2>/dev/null || true; done
}
seed_demo ses_seal '*.esl'
seed_demo ses_signature '*.sig'
seed_demo document '*.esl' '*.sig' '*.ofd'
seed_demo ofd_package '*.ofd'
seed_demo ofd_verify '*.ofd'
seed_demo keyfile '*.key' '*.pem'
seed_demo x509_certificate '*.pem'
seed_demo sm2_keys '*.key'

# Only now: build scripts (proc-macro2, libc) rerun when RUSTC_BOOTSTRAP changes, so setting it
# before the demo build above would rebuild the whole workspace.
export RUSTC_BOOTSTRAP=1   # stable toolchain; cargo-fuzz passes -Z flags
cd fuzz
if [ "$#" -gt 0 ]; then targets="$*"; else targets=$(cargo fuzz list); fi
cargo fuzz build --sanitizer none >"$logs/build.log" 2>&1 || { tail -40 "$logs/build.log"; exit 1; }

summary="$logs/summary.tsv"
rm -f "$logs"/*.row
# One target: seed, run, optionally minimise, write its summary row. Fails on crash/timeout/OOM.
fuzz_one() {
  local t=$1 corpus log execs rss files kib
  mkdir -p "$seeds/$t"
  if [ -f "seeds/$t.list" ]; then
    while IFS= read -r f; do
      [ -z "$f" ] && continue
      case "$f" in ../shared/*) [ "${FUZZ_SHARED:-0}" = 1 ] || continue ;; esac
      if [ -f "../$f" ]; then cp "../$f" "$seeds/$t/"; fi
    done <"seeds/$t.list"
  fi
  corpus="corpus/$t"
  if [ "${FUZZ_SHARED:-0}" = 1 ]; then
    corpus="$root/target/fuzz-corpus/$t"
    mkdir -p "$corpus" && cp -n "corpus/$t/"* "$corpus/" 2>/dev/null || true
  elif [ "${FUZZ_SCRATCH:-0}" = 1 ]; then
    corpus="$root/target/fuzz-scratch/$t"
    rm -rf "$corpus" && mkdir -p "$corpus" && cp "corpus/$t/"* "$corpus/" 2>/dev/null || true
  fi
  mkdir -p "$corpus"
  echo "fuzz $t for ${seconds}s"
  log="$logs/$t.log"
  if ! cargo fuzz run --sanitizer none "$t" "$corpus" "$seeds/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t failed: crash, timeout or OOM (input saved under fuzz/artifacts/$t/)"
    return 1
  fi
  if [ "${FUZZ_CMIN:-0}" = 1 ] && [ "${FUZZ_SCRATCH:-0}" != 1 ]; then
    cargo fuzz cmin --sanitizer none "$t" "$corpus" >"$logs/$t.cmin.log" 2>&1 ||
      { tail -20 "$logs/$t.cmin.log"; echo "cmin of $t failed"; return 1; }
  fi
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  kib=$(du -sk --apparent-size "$corpus" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$seconds" "${execs:-?}" "$files" "$kib" "${rss:-?}" \
    >"$logs/$t.row"
}
export -f fuzz_one
export seconds seeds logs root
# Cargo serialises on the build lock; the targets are built above, so parallel runs only read.
status=0
printf '%s\n' $targets | xargs -P "${FUZZ_JOBS:-1}" -I{} bash -c 'fuzz_one "$@"' _ {} || status=1
printf 'target\tseconds\texec/s\tcorpus files\tcorpus KiB\tpeak RSS MB\n' >"$summary"
for t in $targets; do [ -f "$logs/$t.row" ] && cat "$logs/$t.row" >>"$summary"; done
column -t -s $'\t' "$summary"
exit "$status"
