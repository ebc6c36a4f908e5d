//! The validation policy: for every check and every known producer deviation, the level that
//! decides what a non-passing outcome does to the verdict (as EU DSS's constraint policy).
//!
//! - [`Level::Fail`]: a failed check makes the result invalid (cryptographic, binding, format,
//!   or a time proven by a timestamp) or indeterminate (trust, revocation, a claimed time); an
//!   indeterminate check makes it indeterminate.
//! - [`Level::Warn`]: the outcome is reported as a warning and does not change the verdict.
//! - [`Level::Inform`]: the outcome is kept in the report only.
//! - [`Level::Ignore`]: the outcome is kept but neither reported as a warning nor counted.
//!
//! Deviations of deployed producers (DER DEFAULT values encoded, SET OF order, …) have levels
//! too: at `fail` they fail `seal.format` / `signature.format`, at `warn` they are warnings.
//!
//! Presets: [`ValidationPolicy::default_policy`] (auditing deployed documents),
//! [`ValidationPolicy::strict`] (conformance testing) and [`ValidationPolicy::relaxed`]
//! (default plus the CA relaxations deployed Chinese roots need). A department tunes a preset
//! with a JSON policy file ([`ValidationPolicy::from_json`], schema in `docs/report-schema.md`).

use std::collections::BTreeMap;

use super::report::CheckId;
use crate::pki::Policy as PathPolicy;
use crate::ses::ParseMode;

/// What a non-passing outcome of a check, or a deviation, does to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Level {
    /// Counts: a failure invalidates or leaves the result indeterminate (see the module docs).
    Fail,
    /// Reported as a warning; the verdict is not affected.
    Warn,
    /// Kept in the report for information; the verdict is not affected.
    Inform,
    /// Not counted and not reported as a warning.
    Ignore,
}

impl Level {
    /// Lower-case name as used in policy files and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Warn => "warn",
            Self::Inform => "inform",
            Self::Ignore => "ignore",
        }
    }

    #[cfg(feature = "serde")]
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "fail" => Self::Fail,
            "warn" => Self::Warn,
            "inform" => Self::Inform,
            "ignore" => Self::Ignore,
            _ => return None,
        })
    }
}

/// Version of the policy file schema read by [`ValidationPolicy::from_json`].
pub const POLICY_SCHEMA_VERSION: u32 = 1;

/// Every deviation code a policy may name (the warning codes of tolerated deviations).
pub const DEVIATION_CODES: &[&str] = &[
    "ses.deviation.utc_time_for_generalized_time",
    "ses.deviation.generalized_time_for_utc_time",
    "ses.deviation.octet_string_for_bit_string",
    "ses.deviation.wrapped_sign_info",
    "ses.deviation.ext_datas_encoding",
    "ses.deviation.unparsable_ext_data",
    "ses.deviation.critical_false_present",
    "ses.deviation.tagging",
    "ses.deviation.cert_list_type_mismatch",
    "ses.deviation.header_id",
    "ses.deviation.header_version",
    "ses.raw_signature_value",
    "ses.sm2_sign_oid",
    "ses.maker_signed_seal_info_only",
    "ses.maker_signed_three_elements",
    "cms.raw-signature",
    "cms.content-type-mismatch",
    "cms.content-type-missing",
    "cms.unsorted-signed-attributes",
    "cms.digest-algorithm-not-listed",
    "cms.ber-encoding",
];

/// A named set of levels and options that decides how outcomes become a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationPolicy {
    name: String,
    checks: BTreeMap<CheckId, Level>,
    deviations: BTreeMap<&'static str, Level>,
    deviation_default: Level,
    path: PathPolicy,
    require_timestamp: bool,
    unprotected_content_fails: bool,
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self::default_policy()
    }
}

