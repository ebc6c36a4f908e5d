//! Verifying seals (印章验证) and signatures (签章验证) into a [`Report`].
//!
//! Every step of the procedure (standards notes §4, `docs/ses.md`) is a named check; all checks
//! run even after a failure, and the verdict follows the rules of [`crate::verify`].
//!
//! [`verify_seal`] and [`verify_signature`] return `Err` only when the input cannot be read at
//! all, even leniently (not DER, not an SES structure, truncated, over the size limit). Anything
//! that can be read gets a report; in strict mode a tolerated deviation fails `seal.format` or
//! `signature.format`, so strictness changes the verdict, not whether there is a report.

use super::common::PictureTypeCheck;
use super::deviation::{Deviation, ParseMode};
use super::seal::{MakerSignedForm, Seal};
use super::seal_info::{CertDigestAlgorithm, CertList, CertListMatch};
use super::signature::{Signature, SignatureStructure, TimeInfo};
use super::{SesError, SesVersion};
use crate::pki::Certificate;
use crate::time::Time;
use crate::verify::trust::timestamp::{TimestampOutcome, verify_timestamp};
use crate::verify::trust::{
    AlgorithmVerdict, CertResult, ChainQuery, algorithm_check, cert_key, chain_check, decode_value,
    key_problem, revocation_check, sm2_verifies, validity_check,
};
use crate::verify::{
    Check, CheckCategory, CheckId, Level, PictureFacts, Report, ReportKind, SealFacts,
    SignatureAlgorithm, SignatureFacts, SigningTimeSource, Warning,
};
use crate::verify::{DataRef, VerifyOptions};

/// Verifies a bare seal (`.esl`, SESeal of any version).
///
/// Time-dependent checks use the validation time: without one they are `indeterminate`.
///
/// # Errors
/// [`SesError`] only when the bytes cannot be read as a seal even leniently.
pub fn verify_seal(der: &[u8], opts: &VerifyOptions<'_>) -> Result<Report, SesError> {
    let seal = Seal::from_der(der, ParseMode::Lenient)?;
    Ok(verify_parsed_seal(&seal, opts))
}

/// Verifies a signature (SES_Signature of any version, e.g. an OFD `SignedValue.dat`) and the
/// seal it carries.
///
/// # Errors
/// [`SesError`] only when the bytes cannot be read as a signature even leniently.
pub fn verify_signature(der: &[u8], opts: &VerifyOptions<'_>) -> Result<Report, SesError> {
    let signature = Signature::from_der(der, ParseMode::Lenient)?;
    Ok(verify_parsed_signature(&signature, opts))
}

/// Verifies an already parsed seal (for callers such as the OFD layer that parsed it). The
/// deviations recorded while parsing become warnings, and failures in strict mode.
pub fn verify_parsed_seal(seal: &Seal, opts: &VerifyOptions<'_>) -> Report {
    opts.with_cache(|opts| seal_report(seal, opts))
}

fn seal_report(seal: &Seal, opts: &VerifyOptions<'_>) -> Report {
    let mut report = Report::new(ReportKind::Seal, opts.validation_time);
    let outcome = check_seal(&mut report, seal, seal.deviations(), opts, SealUse::Bare);
    report.set_seal(seal_facts(seal, &outcome, None));
    report.apply_policy(&opts.validation);
    report
}

/// Verifies an already parsed signature and its seal.
pub fn verify_parsed_signature(signature: &Signature, opts: &VerifyOptions<'_>) -> Report {
    opts.with_cache(|opts| signature_report(signature, opts))
}

