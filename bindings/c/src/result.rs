//! Result codes, the thread-local last error, the panic guard and the pointer helpers every
//! function of the ABI goes through.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{SystemTime, UNIX_EPOCH};

use eseal_core::ErrorCode;
use eseal_core::pki::Time;

/// The version of this ABI. It grows by one with every incompatible change of the header
/// (a changed signature, a renumbered enum value); additions keep it.
pub const ESEAL_ABI_VERSION: u32 = 1;

/// The outcome of every function.
///
/// `1`–`14` are the stable error codes of the core library (see `docs/error-codes.md`); the
/// codes from `100` on are errors of the C boundary itself.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_result {
    /// Success.
    ESEAL_OK = 0,
    /// The input cannot be read as what was asked for (encoding or structure).
    ESEAL_MALFORMED = 1,
    /// Valid input using an algorithm, version, format or feature eseal does not implement.
    ESEAL_UNSUPPORTED = 2,
    /// A size, count, depth or work limit refused the input.
    ESEAL_LIMIT_EXCEEDED = 3,
    /// The request cannot be carried out (a value out of range, an unknown policy key, ...).
    ESEAL_INVALID_ARGUMENT = 4,
    /// Something the input refers to is missing.
    ESEAL_NOT_FOUND = 5,
    /// The input is encrypted and no password was given.
    ESEAL_PASSWORD_REQUIRED = 6,
    /// The password does not decrypt the input.
    ESEAL_WRONG_PASSWORD = 7,
    /// The chosen strictness refuses readable input.
    ESEAL_POLICY_REFUSED = 8,
    /// A signature, MAC or digest does not match.
    ESEAL_VERIFICATION_FAILED = 9,
    /// A certificate or signer is not trusted or not authorised.
    ESEAL_UNTRUSTED = 10,
    /// A time lies outside a validity period.
    ESEAL_OUTSIDE_VALIDITY = 11,
    /// A cryptographic operation failed.
    ESEAL_CRYPTO = 12,
    /// Reading or writing failed (e.g. the system clock).
    ESEAL_IO = 13,
    /// A bug in eseal or this binding.
    ESEAL_INTERNAL = 14,
    /// A required pointer argument was NULL.
    ESEAL_NULL_POINTER = 100,
    /// A panic was caught at the boundary (a bug; please report it).
    ESEAL_PANIC = 101,
    /// Text that must be UTF-8 is not.
    ESEAL_INVALID_UTF8 = 102,
    /// An output buffer is too small; nothing was written but the needed length.
    ESEAL_BUFFER_TOO_SMALL = 103,
    /// An index is not below the count it refers to.
    ESEAL_INDEX_OUT_OF_RANGE = 104,
}

impl eseal_result {
    pub(crate) fn from_code(code: ErrorCode) -> Self {
        match code {
            ErrorCode::Malformed => Self::ESEAL_MALFORMED,
            ErrorCode::Unsupported => Self::ESEAL_UNSUPPORTED,
            ErrorCode::LimitExceeded => Self::ESEAL_LIMIT_EXCEEDED,
            ErrorCode::InvalidArgument => Self::ESEAL_INVALID_ARGUMENT,
            ErrorCode::NotFound => Self::ESEAL_NOT_FOUND,
            ErrorCode::PasswordRequired => Self::ESEAL_PASSWORD_REQUIRED,
            ErrorCode::WrongPassword => Self::ESEAL_WRONG_PASSWORD,
            ErrorCode::PolicyRefused => Self::ESEAL_POLICY_REFUSED,
            ErrorCode::VerificationFailed => Self::ESEAL_VERIFICATION_FAILED,
            ErrorCode::Untrusted => Self::ESEAL_UNTRUSTED,
            ErrorCode::OutsideValidity => Self::ESEAL_OUTSIDE_VALIDITY,
            ErrorCode::Crypto => Self::ESEAL_CRYPTO,
            ErrorCode::Io => Self::ESEAL_IO,
            // Internal, and any code a newer core adds before this binding maps it.
            _ => Self::ESEAL_INTERNAL,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.extend_from_slice(message.as_bytes());
    });
}

/// An error on its way out of a function: the code, with its message kept for
/// [`eseal_last_error`].
pub(crate) struct Fail(pub(crate) eseal_result);

impl Fail {
    pub(crate) fn new(result: eseal_result, message: &str) -> Self {
        set_last_error(message);
        Self(result)
    }

    pub(crate) fn null(name: &str) -> Self {
        Self::new(eseal_result::ESEAL_NULL_POINTER, &format!("{name} is NULL"))
    }
}

impl From<eseal_core::Error> for Fail {
    fn from(err: eseal_core::Error) -> Self {
        Self::new(eseal_result::from_code(err.code()), &err.to_string())
    }
}

