//! Validation policy files (`eseal verify --policy FILE`, the C ABI's and WASM's policy text):
//! any text is refused with a typed error or accepted as a policy whose every level reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::verify::{CheckId, ValidationPolicy};
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ValidationPolicy::from_json(text) {
        Ok(policy) => {
            for id in CheckId::ALL {
                let _ = policy.check_level(*id);
            }
            assert!(!policy.name().is_empty());
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
