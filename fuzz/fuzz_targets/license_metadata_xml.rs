//! `LicenseMetadata::from_xml`: e-license metadata (GB/T 36903) embedded in license files.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/tests/support/license_roundtrip.rs"]
mod license_roundtrip;

fuzz_target!(|data: &[u8]| {
    // Whatever parses must serialise and parse back to the same value.
    license_roundtrip::metadata_xml(data);
});