/// A core error (of any module) as a failure with its stable code and message.
pub(crate) fn core_error(err: impl Into<eseal_core::Error>) -> Fail {
    Fail::from(err.into())
}

/// An optional (pointer, length) argument: NULL (with length 0) is `None`; a non-NULL pointer
/// is `Some`, possibly empty.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn optional_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<Option<&'a [u8]>, Fail> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Fail::null(name))
        };
    }
    // SAFETY: forwarded contract of this function.
    unsafe { bytes(ptr, len, name) }.map(Some)
}

/// Runs `body` with panics caught; clears the last error on success.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Fail>) -> eseal_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("");
            eseal_result::ESEAL_OK
        }
        Ok(Err(Fail(result))) => result,
        Err(_) => {
            set_last_error("a panic was caught at the eseal C boundary (a bug; please report it)");
            eseal_result::ESEAL_PANIC
        }
    }
}

/// Like [`guard`], but a success leaves the last error message as it is (for functions that
/// only describe a previous result).
pub(crate) fn guard_keeping_message(body: impl FnOnce() -> Result<(), Fail>) -> eseal_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => eseal_result::ESEAL_OK,
        Ok(Err(Fail(result))) => result,
        Err(_) => {
            set_last_error("a panic was caught at the eseal C boundary (a bug; please report it)");
            eseal_result::ESEAL_PANIC
        }
    }
}

/// The bytes of a (pointer, length) argument; (NULL, 0) is the empty slice.
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8], Fail> {
    // SAFETY: forwarded contract of this function.
    unsafe { bytes_of(ptr, len, name) }
}

/// The elements of a (pointer, count) array argument; (NULL, 0) is the empty slice.
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable, aligned, initialised `T`s that stay
/// unchanged for `'a`.
pub(crate) unsafe fn bytes_of<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<&'a [T], Fail> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Fail::null(name));
    }
    if len > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Fail::new(
            eseal_result::ESEAL_INVALID_ARGUMENT,
            &format!("{name}: length {len} is beyond any object"),
        ));
    }
    // SAFETY: ptr is non-NULL and, by this function's contract, points to len readable
    // elements that outlive 'a; the total size fits isize.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// UTF-8 text from a (pointer, length) argument (not NUL-terminated).
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a str, Fail> {
    // SAFETY: forwarded contract of this function.
    let raw = unsafe { bytes(ptr.cast::<u8>(), len, name) }?;
    std::str::from_utf8(raw).map_err(|_| {
        Fail::new(
            eseal_result::ESEAL_INVALID_UTF8,
            &format!("{name} is not UTF-8"),
        )
    })
}

/// A shared reference from a handle argument.
///
/// # Safety
/// When not NULL, `ptr` must be a live handle of type `T` made by this library, not
/// modified or freed for `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Fail> {
    // SAFETY: by this function's contract a non-NULL ptr is a valid, live T.
    unsafe { ptr.as_ref() }.ok_or_else(|| Fail::null(name))
}

/// Writes `value` to an out-pointer.
///
/// # Safety
/// When not NULL, `out` must be valid for writing a `T`.
pub(crate) unsafe fn put<T>(out: *mut T, value: T, name: &str) -> Result<(), Fail> {
    if out.is_null() {
        return Err(Fail::null(name));
    }
    // SAFETY: out is non-NULL and valid for writes by this function's contract; T is Copy
    // or a pointer, so the overwritten value needs no drop.
    unsafe { out.write(value) };
    Ok(())
}

/// Sets a handle out-pointer to NULL so that a failed call leaves no dangling value.
///
/// # Safety
/// When not NULL, `out` must be valid for writing a pointer.
pub(crate) unsafe fn clear<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: out is non-NULL and valid for writes by this function's contract.
        unsafe { out.write(std::ptr::null_mut()) };
    }
}

/// The body of a function that makes a handle: `*out` is set to NULL first, then to the new
/// handle (owned by the caller) when `make` succeeds.
///
/// # Safety
/// When not NULL, `out` must be valid for writing a pointer.
pub(crate) unsafe fn new_handle<T>(
    out: *mut *mut T,
    make: impl FnOnce() -> Result<T, Fail>,
) -> eseal_result {
    // SAFETY: this function's contract for out.
    unsafe { clear(out) };
    guard(|| {
        if out.is_null() {
            return Err(Fail::null("out"));
        }
        let value = Box::new(make()?);
        // SAFETY: out is non-NULL and valid for writes (this function's contract); ownership
        // of the box passes to the caller, who frees it with free_handle.
        unsafe { put(out, Box::into_raw(value), "out") }
    })
}

