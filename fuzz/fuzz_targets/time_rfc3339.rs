//! `Time::parse_rfc3339`: the CLI's `--at` argument and other caller text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(t) = eseal::time::Time::parse_rfc3339(text) {
            // Whatever parses must print and parse back to the same instant.
            assert_eq!(eseal::time::Time::parse_rfc3339(&t.to_string()), Ok(t));
        }
    }
});
