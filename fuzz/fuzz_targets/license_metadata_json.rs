//! `LicenseMetadata::from_json`: e-license metadata (GB/T 36903) handed over as JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/tests/support/license_roundtrip.rs"]
mod license_roundtrip;

fuzz_target!(|data: &[u8]| {
    // Whatever parses must serialise and parse back to the same value.
    license_roundtrip::metadata_json(data);
});
