//! Digital signatures (`Type="Sign"`): the shapes of standards-notes §5.4 mapped onto the
//! report with the same categories as the SES checks (cryptographic vs time vs trust).
//!
//! 1. SignedData with attached content = SM3 of `Signature.xml`, no signed attributes;
//! 2. detached SignedData with signed attributes (messageDigest = SM3 of `Signature.xml`) —
//!    what eseal writes;
//! 3. a bare DER (or raw `r‖s`) SM2 signature over `Signature.xml` with no certificate (ofdrw's
//!    `DigitalSignContainer`): `indeterminate` unless the caller supplies the certificate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::OfdVerifyOptions;
use crate::crypto::sm2::{PublicKey, Signature as Sm2Signature};
use crate::crypto::sm3::sm3;
use crate::pki::Certificate;
use crate::pki::cms::{self, CmsError, Content, DigestCheck, SignatureCheck, SignedData};
use crate::ses::ParseMode;
use crate::time::Time;
use crate::verify::trust::timestamp::{TimestampOutcome, verify_timestamp};
use crate::verify::trust::{CertResult, ChainQuery, chain_check, revocation_check, validity_check};
use crate::verify::{
    Check, CheckCategory, CheckId, Report, ReportKind, SignatureAlgorithm, SignatureFacts,
    SigningTimeSource, Warning,
};

/// What the value checks established about the signer.
struct Outcome {
    cert: CertResult,
    claimed: Option<Time>,
    timestamp_tokens: Vec<Vec<u8>>,
    stamped: Vec<u8>,
    algorithm: Option<SignatureAlgorithm>,
    embedded: Vec<Certificate>,
}

/// The report of a `Type="Sign"` signature over `xml` (the exact `Signature.xml` bytes) whose
/// `SignedValue.dat` is `value`; pushes `ofd.signed_value` onto `ofd_checks`.
pub(super) fn digital_signature(
    xml: &[u8],
    value: &[u8],
    options: &OfdVerifyOptions<'_>,
    ofd_checks: &mut Vec<Check>,
) -> Report {
    let mut report = Report::new(ReportKind::Signature, options.ses.validation_time);
    let outcome = match SignedData::from_der(value) {
        Ok(sd) => {
            ofd_checks.push(Check::passed(
                CheckId::OfdSignedValue,
                CheckCategory::Format,
                format!(
                    "SignedValue.dat holds a SignedData ({} OIDs, {})",
                    match sd.oid_flavour() {
                        cms::OidFlavour::GmT0010 => "GM/T 0010",
                        _ => "PKCS#7",
                    },
                    if sd.is_detached() {
                        "detached"
                    } else {
                        "attached content"
                    }
                ),
            ));
            signed_data(&mut report, &sd, xml, options)
        }
        Err(cms_error) => match Sm2Signature::from_der_or_raw(value) {
            Ok((sig, _)) => {
                ofd_checks.push(Check::passed(
                    CheckId::OfdSignedValue,
                    CheckCategory::Format,
                    "SignedValue.dat holds a bare SM2 signature (no SignedData, no certificate)",
                ));
                report.warn(Warning::new(
                    "ofd.bare_sm2_signature",
                    "the signed value is a bare SM2 signature over Signature.xml, not a \
                     GB/T 35275 SignedData (ofdrw DigitalSignContainer): the signer certificate \
                     must come from the caller",
                ));
                bare_signature(&mut report, &sig, value, xml, options)
            }
            Err(_) => {
                ofd_checks.push(Check::failed(
                    CheckId::OfdSignedValue,
                    CheckCategory::Format,
                    format!(
                        "SignedValue.dat is neither a SignedData ({cms_error}) nor an SM2 signature"
                    ),
                ));
                return report;
            }
        },
    };
    time_and_trust(&mut report, &outcome, options);
    report.apply_policy(&options.ses.validation);
    report
}

