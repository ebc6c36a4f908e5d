//! E-license identifiers (GB/T 36903).

use std::ffi::c_char;

use crate::result::{eseal_result, guard, text};

/// Validates an e-license identifier (GB/T 36903: prefix, parts and check character):
/// `ESEAL_OK` when valid, otherwise its error code (`ESEAL_MALFORMED`, ...) with the reason
/// in [`eseal_last_error`].
///
/// # Safety
/// `text_ptr` must be valid for reading `len` bytes (UTF-8, no NUL needed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_id_validate(
    text_ptr: *const c_char,
    len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract for text_ptr/len.
        let id = unsafe { text(text_ptr, len, "text") }?;
        eseal_core::license::LicenseId::parse(id).map_err(eseal_core::Error::from)?;
        Ok(())
    })
}
