//! Certification path validation (RFC 5280 §6) for SM2 certificates.
//!
//! [`verify_path`] builds a path from a target certificate through caller-supplied
//! intermediates to an anchor of a [`TrustStore`], checking at each link:
//!
//! 1. the issuer is not already in the path (a loop) and the path stays within
//!    [`Policy::max_chain_length`];
//! 2. the child's SM2-with-SM3 signature (default ID) over its exact `tbsCertificate` bytes,
//!    with the issuer's key;
//! 3. the issuer is a CA (basicConstraints cA), may sign certificates (keyUsage keyCertSign
//!    when keyUsage is present), and its pathLenConstraint allows the intermediates below it;
//! 4. the issuer has no critical extension eseal does not process;
//! 5. the issuer is within its validity period at the validation time.
//!
//! Then the target's own critical extensions, validity and required usages, and finally
//! revocation from the supplied CRLs. When several candidate issuers exist, each is tried
//! (depth first); if none leads to an anchor, the most specific failure is reported, as webpki
//! does: "unknown issuer" only when nothing better is known.
//!
//! Work is bounded: the number of intermediates, the path length and the number of signature
//! checks are capped by the [`Policy`]; a budget overrun stops the search at once.
//!
//! Names chain by exact DER equality of issuer and subject (as webpki does; RFC 5280's
//! case-insensitive comparison rules are not applied), and by AKI = SKI when both exist.

use std::fmt;

use der::asn1::ObjectIdentifier;

use super::certificate::{Certificate, KeyUsage, SignatureFailure};
use super::crl::{Crl, RevocationReason};
use super::trust::TrustStore;
use super::verified_cache::VerifiedCache;
use crate::oid;
use crate::time::Time;

/// The rules of path validation. [`Policy::default`] is strict RFC 5280; each relaxation is a
/// named flag, and a successful result lists the relaxations that were actually needed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Most certificates in a path, target and anchor included (default 8).
    pub max_chain_length: usize,
    /// Most intermediates accepted as input (default 64); more is refused unexplored.
    pub max_intermediates: usize,
    /// Most SM2 signature checks (certificates and CRLs) in one validation (default 64).
    pub max_signature_checks: usize,
    /// Accept a trust anchor without basicConstraints cA = TRUE (some deployed roots lack it).
    pub allow_anchor_without_ca_constraints: bool,
    /// Accept a CA (anchor or intermediate) whose keyUsage lacks keyCertSign.
    pub allow_missing_key_cert_sign: bool,
    /// Fail when the revocation status of a certificate in the path cannot be established
    /// from the supplied CRLs (default: record "unknown" and succeed).
    pub require_revocation_check: bool,
    /// Rely on a CRL whose nextUpdate is before the validation time (default: such a CRL only
    /// proves revocation, never good standing).
    pub accept_stale_crls: bool,
    /// Key usages the target must have when it carries a keyUsage extension (default none).
    pub required_key_usage: KeyUsage,
    /// A purpose the target's extendedKeyUsage must list (e.g. id-kp-timeStamping for a TSA).
    /// The extension must then be present; `anyExtendedKeyUsage` does not count.
    pub required_extended_key_usage: Option<ObjectIdentifier>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_chain_length: 8,
            max_intermediates: 64,
            max_signature_checks: 64,
            allow_anchor_without_ca_constraints: false,
            allow_missing_key_cert_sign: false,
            require_revocation_check: false,
            accept_stale_crls: false,
            required_key_usage: KeyUsage::empty(),
            required_extended_key_usage: None,
        }
    }
}

impl Policy {
    /// Strict RFC 5280 (the default).
    #[must_use]
    pub fn strict() -> Self {
        Self::default()
    }

    /// Strict, except that anchors need neither cA = TRUE nor keyCertSign: the profile of
    /// several deployed Chinese test and vendor roots (e.g. ofdrw's demo root).
    #[must_use]
    pub fn lenient_anchors() -> Self {
        Self {
            allow_anchor_without_ca_constraints: true,
            allow_missing_key_cert_sign: true,
            ..Self::default()
        }
    }
}

