//! X.509 certificates (DER or PEM) and PEM bundles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::pki::Certificate;
    if let Ok(cert) = Certificate::from_der_or_pem(data) {
        let _ = cert.subject_string();
        let _ = cert.key_usage();
        let _ = cert.basic_constraints();
        let _ = cert.verify_self_signature();
    }
    let _ = Certificate::bundle_from_pem(data);
});