impl ValidationPolicy {
    /// For auditors of deployed documents: every known producer deviation is read and named as
    /// a warning; cryptographic and binding failures fail; time, trust and revocation gaps are
    /// indeterminate; an unusable timestamp is a warning (the signature is judged as if it had
    /// none); certificate paths follow RFC 5280.
    #[must_use]
    pub fn default_policy() -> Self {
        let mut checks = BTreeMap::new();
        for id in CheckId::ALL {
            checks.insert(*id, Level::Fail);
        }
        // Anyone can add or strip an unsigned timestamp: a bad one proves nothing against the
        // signature. It is then simply not used as proof of existence.
        checks.insert(CheckId::Timestamp, Level::Warn);
        checks.insert(CheckId::SealTimestamp, Level::Warn);
        Self {
            name: "default".to_owned(),
            checks,
            deviations: BTreeMap::new(),
            deviation_default: Level::Warn,
            path: PathPolicy::strict(),
            require_timestamp: false,
            unprotected_content_fails: false,
        }
    }

    /// Conformance testing: the standards as written. Every deviation fails its format check,
    /// and every check counts.
    #[must_use]
    pub fn strict() -> Self {
        let mut p = Self::default_policy();
        p.name = "strict".to_owned();
        for level in p.checks.values_mut() {
            *level = Level::Fail;
        }
        p.deviation_default = Level::Fail;
        p.unprotected_content_fails = true;
        p
    }

    /// [`ValidationPolicy::default_policy`] plus the CA relaxations deployed Chinese roots need
    /// (no keyCertSign, no cA = TRUE on the anchor); each relaxation used is named in the report.
    #[must_use]
    pub fn relaxed() -> Self {
        let mut p = Self::default_policy();
        p.name = "relaxed".to_owned();
        p.path = PathPolicy::lenient_anchors();
        p
    }