/// A rule of [`Policy`] that was relaxed to accept a path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Relaxation {
    /// The anchor has no basicConstraints, or cA = FALSE.
    AnchorWithoutCaConstraints {
        /// The anchor's subject.
        subject: String,
    },
    /// A CA's keyUsage lacks keyCertSign.
    MissingKeyCertSign {
        /// Position in the path (0 = target).
        position: usize,
        /// The CA's subject.
        subject: String,
    },
    /// A stale CRL (nextUpdate before the validation time) was relied on.
    StaleCrl {
        /// Position of the certificate whose status it gave.
        position: usize,
        /// The CRL's nextUpdate.
        next_update: Time,
    },
}

impl Relaxation {
    /// A stable machine id, e.g. `policy.anchor_without_ca_constraints`.
    #[must_use]
    pub fn id(&self) -> &'static str {
        match self {
            Self::AnchorWithoutCaConstraints { .. } => "policy.anchor_without_ca_constraints",
            Self::MissingKeyCertSign { .. } => "policy.missing_key_cert_sign",
            Self::StaleCrl { .. } => "policy.stale_crl",
        }
    }
}

impl fmt::Display for Relaxation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AnchorWithoutCaConstraints { subject } => write!(
                f,
                "accepted trust anchor \"{subject}\" although it is not marked as a CA (basicConstraints)"
            ),
            Self::MissingKeyCertSign { position, subject } => write!(
                f,
                "accepted certificate #{position} \"{subject}\" as a CA although its keyUsage lacks keyCertSign"
            ),
            Self::StaleCrl {
                position,
                next_update,
            } => write!(
                f,
                "relied on a stale CRL (nextUpdate {next_update}) for certificate #{position}"
            ),
        }
    }
}

/// What the CRLs say about one certificate of a valid path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationStatus {
    /// A usable CRL from the issuer does not list the certificate.
    Good {
        /// thisUpdate of the CRL relied on.
        crl_this_update: Time,
    },
    /// Listed as revoked, but only from a time after the validation time: a signature made
    /// before `revoked_at` is judged by that time.
    RevokedLater {
        /// revocationDate.
        revoked_at: Time,
        /// reasonCode, if given.
        reason: Option<RevocationReason>,
    },
    /// Not established: no usable, current CRL from the issuer was supplied.
    Unknown {
        /// Why, e.g. "no CRL from the issuer was supplied".
        detail: String,
    },
}

/// The revocation result for one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationCheck {
    /// Position in the path (0 = target).
    pub position: usize,
    /// The certificate's subject.
    pub subject: String,
    /// The outcome.
    pub status: RevocationStatus,
}

/// A validated path: evidence, not a flag.
#[derive(Debug, Clone)]
#[must_use]
pub struct VerifiedPath {
    chain: Vec<Certificate>,
    relaxations: Vec<Relaxation>,
    revocation: Vec<RevocationCheck>,
    at: Time,
}

impl VerifiedPath {
    /// The path, target first, anchor last.
    #[must_use]
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The target certificate.
    #[must_use]
    pub fn target(&self) -> Option<&Certificate> {
        self.chain.first()
    }

    /// The trust anchor the path ends at.
    #[must_use]
    pub fn anchor(&self) -> Option<&Certificate> {
        self.chain.last()
    }

    /// Policy relaxations that were needed; empty for a strictly valid path.
    #[must_use]
    pub fn relaxations(&self) -> &[Relaxation] {
        &self.relaxations
    }

    /// Revocation results for each certificate below the anchor.
    #[must_use]
    pub fn revocation(&self) -> &[RevocationCheck] {
        &self.revocation
    }

    /// True when every certificate below the anchor has a [`RevocationStatus::Good`] or
    /// [`RevocationStatus::RevokedLater`] status.
    #[must_use]
    pub fn revocation_fully_checked(&self) -> bool {
        self.revocation
            .iter()
            .all(|r| !matches!(r.status, RevocationStatus::Unknown { .. }))
    }

    /// The validation time used.
    #[must_use]
    pub fn validated_at(&self) -> Time {
        self.at
    }
}

