//! SM2 ciphertexts in all three layouts, decrypted with a fixed key.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::crypto::{CiphertextFormat, SecretKey};
    // d = 1 is a valid SM2 private key: decryption runs the whole parser and the C3 check.
    let mut d = [0u8; 32];
    d[31] = 1;
    let Ok(key) = SecretKey::from_bytes(&d) else { return };
    for format in [CiphertextFormat::C1C3C2, CiphertextFormat::C1C2C3, CiphertextFormat::Asn1] {
        let _ = key.decrypt(data, format);
    }
});
