//! The trust engine every format's verifier shares (SES seals and signatures, OFD digital
//! signatures, and next PDF and licenses): certificate validity at a time with the
//! proof-of-existence rule (outside validity at a timestamp-proven time is invalid, at a
//! claimed time indeterminate), the path to the anchors at a time, revocation at a time,
//! timestamps as time evidence ([`timestamp`]), and the SM2 signature checks. The context is
//! [`VerifyOptions`](crate::verify::VerifyOptions): anchors, intermediates, CRLs, path and
//! validation policy, validation time.

pub(crate) mod cms;
pub(crate) mod timestamp;

#[cfg(test)]
mod cost_tests;

use std::borrow::Cow;

use crate::crypto::{DistId, PublicKey, Signature as Sm2Signature, SignatureEncoding};
use crate::oid;
use crate::pki::{
    Certificate, ErrorClass, PathErrorKind, RevocationStatus, TrustStore, VerifiedCache,
    verify_path_with_cache,
};
use crate::time::Time;
use crate::verify::VerifyOptions;
use crate::verify::{Check, CheckCategory, CheckId, CheckStatus, Report, Warning};

/// A certificate as found in a seal or signature: parsed, or why it could not be.
pub(crate) type CertResult = Result<Certificate, String>;

/// How the algorithm identifier was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlgorithmVerdict {
    /// SM2 with SM3, or the SM2 signature OID tolerated in lenient mode: verify as SM2-with-SM3.
    Sm2Sm3,
    /// Not an algorithm eseal verifies.
    Unsupported,
}

/// The algorithm check (`seal.maker_algorithm` / `signature.algorithm`).
pub(crate) fn algorithm_check(
    report: &mut Report,
    id: CheckId,
    what: &str,
    alg: &der::asn1::ObjectIdentifier,
    strict: bool,
) -> AlgorithmVerdict {
    if *alg == oid::SM2_WITH_SM3 {
        report.push(Check::passed(
            id,
            CheckCategory::Format,
            format!("the {what} algorithm is SM2 with SM3 ({alg})"),
        ));
        AlgorithmVerdict::Sm2Sm3
    } else if *alg == oid::SM2_SIGN {
        // Some writers name the SM2 signature scheme (1.2.156.10197.1.301.1) where the standard
        // asks for SM2-with-SM3; the signature is still SM2 over SM3(Z ‖ M).
        if strict {
            report.push(Check::failed(
                id,
                CheckCategory::Format,
                format!(
                    "the {what} algorithm is {alg} (SM2 signature) where the standard requires \
                     SM2-with-SM3 ({}); strict mode refuses it",
                    oid::SM2_WITH_SM3
                ),
            ));
        } else {
            report.push(Check::passed(
                id,
                CheckCategory::Format,
                format!("the {what} algorithm {alg} (SM2 signature) is read as SM2 with SM3"),
            ));
            report.warn(Warning::new(
                "ses.sm2_sign_oid",
                format!(
                    "the {what} algorithm is {alg} instead of SM2-with-SM3 ({}); verified as \
                     SM2 with SM3",
                    oid::SM2_WITH_SM3
                ),
            ));
        }
        AlgorithmVerdict::Sm2Sm3
    } else {
        report.push(Check::indeterminate(
            id,
            CheckCategory::Format,
            format!(
                "the {what} algorithm {alg} is not supported: eseal verifies SM2 with SM3 ({}) only",
                oid::SM2_WITH_SM3
            ),
        ));
        AlgorithmVerdict::Unsupported
    }
}

/// A signature value decoded from its stored bytes, or why not.
pub(crate) struct DecodedValue {
    pub(crate) value: Result<Sm2Signature, String>,
    pub(crate) raw: bool,
}

/// Decodes a stored SM2 signature value (DER, or raw `r ‖ s`).
pub(crate) fn decode_value(bytes: &[u8]) -> DecodedValue {
    match Sm2Signature::from_der_or_raw(bytes) {
        Ok((value, encoding)) => DecodedValue {
            value: Ok(value),
            raw: encoding == SignatureEncoding::Raw,
        },
        Err(e) => DecodedValue {
            value: Err(e.to_string()),
            raw: false,
        },
    }
}

/// The SM2 key of a certificate, or why it has none.
pub(crate) fn cert_key(cert: &CertResult) -> Result<PublicKey, String> {
    let cert = cert.as_ref().map_err(Clone::clone)?;
    let point = cert.sm2_public_key().map_err(|e| e.to_string())?;
    PublicKey::from_sec1_bytes(point).map_err(|e| e.to_string())
}

