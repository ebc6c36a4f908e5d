//! SM2 signature encodings: strict DER, and DER-or-raw as SES/CMS producers write them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::crypto::Signature;
    if let Ok(sig) = Signature::from_der(data) {
        // Strict DER is canonical: what parses re-encodes to the same bytes.
        assert_eq!(sig.to_der(), data);
    }
    let _ = Signature::from_der_or_raw(data);
});