fn signed_data(
    report: &mut Report,
    sd: &SignedData,
    xml: &[u8],
    options: &OfdVerifyOptions<'_>,
) -> Outcome {
    let fails = |code: &str| {
        options.ses.mode == ParseMode::Strict
            || options.ses.validation.deviation_level(code) == crate::verify::Level::Fail
    };
    let cms_options = cms::VerifyOptions::lenient()
        .with_certificates(options.signer_certificates.iter().cloned());
    let digest = sm3(xml);
    // Shape 1 carries the content; shape 2 is detached over Signature.xml.
    let attached = sd.content().map(<[u8]>::to_vec);
    let result = match &attached {
        Some(_) => sd.verify(Content::Attached, &cms_options),
        None => sd.verify(Content::Bytes(xml), &cms_options),
    };
    let mut outcome = Outcome {
        cert: Err("the SignedData could not be checked".into()),
        claimed: None,
        timestamp_tokens: Vec::new(),
        stamped: Vec::new(),
        algorithm: None,
        embedded: sd.certificates().to_vec(),
    };
    let signers = match result {
        Ok(s) => s,
        Err(e) => {
            let (status_check, format_check): (Check, Check) = match &e {
                CmsError::SignerCertificateNotFound { .. }
                | CmsError::UnsupportedAlgorithm { .. } => (
                    Check::indeterminate(
                        CheckId::SignatureValue,
                        CheckCategory::Cryptographic,
                        format!("the SignedData could not be checked: {e}"),
                    ),
                    Check::passed(
                        CheckId::SignatureFormat,
                        CheckCategory::Format,
                        "the SignedData was read",
                    ),
                ),
                _ => (
                    Check::indeterminate(
                        CheckId::SignatureValue,
                        CheckCategory::Cryptographic,
                        "the SignedData is malformed; the signature was not checked",
                    ),
                    Check::failed(
                        CheckId::SignatureFormat,
                        CheckCategory::Format,
                        format!("the SignedData is malformed: {e}"),
                    ),
                ),
            };
            report.push(format_check);
            report.push(status_check);
            report.push(Check::indeterminate(
                CheckId::DataHash,
                CheckCategory::Binding,
                "the SignedData could not be checked, so neither could what it covers",
            ));
            return outcome;
        }
    };
    let Some(sv) = signers.first() else {
        report.push(Check::failed(
            CheckId::SignatureFormat,
            CheckCategory::Format,
            "the SignedData has no SignerInfo",
        ));
        return outcome;
    };
    if signers.len() > 1 {
        report.warn(Warning::new(
            "ofd.several_signer_infos",
            format!(
                "the SignedData has {} SignerInfos; the first is reported",
                signers.len()
            ),
        ));
    }
    // signature.format: deviations are warnings, failures in strict mode.
    for d in &sv.deviations {
        report.warn(Warning::new(d.id(), d.to_string()));
    }
    let failing: Vec<String> = sv
        .deviations
        .iter()
        .filter(|d| fails(d.id()))
        .map(ToString::to_string)
        .collect();
    report.push(if !failing.is_empty() {
        Check::failed(
            CheckId::SignatureFormat,
            CheckCategory::Format,
            format!(
                "the SignedData deviates from GB/T 35275 / RFC 5652 and the policy (\"{}\") fails \
                 it: {}",
                options.ses.validation.name(),
                failing.join("; ")
            ),
        )
    } else {
        Check::passed(
            CheckId::SignatureFormat,
            CheckCategory::Format,
            format!(
                "a GB/T 35275 SignedData, {}",
                if sv.signed_attributes {
                    "with signed attributes"
                } else {
                    "without signed attributes"
                }
            ),
        )
    });
    report.push(Check::passed(
        CheckId::SignatureAlgorithm,
        CheckCategory::Format,
        format!(
            "the signature algorithm is {} (SM2)",
            sv.signature_algorithm
        ),
    ));
    report.push(if sv.signature == SignatureCheck::Valid {
        if sv.signing_certificate_attribute == Some(false) {
            Check::failed(
                CheckId::SignatureValue,
                CheckCategory::Cryptographic,
                "the signature verifies, but its signingCertificate attribute names another \
                 certificate",
            )
        } else {
            Check::passed(
                CheckId::SignatureValue,
                CheckCategory::Cryptographic,
                format!(
                    "the SM2 signature verifies with the key of \"{}\"{}",
                    sv.signer_certificate.subject_string(),
                    if sv.certificate_embedded {
                        ""
                    } else {
                        " (certificate supplied by the caller)"
                    }
                ),
            )
        }
    } else {
        Check::failed(
            CheckId::SignatureValue,
            CheckCategory::Cryptographic,
            "the SM2 signature does not verify: the signed bytes were altered or the key differs",
        )
    });
    // signature.data_hash: the SignedData covers this Signature.xml.
    let binding = CheckCategory::Binding;
    let mut base64_form = false;
    let data_check = match (&attached, sv.digest) {
        (Some(content), _) => {
            if content.as_slice() == digest.as_slice() {
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    "the attached content is SM3 of Signature.xml",
                )
            } else if content.as_slice() == xml {
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    "the attached content is Signature.xml itself",
                )
            } else if content.as_slice() == B64.encode(digest).as_bytes() {
                base64_form = true;
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    "the attached content is the Base64 of SM3 of Signature.xml",
                )
            } else {
                Check::failed(
                    CheckId::DataHash,
                    binding,
                    "the attached content is not SM3 of Signature.xml: Signature.xml changed after \
                     signing",
                )
            }
        }
        (None, DigestCheck::Match) => Check::passed(
            CheckId::DataHash,
            binding,
            "messageDigest equals SM3 of Signature.xml",
        ),
        (None, DigestCheck::Mismatch) => Check::failed(
            CheckId::DataHash,
            binding,
            "messageDigest differs from SM3 of Signature.xml: Signature.xml changed after signing",
        ),
        (None, _) => Check::passed(
            CheckId::DataHash,
            binding,
            "the signature is over Signature.xml itself (no signed attributes)",
        ),
    };
    report.push(data_check);
    if base64_form {
        report.warn(Warning::new(
            "ofd.base64_hash_signed",
            "the attached content is the Base64 text of SM3(Signature.xml), not the hash",
        ));
    }
    outcome.cert = Ok(sv.signer_certificate.clone());
    outcome.claimed = sv.signing_time;
    outcome.timestamp_tokens = sv.timestamp_tokens.clone();
    outcome.stamped = sv.signature_value.clone();
    outcome.algorithm = Some(SignatureAlgorithm::from_oid(&sv.signature_algorithm));
    outcome
}

