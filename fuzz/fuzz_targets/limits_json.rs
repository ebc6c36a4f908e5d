//! Limits descriptions (`eseal verify --limits FILE`, `eseal_policy_set_limits` in C): any text
//! is refused with a typed error, or accepted as limits that are each at most the library
//! default and whose JSON form reads back to the same limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::document::VerifyLimits;
    let Ok(text) = std::str::from_utf8(data) else { return };
    match VerifyLimits::from_json(text) {
        Ok(limits) => {
            let default = VerifyLimits::default();
            assert!(limits.ofd.max_package_size <= default.ofd.max_package_size);
            assert!(limits.ofd.max_entries <= default.ofd.max_entries);
            assert!(limits.ofd.max_coverage_pairs <= default.ofd.max_coverage_pairs);
            assert!(limits.pdf.max_objects <= default.pdf.max_objects);
            assert!(limits.pdf.max_file_len <= default.pdf.max_file_len);
            assert!(limits.pdf.max_signatures <= default.pdf.max_signatures);
            let again = VerifyLimits::from_json(&limits.to_string()).expect("own JSON form reads");
            assert_eq!(again, limits);
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert_ne!(e.code(), eseal::ErrorCode::Internal);
        }
    }
});
