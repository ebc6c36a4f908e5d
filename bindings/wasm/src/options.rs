//! The `options` object of `verify`, read into the core's verification options.
//!
//! Certificates and CRLs arrive as bytes or text (PEM bundles or DER, one value or an array);
//! the policy as a preset name or the text of a JSON policy file; the validation time as
//! RFC 3339 text (default: now, from the JS clock, since the core reads none).

use eseal::document::DocumentVerifyOptions;
use eseal::ofd::Limits;
use eseal::pki::{Certificate, Crl, TrustStore};
use eseal::ses::{DataRef, VerifyOptions};
use eseal::time::Time;
use eseal::verify::ValidationPolicy;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{JsResult, context, invalid, throw};

/// Most items in one list option (anchors, intermediates, CRLs, signer certificates).
const MAX_LIST: usize = 1000;

/// What `verify` was given, read and owned.
pub(crate) struct Inputs {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    crls: Vec<Crl>,
    signer_certificates: Vec<Certificate>,
    policy: ValidationPolicy,
    at: Time,
    data: Option<Vec<u8>>,
    limits: ResolvedLimits,
}

impl Inputs {
    /// Reads the options object (absent, `undefined` or `null`: every default).
    pub(crate) fn from_js(options: Option<&JsValue>) -> JsResult<Self> {
        let options = options.filter(|o| !o.is_undefined() && !o.is_null());
        if let Some(o) = options {
            if !o.is_object() {
                return Err(invalid("options must be an object"));
            }
        }
        let field = |name: &str| -> Option<JsValue> {
            let o = options?;
            js_sys::Reflect::get(o, &name.into())
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let certificates = |name: &str| -> JsResult<Vec<Certificate>> {
            let mut out = Vec::new();
            for (i, item) in byte_items(field(name).as_ref(), name)?.iter().enumerate() {
                let certs = eseal::certfile::read_certificates(item)
                    .map_err(|e| throw(&context(&format!("{name}[{i}]"), e)))?;
                out.extend(certs);
            }
            Ok(out)
        };
        let mut crls = Vec::new();
        for (i, item) in byte_items(field("crls").as_ref(), "crls")?
            .iter()
            .enumerate()
        {
            let read = eseal::certfile::read_crls(item)
                .map_err(|e| throw(&context(&format!("crls[{i}]"), e)))?;
            crls.extend(read);
        }
        let policy = match field("policy") {
            None => ValidationPolicy::default_policy(),
            Some(v) => {
                let text = v
                    .as_string()
                    .ok_or_else(|| invalid("policy must be a preset name or JSON policy text"))?;
                policy_from_text(&text).map_err(|e| throw(&e))?
            }
        };
        let at = match field("at") {
            None => now(),
            Some(v) => {
                let text = v
                    .as_string()
                    .ok_or_else(|| invalid("at must be RFC 3339 text"))?;
                Time::parse_rfc3339(&text).map_err(|e| throw(&context("at", e)))?
            }
        };
        let data = match field("data") {
            None => None,
            Some(v) => {
                Some(bytes_of(&v).ok_or_else(|| invalid("data must be a Uint8Array or text"))?)
            }
        };
        let limits = match field("limits") {
            None => LimitValues::default().resolve(),
            // The eseal.limits/1 text of the CLI's --limits and C's eseal_policy_set_limits.
            Some(v) => match v.as_string() {
                Some(text) => ResolvedLimits::from_text(&text).map_err(|e| throw(&e))?,
                None => LimitValues::from_js(&v)?.resolve(),
            },
        };
        Ok(Self {
            anchors: certificates("trustAnchors")?,
            intermediates: certificates("intermediates")?,
            crls,
            signer_certificates: certificates("signerCertificates")?,
            policy,
            at,
            data,
            limits,
        })
    }

    /// The trust anchors as a store (borrowed by the SES options).
    pub(crate) fn trust_store(&self) -> TrustStore {
        TrustStore::from_certificates(self.anchors.iter().cloned())
    }

    /// The SES options, as the CLI builds them for the same inputs (`Loaded::ses_options`).
    pub(crate) fn ses_options<'a>(&'a self, trust: &'a TrustStore) -> VerifyOptions<'a> {
        let mut options = VerifyOptions::new()
            .intermediates(&self.intermediates)
            .crls(&self.crls)
            .validation_policy(self.policy.clone())
            .validation_time(self.at);
        if !trust.is_empty() {
            options = options.trust_anchors(trust);
        }
        options
    }

    /// The whole-file options around `ses`.
    pub(crate) fn document_options<'a>(
        &'a self,
        ses: VerifyOptions<'a>,
    ) -> DocumentVerifyOptions<'a> {
        let mut options = DocumentVerifyOptions::new(ses)
            .signer_certificates(&self.signer_certificates)
            .max_input_len(self.limits.max_input)
            .ofd_limits(self.limits.ofd.clone())
            .pdf_limits(self.limits.pdf.clone());
        if let Some(data) = &self.data {
            options = options.detached_data(DataRef::Bytes(data));
        }
        options
    }
}