fn signature_report(signature: &Signature, opts: &VerifyOptions<'_>) -> Report {
    let mut report = Report::new(ReportKind::Signature, opts.validation_time);
    let seal = signature.seal();
    let strict = opts.mode == ParseMode::Strict
        || opts.validation.deviation_level("ses.sm2_sign_oid") == Level::Fail;

    // The signature's own deviations; the embedded seal's are reported with the seal.
    let (seal_devs, own_devs): (Vec<&Deviation>, Vec<&Deviation>) = signature
        .deviations()
        .iter()
        .partition(|d| d.field().starts_with("SES_Signature.toSign.eseal"));
    let value = decode_value(signature.signature_value());
    format_check(
        &mut report,
        CheckId::SignatureFormat,
        "signature",
        signature.version(),
        &own_devs,
        value.raw,
        opts,
    );
    version_check(&mut report, signature);

    let signer_cert: CertResult =
        Certificate::from_der(signature.signer_cert_der()).map_err(|e| e.to_string());
    let alg = algorithm_check(
        &mut report,
        CheckId::SignatureAlgorithm,
        "signer's signature",
        signature.signature_algorithm(),
        strict,
    );
    value_check(
        &mut report,
        ValueQuery {
            id: CheckId::SignatureValue,
            role: "signer",
            alg,
            cert: &signer_cert,
            value: &value,
            // Each document has its own signer signature: caching it would only crowd out
            // the CA links and seals that do repeat.
            cache: None,
        },
        &[("TBS_Sign", signature.tbs_der())],
    );
    signer_in_seal_check(&mut report, seal.cert_list(), signature.signer_cert_der());

    // The signing time: a verified timestamp's genTime, else the signer's claim.
    let claimed = claimed_time(&mut report, signature);
    let stamp = signature
        .timestamp()
        .map(|ts| verify_timestamp(ts.token(), signature.signature_value(), opts));
    let gen_time = timestamp_check(
        &mut report,
        CheckId::Timestamp,
        stamp,
        match signature.structure() {
            SignatureStructure::V1(_) => "GM/T 0031-2014 signatures have no timestamp field",
            SignatureStructure::V4(_) => "the signature carries no timestamp",
        },
    );
    let (signing_time, source) = match (gen_time, claimed) {
        (Some(t), _) => (Some(t), Some(SigningTimeSource::Timestamp)),
        (None, Some(t)) => (Some(t), Some(SigningTimeSource::Claimed)),
        (None, None) => (None, None),
    };
    data_hash_check(&mut report, signature.data_hash(), opts.data);

    let seal_devs: Vec<Deviation> = seal_devs.into_iter().cloned().collect();
    let outcome = check_seal(
        &mut report,
        seal,
        &seal_devs,
        opts,
        SealUse::SignedAt {
            time: signing_time,
            attested: gen_time.is_some(),
        },
    );

    // The signer certificate at the signing time and at the validation time.
    let at_signing: Result<(Time, &str), &str> = match (signing_time, gen_time) {
        (Some(t), Some(_)) => Ok((t, "the timestamped signing time")),
        (Some(t), None) => Ok((t, "the claimed signing time")),
        (None, _) => Err("the signing time is unknown (timeInfo could not be read)"),
    };
    validity_check(
        &mut report,
        CheckId::SignerValidity,
        "signer",
        &signer_cert,
        at_signing,
        gen_time.is_some(),
    );
    let mut q = ChainQuery {
        id: CheckId::SignerChain,
        role: "signer",
        cert: &signer_cert,
        anchors: opts.signer_anchors,
        opts,
    };
    chain_check(&mut report, &q, at_signing, None);
    q.id = CheckId::SignerChainAtValidation;
    chain_check(
        &mut report,
        &q,
        at_validation(opts),
        gen_time.filter(|_| signing_time.is_some()),
    );
    q.id = CheckId::SignerRevocation;
    revocation_check(&mut report, &q, at_signing, gen_time.is_some());

    report.set_seal(seal_facts(seal, &outcome, signer_cert.as_ref().ok()));
    report.set_signature(SignatureFacts {
        signer_subject: signer_cert.as_ref().ok().map(Certificate::subject_string),
        signing_time,
        signing_time_source: source,
        claimed_time: claimed,
        property_info: signature.property_info().to_owned(),
        algorithm: Some(SignatureAlgorithm::from_oid(
            signature.signature_algorithm(),
        )),
    });
    report.apply_policy(&opts.validation);
    report
}

