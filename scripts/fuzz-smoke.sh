#!/usr/bin/env bash
# Runs every fuzz target briefly (default 8 s each) so that CI catches a target that no longer
# builds or a panic the seeds already reach. Long runs are for developers (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-8}"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1   # stable toolchain; cargo-fuzz passes -Z flags

cd fuzz
targets=$(cargo fuzz list)
cargo fuzz build --sanitizer none
for t in $targets; do
  corpus="corpus/$t"
  mkdir -p "$corpus"
  # Seeds: the files named in seeds/<target>.list (paths relative to the project root).
  if [ -f "seeds/$t.list" ]; then
    while IFS= read -r f; do
      [ -n "$f" ] && [ -f "../$f" ] && cp "../$f" "$corpus/" || true
    done < "seeds/$t.list"
  fi
  echo "fuzz $t for ${seconds}s"
  cargo fuzz run --sanitizer none "$t" "$corpus" -- -max_total_time="$seconds" >"/tmp/fuzz-$t.log" 2>&1 || {
    tail -40 "/tmp/fuzz-$t.log"; echo "fuzz target $t failed"; exit 1; }
done
