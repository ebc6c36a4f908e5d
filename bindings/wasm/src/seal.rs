//! `inspectSeal` (a seal's facts and picture) and `readCertificates` (certificates described,
//! for the page's list of trust anchors).

use eseal::pki::Certificate;
use eseal::ses::{ParseMode, PictureFormat, Seal, Signature, VerifyOptions};
use eseal::verify::{DocumentFormat, DocumentReport};
use wasm_bindgen::prelude::*;

use crate::error::{JsResult, throw};
use crate::options::Inputs;
use crate::types::{JsCertificateInfo, JsFoundSeal, JsSealInspection};

/// A seal (`.esl`) or an SES signature (the seal it embeds): its facts, exactly as the report's
/// `seal` object (`docs/report-schema.md`, seal facts), and its picture with the bytes.
///
/// The facts come from verifying the seal on its own (no anchors, no time); the result of that
/// is in `status` and `checks` but says nothing about trust: call `verify` for a verdict.
/// Throws `malformed` for bytes that are neither.
#[wasm_bindgen(js_name = inspectSeal)]
pub fn inspect_seal(bytes: &[u8]) -> JsResult<JsSealInspection> {
    let (format, seal) = match Seal::from_der(bytes, ParseMode::Lenient) {
        Ok(seal) => (DocumentFormat::Seal, seal),
        Err(seal_error) => match Signature::from_der(bytes, ParseMode::Lenient) {
            Ok(signature) => (DocumentFormat::SesSignature, signature.seal().clone()),
            Err(_) => return Err(throw(&seal_error.into())),
        },
    };
    let out = describe_seal(&seal)?;
    set(&out, "format", &format.as_str().into())?;
    Ok(JsValue::from(out).unchecked_into())
}

/// The seals a file of any format `verify` handles carries, in the order of its report's
/// signatures: each as `inspectSeal` describes it, with `signatureId` (the report's
/// `signatures[].id`: OFD `Signature/@ID`; `null` for a bare seal or signature file). Seals that
/// cannot be read are left out (the report says why). Throws as `verify` does for unreadable
/// files; `options` as `verify`'s (only `limits` matter).
#[wasm_bindgen(js_name = documentSeals)]
pub fn document_seals(
    bytes: &[u8],
    options: Option<crate::JsVerifyOptions>,
) -> JsResult<Vec<JsFoundSeal>> {
    let inputs = Inputs::from_js(options.as_ref().map(AsRef::as_ref))?;
    let trust = inputs.trust_store();
    let document = inputs.document_options(inputs.ses_options(&trust));
    let found = eseal::document::seals(bytes, &document).map_err(|e| throw(&e.into()))?;
    found
        .iter()
        .map(|f| {
            let out = describe_seal(&f.seal)?;
            let id = f
                .signature_id
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from);
            set(&out, "signatureId", &id)?;
            Ok(JsValue::from(out).unchecked_into())
        })
        .collect()
}

/// A seal's facts (the report's `seal` object), its verification on its own, and its picture.
fn describe_seal(seal: &Seal) -> JsResult<js_sys::Object> {
    let report = eseal::ses::verify_parsed_seal(seal, &VerifyOptions::new());
    // The report's JSON is the schema's; the facts are its `seal` object.
    let report_json =
        crate::json_value(&DocumentReport::single(DocumentFormat::Seal, report).to_json())?;
    let signatures = get(&report_json, "signatures")?;
    let first = js_sys::Reflect::get_u32(&signatures, 0).map_err(|_| internal())?;
    let seal_report = get(&first, "report")?;

    let out = js_sys::Object::new();
    set(&out, "seal", &get(&seal_report, "seal")?)?;
    set(&out, "status", &get(&seal_report, "status")?)?;
    set(&out, "checks", &get(&seal_report, "checks")?)?;
    set(&out, "warnings", &get(&seal_report, "warnings")?)?;

    let picture = seal.picture();
    let p = js_sys::Object::new();
    set(&p, "declaredType", &picture.picture_type.as_str().into())?;
    set(
        &p,
        "mimeType",
        &picture
            .sniffed_format()
            .and_then(mime_type)
            .map_or(JsValue::NULL, JsValue::from),
    )?;
    set(&p, "widthMm", &JsValue::from_f64(picture.width as f64))?;
    set(&p, "heightMm", &JsValue::from_f64(picture.height as f64))?;
    set(
        &p,
        "data",
        &js_sys::Uint8Array::from(picture.data.as_slice()).into(),
    )?;
    set(&out, "picture", &p.into())?;
    Ok(out)
}

/// The certificates of a PEM bundle or a DER file, each described: `subject`, `issuer`,
/// `serial` (hex), `notBefore`, `notAfter` (RFC 3339), `sm3Fingerprint` (hex), `isCa`,
/// `selfIssued`, and `der` (its bytes, to pass back as a trust anchor).
#[wasm_bindgen(js_name = readCertificates)]
pub fn read_certificates(bytes: &[u8]) -> JsResult<Vec<JsCertificateInfo>> {
    let certs = eseal::certfile::read_certificates(bytes).map_err(|e| throw(&e.into()))?;
    certs.iter().map(describe).collect()
}

fn describe(cert: &Certificate) -> JsResult<JsCertificateInfo> {
    let o = js_sys::Object::new();
    set(&o, "subject", &cert.subject_string().into())?;
    set(&o, "issuer", &cert.issuer_string().into())?;
    set(&o, "serial", &cert.serial_hex().into())?;
    set(&o, "notBefore", &cert.not_before().to_string().into())?;
    set(&o, "notAfter", &cert.not_after().to_string().into())?;
    set(&o, "sm3Fingerprint", &hex(&cert.fingerprint_sm3()).into())?;
    set(
        &o,
        "isCa",
        &cert.basic_constraints().is_some_and(|bc| bc.ca).into(),
    )?;
    set(&o, "selfIssued", &cert.is_self_issued().into())?;
    set(&o, "der", &js_sys::Uint8Array::from(cert.as_der()).into())?;
    Ok(JsValue::from(o).unchecked_into())
}

/// The MIME type a browser shows the picture with; `None` for OFD pictures (a vector seal
/// image in an OFD package, which no browser renders).
fn mime_type(format: PictureFormat) -> Option<&'static str> {
    match format {
        PictureFormat::Png => Some("image/png"),
        PictureFormat::Jpeg => Some("image/jpeg"),
        PictureFormat::Gif => Some("image/gif"),
        PictureFormat::Bmp => Some("image/bmp"),
        PictureFormat::Svg => Some("image/svg+xml"),
        _ => None,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(crate) fn get(object: &JsValue, key: &str) -> JsResult<JsValue> {
    js_sys::Reflect::get(object, &key.into()).map_err(|_| internal())
}

pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) -> JsResult<()> {
    js_sys::Reflect::set(object, &key.into(), value)
        .map(|_| ())
        .map_err(|_| internal())
}

pub(crate) fn internal() -> JsValue {
    throw(&eseal::Error::new(
        eseal::ErrorCode::Internal,
        "building the result object failed",
    ))
}
