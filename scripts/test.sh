#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, all tests (with cross-implementation tests,
# whose tools this script installs), doc tests and rustdoc warnings.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "install cross-test tools"
scripts/install-test-tools.sh
# Tools are installed now: a cross-test that cannot find its tool must fail, not skip.
export ESEAL_REQUIRE_CROSS_TOOLS=1

step "MSRV of dependencies"
python3 scripts/check-msrv.py

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (unit, integration, doc)"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
cargo test --workspace --all-targets --locked 2>&1 | tee -a "$results"
cargo test --workspace --doc --locked 2>&1 | tee -a "$results"

step "C ABI (header, C tests, valgrind, AddressSanitizer)"
scripts/c-abi.sh

step "WebAssembly (core for wasm32 verify-only, eseal-wasm package, Node and browser tests)"
scripts/wasm.sh

step "cargo doc -D warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "fuzz smoke (every target briefly)"
scripts/fuzz-smoke.sh

step "all checks passed"
# One plain closing line with the totals of every cargo test run above.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, i }' "$results"