fn bare_signature(
    report: &mut Report,
    sig: &Sm2Signature,
    value: &[u8],
    xml: &[u8],
    options: &OfdVerifyOptions<'_>,
) -> Outcome {
    let mut outcome = Outcome {
        cert: Err("the signature carries no certificate and none was supplied".into()),
        claimed: None,
        timestamp_tokens: Vec::new(),
        stamped: value.to_vec(),
        algorithm: Some(SignatureAlgorithm::Sm2WithSm3),
        embedded: Vec::new(),
    };
    report.push(Check::passed(
        CheckId::SignatureFormat,
        CheckCategory::Format,
        "a bare SM2 signature (standards-notes §5.4 shape 3)",
    ));
    let candidates = options.signer_certificates;
    let cat = CheckCategory::Cryptographic;
    if candidates.is_empty() {
        report.push(Check::indeterminate(
            CheckId::SignatureValue,
            cat,
            "the signature carries no certificate: supply the signer certificate \
             (OfdVerifyOptions::signer_certificates) to check it",
        ));
    } else {
        let found = candidates.iter().find(|c| {
            c.sm2_public_key()
                .ok()
                .and_then(|p| PublicKey::from_sec1_bytes(p).ok())
                .is_some_and(|k| k.verify(xml, sig).is_ok())
        });
        match found {
            Some(cert) => {
                report.push(Check::passed(
                    CheckId::SignatureValue,
                    cat,
                    format!(
                        "the SM2 signature over Signature.xml verifies with the key of the supplied \
                         certificate \"{}\"",
                        cert.subject_string()
                    ),
                ));
                outcome.cert = Ok(cert.clone());
            }
            None => report.push(Check::failed(
                CheckId::SignatureValue,
                cat,
                format!(
                    "the SM2 signature over Signature.xml verifies with none of the {} supplied \
                     certificate(s): Signature.xml was altered, or the signer is another",
                    candidates.len()
                ),
            )),
        }
    }
    report.push(Check::not_applicable(
        CheckId::DataHash,
        CheckCategory::Binding,
        "the signature is over Signature.xml itself: signature.value decides",
    ));
    outcome
}