/// Where the seal is being judged.
#[derive(Debug, Clone, Copy)]
enum SealUse {
    /// A bare seal, judged at the validation time.
    Bare,
    /// A seal inside a signature made at `time` (attested by a timestamp or only claimed).
    SignedAt { time: Option<Time>, attested: bool },
}

/// What the seal checks found that the facts report.
struct SealOutcome {
    maker_subject: Option<String>,
    signed_form: Option<MakerSignedForm>,
}

fn at_validation(opts: &VerifyOptions<'_>) -> Result<(Time, &'static str), &'static str> {
    opts.validation_time
        .map(|t| (t, "the validation time"))
        .ok_or("no validation time given")
}

/// The seal checks S1–S4 (standards notes §4.1) and the maker timestamp.
fn check_seal(
    report: &mut Report,
    seal: &Seal,
    deviations: &[Deviation],
    opts: &VerifyOptions<'_>,
    usage: SealUse,
) -> SealOutcome {
    let strict = opts.mode == ParseMode::Strict
        || opts.validation.deviation_level("ses.sm2_sign_oid") == Level::Fail;
    let value = decode_value(seal.maker_signature());
    let devs: Vec<&Deviation> = deviations.iter().collect();
    format_check(
        report,
        CheckId::SealFormat,
        "seal",
        seal.version(),
        &devs,
        value.raw,
        opts,
    );
    picture_warnings(report, seal);

    let maker_cert: CertResult =
        Certificate::from_der(seal.maker_cert_der()).map_err(|e| e.to_string());
    let alg = algorithm_check(
        report,
        CheckId::SealMakerAlgorithm,
        "maker's signature",
        seal.signature_algorithm(),
        strict,
    );
    let mut forms: Vec<(&'static str, std::borrow::Cow<'_, [u8]>)> = Vec::new();
    for form in seal.maker_signed_forms() {
        match seal.maker_signed_bytes(*form) {
            Ok(bytes) => forms.push((form_name(*form), bytes)),
            Err(e) => report.warn(Warning::new(
                "ses.maker_signed_form_unavailable",
                format!("cannot form the {} bytes: {e}", form_name(*form)),
            )),
        }
    }
    let borrowed: Vec<(&str, &[u8])> = forms.iter().map(|(n, b)| (*n, &**b)).collect();
    let matched = value_check(
        report,
        ValueQuery {
            id: CheckId::SealMakerSignature,
            role: "maker",
            alg,
            cert: &maker_cert,
            value: &value,
            cache: opts.cache,
        },
        &borrowed,
    );
    let signed_form = matched.and_then(|i| seal.maker_signed_forms().get(i).copied());
    if seal.version() != SesVersion::V1 {
        match signed_form {
            Some(MakerSignedForm::SealInfoOnly) => report.warn(Warning::new(
                "ses.maker_signed_seal_info_only",
                "the maker signature covers the DER of eSealInfo alone, as GB/T 38540 / \
                 GM/T 0031-2025 makers sign in the field",
            )),
            Some(MakerSignedForm::SealInfoCertAlgorithm) => report.warn(Warning::new(
                "ses.maker_signed_three_elements",
                "the maker signature covers SEQUENCE { eSealInfo, cert, signAlgID } (the \
                 GM/T 0031-2014 form) rather than eSealInfo alone",
            )),
            None => {}
        }
    }

    // The maker-side timestamp (v5) attests when the seal was signed.
    let stamp = seal
        .maker_timestamp()
        .map(|ts| verify_timestamp(ts.token(), seal.maker_signature(), opts));
    let made_attested = timestamp_check(
        report,
        CheckId::SealTimestamp,
        stamp,
        "the seal carries no maker timestamp",
    );
    let created = Time::from(seal.create_date().datetime());
    let made_at: Result<(Time, &str), &str> = Ok(match made_attested {
        Some(t) => (t, "the timestamped making time"),
        None => (created, "the seal's claimed creation date"),
    });
    validity_check(
        report,
        CheckId::SealMakerValidity,
        "maker",
        &maker_cert,
        made_at,
        made_attested.is_some(),
    );
    let mut q = ChainQuery {
        id: CheckId::SealMakerChain,
        role: "maker",
        cert: &maker_cert,
        anchors: opts.maker_store(),
        opts,
    };
    chain_check(report, &q, made_at, None);
    q.id = CheckId::SealMakerChainAtValidation;
    let attested_use = match usage {
        SealUse::SignedAt {
            time: Some(t),
            attested: true,
        } => Some(t),
        _ => made_attested,
    };
    chain_check(report, &q, at_validation(opts), attested_use);
    q.id = CheckId::SealMakerRevocation;
    revocation_check(report, &q, made_at, made_attested.is_some());

    seal_validity_check(report, seal, opts, usage);
    SealOutcome {
        maker_subject: maker_cert.as_ref().ok().map(Certificate::subject_string),
        signed_form,
    }
}

