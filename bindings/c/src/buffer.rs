//! Memory the library hands to the caller: strings and byte buffers, each with its own free
//! function.

use std::ffi::{CString, c_char};

pub(crate) fn c_string(text: &str) -> CString {
    // Messages are Rust strings; an interior NUL (never expected) is shown as U+FFFD.
    CString::new(text.replace('\0', "\u{fffd}")).unwrap_or_default()
}

/// Frees a string this library handed to the caller (e.g. by [`eseal_report_json`]); NULL
/// is ignored.
///
/// # Safety
/// `text` must be NULL or a string from this library, not freed before and not modified in
/// length (no NUL written before its end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_string_free(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: caller's contract: text came from CString::into_raw and is freed once.
        drop(unsafe { CString::from_raw(text) });
    }
}

/// A byte buffer the library made and the caller owns: `len` bytes at `ptr`, or `ptr` NULL
/// and `len` 0 for no bytes. Free it with [`eseal_bytes_free`] (never with `free`); do not
/// change `ptr` or `len`. Functions that fill an `eseal_bytes` set it to `{NULL, 0}` first, so
/// after a failure there is nothing to free (freeing `{NULL, 0}` is allowed).
#[repr(C)]
#[derive(Debug)]
pub struct eseal_bytes {
    /// The first byte, or NULL when `len` is 0.
    pub ptr: *mut u8,
    /// The number of bytes.
    pub len: usize,
}

impl eseal_bytes {
    const EMPTY: Self = Self {
        ptr: std::ptr::null_mut(),
        len: 0,
    };
}

/// Sets `*out` to `{NULL, 0}` so that a failed call leaves nothing to free.
///
/// # Safety
/// When not NULL, `out` must be valid for writing an `eseal_bytes`.
pub(crate) unsafe fn clear_bytes(out: *mut eseal_bytes) {
    if !out.is_null() {
        // SAFETY: out is non-NULL and valid for writes (caller's contract); the old value is
        // plain data (whatever it held is not ours to free).
        unsafe { out.write(eseal_bytes::EMPTY) };
    }
}

/// Hands `data` to the caller through `*out`; [`eseal_bytes_free`] takes it back.
///
/// # Safety
/// When not NULL, `out` must be valid for writing an `eseal_bytes`.
pub(crate) unsafe fn put_bytes(
    out: *mut eseal_bytes,
    data: Vec<u8>,
    name: &str,
) -> Result<(), crate::result::Fail> {
    if out.is_null() {
        return Err(crate::result::Fail::null(name));
    }
    let value = if data.is_empty() {
        eseal_bytes::EMPTY
    } else {
        let boxed = data.into_boxed_slice();
        let len = boxed.len();
        eseal_bytes {
            ptr: Box::into_raw(boxed).cast::<u8>(),
            len,
        }
    };
    // SAFETY: out is non-NULL and valid for writes (caller's contract); ownership of the boxed
    // slice passes to the caller.
    unsafe { out.write(value) };
    Ok(())
}

/// The body of a function whose output is an `eseal_bytes`: `*out` is set to `{NULL, 0}`
/// first, then to the bytes `make` gives (owned by the caller).
///
/// # Safety
/// When not NULL, `out` must be valid for writing an `eseal_bytes`.
pub(crate) unsafe fn bytes_output(
    out: *mut eseal_bytes,
    name: &str,
    make: impl FnOnce() -> Result<Vec<u8>, crate::result::Fail>,
) -> crate::result::eseal_result {
    // SAFETY: this function's contract for out.
    unsafe { clear_bytes(out) };
    crate::result::guard(|| {
        if out.is_null() {
            return Err(crate::result::Fail::null(name));
        }
        let data = make()?;
        // SAFETY: this function's contract for out.
        unsafe { put_bytes(out, data, name) }
    })
}

/// Frees a buffer from this library and sets `*bytes` to `{NULL, 0}`. The bytes are
/// overwritten with zeros first (buffers may hold decrypted data). NULL and `{NULL, 0}` are
/// ignored.
///
/// # Safety
/// `bytes` must be NULL or point to an `eseal_bytes` filled by this library and not freed
/// before, with `ptr` and `len` unchanged.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_bytes_free(bytes: *mut eseal_bytes) {
    // SAFETY: caller's contract: NULL or a valid eseal_bytes.
    let Some(bytes) = (unsafe { bytes.as_mut() }) else {
        return;
    };
    if !bytes.ptr.is_null() && bytes.len > 0 {
        // SAFETY: caller's contract: ptr/len came from Box::<[u8]>::into_raw in put_bytes and
        // are freed only once (we reset them below).
        let mut boxed =
            unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(bytes.ptr, bytes.len)) };
        zeroize::Zeroize::zeroize(&mut *boxed);
        drop(boxed);
    }
    *bytes = eseal_bytes::EMPTY;
}

/// Hands `text` to the caller as a NUL-terminated string in `*out` (freed with
/// [`eseal_string_free`]) and its length without the NUL in `*len`.
///
/// # Safety
/// `out` and `len` NULL or valid for writing.
pub(crate) unsafe fn put_string(
    out: *mut *mut c_char,
    len: *mut usize,
    text: &str,
) -> Result<(), crate::result::Fail> {
    if out.is_null() || len.is_null() {
        return Err(crate::result::Fail::null("an out-pointer"));
    }
    let text = c_string(text);
    let text_len = text.as_bytes().len();
    // SAFETY: both are non-NULL and valid for writes (this function's contract); ownership of
    // the string passes to the caller (eseal_string_free takes it back).
    unsafe {
        crate::result::put(len, text_len, "len")?;
        crate::result::put(out, text.into_raw(), "out")
    }
}
