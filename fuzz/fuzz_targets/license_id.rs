//! `LicenseId::parse`: e-license identifiers (GB/T 36904) read from license files and 2D codes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/tests/support/license_roundtrip.rs"]
mod license_roundtrip;

fuzz_target!(|data: &[u8]| {
    // Whatever parses must print, re-parse and rebuild to the same identifier.
    license_roundtrip::license_id(data);
});