fn form_name(form: MakerSignedForm) -> &'static str {
    match form {
        MakerSignedForm::SealInfoOnly => "eSealInfo",
        MakerSignedForm::SealInfoCertAlgorithm => "SEQUENCE { eSealInfo, cert, signAlgID }",
    }
}

/// `seal.format` / `signature.format`: deviations become warnings, and failures in strict mode.
fn format_check(
    report: &mut Report,
    id: CheckId,
    what: &str,
    version: SesVersion,
    deviations: &[&Deviation],
    raw_value: bool,
    opts: &VerifyOptions<'_>,
) {
    for d in deviations {
        report.warn(Warning::new(
            format!("ses.deviation.{}", d.kind().code()),
            d.to_string(),
        ));
    }
    if raw_value {
        report.warn(Warning::new(
            "ses.raw_signature_value",
            format!(
                "the {what}'s signature value is raw r‖s (64 bytes), not the DER SM2Signature \
                 of GM/T 0009"
            ),
        ));
    }
    let fails = |code: &str| {
        opts.mode == ParseMode::Strict || opts.validation.deviation_level(code) == Level::Fail
    };
    let mut problems: Vec<String> = deviations.iter().map(ToString::to_string).collect();
    let mut failing: Vec<String> = deviations
        .iter()
        .filter(|d| fails(&format!("ses.deviation.{}", d.kind().code())))
        .map(ToString::to_string)
        .collect();
    if raw_value {
        let text = "signature value in raw r‖s form instead of DER".to_owned();
        if fails("ses.raw_signature_value") {
            failing.push(text.clone());
        }
        problems.push(text);
    }
    let strict = !failing.is_empty();
    let check = if problems.is_empty() {
        Check::passed(
            id,
            CheckCategory::Format,
            format!("the {what} is a well-formed {version} structure"),
        )
    } else if strict {
        Check::failed(
            id,
            CheckCategory::Format,
            format!(
                "the {what} deviates from {} and the policy (\"{}\") fails it: {}",
                version.standard(),
                opts.validation.name(),
                failing.join("; ")
            ),
        )
    } else {
        Check::passed(
            id,
            CheckCategory::Format,
            format!(
                "the {what} is a {version} structure; {} deviation(s) of deployed producers \
                 from the standard, each named in the warnings (policy \"{}\")",
                problems.len(),
                opts.validation.name()
            ),
        )
    };
    report.push(check);
}

