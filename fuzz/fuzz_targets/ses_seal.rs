//! SES seals (SESeal v1/v4/v5) in strict and lenient mode; accepted input round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::ses::{ParseMode, Seal};
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        if let Ok(seal) = Seal::from_der(data, mode) {
            assert_eq!(seal.to_der().ok().as_deref(), Some(data), "re-encoding differs");
        }
    }
});