/// Whether `value` is an SM2 signature (default ID) by `key` over `msg`, remembered in `cache`:
/// a signature verified before with the same key over the same digest is not verified again
/// (a seal's maker signature, repeated by every signature made with the seal). Only a passing
/// check is recorded, keyed by the whole verification input, so a miss is always re-verified.
pub(crate) fn sm2_verifies(
    cache: Option<&VerifiedCache>,
    key: &PublicKey,
    msg: &[u8],
    value: &Sm2Signature,
) -> bool {
    let e = key.digest(&DistId::DEFAULT, msg);
    let entry = cache.map(|c| {
        (
            c,
            VerifiedCache::signature_key(&key.to_sec1_bytes(), &e, &value.to_raw()),
        )
    });
    if let Some((cache, k)) = &entry {
        if cache.check(k) {
            return true;
        }
    }
    let ok = key.verify_digest(&e, value).is_ok();
    if let (true, Some((cache, k))) = (ok, entry) {
        cache.insert(k);
    }
    ok
}

/// Validity of `cert` at `at` (`Err`: the time is unknown, with the reason).
///
/// `proven` says whether `at` is a proof of existence (a verified timestamp's genTime): outside
/// the validity at a proven time is a decisive failure (the object was made with an expired or
/// not yet valid certificate); at a time that is only claimed, or at the validation time, it is
/// indeterminate — nothing proves when the object was made.
pub(crate) fn validity_check(
    report: &mut Report,
    id: CheckId,
    role: &str,
    cert: &CertResult,
    at: Result<(Time, &str), &str>,
    proven: bool,
) {
    let cert = match cert {
        Ok(c) => c,
        Err(e) => {
            report.push(Check::indeterminate(
                id,
                CheckCategory::Time,
                format!("the {role} certificate cannot be read: {e}"),
            ));
            return;
        }
    };
    let (at, when) = match at {
        Ok(a) => a,
        Err(why) => {
            report.push(Check::indeterminate(
                id,
                CheckCategory::Time,
                why.to_owned(),
            ));
            return;
        }
    };
    let (nb, na) = (cert.not_before(), cert.not_after());
    let outside = if at < nb {
        Some("not yet valid")
    } else if at > na {
        Some("expired")
    } else {
        None
    };
    report.push(match outside {
        None => Check::passed(
            id,
            CheckCategory::Time,
            format!("the {role} certificate was valid at {when} {at} (valid from {nb} to {na})"),
        ),
        Some(state) if proven => Check::failed(
            id,
            CheckCategory::Time,
            format!(
                "the {role} certificate was {state} at {when} {at}, proven by a verified \
                 timestamp (valid from {nb} to {na})"
            ),
        )
        .make_decisive(),
        Some(state) => Check::indeterminate(
            id,
            CheckCategory::Time,
            format!(
                "the {role} certificate was {state} at {when} {at} (valid from {nb} to {na}); \
                 no verified timestamp proves that time, so this is not proven wrong"
            ),
        ),
    });
}

/// Inputs of a chain check.
pub(crate) struct ChainQuery<'q, 'a> {
    pub(crate) id: CheckId,
    pub(crate) role: &'q str,
    pub(crate) cert: &'q CertResult,
    pub(crate) anchors: Option<&'a TrustStore>,
    pub(crate) opts: &'q VerifyOptions<'a>,
}

/// Path validation of `q.cert` at `at` (no revocation: that is its own check).
///
/// `attested` is true when the time is not `at` but a verified timestamp proves the object
/// existed while the certificate was valid: an expiry at the validation time is then not a
/// failure.
pub(crate) fn chain_check(
    report: &mut Report,
    q: &ChainQuery<'_, '_>,
    at: Result<(Time, &str), &str>,
    attested_before: Option<Time>,
) {
    let cert = match q.cert {
        Ok(c) => c,
        Err(e) => {
            report.push(Check::indeterminate(
                q.id,
                CheckCategory::Trust,
                format!("the {} certificate cannot be read: {e}", q.role),
            ));
            return;
        }
    };
    let Some(anchors) = q.anchors.filter(|a| !a.is_empty()) else {
        report.push(Check::indeterminate(
            q.id,
            CheckCategory::Trust,
            format!(
                "no trust anchors given: the {} certificate \"{}\" was not checked against any",
                q.role,
                cert.subject_string()
            ),
        ));
        return;
    };
    let (at, when) = match at {
        Ok(a) => a,
        Err(why) => {
            report.push(Check::indeterminate(
                q.id,
                CheckCategory::Trust,
                why.to_owned(),
            ));
            return;
        }
    };
    match verify_path_with_cache(
        cert,
        q.opts.intermediates,
        anchors,
        &[],
        &q.opts.policy,
        at,
        q.opts.cache,
    ) {
        Ok(path) => {
            let anchor = path
                .anchor()
                .map_or_else(String::new, Certificate::subject_string);
            for r in path.relaxations() {
                warn_once(
                    report,
                    Warning::new(r.id(), format!("{} chain: {r}", q.role)),
                );
            }
            report.push(Check::passed(
                q.id,
                CheckCategory::Trust,
                format!(
                    "the {} certificate chains to the trust anchor \"{anchor}\" at {when} {at} \
                     ({} certificates)",
                    q.role,
                    path.chain().len()
                ),
            ));
        }
        Err(e) => {
            let message = format!("{} chain at {when} {at}: {e}", q.role);
            let status = match e.class() {
                ErrorClass::Limit => CheckStatus::Indeterminate,
                ErrorClass::Time if attested_before.is_some() => {
                    report.push(Check::not_applicable(
                        q.id,
                        CheckCategory::Trust,
                        format!(
                            "{message}; not required: a verified timestamp shows the object \
                             existed at {}",
                            attested_before.map(|t| t.to_string()).unwrap_or_default()
                        ),
                    ));
                    return;
                }
                _ => CheckStatus::Failed,
            };
            report.push(Check::new(q.id, CheckCategory::Trust, status, message));
        }
    }
}