/// `signature.version`: the signature's generation and `TBS_Sign.version` agree with the seal.
fn version_check(report: &mut Report, signature: &Signature) {
    let seal_version = signature.seal().version();
    let tbs_version = signature.tbs_version();
    let (ok, expected) = match signature.structure() {
        SignatureStructure::V1(_) => (
            seal_version == SesVersion::V1 && matches!(tbs_version, 1 | 2),
            "a GM/T 0031-2014 seal and TBS_Sign.version 1 (or 2)".to_owned(),
        ),
        SignatureStructure::V4(_) => (
            seal_version != SesVersion::V1 && tbs_version == seal_version.number(),
            format!(
                "a GB/T 38540 / GM/T 0031-2025 seal and TBS_Sign.version equal to the seal's \
                 version ({})",
                seal_version.number()
            ),
        ),
    };
    let layout = match signature.structure() {
        SignatureStructure::V1(_) => "GM/T 0031-2014",
        SignatureStructure::V4(_) => "GB/T 38540 / GM/T 0031-2025",
    };
    let found = format!(
        "a {layout} signature with TBS_Sign.version {tbs_version} carrying a {seal_version} seal"
    );
    report.push(if ok {
        Check::passed(CheckId::SignatureVersion, CheckCategory::Binding, found)
    } else {
        Check::failed(
            CheckId::SignatureVersion,
            CheckCategory::Binding,
            format!("{found}; expected {expected}"),
        )
    });
}

/// Inputs of a signature-value check.
struct ValueQuery<'q> {
    id: CheckId,
    role: &'q str,
    alg: AlgorithmVerdict,
    cert: &'q CertResult,
    value: &'q crate::verify::trust::DecodedValue,
    cache: Option<&'q crate::pki::VerifiedCache>,
}

/// Verifies an SM2 signature value over each candidate in turn (name, bytes); returns the
/// index of the one that verified.
fn value_check(
    report: &mut Report,
    q: ValueQuery<'_>,
    candidates: &[(&str, &[u8])],
) -> Option<usize> {
    let cat = CheckCategory::Cryptographic;
    if q.alg == AlgorithmVerdict::Unsupported {
        report.push(Check::indeterminate(
            q.id,
            cat,
            format!(
                "the {} signature uses an unsupported algorithm and was not checked",
                q.role
            ),
        ));
        return None;
    }
    let key = match cert_key(q.cert) {
        Ok(k) => k,
        Err(why) => {
            report.push(Check::indeterminate(q.id, cat, key_problem(q.role, &why)));
            return None;
        }
    };
    let value = match &q.value.value {
        Ok(v) => v,
        Err(why) => {
            report.push(Check::failed(
                q.id,
                cat,
                format!(
                    "the {} signature value is neither a DER SM2Signature nor a 64-byte r‖s: {why}",
                    q.role
                ),
            ));
            return None;
        }
    };
    for (i, (name, bytes)) in candidates.iter().enumerate() {
        if sm2_verifies(q.cache, &key, bytes, value) {
            report.push(Check::passed(
                q.id,
                cat,
                format!(
                    "the {} signature verifies over the original {name} bytes with the {} \
                     certificate's key (SM2 with SM3, default ID)",
                    q.role, q.role
                ),
            ));
            return Some(i);
        }
    }
    let names: Vec<&str> = candidates.iter().map(|(n, _)| *n).collect();
    report.push(Check::failed(
        q.id,
        cat,
        format!(
            "the {} signature does not verify over {} with the {} certificate's key: the data \
             was altered, or it was signed with another key",
            q.role,
            names.join(" nor over "),
            q.role
        ),
    ));
    None
}

/// `signature.signer_in_seal` (standards notes §4.2 V3).
fn signer_in_seal_check(report: &mut Report, list: &CertList, signer_der: &[u8]) {
    let id = CheckId::SignerInSeal;
    let cat = CheckCategory::Binding;
    let check = match list.lists(signer_der) {
        CertListMatch::Certificate { index } => Check::passed(
            id,
            cat,
            format!("the signer certificate is entry {index} of the seal's certList"),
        ),
        CertListMatch::Digest {
            index,
            algorithm,
            declared_type,
            assumed,
        } => {
            if assumed {
                report.warn(Warning::new(
                    "ses.cert_digest_type_assumed",
                    format!(
                        "certList digest type {declared_type:?} names no algorithm eseal knows; \
                         it matched as {}",
                        algorithm.name()
                    ),
                ));
            }
            Check::passed(
                id,
                cat,
                format!(
                    "the {} digest of the signer certificate is entry {index} of the seal's \
                     certList",
                    algorithm.name()
                ),
            )
        }
        CertListMatch::NotListed => Check::failed(
            id,
            cat,
            "the signer certificate is not in the seal's certList: the seal does not authorise \
             this signer",
        ),
        CertListMatch::Undecidable { unknown_types } => Check::indeterminate(
            id,
            cat,
            format!(
                "the signer certificate matches no entry eseal can compute; certList digest \
                 types not recognised: {}",
                unknown_types.join(", ")
            ),
        ),
    };
    report.push(check);
}