/// The broad kind of a [`PathError`]: callers react differently to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A signature does not verify, or cannot be checked (unsupported algorithm or key).
    Crypto,
    /// A certificate is outside its validity period at the validation time.
    Time,
    /// The path does not lead to a trusted anchor under the policy (unknown issuer, not a CA,
    /// revoked, …).
    Trust,
    /// The input exceeds a work limit and was not explored.
    Limit,
}

impl ErrorClass {
    /// Lower-case name, as in JSON output: `crypto`, `time`, `trust`, `limit`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Crypto => "crypto",
            Self::Time => "time",
            Self::Trust => "trust",
            Self::Limit => "limit",
        }
    }
}

/// Which rule failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathErrorKind {
    /// The validation time is after notAfter.
    Expired {
        /// notAfter.
        not_after: Time,
        /// The validation time.
        at: Time,
    },
    /// The validation time is before notBefore.
    NotYetValid {
        /// notBefore.
        not_before: Time,
        /// The validation time.
        at: Time,
    },
    /// The certificate's signature does not verify with its issuer's key.
    BadSignature,
    /// The certificate is signed with an algorithm other than SM2-with-SM3.
    UnsupportedSignatureAlgorithm {
        /// The algorithm.
        oid: ObjectIdentifier,
    },
    /// The issuer's public key is not a usable SM2 key.
    UnusableIssuerKey {
        /// Why.
        detail: String,
    },
    /// No supplied intermediate or trust anchor is named as this certificate's issuer.
    UnknownIssuer,
    /// The path ends in a self-issued certificate that is not a trust anchor.
    UntrustedRoot,
    /// An issuing certificate is not a CA (no basicConstraints with cA = TRUE).
    NotCa,
    /// An issuing CA's pathLenConstraint is smaller than the intermediates below it.
    PathLenExceeded {
        /// pathLenConstraint.
        path_len: u8,
        /// Non-self-issued intermediates below the CA.
        intermediates_below: usize,
    },
    /// An issuing CA's keyUsage lacks keyCertSign.
    MissingKeyCertSign,
    /// A critical extension eseal does not process.
    UnknownCriticalExtension {
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// The target's keyUsage lacks a required usage.
    MissingKeyUsage {
        /// What the policy requires.
        required: KeyUsage,
        /// What the certificate has.
        found: KeyUsage,
    },
    /// The target's extendedKeyUsage lacks the required purpose.
    MissingExtendedKeyUsage {
        /// What the policy requires.
        required: ObjectIdentifier,
    },
    /// Revoked at or before the validation time.
    Revoked {
        /// revocationDate.
        revoked_at: Time,
        /// reasonCode, if given.
        reason: Option<RevocationReason>,
    },
    /// The policy requires revocation checking and no usable, current CRL was supplied.
    RevocationUnknown {
        /// Why.
        detail: String,
    },
    /// The only paths found are longer than the policy allows.
    ChainTooLong {
        /// [`Policy::max_chain_length`].
        limit: usize,
    },
    /// The only issuers found are already in the path (a loop or a duplicated CA).
    Loop,
    /// More intermediates were supplied than the policy accepts.
    TooManyIntermediates {
        /// [`Policy::max_intermediates`].
        limit: usize,
    },
    /// The signature-check budget ran out before a path was found.
    BudgetExceeded {
        /// [`Policy::max_signature_checks`].
        limit: usize,
    },
}