/// A preset name (`default`, `strict`, `relaxed`) or the text of a JSON policy file.
pub(crate) fn policy_from_text(text: &str) -> Result<ValidationPolicy, eseal::Error> {
    if let Some(preset) = ValidationPolicy::preset(text.trim()) {
        return Ok(preset);
    }
    if !text.trim_start().starts_with('{') {
        return Err(eseal::Error::new(
            eseal::ErrorCode::InvalidArgument,
            format!(
                "policy {text:?}: not a preset (default, strict, relaxed) nor JSON policy text"
            ),
        ));
    }
    ValidationPolicy::from_json(text).map_err(|e| context("policy", e))
}

/// "Now" from the JS clock, in whole seconds.
fn now() -> Time {
    let ms = js_sys::Date::now();
    // Date.now() is a non-negative integer number of milliseconds on any sane clock.
    let seconds = if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0) as u64
    } else {
        0
    };
    Time::from_unix_seconds(seconds)
}

/// The bytes of a `Uint8Array`, an `ArrayBuffer` or a string (its UTF-8: PEM text).
pub(crate) fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Some(array.to_vec());
    }
    value
        .dyn_ref::<js_sys::ArrayBuffer>()
        .map(|buffer| js_sys::Uint8Array::new(buffer).to_vec())
}

/// One value (bytes or text) or an array of them.
fn byte_items(value: Option<&JsValue>, what: &str) -> JsResult<Vec<Vec<u8>>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    if let Some(one) = bytes_of(value) {
        return Ok(vec![one]);
    }
    let array = value.dyn_ref::<js_sys::Array>().ok_or_else(|| {
        invalid(format!(
            "{what} must be a Uint8Array, PEM text, or an array of them"
        ))
    })?;
    if array.length() as usize > MAX_LIST {
        return Err(throw(&eseal::Error::new(
            eseal::ErrorCode::LimitExceeded,
            format!("{what}: more than {MAX_LIST} items"),
        )));
    }
    array
        .iter()
        .enumerate()
        .map(|(i, item)| {
            bytes_of(&item)
                .ok_or_else(|| invalid(format!("{what}[{i}] must be a Uint8Array or PEM text")))
        })
        .collect()
}

/// The `limits` object: each field optional, in bytes or counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LimitValues {
    max_input_bytes: Option<u64>,
    max_package_bytes: Option<u64>,
    max_entries: Option<u64>,
    max_entry_bytes: Option<u64>,
    max_total_bytes: Option<u64>,
    max_xml_bytes: Option<u64>,
    max_signatures: Option<u64>,
    max_pages: Option<u64>,
}