/// The signer's claimed signing time (`timeInfo`), with warnings for GM/T 0031-2014 text.
fn claimed_time(report: &mut Report, signature: &Signature) -> Option<Time> {
    match signature.time_info() {
        TimeInfo::Time(t) => Some(Time::from(t.datetime())),
        TimeInfo::V1 { raw, parsed } => match parsed {
            Some(dt) => {
                let zoned = raw.ends_with(b"Z") || matches!(raw.first(), Some(0x17 | 0x18));
                if !zoned {
                    report.warn(Warning::new(
                        "ses.v1_time_info_without_zone",
                        format!(
                            "timeInfo {:?} names no time zone; read as UTC (writers often mean \
                             UTC+8, so time checks may be off by hours)",
                            String::from_utf8_lossy(raw)
                        ),
                    ));
                }
                Some(Time::from(dt))
            }
            None => {
                report.warn(Warning::new(
                    "ses.v1_time_info_unreadable",
                    "timeInfo is in no format eseal reads; the signing time is unknown",
                ));
                None
            }
        },
    }
}

/// `signature.timestamp` / `seal.timestamp`; returns genTime when the token verified.
fn timestamp_check(
    report: &mut Report,
    id: CheckId,
    outcome: Option<TimestampOutcome>,
    absent: &'static str,
) -> Option<Time> {
    let cat = CheckCategory::Cryptographic;
    match outcome {
        None => {
            report.push(Check::not_applicable(id, cat, absent));
            None
        }
        Some(TimestampOutcome::Verified { gen_time, detail }) => {
            report.push(Check::passed(id, cat, detail));
            Some(gen_time)
        }
        Some(TimestampOutcome::Failed(why)) => {
            report.push(Check::failed(id, cat, why));
            None
        }
        Some(TimestampOutcome::Indeterminate(why)) => {
            report.push(Check::indeterminate(id, cat, why));
            None
        }
    }
}

/// `signature.data_hash` (standards notes §4.2 V7).
fn data_hash_check(report: &mut Report, data_hash: &[u8], data: Option<DataRef<'_>>) {
    let id = CheckId::DataHash;
    let cat = CheckCategory::Binding;
    let expected = match data {
        None => {
            report.push(Check::indeterminate(
                id,
                cat,
                "no document data supplied: dataHash was not compared",
            ));
            return;
        }
        Some(DataRef::Bytes(bytes)) => crate::crypto::sm3::sm3(bytes),
        Some(DataRef::Sm3Digest(d)) => d,
    };
    report.push(if data_hash == expected.as_slice() {
        Check::passed(id, cat, "dataHash equals SM3 of the supplied data")
    } else {
        Check::failed(
            id,
            cat,
            format!(
                "dataHash {} differs from SM3 of the supplied data {}: the document was changed \
                 after signing, or the wrong data was supplied",
                hex(data_hash),
                hex(&expected)
            ),
        )
    });
}

