//! SM2 key files: PKCS#8, SEC1 and SPKI (DER and PEM), and raw points.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::crypto::{PublicKey, SecretKey};
    let _ = SecretKey::from_pkcs8_der(data);
    let _ = SecretKey::from_sec1_der(data);
    let _ = PublicKey::from_spki_der(data);
    let _ = PublicKey::from_sec1_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = SecretKey::from_pkcs8_pem(text);
        let _ = PublicKey::from_spki_pem(text);
    }
});