/// Revocation of `q.cert` and its CAs at `at` from the caller's CRLs.
///
/// Revoked at or before `at` fails decisively (`at` is when the object was made, so it was made
/// with a revoked key). Revoked after `at` passes only when `at` is attested by a timestamp;
/// with a claimed time the signer could have backdated, so the result is indeterminate.
pub(crate) fn revocation_check(
    report: &mut Report,
    q: &ChainQuery<'_, '_>,
    at: Result<(Time, &str), &str>,
    time_attested: bool,
) {
    if q.opts.crls.is_empty() && q.opts.policy.require_revocation_check {
        report.push(Check::indeterminate(
            q.id,
            CheckCategory::Revocation,
            format!(
                "the policy requires revocation checking, but no CRLs were given: revocation \
                 of the {} certificate is unknown",
                q.role
            ),
        ));
        return;
    }
    if q.opts.crls.is_empty() {
        report.push(Check::not_applicable(
            q.id,
            CheckCategory::Revocation,
            format!(
                "no CRLs given: revocation of the {} certificate was not checked",
                q.role
            ),
        ));
        return;
    }
    let cert = match q.cert {
        Ok(c) => c,
        Err(e) => {
            report.push(Check::indeterminate(
                q.id,
                CheckCategory::Revocation,
                format!("the {} certificate cannot be read: {e}", q.role),
            ));
            return;
        }
    };
    let (at, when) = match at {
        Ok(a) => a,
        Err(why) => {
            report.push(Check::indeterminate(
                q.id,
                CheckCategory::Revocation,
                why.to_owned(),
            ));
            return;
        }
    };
    let Some(anchors) = q.anchors.filter(|a| !a.is_empty()) else {
        report.push(Check::indeterminate(
            q.id,
            CheckCategory::Revocation,
            "no trust anchors given: CRLs can only be checked along a validated path".to_owned(),
        ));
        return;
    };
    let result = verify_path_with_cache(
        cert,
        q.opts.intermediates,
        anchors,
        q.opts.crls,
        &q.opts.policy,
        at,
        q.opts.cache,
    );
    let check = match result {
        Ok(path) => {
            let mut unknown: Vec<String> = Vec::new();
            let mut later: Vec<String> = Vec::new();
            for r in path.revocation() {
                match &r.status {
                    RevocationStatus::Good { .. } => {}
                    RevocationStatus::RevokedLater { revoked_at, .. } => {
                        later.push(format!("\"{}\" revoked at {revoked_at}", r.subject));
                    }
                    RevocationStatus::Unknown { detail } => {
                        unknown.push(format!("\"{}\": {detail}", r.subject));
                    }
                }
            }
            if !unknown.is_empty() {
                Check::indeterminate(
                    q.id,
                    CheckCategory::Revocation,
                    format!("revocation unknown at {when} {at}: {}", unknown.join("; ")),
                )
            } else if later.is_empty() {
                Check::passed(
                    q.id,
                    CheckCategory::Revocation,
                    format!(
                        "the CRLs show no certificate of the {} path revoked at {when} {at}",
                        q.role
                    ),
                )
            } else if time_attested {
                Check::passed(
                    q.id,
                    CheckCategory::Revocation,
                    format!(
                        "not revoked at {when} {at} (attested by a timestamp); later: {}",
                        later.join("; ")
                    ),
                )
            } else {
                Check::indeterminate(
                    q.id,
                    CheckCategory::Revocation,
                    format!(
                        "{} — after the {when} {at}, but that time is only claimed, not attested \
                         by a timestamp",
                        later.join("; ")
                    ),
                )
            }
        }
        Err(e) if matches!(e.kind, PathErrorKind::Revoked { .. }) => Check::failed(
            q.id,
            CheckCategory::Revocation,
            format!("{} path: {e}, at or before the {when} {at}", q.role),
        )
        .make_decisive(),
        Err(e) => Check::indeterminate(
            q.id,
            CheckCategory::Revocation,
            format!(
                "revocation not established because the {} path fails at {when} {at}: {e}",
                q.role
            ),
        ),
    };
    report.push(check);
}

/// Message fragment for an unreadable or unusable key.
pub(crate) fn key_problem(role: &str, why: &str) -> Cow<'static, str> {
    Cow::Owned(format!(
        "the {role} certificate's key cannot be used for SM2 verification: {why}"
    ))
}

/// Records a warning unless the same one is already there (the chain is validated at several
/// times and meets the same relaxations each time).
pub(crate) fn warn_once(report: &mut Report, warning: Warning) {
    if !report.warnings().contains(&warning) {
        report.warn(warning);
    }
}