/// `seal.validity`: the seal's window covers the signing time or, for a bare seal, the
/// validation time. Outside the window at a timestamp-proven signing time is decisive (the seal
/// was used outside its validity); at a claimed signing time it is indeterminate, since the
/// claim proves nothing.
fn seal_validity_check(report: &mut Report, seal: &Seal, opts: &VerifyOptions<'_>, usage: SealUse) {
    let id = CheckId::SealValidity;
    let cat = CheckCategory::Time;
    let (at, when, proven) = match usage {
        SealUse::Bare => (opts.validation_time, "validation time", false),
        SealUse::SignedAt {
            time,
            attested: true,
        } => (time, "timestamp-proven signing time", true),
        SealUse::SignedAt { time, .. } => (time, "claimed signing time", false),
    };
    let (from, to) = (
        Time::from(seal.valid_start().datetime()),
        Time::from(seal.valid_end().datetime()),
    );
    let Some(at) = at else {
        report.push(Check::indeterminate(
            id,
            cat,
            format!("the {when} is unknown: the seal's validity ({from} to {to}) was not checked"),
        ));
        return;
    };
    let window = format!("the seal is valid from {from} to {to}");
    report.push(if at >= from && at <= to {
        Check::passed(id, cat, format!("{window}, which covers the {when} {at}"))
    } else if proven {
        Check::failed(
            id,
            cat,
            format!("{when} outside the seal's validity: signed at {at}; {window}"),
        )
        .make_decisive()
    } else if matches!(usage, SealUse::Bare) {
        // The caller's own validation time is a fact: the seal is not valid then (a time
        // problem, not a forgery).
        Check::failed(
            id,
            cat,
            format!("the seal is not valid at the {when} {at}; {window}"),
        )
    } else {
        Check::indeterminate(
            id,
            cat,
            format!(
                "{when} outside the seal's validity: {at}; {window}; no verified timestamp \
                 proves when it was signed"
            ),
        )
    });
}

/// Warnings about the picture: declared type against the bytes.
fn picture_warnings(report: &mut Report, seal: &Seal) {
    let picture = seal.picture();
    match picture.check_type() {
        PictureTypeCheck::Matches(_) => {}
        PictureTypeCheck::Mismatch(found) => report.warn(Warning::new(
            "ses.picture_type_mismatch",
            format!(
                "the picture is declared {:?} but its bytes are {}",
                picture.picture_type,
                found.names().first().copied().unwrap_or("another format")
            ),
        )),
        PictureTypeCheck::Unknown => report.warn(Warning::new(
            "ses.picture_type_unknown",
            format!(
                "the picture is declared {:?}; its bytes are of no format eseal recognises",
                picture.picture_type
            ),
        )),
    }
}

/// The seal's facts; `signer` is the signature's certificate when there is one, already parsed
/// (the seal normally lists it: its name is taken from it rather than parsed again).
fn seal_facts(seal: &Seal, outcome: &SealOutcome, signer: Option<&Certificate>) -> SealFacts {
    let signers = match seal.cert_list() {
        CertList::Certs(certs) => certs
            .iter()
            .map(
                |der| match signer.filter(|s| s.as_der() == der.as_slice()) {
                    Some(known) => known.subject_string(),
                    None => match Certificate::from_der(der) {
                        Ok(c) => c.subject_string(),
                        Err(_) => format!(
                            "(unreadable certificate, SM3 {})",
                            hex(&crate::crypto::sm3::sm3(der))
                        ),
                    },
                },
            )
            .collect(),
        CertList::Digests(digests) => digests
            .iter()
            .map(|d| {
                let name: &str = match CertDigestAlgorithm::from_type_text(&d.digest_type) {
                    Some(alg) => alg.name(),
                    None => &d.digest_type,
                };
                format!("{name}:{}", hex(&d.value))
            })
            .collect(),
    };
    let picture = seal.picture();
    SealFacts {
        version: seal.version(),
        vendor_id: seal.header().vid.clone(),
        es_id: seal.es_id().to_owned(),
        name: seal.name().to_owned(),
        seal_type: seal.seal_type(),
        created: Some(Time::from(seal.create_date().datetime())),
        valid_from: Some(Time::from(seal.valid_start().datetime())),
        valid_to: Some(Time::from(seal.valid_end().datetime())),
        maker_subject: outcome.maker_subject.clone(),
        signers,
        picture: Some(PictureFacts::of(picture)),
        maker_signed_form: outcome.signed_form,
    }
}

fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
