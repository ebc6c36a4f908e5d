//! Typed descriptions of certificates and of a certificate-path validation, as the CLI's
//! `cert show --json` and `cert verify --json` print them and the C and WebAssembly bindings
//! return them: one definition, so every front end shows the same facts under the same names.

use super::{
    Certificate, ErrorClass, PathError, RevocationReason, RevocationStatus, Time, VerifiedPath,
};
use crate::verify::Status;

/// The schema name of [`PathReport`]'s JSON form (bumped when a field changes meaning).
pub const PATH_REPORT_SCHEMA: &str = "eseal.cert-verify/1";

#[cfg(feature = "serde")]
fn hex_ser<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&super::certificate::hex(bytes))
}

#[cfg(feature = "serde")]
fn opt_hex_ser<S: serde::Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => hex_ser(b, s),
        None => s.serialize_none(),
    }
}

#[cfg(feature = "serde")]
fn display_ser<T: core::fmt::Display, S: serde::Serializer>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// The basic constraints of a certificate, as described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct BasicConstraintsInfo {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// pathLenConstraint, if any.
    pub path_len: Option<u8>,
}

/// Everything `cert show` tells about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct CertificateDescription {
    /// Subject DN (RFC 4514).
    pub subject: String,
    /// Issuer DN (RFC 4514).
    pub issuer: String,
    /// Serial number, hexadecimal.
    pub serial: String,
    /// Start of validity.
    pub not_before: Time,
    /// End of validity.
    pub not_after: Time,
    /// Signature algorithm OID, dotted.
    #[cfg_attr(feature = "serde", serde(serialize_with = "display_ser"))]
    pub signature_algorithm: der::asn1::ObjectIdentifier,
    /// The SM2 public point (uncompressed, `04‖x‖y`), when the key is SM2.
    #[cfg_attr(feature = "serde", serde(serialize_with = "opt_hex_ser"))]
    pub public_key: Option<Vec<u8>>,
    /// Basic constraints, when present.
    pub basic_constraints: Option<BasicConstraintsInfo>,
    /// Key usage bit names, when present.
    pub key_usage: Option<Vec<&'static str>>,
    /// Extended key usage OIDs (dotted), when present.
    pub extended_key_usage: Option<Vec<String>>,
    /// Subject key identifier.
    #[cfg_attr(feature = "serde", serde(serialize_with = "opt_hex_ser"))]
    pub subject_key_id: Option<Vec<u8>>,
    /// Authority key identifier (keyIdentifier).
    #[cfg_attr(feature = "serde", serde(serialize_with = "opt_hex_ser"))]
    pub authority_key_id: Option<Vec<u8>>,
    /// Whether subject and issuer names are equal.
    pub self_issued: bool,
    /// SM3 of the DER encoding.
    #[cfg_attr(feature = "serde", serde(serialize_with = "hex_ser"))]
    pub fingerprint_sm3: [u8; 32],
}

/// The short form of a certificate (in a seal's signer list, say).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct CertificateSummary {
    /// Subject DN (RFC 4514).
    pub subject: String,
    /// Issuer DN (RFC 4514).
    pub issuer: String,
    /// Serial number, hexadecimal.
    pub serial: String,
    /// Start of validity.
    pub not_before: Time,
    /// End of validity.
    pub not_after: Time,
    /// SM3 of the DER encoding.
    #[cfg_attr(feature = "serde", serde(serialize_with = "hex_ser"))]
    pub fingerprint_sm3: [u8; 32],
}

impl Certificate {
    /// The full description (`cert show`).
    #[must_use]
    pub fn describe(&self) -> CertificateDescription {
        CertificateDescription {
            subject: self.subject_string(),
            issuer: self.issuer_string(),
            serial: self.serial_hex(),
            not_before: self.not_before(),
            not_after: self.not_after(),
            signature_algorithm: *self.signature_algorithm(),
            public_key: self.sm2_public_key().ok().map(<[u8]>::to_vec),
            basic_constraints: self.basic_constraints().map(|bc| BasicConstraintsInfo {
                ca: bc.ca,
                path_len: bc.path_len,
            }),
            key_usage: self.key_usage().map(|ku| ku.names()),
            extended_key_usage: self
                .extended_key_usage()
                .map(|e| e.iter().map(ToString::to_string).collect()),
            subject_key_id: self.subject_key_id().map(<[u8]>::to_vec),
            authority_key_id: self.authority_key_id().map(<[u8]>::to_vec),
            self_issued: self.is_self_issued(),
            fingerprint_sm3: self.fingerprint_sm3(),
        }
    }

    /// The short description.
    #[must_use]
    pub fn summary(&self) -> CertificateSummary {
        CertificateSummary {
            subject: self.subject_string(),
            issuer: self.issuer_string(),
            serial: self.serial_hex(),
            not_before: self.not_before(),
            not_after: self.not_after(),
            fingerprint_sm3: self.fingerprint_sm3(),
        }
    }
}

/// A certificate's role in a validated path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ChainRole {
    /// The certificate validated (position 0).
    Target,
    /// A CA between target and anchor.
    Intermediate,
    /// The trust anchor (last).
    Anchor,
}

impl ChainRole {
    fn of(position: usize, len: usize) -> Self {
        if position + 1 == len {
            Self::Anchor
        } else if position == 0 {
            Self::Target
        } else {
            Self::Intermediate
        }
    }

    /// `target`, `intermediate` or `anchor`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::Intermediate => "intermediate",
            Self::Anchor => "anchor",
        }
    }
}

/// One certificate of a validated path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ChainLink {
    /// 0 = target, then towards the anchor.
    pub position: usize,
    /// Its role.
    pub role: ChainRole,
    /// The certificate.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub certificate: CertificateDescription,
}