impl PathErrorKind {
    /// A stable machine id, e.g. `cert.expired`.
    #[must_use]
    pub fn id(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "cert.expired",
            Self::NotYetValid { .. } => "cert.not_yet_valid",
            Self::BadSignature => "cert.bad_signature",
            Self::UnsupportedSignatureAlgorithm { .. } => "cert.unsupported_signature_algorithm",
            Self::UnusableIssuerKey { .. } => "cert.unusable_issuer_key",
            Self::UnknownIssuer => "chain.unknown_issuer",
            Self::UntrustedRoot => "chain.untrusted_root",
            Self::NotCa => "cert.not_ca",
            Self::PathLenExceeded { .. } => "cert.path_len_exceeded",
            Self::MissingKeyCertSign => "cert.missing_key_cert_sign",
            Self::UnknownCriticalExtension { .. } => "cert.unknown_critical_extension",
            Self::MissingKeyUsage { .. } => "cert.missing_key_usage",
            Self::MissingExtendedKeyUsage { .. } => "cert.missing_extended_key_usage",
            Self::Revoked { .. } => "cert.revoked",
            Self::RevocationUnknown { .. } => "cert.revocation_unknown",
            Self::ChainTooLong { .. } => "chain.too_long",
            Self::Loop => "chain.loop",
            Self::TooManyIntermediates { .. } => "chain.too_many_intermediates",
            Self::BudgetExceeded { .. } => "chain.budget_exceeded",
        }
    }

    /// The class: crypto, time, trust or limit.
    #[must_use]
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::BadSignature
            | Self::UnsupportedSignatureAlgorithm { .. }
            | Self::UnusableIssuerKey { .. } => ErrorClass::Crypto,
            Self::Expired { .. } | Self::NotYetValid { .. } => ErrorClass::Time,
            Self::TooManyIntermediates { .. } | Self::BudgetExceeded { .. } => ErrorClass::Limit,
            _ => ErrorClass::Trust,
        }
    }

    /// Specificity when choosing among failed candidate paths (higher is more useful).
    fn rank(&self) -> u8 {
        match self {
            Self::UnknownIssuer | Self::UntrustedRoot => 0,
            Self::Loop => 1,
            Self::ChainTooLong { .. } => 2,
            _ => 10,
        }
    }
}

impl fmt::Display for PathErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { not_after, at } => write!(f, "expired: valid until {not_after}, checked at {at}"),
            Self::NotYetValid { not_before, at } => {
                write!(f, "not yet valid: valid from {not_before}, checked at {at}")
            }
            Self::BadSignature => f.write_str(
                "the SM2 signature does not verify with the issuer's public key (default ID 1234567812345678)",
            ),
            Self::UnsupportedSignatureAlgorithm { oid } => write!(
                f,
                "signed with unsupported algorithm {oid}; eseal checks SM2-with-SM3 (1.2.156.10197.1.501)"
            ),
            Self::UnusableIssuerKey { detail } => write!(f, "the issuer's public key cannot be used: {detail}"),
            Self::UnknownIssuer => f.write_str(
                "issuer not found among the intermediates and trust anchors (add the issuing CA certificate or trust its root)",
            ),
            Self::UntrustedRoot => f.write_str(
                "self-issued root certificate that is not in the trust store (trust it explicitly if intended)",
            ),
            Self::NotCa => f.write_str("used as an issuer but not a CA (basicConstraints cA is not TRUE)"),
            Self::PathLenExceeded {
                path_len,
                intermediates_below,
            } => write!(
                f,
                "pathLenConstraint {path_len} allows fewer than the {intermediates_below} intermediate CA certificates below it"
            ),
            Self::MissingKeyCertSign => f.write_str("used as an issuer but its keyUsage lacks keyCertSign"),
            Self::UnknownCriticalExtension { oid } => {
                write!(f, "has critical extension {oid}, which eseal does not process")
            }
            Self::MissingKeyUsage { required, found } => {
                write!(f, "keyUsage [{found}] lacks the required [{required}]")
            }
            Self::MissingExtendedKeyUsage { required } => {
                write!(f, "extendedKeyUsage does not include the required {required}")
            }
            Self::Revoked { revoked_at, reason } => match reason {
                Some(r) => write!(f, "revoked at {revoked_at} ({r})"),
                None => write!(f, "revoked at {revoked_at}"),
            },
            Self::RevocationUnknown { detail } => write!(f, "revocation status unknown: {detail}"),
            Self::ChainTooLong { limit } => write!(f, "the path would exceed {limit} certificates"),
            Self::Loop => f.write_str("the only issuers found are already in the path (loop)"),
            Self::TooManyIntermediates { limit } => write!(f, "more than {limit} intermediate certificates supplied"),
            Self::BudgetExceeded { limit } => {
                write!(f, "gave up after {limit} signature checks without finding a valid path")
            }
        }
    }
}

