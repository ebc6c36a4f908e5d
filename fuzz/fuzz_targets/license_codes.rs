//! `Uscc::parse`, `CitizenId::parse`, `Date::parse`: holder and issuer codes of e-licenses.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/tests/support/license_roundtrip.rs"]
mod license_roundtrip;

fuzz_target!(|data: &[u8]| {
    // Whatever parses must print and re-parse to the same value.
    license_roundtrip::codes(data);
});
