//! Key files in any format (sniffed), certificate and CRL files (PEM bundles or DER).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eseal::keyfile::detect(data);
    let _ = eseal::keyfile::read(data, Some(b"password"));
    let _ = eseal::certfile::read_certificates(data);
    let _ = eseal::certfile::read_crls(data);
});