/// Why path validation failed: the rule, and the certificate it failed on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate #{position} \"{subject}\": {kind}")]
#[non_exhaustive]
pub struct PathError {
    /// The rule that failed.
    pub kind: PathErrorKind,
    /// Position of the failing certificate in the (partial) path: 0 = target, 1 = its issuer, …
    pub position: usize,
    /// The failing certificate's subject (RFC 4514).
    pub subject: String,
}

impl PathError {
    /// A stable machine id, e.g. `cert.expired` (see [`PathErrorKind::id`]).
    #[must_use]
    pub fn id(&self) -> &'static str {
        self.kind.id()
    }

    /// The class: crypto, time, trust or limit.
    #[must_use]
    pub fn class(&self) -> ErrorClass {
        self.kind.class()
    }

    /// What this failure means for the certificate: a signature that does not verify, or an
    /// issuer key that cannot be a key, is proof of forgery or corruption (`Invalid`); an
    /// algorithm eseal does not implement proves nothing, and time, trust, revocation and
    /// work-limit failures leave an authentic certificate possibly fine at another time or
    /// under other anchors (`Indeterminate`).
    #[must_use]
    pub fn verdict(&self) -> crate::verify::Status {
        match (&self.kind, self.class()) {
            (PathErrorKind::UnsupportedSignatureAlgorithm { .. }, _) => {
                crate::verify::Status::Indeterminate
            }
            (_, ErrorClass::Crypto) => crate::verify::Status::Invalid,
            _ => crate::verify::Status::Indeterminate,
        }
    }

    fn new(kind: PathErrorKind, position: usize, cert: &Certificate) -> Self {
        Self {
            kind,
            position,
            subject: cert.subject_string(),
        }
    }

    /// Whether `self` is a more useful report than `other`.
    fn beats(&self, other: &Self) -> bool {
        (self.kind.rank(), self.position) > (other.kind.rank(), other.position)
    }
}

/// Validates `target` at time `at` against `trust`, using `intermediates` to build the path and
/// `crls` for revocation.
///
/// `intermediates` may be in any order and may contain unrelated or duplicate certificates.
/// Revocation: a certificate listed with revocationDate ≤ `at` fails with
/// [`PathErrorKind::Revoked`]; one revoked later is reported as
/// [`RevocationStatus::RevokedLater`] (so a signature made at `at`, before revocation, stands).
/// A CRL issued after `at` is acceptable evidence for `at`; one whose nextUpdate is before
/// `at` is stale (see [`Policy::accept_stale_crls`]).
pub fn verify_path(
    target: &Certificate,
    intermediates: &[Certificate],
    trust: &TrustStore,
    crls: &[Crl],
    policy: &Policy,
    at: Time,
) -> Result<VerifiedPath, PathError> {
    verify_path_with_cache(target, intermediates, trust, crls, policy, at, None)
}

/// [`verify_path`], remembering verified certificate signatures in `cache`.
///
/// A link (certificate, issuer key) found in the cache is not verified again; one verified here
/// is added. Everything else (names, CA constraints, validity at `at`, usages, revocation, the
/// policy) is checked on every call, so the result is the same with or without a cache, and
/// with a cold or a warm one: cache hits count against [`Policy::max_signature_checks`] like
/// the checks they stand for. See [`VerifiedCache`] for how one cache is meant to be shared
/// (one per trust engine or audit, across documents, threads, trust stores and policies).
pub fn verify_path_with_cache(
    target: &Certificate,
    intermediates: &[Certificate],
    trust: &TrustStore,
    crls: &[Crl],
    policy: &Policy,
    at: Time,
    cache: Option<&VerifiedCache>,
) -> Result<VerifiedPath, PathError> {
    if intermediates.len() > policy.max_intermediates {
        return Err(PathError::new(
            PathErrorKind::TooManyIntermediates {
                limit: policy.max_intermediates,
            },
            0,
            target,
        ));
    }
    let mut pool: Vec<&Certificate> = Vec::with_capacity(intermediates.len());
    for c in intermediates {
        if !pool.contains(&c) && !trust.contains(c) {
            pool.push(c);
        }
    }
    let mut search = Search {
        trust,
        pool,
        policy,
        at,
        budget: policy.max_signature_checks,
        path: vec![target],
        relaxations: Vec::new(),
        cache,
    };
    let anchor_is_target = trust.contains(target);
    if !anchor_is_target {
        search.extend()?;
    }
    let Search {
        path,
        mut relaxations,
        ..
    } = search;

    check_target(target, policy, at)?;
    if anchor_is_target {
        check_validity(target, 0, at)?;
    }

    let mut revocation = Vec::new();
    let mut budget = policy.max_signature_checks;
    for (position, pair) in path.windows(2).enumerate() {
        if let [cert, issuer] = pair {
            let status = revocation_status(
                cert,
                issuer,
                crls,
                policy,
                at,
                &mut budget,
                position,
                &mut relaxations,
                cache,
            )?;
            if let RevocationStatus::Unknown { detail } = &status {
                if policy.require_revocation_check {
                    return Err(PathError::new(
                        PathErrorKind::RevocationUnknown {
                            detail: detail.clone(),
                        },
                        position,
                        cert,
                    ));
                }
            }
            revocation.push(RevocationCheck {
                position,
                subject: cert.subject_string(),
                status,
            });
        }
    }
    Ok(VerifiedPath {
        chain: path.into_iter().cloned().collect(),
        relaxations,
        revocation,
        at,
    })
}