    /// A preset by name: `default`, `strict` or `relaxed`.
    #[must_use]
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::default_policy()),
            "strict" => Some(Self::strict()),
            "relaxed" => Some(Self::relaxed()),
            _ => None,
        }
    }

    /// The policy's name, as the report shows it.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The level of a check.
    #[must_use]
    pub fn check_level(&self, id: CheckId) -> Level {
        if id == CheckId::Timestamp && self.require_timestamp {
            return Level::Fail;
        }
        self.checks.get(&id).copied().unwrap_or(Level::Fail)
    }

    /// The level of a deviation code (see [`DEVIATION_CODES`]); unknown codes get the
    /// policy's default deviation level.
    #[must_use]
    pub fn deviation_level(&self, code: &str) -> Level {
        self.deviations
            .get(code)
            .copied()
            .unwrap_or(self.deviation_default)
    }

    /// The certificate path policy.
    #[must_use]
    pub fn path_policy(&self) -> &PathPolicy {
        &self.path
    }

    /// Whether a signature without a verified timestamp is left indeterminate.
    #[must_use]
    pub fn requires_timestamp(&self) -> bool {
        self.require_timestamp
    }

    /// Whether visible content of a signed page that no signature protects fails `ofd.coverage`
    /// (strict) instead of leaving it indeterminate (default).
    #[must_use]
    pub fn unprotected_content_fails(&self) -> bool {
        self.unprotected_content_fails
    }

    /// The parse mode the SES and CMS readers use: strict only when every deviation fails.
    #[must_use]
    pub fn parse_mode(&self) -> ParseMode {
        let all_fail = self.deviation_default == Level::Fail
            && self.deviations.values().all(|l| *l == Level::Fail);
        if all_fail {
            ParseMode::Strict
        } else {
            ParseMode::Lenient
        }
    }

    /// Sets the level of a check.
    #[must_use]
    pub fn with_check_level(mut self, id: CheckId, level: Level) -> Self {
        self.checks.insert(id, level);
        self
    }

    /// Sets the level of a deviation code.
    ///
    /// # Errors
    /// [`PolicyError::UnknownKey`] when `code` is not in [`DEVIATION_CODES`].
    pub fn with_deviation_level(mut self, code: &str, level: Level) -> Result<Self, PolicyError> {
        let known = DEVIATION_CODES
            .iter()
            .find(|c| **c == code)
            .ok_or_else(|| PolicyError::UnknownKey(format!("deviations.{code}")))?;
        self.deviations.insert(known, level);
        Ok(self)
    }

    /// Replaces the certificate path policy.
    #[must_use]
    pub fn with_path_policy(mut self, path: PathPolicy) -> Self {
        self.path = path;
        self
    }

    /// Renames the policy (the report shows the name).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Reads a policy file (JSON, schema version [`POLICY_SCHEMA_VERSION`]):
    ///
    /// ```json
    /// { "schema_version": 1, "name": "tax-bureau", "base": "default",
    ///   "checks": { "signature.timestamp": "fail" },
    ///   "deviations": { "ses.deviation.critical_false_present": "warn", "*": "fail" },
    ///   "options": { "accept_ca_without_key_cert_sign": true,
    ///                "accept_anchor_without_ca_constraints": true,
    ///                "require_revocation": false, "require_timestamp": false,
    ///                "unprotected_content_fails": false } }
    /// ```
    ///
    /// Unknown keys, check ids, deviation codes and levels are errors, so a typo never silently
    /// loosens a policy.
    ///
    /// # Errors
    /// [`PolicyError`] naming the offending key or value.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        use serde_json::Value;
        const MAX_POLICY_BYTES: usize = 1 << 20;
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::Malformed(format!(
                "the policy file is {} bytes; at most {MAX_POLICY_BYTES} are read",
                text.len()
            )));
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| PolicyError::Malformed(e.to_string()))?;
        let Value::Object(root) = value else {
            return Err(PolicyError::Malformed(
                "the policy is not a JSON object".into(),
            ));
        };
        let mut base_name = "default";
        if let Some(b) = root.get("base") {
            base_name = b
                .as_str()
                .ok_or_else(|| PolicyError::InvalidValue("base".into(), b.to_string()))?;
        }
        let mut policy = Self::preset(base_name).ok_or_else(|| {
            PolicyError::InvalidValue(
                "base".into(),
                format!("{base_name:?} (expected default, strict or relaxed)"),
            )
        })?;
        for (key, v) in &root {
            match key.as_str() {
                "schema_version" => {
                    if v.as_u64() != Some(u64::from(POLICY_SCHEMA_VERSION)) {
                        return Err(PolicyError::InvalidValue(
                            key.clone(),
                            format!("{v} (this eseal reads version {POLICY_SCHEMA_VERSION})"),
                        ));
                    }
                }
                "base" => {}
                "name" => {
                    let name = v
                        .as_str()
                        .ok_or_else(|| PolicyError::InvalidValue(key.clone(), v.to_string()))?;
                    policy.name = name.chars().take(100).collect();
                }
                "checks" => {
                    for (id, level) in object(key, v)? {
                        let check = CheckId::ALL
                            .iter()
                            .find(|c| c.as_str() == id)
                            .ok_or_else(|| PolicyError::UnknownKey(format!("checks.{id}")))?;
                        policy
                            .checks
                            .insert(*check, level_of(&format!("checks.{id}"), level)?);
                    }
                }
                "deviations" => {
                    for (code, level) in object(key, v)? {
                        let level = level_of(&format!("deviations.{code}"), level)?;
                        if code == "*" {
                            policy.deviation_default = level;
                        } else {
                            policy = policy.with_deviation_level(code, level)?;
                        }
                    }
                }
                "options" => {
                    for (opt, v) in object(key, v)? {
                        let flag = v.as_bool().ok_or_else(|| {
                            PolicyError::InvalidValue(format!("options.{opt}"), v.to_string())
                        })?;
                        match opt.as_str() {
                            "accept_ca_without_key_cert_sign" => {
                                policy.path.allow_missing_key_cert_sign = flag;
                            }
                            "accept_anchor_without_ca_constraints" => {
                                policy.path.allow_anchor_without_ca_constraints = flag;
                            }
                            "require_revocation" => policy.path.require_revocation_check = flag,
                            "accept_stale_crls" => policy.path.accept_stale_crls = flag,
                            "require_timestamp" => policy.require_timestamp = flag,
                            "unprotected_content_fails" => {
                                policy.unprotected_content_fails = flag;
                            }
                            _ => return Err(PolicyError::UnknownKey(format!("options.{opt}"))),
                        }
                    }
                }
                _ => return Err(PolicyError::UnknownKey(key.clone())),
            }
        }
        Ok(policy)
    }
}