/// Frees a handle made by [`new_handle`] (or another `Box::into_raw`); NULL is ignored.
///
/// # Safety
/// `handle` must be NULL or a live handle of type `T` from this library, not freed before and
/// not in use elsewhere.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: this function's contract: it came from Box::into_raw and is freed only
        // once. Dropping the handles' contents does not panic.
        drop(unsafe { Box::from_raw(handle) });
    }
}

/// The version of the ABI this library implements ([`ESEAL_ABI_VERSION`]). Compare it with
/// the `ESEAL_ABI_VERSION` of the header the program was compiled against.
#[unsafe(no_mangle)]
pub extern "C" fn eseal_abi_version() -> u32 {
    ESEAL_ABI_VERSION
}

/// Copies the message of the last failed call on this thread into `buf` (NUL-terminated,
/// UTF-8) and stores its length without the NUL in `*written`.
///
/// The message is empty after a successful call. `buf` may be NULL with `len` 0 to ask for
/// the length. When `len` is too small, `*written` gets the length needed (without the NUL),
/// nothing is copied and `ESEAL_BUFFER_TOO_SMALL` is returned. This function does not change
/// the message.
///
/// # Safety
/// `buf` must be NULL or valid for writing `len` bytes; `written` must be valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_last_error(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> eseal_result {
    let copy = || -> Result<eseal_result, Fail> {
        let message = LAST_ERROR.with(|e| e.borrow().clone());
        if written.is_null() {
            return Ok(eseal_result::ESEAL_NULL_POINTER);
        }
        // SAFETY: written is non-NULL and valid for writes (caller's contract).
        unsafe { written.write(message.len()) };
        if len <= message.len() {
            return Ok(eseal_result::ESEAL_BUFFER_TOO_SMALL);
        }
        if buf.is_null() {
            return Ok(eseal_result::ESEAL_NULL_POINTER);
        }
        // SAFETY: buf is valid for len bytes (caller's contract) and len > message.len(), so
        // the message and its NUL fit; the two regions cannot overlap (ours is a fresh Vec).
        unsafe {
            std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), message.len());
            buf.cast::<u8>().add(message.len()).write(0);
        }
        Ok(eseal_result::ESEAL_OK)
    };
    // Not `guard`: reading the message must not replace it.
    match catch_unwind(AssertUnwindSafe(copy)) {
        Ok(Ok(result)) | Ok(Err(Fail(result))) => result,
        Err(_) => eseal_result::ESEAL_PANIC,
    }
}

/// The stable lower-case name of a result code (e.g. `"wrong_password"`, `"ok"`,
/// `"null_pointer"`), a static NUL-terminated string, into `*name`. Unknown numbers give
/// `ESEAL_INVALID_ARGUMENT`. On success the last error message is left unchanged, so that a
/// caller can name a failed call's result before reading its message.
///
/// # Safety
/// `name` must be valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_result_name(result: u32, name: *mut *const c_char) -> eseal_result {
    guard_keeping_message(|| {
        let text: &'static [u8] = match result {
            0 => b"ok\0",
            100 => b"null_pointer\0",
            101 => b"panic\0",
            102 => b"invalid_utf8\0",
            103 => b"buffer_too_small\0",
            104 => b"index_out_of_range\0",
            n => match ErrorCode::from_u32(n).map(ErrorCode::name) {
                Some("malformed") => b"malformed\0",
                Some("unsupported") => b"unsupported\0",
                Some("limit_exceeded") => b"limit_exceeded\0",
                Some("invalid_argument") => b"invalid_argument\0",
                Some("not_found") => b"not_found\0",
                Some("password_required") => b"password_required\0",
                Some("wrong_password") => b"wrong_password\0",
                Some("policy_refused") => b"policy_refused\0",
                Some("verification_failed") => b"verification_failed\0",
                Some("untrusted") => b"untrusted\0",
                Some("outside_validity") => b"outside_validity\0",
                Some("crypto") => b"crypto\0",
                Some("io") => b"io\0",
                Some("internal") => b"internal\0",
                _ => {
                    return Err(Fail::new(
                        eseal_result::ESEAL_INVALID_ARGUMENT,
                        &format!("{result} is no eseal_result"),
                    ));
                }
            },
        };
        // SAFETY: name is valid for writes (caller's contract); the text is static.
        unsafe { put(name, text.as_ptr().cast::<c_char>(), "name") }
    })
}

/// A time argument: seconds since 1970 UTC, or 0 for now.
pub(crate) fn time_or_now(seconds: u64) -> Result<Time, Fail> {
    if seconds == 0 {
        now()
    } else {
        Ok(Time::from_unix_seconds(seconds))
    }
}

/// The system clock as a [`Time`] (the core reads no clock itself).
pub(crate) fn now() -> Result<Time, Fail> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Fail::new(eseal_result::ESEAL_IO, "the system clock is before 1970"))?
        .as_secs();
    Ok(Time::from_unix_seconds(seconds))
}