struct Search<'a> {
    trust: &'a TrustStore,
    pool: Vec<&'a Certificate>,
    policy: &'a Policy,
    at: Time,
    budget: usize,
    path: Vec<&'a Certificate>,
    relaxations: Vec<Relaxation>,
    cache: Option<&'a VerifiedCache>,
}

impl<'a> Search<'a> {
    /// Extends `self.path` (whose last element is the certificate needing an issuer) up to an
    /// anchor. On failure the path is restored and the most specific error returned.
    fn extend(&mut self) -> Result<(), PathError> {
        let Some(&child) = self.path.last() else {
            return Ok(());
        };
        let position = self.path.len().saturating_sub(1);
        let initial = if child.is_self_issued() {
            PathErrorKind::UntrustedRoot
        } else {
            PathErrorKind::UnknownIssuer
        };
        // The fallback error is formed only if needed: naming the certificate formats its
        // subject, which a successful search never shows.
        let floor = (initial.rank(), position);
        let mut best: Option<PathError> = None;
        let trust = self.trust;
        let anchors: Vec<&'a Certificate> = trust.issuers_of(child).collect();
        let pool = self.pool.clone();
        // A self-signed certificate is not its own issuer here: that is a root the caller does
        // not trust, reported as such rather than as a loop.
        let candidates = anchors.iter().map(|a| (*a, true)).chain(
            pool.iter()
                .filter(|c| **c != child && child.names_issuer(c))
                .map(|c| (*c, false)),
        );
        for (issuer, is_anchor) in candidates {
            let relaxed_before = self.relaxations.len();
            match self.try_issuer(child, issuer, is_anchor) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    self.relaxations.truncate(relaxed_before);
                    if matches!(e.kind, PathErrorKind::BudgetExceeded { .. }) {
                        return Err(e);
                    }
                    let better = match &best {
                        Some(b) => e.beats(b),
                        None => (e.kind.rank(), e.position) > floor,
                    };
                    if better {
                        best = Some(e);
                    }
                }
            }
        }
        Err(best.unwrap_or_else(|| PathError::new(initial, position, child)))
    }

    fn try_issuer(
        &mut self,
        child: &'a Certificate,
        issuer: &'a Certificate,
        is_anchor: bool,
    ) -> Result<(), PathError> {
        let child_pos = self.path.len().saturating_sub(1);
        let pos = self.path.len();
        if self.path.iter().any(|c| c.same_subject_and_key(issuer)) {
            return Err(PathError::new(PathErrorKind::Loop, pos, issuer));
        }
        if pos.saturating_add(1) > self.policy.max_chain_length {
            return Err(PathError::new(
                PathErrorKind::ChainTooLong {
                    limit: self.policy.max_chain_length,
                },
                pos,
                issuer,
            ));
        }
        if self.budget == 0 {
            return Err(PathError::new(
                PathErrorKind::BudgetExceeded {
                    limit: self.policy.max_signature_checks,
                },
                child_pos,
                child,
            ));
        }
        self.budget -= 1;
        check_link(child, issuer, self.cache).map_err(|e| {
            let kind = match e {
                SignatureFailure::UnsupportedAlgorithm(oid) => {
                    PathErrorKind::UnsupportedSignatureAlgorithm { oid }
                }
                SignatureFailure::BadIssuerKey(detail) => {
                    PathErrorKind::UnusableIssuerKey { detail }
                }
                SignatureFailure::Invalid => PathErrorKind::BadSignature,
            };
            PathError::new(kind, child_pos, child)
        })?;
        self.check_ca(issuer, pos, is_anchor)?;
        check_validity(issuer, pos, self.at)?;
        self.path.push(issuer);
        if is_anchor {
            return Ok(());
        }
        let result = self.extend();
        if result.is_err() {
            self.path.pop();
        }
        result
    }

    fn check_ca(&mut self, ca: &Certificate, pos: usize, is_anchor: bool) -> Result<(), PathError> {
        match ca.basic_constraints() {
            Some(bc) if bc.ca => {
                if let Some(path_len) = bc.path_len {
                    // Intermediates strictly between this CA and the target; self-issued ones
                    // do not count (RFC 5280 §6.1.4(l)).
                    let below = self
                        .path
                        .iter()
                        .skip(1)
                        .filter(|c| !c.is_self_issued())
                        .count();
                    if below > usize::from(path_len) {
                        return Err(PathError::new(
                            PathErrorKind::PathLenExceeded {
                                path_len,
                                intermediates_below: below,
                            },
                            pos,
                            ca,
                        ));
                    }
                }
            }
            _ if is_anchor && self.policy.allow_anchor_without_ca_constraints => {
                self.relaxations
                    .push(Relaxation::AnchorWithoutCaConstraints {
                        subject: ca.subject_string(),
                    });
            }
            _ => return Err(PathError::new(PathErrorKind::NotCa, pos, ca)),
        }
        if ca
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
        {
            if self.policy.allow_missing_key_cert_sign {
                self.relaxations.push(Relaxation::MissingKeyCertSign {
                    position: pos,
                    subject: ca.subject_string(),
                });
            } else {
                return Err(PathError::new(PathErrorKind::MissingKeyCertSign, pos, ca));
            }
        }
        if let Some(oid) = ca.unhandled_critical_extensions().first() {
            return Err(PathError::new(
                PathErrorKind::UnknownCriticalExtension { oid: *oid },
                pos,
                ca,
            ));
        }
        Ok(())
    }
}