#[cfg(feature = "serde")]
fn object<'v>(
    key: &str,
    v: &'v serde_json::Value,
) -> Result<&'v serde_json::Map<String, serde_json::Value>, PolicyError> {
    v.as_object()
        .ok_or_else(|| PolicyError::InvalidValue(key.to_owned(), "not an object".into()))
}

#[cfg(feature = "serde")]
fn level_of(key: &str, v: &serde_json::Value) -> Result<Level, PolicyError> {
    v.as_str().and_then(Level::parse).ok_or_else(|| {
        PolicyError::InvalidValue(
            key.to_owned(),
            format!("{v} (expected \"fail\", \"warn\", \"inform\" or \"ignore\")"),
        )
    })
}

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON, not an object, or too large.
    #[error("malformed policy file: {0}")]
    Malformed(String),
    /// A key the schema does not define (a typo must not silently loosen a policy).
    #[error("unknown policy key {0:?}")]
    UnknownKey(String),
    /// A key with a value of the wrong type or range.
    #[error("invalid value for policy key {0:?}: {1}")]
    InvalidValue(String, String),
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn presets_differ_where_documented() {
        let d = ValidationPolicy::default_policy();
        let s = ValidationPolicy::strict();
        assert_eq!(
            d.deviation_level("ses.deviation.critical_false_present"),
            Level::Warn
        );
        assert_eq!(
            s.deviation_level("ses.deviation.critical_false_present"),
            Level::Fail
        );
        assert_eq!(d.check_level(CheckId::Timestamp), Level::Warn);
        assert_eq!(s.check_level(CheckId::Timestamp), Level::Fail);
        assert_eq!(d.parse_mode(), ParseMode::Lenient);
        assert_eq!(s.parse_mode(), ParseMode::Strict);
        assert!(
            ValidationPolicy::relaxed()
                .path_policy()
                .allow_missing_key_cert_sign
        );
        assert!(!d.path_policy().allow_missing_key_cert_sign);
    }

    #[test]
    fn policy_file_tunes_a_preset() {
        let p = ValidationPolicy::from_json(
            r#"{"schema_version":1,"name":"dept","base":"strict",
                "checks":{"signature.timestamp":"warn"},
                "deviations":{"ses.deviation.critical_false_present":"warn"},
                "options":{"accept_ca_without_key_cert_sign":true}}"#,
        )
        .unwrap();
        assert_eq!(p.name(), "dept");
        assert_eq!(p.check_level(CheckId::Timestamp), Level::Warn);
        assert_eq!(
            p.deviation_level("ses.deviation.critical_false_present"),
            Level::Warn
        );
        assert_eq!(
            p.deviation_level("cms.unsorted-signed-attributes"),
            Level::Fail
        );
        assert!(p.path_policy().allow_missing_key_cert_sign);
        assert_eq!(p.parse_mode(), ParseMode::Lenient);
    }

    #[test]
    fn policy_file_refuses_unknown_keys_and_values() {
        for (text, needle) in [
            (r#"{"chekcs":{}}"#, "chekcs"),
            (r#"{"checks":{"seal.formt":"warn"}}"#, "seal.formt"),
            (r#"{"checks":{"seal.format":"maybe"}}"#, "maybe"),
            (r#"{"deviations":{"ses.nope":"warn"}}"#, "ses.nope"),
            (r#"{"options":{"trust_everyone":true}}"#, "trust_everyone"),
            (r#"{"schema_version":2}"#, "version 1"),
            (r#"{"base":"lax"}"#, "lax"),
            ("[1]", "not a JSON object"),
            ("{", "malformed"),
        ] {
            let e = ValidationPolicy::from_json(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