/// Timestamp, validity, chains and revocation of the signer, and the facts.
fn time_and_trust(report: &mut Report, outcome: &Outcome, options: &OfdVerifyOptions<'_>) {
    let base = &options.ses;
    let mut intermediates = base.intermediates.to_vec();
    intermediates.extend(outcome.embedded.iter().cloned());
    let mut opts = base.clone();
    opts.intermediates = &intermediates;

    let gen_time = match outcome.timestamp_tokens.first() {
        None => {
            report.push(Check::not_applicable(
                CheckId::Timestamp,
                CheckCategory::Cryptographic,
                "the signature carries no timestamp",
            ));
            None
        }
        Some(token) => match verify_timestamp(token, &outcome.stamped, &opts) {
            TimestampOutcome::Verified { gen_time, detail } => {
                report.push(Check::passed(
                    CheckId::Timestamp,
                    CheckCategory::Cryptographic,
                    detail,
                ));
                Some(gen_time)
            }
            TimestampOutcome::Failed(why) => {
                report.push(Check::failed(
                    CheckId::Timestamp,
                    CheckCategory::Cryptographic,
                    why,
                ));
                None
            }
            TimestampOutcome::Indeterminate(why) => {
                report.push(Check::indeterminate(
                    CheckId::Timestamp,
                    CheckCategory::Cryptographic,
                    why,
                ));
                None
            }
        },
    };
    let (signing_time, source, when) = match (gen_time, outcome.claimed, base.validation_time) {
        (Some(t), _, _) => (
            Some(t),
            Some(SigningTimeSource::Timestamp),
            "the timestamped signing time",
        ),
        (None, Some(t), _) => (
            Some(t),
            Some(SigningTimeSource::Claimed),
            "the claimed signing time",
        ),
        (None, None, Some(t)) => (
            Some(t),
            None,
            "the validation time (no signing time in the signature)",
        ),
        (None, None, None) => (None, None, ""),
    };
    let at: Result<(Time, &str), &str> = signing_time
        .map(|t| (t, when))
        .ok_or("the signing time is unknown and no validation time was given");
    validity_check(
        report,
        CheckId::SignerValidity,
        "signer",
        &outcome.cert,
        at,
        gen_time.is_some(),
    );
    let mut q = ChainQuery {
        id: CheckId::SignerChain,
        role: "signer",
        cert: &outcome.cert,
        anchors: base.signer_anchors,
        opts: &opts,
    };
    chain_check(report, &q, at, None);
    q.id = CheckId::SignerChainAtValidation;
    let at_validation: Result<(Time, &str), &str> = base
        .validation_time
        .map(|t| (t, "the validation time"))
        .ok_or("no validation time given");
    chain_check(
        report,
        &q,
        at_validation,
        gen_time.filter(|_| signing_time.is_some()),
    );
    q.id = CheckId::SignerRevocation;
    revocation_check(report, &q, at, gen_time.is_some());
    report.set_signature(SignatureFacts {
        signer_subject: outcome.cert.as_ref().ok().map(Certificate::subject_string),
        signing_time,
        signing_time_source: source,
        claimed_time: outcome.claimed,
        property_info: String::new(),
        algorithm: outcome.algorithm.clone(),
    });
}