/// A policy relaxation the path needed (see [`crate::pki::Relaxation`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RelaxationInfo {
    /// Stable id, e.g. `policy.missing_key_cert_sign`.
    pub id: &'static str,
    /// What was relaxed, for a person.
    pub message: String,
}

/// The revocation outcome of one certificate, as described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RevocationCode {
    /// Not listed by a usable CRL.
    Good,
    /// Revoked only after the validation time.
    RevokedLater,
    /// Not established.
    Unknown,
}

/// Revocation of one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RevocationInfo {
    /// Position in the path.
    pub position: usize,
    /// The certificate's subject.
    pub subject: String,
    /// The outcome.
    pub status: RevocationCode,
    /// The outcome for a person.
    pub detail: String,
}

impl RevocationInfo {
    fn new(position: usize, subject: &str, status: &RevocationStatus) -> Self {
        let (code, detail) = describe_revocation(status);
        Self {
            position,
            subject: subject.to_owned(),
            status: code,
            detail,
        }
    }
}

/// The code and text of a revocation outcome (`cert verify`, the trust engine's messages).
#[must_use]
pub fn describe_revocation(status: &RevocationStatus) -> (RevocationCode, String) {
    let later = |at: &Time, reason: &Option<RevocationReason>| match reason {
        Some(r) => format!("revoked only later, at {at} ({r})"),
        None => format!("revoked only later, at {at}"),
    };
    match status {
        RevocationStatus::Good { crl_this_update } => (
            RevocationCode::Good,
            format!("not revoked (CRL of {crl_this_update})"),
        ),
        RevocationStatus::RevokedLater { revoked_at, reason } => {
            (RevocationCode::RevokedLater, later(revoked_at, reason))
        }
        RevocationStatus::Unknown { detail } => {
            (RevocationCode::Unknown, format!("unknown: {detail}"))
        }
    }
}

/// Why a path could not be validated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PathProblem {
    /// Stable rule id, e.g. `cert.expired`.
    pub id: &'static str,
    /// `crypto`, `time`, `trust` or `limit`.
    #[cfg_attr(feature = "serde", serde(serialize_with = "class_ser"))]
    pub class: ErrorClass,
    /// Position of the failing certificate.
    pub position: usize,
    /// Its subject.
    pub subject: String,
    /// The failure for a person.
    pub message: String,
}

#[cfg(feature = "serde")]
fn class_ser<S: serde::Serializer>(c: &ErrorClass, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

/// The result of validating one certificate's path (`cert verify`): the verdict, and the
/// evidence behind it. Built by [`PathReport::new`] from what [`crate::pki::verify_path`]
/// returned, so the status is derived, never set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PathReport {
    schema: &'static str,
    status: Status,
    certificate: CertificateDescription,
    validation_time: Time,
    policy: String,
    chain: Vec<ChainLink>,
    relaxations: Vec<RelaxationInfo>,
    revocation: Vec<RevocationInfo>,
    error: Option<PathProblem>,
}

impl PathReport {
    /// Describes a validation of `target` at `at` under the named path policy.
    #[must_use]
    pub fn new(
        target: &Certificate,
        result: &Result<VerifiedPath, PathError>,
        at: Time,
        policy: impl Into<String>,
    ) -> Self {
        let mut report = Self {
            schema: PATH_REPORT_SCHEMA,
            status: Status::Valid,
            certificate: target.describe(),
            validation_time: at,
            policy: policy.into(),
            chain: Vec::new(),
            relaxations: Vec::new(),
            revocation: Vec::new(),
            error: None,
        };
        match result {
            Ok(path) => {
                let len = path.chain().len();
                report.chain = path
                    .chain()
                    .iter()
                    .enumerate()
                    .map(|(position, c)| ChainLink {
                        position,
                        role: ChainRole::of(position, len),
                        certificate: c.describe(),
                    })
                    .collect();
                report.relaxations = path
                    .relaxations()
                    .iter()
                    .map(|r| RelaxationInfo {
                        id: r.id(),
                        message: r.to_string(),
                    })
                    .collect();
                report.revocation = path
                    .revocation()
                    .iter()
                    .map(|r| RevocationInfo::new(r.position, &r.subject, &r.status))
                    .collect();
            }
            Err(e) => {
                report.status = e.verdict();
                report.error = Some(PathProblem {
                    id: e.id(),
                    class: e.class(),
                    position: e.position,
                    subject: e.subject.clone(),
                    message: e.kind.to_string(),
                });
            }
        }
        report
    }

    /// Valid, or the verdict of the failure ([`PathError::verdict`]).
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// The certificate validated.
    #[must_use]
    pub fn certificate(&self) -> &CertificateDescription {
        &self.certificate
    }

    /// The validation time.
    #[must_use]
    pub fn validation_time(&self) -> Time {
        self.validation_time
    }

    /// The path policy's name.
    #[must_use]
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The validated path, target first (empty when validation failed).
    #[must_use]
    pub fn chain(&self) -> &[ChainLink] {
        &self.chain
    }

    /// The relaxations the path needed.
    #[must_use]
    pub fn relaxations(&self) -> &[RelaxationInfo] {
        &self.relaxations
    }

    /// Revocation of each certificate below the anchor.
    #[must_use]
    pub fn revocation(&self) -> &[RevocationInfo] {
        &self.revocation
    }

    /// Why validation failed, if it did.
    #[must_use]
    pub fn error(&self) -> Option<&PathProblem> {
        self.error.as_ref()
    }

    /// The JSON form (schema [`PATH_REPORT_SCHEMA`], documented in `docs/cli.md`).
    #[cfg(feature = "serde")]
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and options cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
