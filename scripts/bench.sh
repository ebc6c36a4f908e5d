#!/usr/bin/env bash
# One run of the performance figures of docs/performance.md: eseal next to `openssl speed`
# (SM2 sign/verify, SM3, SM4-CBC/CTR; the local OpenSSL 3.0 has no SM4-GCM in `speed`), and the
# document-level costs in raw SM2 verifications each. Release build; about a minute once built.
#
#   scripts/bench.sh            # 1 s per measurement
#   SECONDS_PER=3 scripts/bench.sh
#
# Not part of scripts/test.sh: timings are not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${SECONDS_PER:-1}"
refs=()

# `openssl speed` prints throughput in 1000s of bytes per second ("123456.78k"); MB/s is /1000.
evp_mbps() { # cipher-or-digest bytes [extra args]
    local alg=$1 bytes=$2
    shift 2
    openssl speed -seconds "$secs" -bytes "$bytes" "$@" -evp "$alg" 2>/dev/null |
        awk -v a="$alg" 'tolower($1) == tolower(a) { v = $NF; sub(/k$/, "", v) }
            END { if (v + 0 > 0) printf "%.1f", v / 1000 }'
}

if command -v openssl >/dev/null; then
    echo "reference: $(openssl version)" >&2
    sm2_line=$(openssl speed -seconds "$secs" sm2 2>/dev/null | grep 'SM2' | tail -n 1 || true)
    refs+=(--ref "sm2_sign=$(awk '{ print $(NF-1) }' <<<"$sm2_line")")
    refs+=(--ref "sm2_verify=$(awk '{ print $NF }' <<<"$sm2_line")")
    refs+=(--ref "sm3_1k=$(evp_mbps sm3 1024 || true)")
    refs+=(--ref "sm3_1m=$(evp_mbps sm3 1048576 || true)")
    refs+=(--ref "sm4_cbc_enc=$(evp_mbps sm4-cbc 8192 || true)")
    refs+=(--ref "sm4_cbc_dec=$(evp_mbps sm4-cbc 8192 -decrypt || true)")
    refs+=(--ref "sm4_ctr=$(evp_mbps sm4-ctr 8192 || true)")
    refs+=(--ref "sm4_ctr_dec=$(evp_mbps sm4-ctr 8192 -decrypt || true)")
    refs+=(--ref "sm4_gcm_enc=$(evp_mbps sm4-gcm 8192 || true)")
    # A control for audit_scaling: how much a second process adds to OpenSSL right now (wall
    # clock). Near 1× means the machine has no free second core, whatever eseal does.
    one=$(evp_mbps sm3 8192 -elapsed || true)
    two=$(evp_mbps sm3 8192 -elapsed -multi 2 || true)
    echo "control: openssl speed -elapsed -evp sm3, 2 processes against 1: $(awk -v a="$one" \
        -v b="$two" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", b / a; else print "?" }')" >&2
else
    echo "openssl not found: no reference figures" >&2
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" >&2
cargo bench --quiet -p eseal --bench figures -- --seconds "$secs" "${refs[@]}"
