#!/usr/bin/env bash
# Checks the C ABI (bindings/c): builds libeseal, fails when the committed header differs
# from a freshly generated one, compiles the C tests and examples with -Werror, runs them
# plainly, under valgrind and with AddressSanitizer on the C side, links once through the
# pkg-config file against the shared library, and compares examples/c/verify's verdicts with
# `eseal verify --json` on the ofdrw sample documents.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '[c-abi] %s\n' "$*"; }

vectors=${ESEAL_SHARED_VECTORS:-$root/../shared/test-vectors}/ofdrw
target=${CARGO_TARGET_DIR:-$root/target}/debug
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say "cargo build -p eseal-ffi -p eseal-cli"
cargo build --locked -p eseal-ffi -p eseal-cli

say "header is up to date (cbindgen)"
command -v cbindgen >/dev/null || { echo "cbindgen missing: cargo install cbindgen --locked" >&2; exit 1; }
cbindgen --quiet --config bindings/c/cbindgen.toml --crate eseal-ffi --output "$work/eseal.h" bindings/c
if ! diff -u bindings/c/include/eseal.h "$work/eseal.h"; then
  echo "bindings/c/include/eseal.h is stale: regenerate it with" >&2
  echo "  cbindgen --config bindings/c/cbindgen.toml --crate eseal-ffi --output bindings/c/include/eseal.h bindings/c" >&2
  exit 1
fi

cflags=(-std=c11 -Wall -Wextra -Werror -g -Ibindings/c/include)
libs=("$target/libeseal.a" -lpthread -ldl -lm)
programs=()
for src in bindings/c/tests/*.c examples/c/*.c; do
  name=$(basename "$src" .c)
  say "gcc $src"
  gcc "${cflags[@]}" "$src" "${libs[@]}" -o "$work/$name"
  gcc "${cflags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer "$src" "${libs[@]}" \
    -o "$work/$name.asan"
  programs+=("$name")
done

ofds=("$vectors"/*.ofd)
run_all() { # PREFIX... : runs every test and the example with a command prefix
  for src in bindings/c/tests/*.c; do
    "$@" "$work/$(basename "$src" .c)${suffix:-}" "$vectors"
  done
  # The example exits 1 for documents that are not valid; crashes and the checkers' own exit
  # codes (valgrind 99, ASan 98, UBSan 97) fail here.
  local rc=0
  "$@" "$work/verify${suffix:-}" "${ofds[@]}" >"$work/verify.out" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "examples/c/verify failed with $rc" >&2
    exit 1
  fi
}

say "run"
suffix="" run_all
say "run under valgrind"
suffix="" run_all valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
say "run with AddressSanitizer (C side)"
ASAN_OPTIONS=detect_leaks=1:exitcode=98 UBSAN_OPTIONS=halt_on_error=1:exitcode=97 suffix=".asan" run_all

say "same verdicts as eseal verify --json (no anchors, default policy)"
for f in "${ofds[@]}"; do
  want=$("$target/eseal" verify "$f" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])') || true
  got=$(grep -F "$f: " "$work/verify.out" | head -n1 | sed -e "s|^$f: ||" -e 's|:.*||')
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "$f: eseal verify says '$want', examples/c/verify says '$got'" >&2
    exit 1
  fi
  say "  $(basename "$f"): $got"
done

say "pkg-config, shared library"
sed -e "s|@PREFIX@|$root|" -e "s|@LIBDIR@|$target|" -e "s|@INCLUDEDIR@|$root/bindings/c/include|" \
  bindings/c/eseal.pc.in >"$work/eseal.pc"
# shellcheck disable=SC2046
gcc "${cflags[@]}" examples/c/verify.c $(PKG_CONFIG_PATH="$work" pkg-config --cflags --libs eseal) \
  -o "$work/verify.shared"
LD_LIBRARY_PATH="$target" "$work/verify.shared" "$vectors/v4signed.ofd" >/dev/null || [ $? -eq 1 ]

say "C ABI checks passed (${programs[*]})"