/// Browser-sized defaults (a tab has far less memory than a server), and the ceiling for
/// values the caller gives: the core's own limits. Values can only tighten those.
pub(crate) const BROWSER_MAX_INPUT: u64 = 64 << 20;
const BROWSER_MAX_ENTRY: u64 = 32 << 20;
const BROWSER_MAX_TOTAL: u64 = 128 << 20;
const BROWSER_MAX_XML: u64 = 8 << 20;

/// [`LimitValues`] applied to the browser defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedLimits {
    pub(crate) max_input: usize,
    pub(crate) ofd: Limits,
    pub(crate) pdf: eseal::pdf::Limits,
}

impl ResolvedLimits {
    /// The limits of an `eseal.limits/1` text (docs/limits.md: each value at most the library
    /// default, unknown fields refused), each also capped by the browser default.
    pub(crate) fn from_text(text: &str) -> Result<Self, eseal::Error> {
        let given = eseal::document::VerifyLimits::from_json(text)
            .map_err(|e| context("limits", eseal::Error::from(e)))?;
        let browser = LimitValues::default().resolve();
        let mut ofd = given.ofd;
        ofd.max_package_size = ofd.max_package_size.min(browser.ofd.max_package_size);
        ofd.max_entry_size = ofd.max_entry_size.min(browser.ofd.max_entry_size);
        ofd.max_total_size = ofd.max_total_size.min(browser.ofd.max_total_size);
        ofd.max_xml_size = ofd.max_xml_size.min(browser.ofd.max_xml_size);
        Ok(Self {
            max_input: given
                .max_input_bytes
                .map_or(browser.max_input, |m| m.min(browser.max_input)),
            ofd,
            pdf: given.pdf,
        })
    }
}

