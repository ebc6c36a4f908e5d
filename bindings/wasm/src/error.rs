//! Errors as JS exceptions: an `Error` with the core's message, `code` (the stable
//! [`ErrorCode`] name) and `codeNumber` (its number), so callers branch on the code and show
//! the message.

use eseal::ErrorCode;
use wasm_bindgen::JsValue;

/// What every export returns: a thrown value is a JS `Error` made by [`throw`].
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// The JS `Error` for `error`.
pub(crate) fn throw(error: &eseal::Error) -> JsValue {
    let e = js_sys::Error::new(&error.to_string());
    let code = error.code();
    e.set_name("EsealError");
    // Reflect::set fails only on frozen or proxied objects, which a fresh Error is not.
    let _ = js_sys::Reflect::set(&e, &"code".into(), &code.name().into());
    let _ = js_sys::Reflect::set(&e, &"codeNumber".into(), &code.as_u32().into());
    e.into()
}

/// An error of the binding itself (an option of the wrong type), as [`throw`] makes it.
pub(crate) fn invalid(message: impl Into<String>) -> JsValue {
    throw(&eseal::Error::new(ErrorCode::InvalidArgument, message))
}

/// `error`, its message prefixed with what was being read, keeping its code.
pub(crate) fn context(what: &str, error: impl Into<eseal::Error>) -> eseal::Error {
    let error = error.into();
    eseal::Error::new(error.code(), format!("{what}: {error}"))
}