/// `child`'s signature by `issuer`'s key, looked up in and added to `cache` when there is one.
pub(crate) fn check_link(
    child: &Certificate,
    issuer: &Certificate,
    cache: Option<&VerifiedCache>,
) -> Result<(), SignatureFailure> {
    // A key that is not an SM2 point is never cached: the check below reports it.
    let entry = cache.and_then(|c| {
        let point = issuer.sm2_public_key().ok()?;
        Some((c, VerifiedCache::key(point, &child.fingerprint_sm3())))
    });
    if let Some((cache, key)) = &entry {
        if cache.check(key) {
            return Ok(());
        }
    }
    child.check_signed_by(issuer)?;
    if let Some((cache, key)) = entry {
        cache.insert(key);
    }
    Ok(())
}

/// `crl`'s signature by `issuer`, looked up in and recorded to `cache` like a certificate link
/// (key: the issuer's point and the CRL's SM3); the issuer rules are checked every time.
fn check_crl(
    crl: &Crl,
    issuer: &Certificate,
    cache: Option<&VerifiedCache>,
) -> Result<(), super::PkiError> {
    let entry = cache.and_then(|c| {
        let point = issuer.sm2_public_key().ok()?;
        Some((c, VerifiedCache::key(point, &crl.fingerprint_sm3())))
    });
    if let Some((cache, key)) = &entry {
        if cache.check(key) {
            return crl.check_issuer(issuer);
        }
    }
    crl.verify_signature(issuer)?;
    if let Some((cache, key)) = entry {
        cache.insert(key);
    }
    Ok(())
}

