#!/usr/bin/env bash
# Installs the independent implementations that eseal's cross-tests compare against.
# Idempotent: each step is skipped when its tool is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[install-test-tools] %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# openssl CLI: SM2 signatures, SM2 X.509 chains, SM4.
command -v openssl >/dev/null || apt_install openssl

# C ABI checks (scripts/c-abi.sh): valgrind, and cbindgen to regenerate the header (pinned:
# another version may format the header differently, and the header check compares text).
command -v valgrind >/dev/null || apt_install valgrind
command -v cbindgen >/dev/null || { say "cargo install cbindgen"; cargo install --quiet --locked cbindgen --version 0.29.4; }

# util-linux `script`: a pseudo-terminal for the CLI's password-prompt tests.
command -v script >/dev/null || apt_install bsdutils

# Python: gmssl (SM2/SM3/SM4), asn1crypto (independent DER parsing), cryptography (SM4-GCM, PBKDF2-SM3).
if ! python3 -c "import gmssl, asn1crypto, cryptography" 2>/dev/null; then
  say "pip install gmssl asn1crypto cryptography"
  python3 -m pip install --quiet --disable-pip-version-check gmssl==3.2.2 asn1crypto==1.5.1 cryptography==48.0.0
fi

# npm: sm-crypto (SM2/SM3/SM4 in JavaScript), pinned by scripts/node/package-lock.json.
if [ ! -d scripts/node/node_modules/sm-crypto ]; then
  say "npm ci (scripts/node)"
  (cd scripts/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Python: easyofd, an OFD reader/renderer independent of eseal (crates/eseal/tests/ofd_writer.rs
# via scripts/ofd_reader_check.py). PyMuPDF is pinned below 2.0, which drags in onnxruntime.
if ! python3 -c 'import easyofd.ofd' 2>/dev/null; then
  say "pip install easyofd"
  python3 -m pip install --quiet --disable-pip-version-check \
    easyofd==20260427 PyMuPDF==1.26.7 reportlab==5.1.0 xmltodict==1.0.4 loguru==0.7.3 \
    fonttools==4.68.0 pyasn1==0.6.3 pillow==13.0.0
fi
# A free CJK font, registered as 宋体 by scripts/ofd_reader_check.py so rendered text shows.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || apt_install fonts-wqy-microhei

# Headless Chromium: renders the HTML report of `eseal audit` to a screenshot
# (crates/eseal-cli/tests/cli_ofd.rs).
command -v chromium >/dev/null || apt_install chromium

# --- PDF rendering and the independent PDF signer (issue 10; crates/eseal/tests/pdf_render.rs,
# crates/eseal/tests/pdf_pdfbox_tool.rs, tools/pdfbox-sm2/) ---
# poppler (pdftotext, pdftoppm, pdfsig) with poppler-data (the Adobe-GB1 CMaps that pdftotext needs
# to map STSong-Light/UniGB-UCS2-H text back to Unicode), qpdf --check.
command -v pdftotext >/dev/null || apt_install poppler-utils
[ -d /usr/share/poppler/cMap/Adobe-GB1 ] || apt_install poppler-data
command -v qpdf >/dev/null || apt_install qpdf
# PDFBox 2 and BouncyCastle, for the SM2 PDF signer/verifier in tools/pdfbox-sm2 (compiled by the tests).
[ -f /usr/share/java/pdfbox2.jar ] || apt_install libpdfbox2-java
[ -f /usr/share/java/bcprov.jar ] || apt_install libbcprov-java
[ -f /usr/share/java/bcpkix.jar ] || apt_install libbcpkix-java
command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
# pypdf: an independent reader of the document information and XMP metadata.
if ! python3 -c 'import pypdf' 2>/dev/null; then
  say "pip install pypdf"
  python3 -m pip install --quiet --disable-pip-version-check pypdf==7.1.0
fi

# PDF signing tests (crates/eseal/tests/pdf_sign.rs, pdf_samples.rs; crates/eseal-cli/tests/cli_pdf.rs):
# LibreOffice Writer converts a text file into a PDF that eseal did not make (qpdf and poppler above
# check and list the signatures).
command -v soffice >/dev/null || apt_install libreoffice-writer-nogui
# --- e-licenses (issue 11) ---
# zbarimg: an independent QR decoder; the license tests decode the rendered 2D code with it
# (crates/eseal/tests/license_issue.rs). apt_install pins nothing: Debian's version is stable.
command -v zbarimg >/dev/null || apt_install zbar-tools
# C ABI (scripts/c-abi.sh): g++ compiles bindings/c/tests/test_header.cpp (the header from C++).
command -v g++ >/dev/null || apt_install g++
# --- WebAssembly (bindings/wasm, scripts/wasm.sh) ---
# The wasm32 standard library; wasm-bindgen-cli at exactly the wasm-bindgen version in
# Cargo.lock (the CLI refuses modules made by another version); the npm tools of
# bindings/wasm (binaryen's wasm-opt, playwright-core, the benchmark's sm-crypto and
# sm-crypto-v2), pinned by its package-lock.json.
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "cargo install wasm-bindgen-cli $wasm_bindgen_version"
  # Its lock file names webpki-roots 1.0.11, which some registry mirrors lack (yanked); then
  # resolve its dependencies afresh (the CLI itself stays at the pinned version).
  cargo install --quiet --locked wasm-bindgen-cli --version "$wasm_bindgen_version" \
    || cargo install --quiet wasm-bindgen-cli --version "$wasm_bindgen_version"
fi
if [ ! -d bindings/wasm/node_modules/binaryen ] || [ ! -d bindings/wasm/node_modules/playwright-core ]; then
  say "npm ci (bindings/wasm)"
  (cd bindings/wasm && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
