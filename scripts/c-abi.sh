#!/usr/bin/env bash
# Checks the C ABI (bindings/c): builds libeseal, fails when the committed header differs
# from a freshly generated one, compiles the C tests and examples with -Werror, runs them
# plainly, under valgrind and with AddressSanitizer on the C side, links once through the
# pkg-config file against the shared library, compares examples/c/verify's verdicts with
# `eseal verify --json` on the ofdrw sample documents, and checks that the OFD
# examples/c/stamp makes verifies the same with the CLI. The C tests also call the openssl CLI
# (SM2 and SM4 cross-checks). The PDF, timestamp, license and limits tests work on the files of
# `eseal demo` (made in the work directory); the PDFs they sign are checked with qpdf --check,
# pdfsig and eseal verify, the license 2D code with zbarimg, and a TSA callback is fed the
# TimeStampResp rejection of `openssl ts -reply`.
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

say "SM4 vectors for the C tests (test-vectors/sm4*)"
# One case a line for tests/test_crypto.c: MODE RC KEY IV AAD MSG CT (hex, "-" when empty; RC
# the eseal_result a decryption of an invalid case must give, 0 for valid cases).
python3 - "$root/test-vectors" >"$work/sm4-vectors.txt" <<'PY'
import json, sys
codes = {"BadPadding": 12, "AuthenticationFailed": 12, "InvalidLength": 1}
for mode, name in [("cbc", "sm4/cbc-openssl.json"), ("ctr", "sm4/ctr-openssl.json"),
                   ("gcm", "sm4-gcm/rfc8998.json"), ("gcm", "sm4-gcm/cryptography.json")]:
    for t in json.load(open(f"{sys.argv[1]}/{name}"))["tests"]:
        rc = 0 if t["result"] == "valid" else codes[t["error"]]
        ct = t["ct"] + t.get("tag", "")
        fields = [t["key"], t.get("iv", ""), t.get("aad", ""), t["msg"], ct]
        print(mode, rc, *[f or "-" for f in fields])
PY

cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -Ibindings/c/include)
libs=("$target/libeseal.a" -lpthread -ldl -lm)
programs=()
for src in bindings/c/tests/*.c examples/c/*.c; do
  name=$(basename "$src" .c)
  say "gcc $src"
  gcc "${cflags[@]}" "$src" "${libs[@]}" -lm -o "$work/$name"
  gcc "${cflags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer "$src" "${libs[@]}" \
    -lm -o "$work/$name.asan"
  programs+=("$name")
done

say "the header from C++ (g++ -std=c++11 -Wpedantic -Werror)"
g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -g -Ibindings/c/include bindings/c/tests/test_header.cpp \
  "${libs[@]}" -o "$work/test_header"
"$work/test_header"

ofds=("$vectors"/*.ofd)
# The stamp example signs and verifies at a time within the test certificate's validity.
stamp_at=1656633600 # 2022-07-01T00:00:00Z
stamp_args=("$vectors/sign_key.pem" "$vectors/sign_cert.pem" "$vectors/helloworld.ofd")
run_all() { # PREFIX... : runs every test and the examples with a command prefix
  for src in bindings/c/tests/*.c; do
    "$@" "$work/$(basename "$src" .c)${suffix:-}" "$vectors" "$work"
  done
  "$@" "$work/stamp${suffix:-}" "${stamp_args[@]}" "$work/stamped.ofd" "$stamp_at" \
    >"$work/stamp.out"
  # The example exits 1 for documents that are not valid; crashes and the checkers' own exit
  # codes (valgrind 99, ASan 98, UBSan 97) fail here.
  local rc=0
  "$@" "$work/verify${suffix:-}" "${ofds[@]}" >"$work/verify.out" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "examples/c/verify failed with $rc" >&2
    exit 1
  fi
}

say "eseal demo (keys, certificates, seals, a TSA and documents for tests/test_pdf_tsa.c)"
"$target/eseal" demo --out "$work/demo" >"$work/demo.log"

say "a TimeStampResp from OpenSSL's TSA (it cannot sign with SM2, so it answers a rejection) for tests/test_pdf_tsa.c"
printf 'data' >"$work/tsa-data"
openssl ts -query -data "$work/tsa-data" -sm3 -cert -out "$work/tsa.tsq" 2>/dev/null
printf '[tsa]\ndefault_tsa = t\n[t]\nserial = %s\ndefault_policy = 1.3.6.1.4.1.32473.1\ndigests = sm3\nsigner_digest = sm3\n' \
  "$work/tsa-serial" >"$work/tsa.cnf"
echo 01 >"$work/tsa-serial"
openssl ts -reply -config "$work/tsa.cnf" -queryfile "$work/tsa.tsq" -inkey "$work/demo/tsa.key" \
  -signer "$work/demo/tsa.pem" -out "$work/openssl-rejected.tsr" 2>/dev/null || true
openssl ts -reply -in "$work/openssl-rejected.tsr" -text 2>/dev/null | grep -q "Status: Rejected" ||
  { echo "openssl ts did not answer a rejection" >&2; exit 1; }

say "run"
suffix="" run_all

say "PDFs signed through the C ABI: qpdf --check, pdfsig sees every field"
for f in "$work"/c-*.pdf; do
  qpdf --check "$f" >/dev/null || { echo "qpdf --check fails on $f" >&2; exit 1; }
done
pdfsig "$work/c-ses-twice.pdf" >"$work/pdfsig.out" 2>&1 || true
grep -q "Signature Field Name: Signature1" "$work/pdfsig.out" &&
  grep -q "Signature Field Name: Approval" "$work/pdfsig.out" ||
  { cat "$work/pdfsig.out" >&2; echo "pdfsig does not list both signatures" >&2; exit 1; }
for f in c-ses c-cms c-cms-ts c-cms-prepared; do
  pdfsig "$work/$f.pdf" >"$work/pdfsig.out" 2>&1 || true
  grep -q "Total document signed" "$work/pdfsig.out" ||
    { cat "$work/pdfsig.out" >&2; echo "pdfsig: $f.pdf is not wholly signed" >&2; exit 1; }
done
grep -q "adbe.pkcs7.detached" "$work/pdfsig.out" || { echo "pdfsig: no CMS signature" >&2; exit 1; }

say "PDFs signed through the C ABI: eseal verify --json says valid with the demo root"
for f in "$work"/c-*.pdf; do
  got=$("$target/eseal" verify "$f" --trust "$work/demo/root.pem" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])') || true
  [ "$got" = valid ] || { echo "eseal verify says '$got' for $f" >&2; exit 1; }
done

say "eseal license id build gives the identifier tests/test_license.c builds"
id=$("$target/eseal" license id build --type-code 11100000000013338W011 --issuer 11430000006122244L \
  --serial 20230000403)
[ "$id" = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S" ] ||
  { echo "eseal license id build printed '$id'" >&2; exit 1; }

say "the license 2D code drawn through the C ABI decodes (zbarimg) to the text it was given"
decoded=$(zbarimg -q --raw "$work/c-license-code.png" 2>/dev/null | tr -d '\n')
if [ "$decoded" != "$(cat "$work/c-license-code.txt")" ]; then
  echo "zbarimg reads '$decoded' from c-license-code.png, not the license's code text" >&2
  exit 1
fi
say "run under valgrind"
# bindings/c/tests/valgrind.supp says why each suppressed report is no bug of eseal.
suffix="" run_all valgrind -q --suppressions=bindings/c/tests/valgrind.supp --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99
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

say "examples/c/stamp: the stamped OFD verifies the same in eseal verify --json"
want=$("$target/eseal" verify "$work/stamped.ofd" --at 2022-07-01T00:00:00Z --json |
  python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["status"], len(r["signatures"]))') ||
  true # eseal verify exits 1 for a document that is not valid
got=$(head -n1 "$work/stamp.out" | sed -e "s|^$work/stamped.ofd: ||")
if [ "$want" != "$got 1" ]; then
  echo "stamped.ofd: eseal verify says '$want', examples/c/stamp says '$got' (1 signature)" >&2
  exit 1
fi
grep -q "signature.value" "$work/stamp.out" || { echo "stamp printed no signature checks" >&2; exit 1; }
say "  stamped.ofd: $got"

say "pkg-config, shared library"
sed -e "s|@PREFIX@|$root|" -e "s|@LIBDIR@|$target|" -e "s|@INCLUDEDIR@|$root/bindings/c/include|" \
  bindings/c/eseal.pc.in >"$work/eseal.pc"
# shellcheck disable=SC2046
gcc "${cflags[@]}" examples/c/verify.c $(PKG_CONFIG_PATH="$work" pkg-config --cflags --libs eseal) \
  -o "$work/verify.shared"
LD_LIBRARY_PATH="$target" "$work/verify.shared" "$vectors/v4signed.ofd" >/dev/null || [ $? -eq 1 ]
# shellcheck disable=SC2046
gcc "${cflags[@]}" examples/c/stamp.c $(PKG_CONFIG_PATH="$work" pkg-config --cflags --libs eseal) \
  -o "$work/stamp.shared"
LD_LIBRARY_PATH="$target" "$work/stamp.shared" "${stamp_args[@]}" "$work/stamped2.ofd" "$stamp_at" \
  >/dev/null
say "pkg-config, static library"
# shellcheck disable=SC2046
gcc "${cflags[@]}" examples/c/stamp.c $(PKG_CONFIG_PATH="$work" pkg-config --cflags eseal) \
  "$(PKG_CONFIG_PATH="$work" pkg-config --variable=libdir eseal)/libeseal.a" -lpthread -ldl -lm \
  -o "$work/stamp.static"
"$work/stamp.static" "${stamp_args[@]}" "$work/stamped3.ofd" "$stamp_at" >/dev/null

say "C ABI checks passed (${programs[*]})"
