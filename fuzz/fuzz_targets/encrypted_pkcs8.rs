//! Password-encrypted PKCS#8 (PBES2) files; iterations are capped by the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A low-iteration file still exercises the whole path; the cap keeps hostile counts cheap.
    let _ = eseal::crypto::pbes2::decrypt_pkcs8_der(data, b"password");
});