impl LimitValues {
    fn from_js(value: &JsValue) -> JsResult<Self> {
        if !value.is_object() {
            return Err(invalid("limits must be an object"));
        }
        let get = |name: &str| -> JsResult<Option<u64>> {
            let v = js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED);
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            let n = v
                .as_f64()
                .ok_or_else(|| invalid(format!("limits.{name} must be a number")))?;
            // 2^53: the largest integer a JS number holds exactly.
            if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0) {
                return Err(invalid(format!(
                    "limits.{name} must be a non-negative integer, not {n}"
                )));
            }
            Ok(Some(n as u64))
        };
        Ok(Self {
            max_input_bytes: get("maxInputBytes")?,
            max_package_bytes: get("maxPackageBytes")?,
            max_entries: get("maxEntries")?,
            max_entry_bytes: get("maxEntryBytes")?,
            max_total_bytes: get("maxTotalBytes")?,
            max_xml_bytes: get("maxXmlBytes")?,
            max_signatures: get("maxSignatures")?,
            max_pages: get("maxPages")?,
        })
    }

    /// The limits in force: each given value, capped by the core's default, else the browser
    /// default (itself within the core's).
    pub(crate) fn resolve(&self) -> ResolvedLimits {
        let core = Limits::default();
        let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        // The given value, else the browser default, else the core's; never above the core's.
        let cap = |given: Option<u64>, browser: Option<u64>, ceiling: u64| -> u64 {
            given.or(browser).unwrap_or(ceiling).min(ceiling)
        };
        let cap_usize = |given: Option<u64>, browser: Option<u64>, ceiling: usize| -> usize {
            usize::try_from(cap(given, browser, wide(ceiling))).unwrap_or(usize::MAX)
        };
        let max_input = cap_usize(
            self.max_input_bytes,
            Some(BROWSER_MAX_INPUT),
            core.max_package_size,
        );
        let mut ofd = core.clone();
        ofd.max_package_size = cap_usize(
            self.max_package_bytes,
            Some(wide(max_input)),
            core.max_package_size,
        );
        ofd.max_entries = cap_usize(self.max_entries, None, core.max_entries);
        ofd.max_entry_size = cap(
            self.max_entry_bytes,
            Some(BROWSER_MAX_ENTRY),
            core.max_entry_size,
        );
        ofd.max_total_size = cap(
            self.max_total_bytes,
            Some(BROWSER_MAX_TOTAL),
            core.max_total_size,
        );
        ofd.max_xml_size = cap_usize(self.max_xml_bytes, Some(BROWSER_MAX_XML), core.max_xml_size);
        ofd.max_signatures = cap_usize(self.max_signatures, None, core.max_signatures);
        ofd.max_pages = cap_usize(self.max_pages, None, core.max_pages);
        ResolvedLimits {
            max_input,
            ofd,
            pdf: eseal::pdf::Limits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_are_browser_sized_and_within_the_core() {
        let r = LimitValues::default().resolve();
        let core = Limits::default();
        assert_eq!(r.max_input, 64 << 20);
        assert_eq!(r.ofd.max_package_size, 64 << 20);
        assert_eq!(r.ofd.max_entry_size, 32 << 20);
        assert_eq!(r.ofd.max_total_size, 128 << 20);
        assert_eq!(r.ofd.max_xml_size, 8 << 20);
        assert!(r.ofd.max_total_size < core.max_total_size);
        assert_eq!(r.ofd.max_entries, core.max_entries);
    }

    #[test]
    fn given_values_tighten_but_never_loosen() {
        let tight = LimitValues {
            max_input_bytes: Some(1000),
            max_entries: Some(3),
            max_xml_bytes: Some(10),
            ..LimitValues::default()
        }
        .resolve();
        assert_eq!(tight.max_input, 1000);
        // The package limit follows the input limit unless given.
        assert_eq!(tight.ofd.max_package_size, 1000);
        assert_eq!(tight.ofd.max_entries, 3);
        assert_eq!(tight.ofd.max_xml_size, 10);

        let loose = LimitValues {
            max_input_bytes: Some(u64::MAX),
            max_entries: Some(u64::MAX),
            max_total_bytes: Some(u64::MAX),
            ..LimitValues::default()
        }
        .resolve();
        let core = Limits::default();
        assert_eq!(loose.max_input, core.max_package_size);
        assert_eq!(loose.ofd.max_entries, core.max_entries);
        assert_eq!(loose.ofd.max_total_size, core.max_total_size);
    }

    #[test]
    fn limits_text_is_the_cli_form_capped_by_the_browser() {
        let r = ResolvedLimits::from_text(
            r#"{"schema": "eseal.limits/1", "max_input_bytes": 1000,
                "ofd": {"max_entries": 7, "max_xml_size": 9000000}, "pdf": {"max_objects": 5}}"#,
        )
        .unwrap();
        assert_eq!(r.max_input, 1000);
        assert_eq!(r.ofd.max_entries, 7);
        assert_eq!(r.ofd.max_xml_size, BROWSER_MAX_XML as usize);
        assert_eq!(r.pdf.max_objects, 5);
        let defaults = ResolvedLimits::from_text(r#"{"schema": "eseal.limits/1"}"#).unwrap();
        assert_eq!(defaults, LimitValues::default().resolve());
        let err = ResolvedLimits::from_text(
            r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 2000001}}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), eseal::ErrorCode::InvalidArgument);
        assert!(err.to_string().contains("pdf.max_objects"), "{err}");
    }

    #[test]
    fn policies_are_presets_or_json() {
        assert_eq!(policy_from_text("strict").unwrap().name(), "strict");
        assert_eq!(policy_from_text(" relaxed\n").unwrap().name(), "relaxed");
        let json = r#"{ "schema_version": 1, "name": "page", "base": "default" }"#;
        assert_eq!(policy_from_text(json).unwrap().name(), "page");
        let err = policy_from_text("lenient").unwrap_err();
        assert_eq!(err.code(), eseal::ErrorCode::InvalidArgument);
        let err = policy_from_text("{ not json").unwrap_err();
        assert_eq!(err.code(), eseal::ErrorCode::Malformed);
        assert!(err.to_string().starts_with("policy: "), "{err}");
    }
}
