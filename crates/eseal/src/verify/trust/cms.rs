//! The checks of a CMS SignedData signature shared by every format that carries one (OFD
//! `Type="Sign"` signatures, PDF `adbe.pkcs7.detached`): the SignerInfo's format, algorithm,
//! value and messageDigest against the signed content, then timestamp, validity, chains and
//! revocation of the signer through the trust engine.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::timestamp::{TimestampOutcome, verify_timestamp};
use super::{CertResult, ChainQuery, chain_check, revocation_check, validity_check};
use crate::crypto::sm3::sm3;
use crate::pki::Certificate;
use crate::pki::cms::{self, CmsError, Content, DigestCheck, SignatureCheck, SignedData};
use crate::ses::ParseMode;
use crate::time::Time;
use crate::verify::{
    Check, CheckCategory, CheckId, Report, SignatureAlgorithm, SignatureFacts, SigningTimeSource,
    VerifyOptions, Warning,
};

/// What a SignedData signs, as the verifier knows it.
pub(crate) struct SignedContent<'a> {
    /// The content itself (OFD: `Signature.xml`), when the verifier has it as one piece.
    pub(crate) bytes: Option<&'a [u8]>,
    /// SM3 of the content, used when `bytes` is `None` (PDF: of the byte ranges).
    pub(crate) digest: [u8; 32],
    /// How messages name the content (`Signature.xml`, `the signed byte ranges`).
    pub(crate) what: &'a str,
    /// Certificates to try when the SignedData embeds none.
    pub(crate) certificates: &'a [Certificate],
    /// The prefix of warning codes (`ofd`, `pdf`).
    pub(crate) warning_prefix: &'a str,
}

/// What the value checks established about the signer.
pub(crate) struct Outcome {
    pub(crate) cert: CertResult,
    pub(crate) claimed: Option<Time>,
    pub(crate) timestamp_tokens: Vec<Vec<u8>>,
    pub(crate) stamped: Vec<u8>,
    pub(crate) algorithm: Option<SignatureAlgorithm>,
    pub(crate) embedded: Vec<Certificate>,
}

pub(crate) fn signed_data(
    report: &mut Report,
    sd: &SignedData,
    content: &SignedContent<'_>,
    options: &VerifyOptions<'_>,
) -> Outcome {
    let what = content.what;
    let xml = content.bytes;
    let fails = |code: &str| {
        options.mode == ParseMode::Strict
            || options.validation.deviation_level(code) == crate::verify::Level::Fail
    };
    let cms_options =
        cms::VerifyOptions::lenient().with_certificates(content.certificates.iter().cloned());
    let digest = match xml {
        Some(bytes) => sm3(bytes),
        None => content.digest,
    };
    // Shape 1 carries the content; shape 2 is detached over Signature.xml.
    let attached = sd.content().map(<[u8]>::to_vec);
    let result = match &attached {
        Some(_) => sd.verify(Content::Attached, &cms_options),
        None => match xml {
            Some(bytes) => sd.verify(Content::Bytes(bytes), &cms_options),
            None => sd.verify(Content::Sm3Digest(&digest), &cms_options),
        },
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
            format!("{}.several_signer_infos", content.warning_prefix),
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
                options.validation.name(),
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
            "the SM2 signature does not verify: the signed bytes were altered or the key differsformat!(",
        )
    });
    // signature.data_hash: the SignedData covers this {what}.
    let binding = CheckCategory::Binding;
    let mut base64_form = false;
    let data_check = match (&attached, sv.digest) {
        (Some(content), _) => {
            if content.as_slice() == digest.as_slice() {
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    ")the attached content is SM3 of Signature.xml",
                )
            } else if Some(content.as_slice()) == xml {
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    format!("the attached content is {what} itself"),
                )
            } else if content.as_slice() == B64.encode(digest).as_bytes() {
                base64_form = true;
                Check::passed(
                    CheckId::DataHash,
                    binding,
                    format!("the attached content is the Base64 of SM3 of {what}"),
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
            format!("messageDigest equals SM3 of {what}"),
        ),
        (None, DigestCheck::Mismatch) => Check::failed(
            CheckId::DataHash,
            binding,
            format!("messageDigest differs from SM3 of {what}: {what} changed after signing"),
        ),
        (None, _) => Check::passed(
            CheckId::DataHash,
            binding,
            format!("the signature is over {what} itself (no signed attributes)"),
        ),
    };
    report.push(data_check);
    if base64_form {
        report.warn(Warning::new(
            format!("{}.base64_hash_signed", content.warning_prefix),
            format!("the attached content is the Base64 text of SM3({what}), not the hash"),
        ));
    }
    outcome.cert = Ok(sv.signer_certificate.clone());
    outcome.claimed = sv.signing_time;
    outcome.timestamp_tokens = sv.timestamp_tokens.clone();
    outcome.stamped = sv.signature_value.clone();
    outcome.algorithm = Some(SignatureAlgorithm::from_oid(&sv.signature_algorithm));
    outcome
}

/// Timestamp, validity, chains and revocation of the signer, and the facts.
pub(crate) fn time_and_trust(report: &mut Report, outcome: &Outcome, options: &VerifyOptions<'_>) {
    let base = options;
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
