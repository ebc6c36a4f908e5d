//! Certificate revocation lists (DER or PEM).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = eseal::pki::Crl::from_der_or_pem(data) {
        let _ = crl.entries();
        let _ = crl.is_usable();
    }
});