fn check_validity(cert: &Certificate, pos: usize, at: Time) -> Result<(), PathError> {
    if at < cert.not_before() {
        return Err(PathError::new(
            PathErrorKind::NotYetValid {
                not_before: cert.not_before(),
                at,
            },
            pos,
            cert,
        ));
    }
    if at > cert.not_after() {
        return Err(PathError::new(
            PathErrorKind::Expired {
                not_after: cert.not_after(),
                at,
            },
            pos,
            cert,
        ));
    }
    Ok(())
}

fn check_target(target: &Certificate, policy: &Policy, at: Time) -> Result<(), PathError> {
    if let Some(oid) = target.unhandled_critical_extensions().first() {
        return Err(PathError::new(
            PathErrorKind::UnknownCriticalExtension { oid: *oid },
            0,
            target,
        ));
    }
    check_validity(target, 0, at)?;
    if let Some(found) = target.key_usage() {
        if !found.contains(policy.required_key_usage) {
            return Err(PathError::new(
                PathErrorKind::MissingKeyUsage {
                    required: policy.required_key_usage,
                    found,
                },
                0,
                target,
            ));
        }
    }
    if let Some(required) = policy.required_extended_key_usage {
        let listed = target.extended_key_usage().is_some_and(|ekus| {
            ekus.iter()
                .any(|e| *e == required && *e != oid::ANY_EXTENDED_KEY_USAGE)
        });
        if !listed {
            return Err(PathError::new(
                PathErrorKind::MissingExtendedKeyUsage { required },
                0,
                target,
            ));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn revocation_status(
    cert: &Certificate,
    issuer: &Certificate,
    crls: &[Crl],
    policy: &Policy,
    at: Time,
    budget: &mut usize,
    position: usize,
    relaxations: &mut Vec<Relaxation>,
    cache: Option<&VerifiedCache>,
) -> Result<RevocationStatus, PathError> {
    let mut notes: Vec<String> = Vec::new();
    let mut good: Option<Time> = None;
    let mut stale_good: Option<Time> = None;
    let mut later: Option<RevocationStatus> = None;
    for crl in crls.iter().filter(|c| c.names_issuer(issuer)) {
        if let Some(why) = crl.is_usable() {
            notes.push(format!("a CRL from the issuer is unusable: {why}"));
            continue;
        }
        if *budget == 0 {
            return Err(PathError::new(
                PathErrorKind::BudgetExceeded {
                    limit: policy.max_signature_checks,
                },
                position,
                cert,
            ));
        }
        *budget -= 1;
        if let Err(e) = check_crl(crl, issuer, cache) {
            notes.push(format!("a CRL from the issuer was not used: {e}"));
            continue;
        }
        if let Some(entry) = crl.find(cert.serial()) {
            if entry.revoked_at <= at {
                return Err(PathError::new(
                    PathErrorKind::Revoked {
                        revoked_at: entry.revoked_at,
                        reason: entry.reason,
                    },
                    position,
                    cert,
                ));
            }
            later = Some(RevocationStatus::RevokedLater {
                revoked_at: entry.revoked_at,
                reason: entry.reason,
            });
            continue;
        }
        match crl.next_update() {
            Some(next) if next < at => {
                notes.push(format!("the issuer's CRL is stale (nextUpdate {next})"));
                stale_good = Some(next);
            }
            _ => good = Some(good.map_or(crl.this_update(), |g| g.max(crl.this_update()))),
        }
    }
    if let Some(status) = later {
        return Ok(status);
    }
    if let Some(crl_this_update) = good {
        return Ok(RevocationStatus::Good { crl_this_update });
    }
    if let (Some(next_update), true) = (stale_good, policy.accept_stale_crls) {
        relaxations.push(Relaxation::StaleCrl {
            position,
            next_update,
        });
        return Ok(RevocationStatus::Good {
            crl_this_update: next_update,
        });
    }
    let detail = if notes.is_empty() {
        "no CRL from the issuer was supplied".to_owned()
    } else {
        notes.join("; ")
    };
    Ok(RevocationStatus::Unknown { detail })
}
