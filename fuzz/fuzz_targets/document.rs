//! Any file handed to eseal verify: format sniffing and the dispatching verifier.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::document::{DocumentVerifyOptions, sniff, verify};
    let _ = sniff(data);
    let _ = verify(data, &DocumentVerifyOptions::new(eseal::ses::VerifyOptions::new()));
});
