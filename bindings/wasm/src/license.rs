//! `licenseInfo`: what an e-license (电子证照) says, read without verifying it — the metadata
//! of a license OFD or PDF, a metadata file (XML or JSON), or the fields of a 2D-code payload.

use eseal::license::{LicenseMetadata, Payload, read_license};
use wasm_bindgen::prelude::*;

use crate::error::{JsResult, throw};
use crate::seal::{hex, set};
use crate::types::JsLicenseInfo;

/// The metadata of a license OFD or PDF (with the 2D-code text embedded beside it and that
/// payload's fields), of a metadata file (XML or JSON, `docs/license.md`), or the fields of a
/// 2D-code payload (`DZZZ:…` or its URL form), as a plain object (TypeScript `LicenseInfo`).
///
/// Nothing is verified: a forged file reads as well as a genuine one. Call `verify` for a
/// verdict. Throws (with `code`) for bytes that are none of these, or whose metadata or
/// payload does not parse (`malformed`, `limit_exceeded`).
#[wasm_bindgen(js_name = licenseInfo)]
pub fn license_info(bytes: &[u8]) -> JsResult<JsLicenseInfo> {
    let out = js_sys::Object::new();
    let format = eseal::document::sniff(bytes);
    let (kind, metadata, code) = match format {
        Some(eseal::verify::DocumentFormat::License) => {
            let file = read_license(bytes).map_err(|e| throw(&e.into()))?;
            set(&out, "container", &file.container.as_str().into())?;
            ("license", Some(file.metadata), file.code_text)
        }
        Some(eseal::verify::DocumentFormat::LicensePayload) => (
            "payload",
            None,
            Some(String::from_utf8_lossy(bytes).trim().to_owned()),
        ),
        _ => ("metadata", Some(metadata_file(bytes)?), None),
    };
    set(&out, "kind", &kind.into())?;
    if kind != "license" {
        set(&out, "container", &JsValue::NULL)?;
    }
    let metadata = match metadata {
        Some(meta) => crate::json_value(&meta.to_json())?,
        None => JsValue::NULL,
    };
    set(&out, "metadata", &metadata)?;
    let payload = match &code {
        Some(text) => payload_object(&Payload::parse(text).map_err(|e| throw(&e.into()))?)?,
        None => JsValue::NULL,
    };
    set(&out, "code", &code.map_or(JsValue::NULL, JsValue::from))?;
    set(&out, "payload", &payload)?;
    Ok(JsValue::from(out).unchecked_into())
}

/// Metadata as JSON (starts with `{`) or XML; anything else is no license input.
fn metadata_file(bytes: &[u8]) -> JsResult<LicenseMetadata> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let parsed = match first {
        Some(b'{') => LicenseMetadata::from_json(bytes),
        Some(b'<') => LicenseMetadata::from_xml(bytes),
        _ => {
            return Err(throw(&eseal::Error::new(
                eseal::ErrorCode::Malformed,
                "not a license (OFD or PDF with license metadata), license metadata (XML or JSON) \
                 or a 2D-code payload (DZZZ:…)",
            )));
        }
    };
    parsed.map_err(|e| throw(&e.into()))
}

/// A payload's fields (the CLI's `license show` of a payload).
fn payload_object(p: &Payload) -> JsResult<JsValue> {
    let o = js_sys::Object::new();
    let date = |d: Option<String>| d.map_or(JsValue::NULL, JsValue::from);
    set(&o, "identifier", &p.identifier.as_str().into())?;
    set(&o, "issueDate", &p.issue_date.to_string().into())?;
    set(&o, "validFrom", &date(p.valid_from.map(|d| d.to_string())))?;
    set(
        &o,
        "validUntil",
        &date(p.valid_until.map(|d| d.to_string())),
    )?;
    set(&o, "keyId", &hex(&p.key_id).into())?;
    set(&o, "keyFieldsDigest", &hex(&p.digest).into())?;
    set(&o, "bytes", &JsValue::from(p.to_bytes().len() as u32))?;
    Ok(o.into())
}
