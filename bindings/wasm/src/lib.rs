//! # eseal-wasm
//!
//! WebAssembly bindings of [`eseal`]: verify OFD documents, electronic seals (`.esl`) and
//! SES signatures in a browser or in Node, with no network and no server. A thin layer: every
//! decision is the core's ([`eseal::document::verify`]), so the page, the CLI and the C ABI
//! give the same verdict for the same file and options.
//!
//! | export | what |
//! |---|---|
//! | `verify(bytes, options?)` | any file `eseal::document` verifies → the JSON report as a plain object (`docs/report-schema.md`) |
//! | `sniff(bytes)` | the format `verify` would take the file for, or `null` |
//! | `inspectSeal(bytes)` | a seal (or the seal inside an SES signature): its facts and picture bytes |
//! | `documentSeals(bytes, options?)` | the seals of any file `verify` takes, matched to its report's signatures |
//! | `licenseInfo(bytes)` | an e-license's metadata (OFD or PDF license, metadata XML/JSON) or a 2D-code payload's fields, not verified |
//! | `readCertificates(bytes)` | the certificates of a PEM bundle or DER file, described (for listing trust anchors) |
//! | `sm2Verify`, `sm3`, `hmacSm3`, `sm4*` | the algorithms; `sm2Sign`, `sm2GenerateKeyPair` in the `sign` build only |
//!
//! Errors are thrown as JS `Error`s whose `code` is the core's stable [`eseal::ErrorCode`]
//! name (`"malformed"`, `"limit_exceeded"`, …) and `codeNumber` its number. A file that can be
//! read but does not verify is not an error: it gets a report with status `invalid`.
#![forbid(unsafe_code)]

mod crypto;
mod error;
mod license;
mod options;
mod seal;
mod types;

use wasm_bindgen::prelude::*;

pub use crypto::*;
pub use license::license_info;
pub use seal::{document_seals, inspect_seal, read_certificates};

use crate::error::{JsResult, throw};
use crate::options::Inputs;

#[wasm_bindgen]
extern "C" {
    /// The options of `verify` (TypeScript `VerifyOptions`).
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type JsVerifyOptions;
    /// A document report (TypeScript `DocumentReport`).
    #[wasm_bindgen(typescript_type = "DocumentReport")]
    pub type JsDocumentReport;
}

/// Verifies a file of any format `eseal::document` handles and returns its report as a plain
/// object with the schema of the JSON report (`docs/report-schema.md`).
///
/// Throws (with `code`) when the file cannot be read at all: unrecognised content, a format
/// not supported, a file over the limits, unreadable options (anchors, CRLs, policy, time).
#[wasm_bindgen(js_name = verify)]
pub fn verify(bytes: &[u8], options: Option<JsVerifyOptions>) -> JsResult<JsDocumentReport> {
    let inputs = Inputs::from_js(options.as_ref().map(AsRef::as_ref))?;
    let trust = inputs.trust_store();
    let ses = inputs.ses_options(&trust);
    let document = inputs.document_options(ses);
    let report = eseal::document::verify(bytes, &document).map_err(|e| throw(&e.into()))?;
    Ok(json_value(&report.to_json())?.unchecked_into())
}

/// The format `verify` takes `bytes` for (`"ofd"`, `"seal"`, `"ses_signature"`, …), or `null`
/// when it is none eseal verifies.
#[wasm_bindgen(js_name = sniff)]
pub fn sniff(bytes: &[u8]) -> Option<String> {
    eseal::document::sniff(bytes).map(|f| f.as_str().to_owned())
}

/// The version of eseal this package was built from.
#[wasm_bindgen(js_name = version)]
#[must_use]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Whether this build can sign (the `sign` feature: SM2 signing and key generation).
#[wasm_bindgen(js_name = canSign)]
#[must_use]
pub fn can_sign() -> bool {
    cfg!(feature = "sign")
}

/// JSON text the core wrote, as a JS value.
fn json_value(text: &str) -> JsResult<JsValue> {
    js_sys::JSON::parse(text).map_err(|_| {
        throw(&eseal::Error::new(
            eseal::ErrorCode::Internal,
            "the core wrote a report that is not JSON",
        ))
    })
}
