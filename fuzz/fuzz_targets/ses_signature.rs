//! SES signatures (SES_Signature v1/v4/v5) in strict and lenient mode; accepted input round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::ses::{ParseMode, Signature};
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        if let Ok(sig) = Signature::from_der(data, mode) {
            assert_eq!(sig.to_der().ok().as_deref(), Some(data), "re-encoding differs");
        }
    }
});
