//! Verifying a license file (an OFD issued by [`super::issue_ofd`] or laid out the same way)
//! and a bare 2D-code payload, into one [`DocumentReport`] with the `license.*` checks
//! (`docs/license.md`, "Verifying"; `docs/report-schema.md`).
//!
//! The document signatures are the OFD verifier's ([`ofd::verify_document`]); certificate
//! chains, validity and revocation of the payload's signer are the trust engine's
//! ([`crate::verify::trust`]). This module adds what makes the file a license: the metadata,
//! that a signature that holds protects it, the identifier and codes, the validity period at
//! the validation time, and the 2D code's payload against the metadata.

use super::error::LicenseError;
use super::issue::{CODE_FILE, CODE_NAMESPACE};
use super::metadata::{Field, LicenseMetadata, ValidUntil, XML_NAMESPACE};
use super::payload::{Payload, key_id};
use super::{Date, LicenseId};
use crate::crypto::PublicKey;
use crate::ofd::{self, OfdError, OfdPackage, OfdVerifyOptions, SignatureType};
use crate::pki::Certificate;
use crate::ses::{self, ParseMode};
use crate::time::Time;
use crate::verify::trust::{self, CertResult, ChainQuery};
use crate::verify::{
    Check, CheckCategory, CheckId, DocumentFormat, DocumentReport, Report, ReportKind,
    SignatureEntry, Status, VerifyOptions,
};

/// China Standard Time: license dates are calendar dates in China (UTC+8).
const CST_OFFSET: u64 = 8 * 3600;

/// The calendar date in China at `t`.
fn china_date(t: Time) -> Option<Date> {
    let dt = Time::from_unix_seconds(t.unix_seconds().saturating_add(CST_OFFSET)).to_date_time()?;
    Date::new(dt.year(), dt.month(), dt.day())
}

/// The files a license carries besides its face (path or name, bytes): found through
/// `CustomTags.xml` in an OFD, among the embedded files of a PDF.
#[derive(Default)]
pub(super) struct Embedded {
    pub(super) metadata: Option<(String, Vec<u8>)>,
    pub(super) code: Option<(String, Vec<u8>)>,
}

fn embedded(pkg: &OfdPackage) -> Result<Embedded, String> {
    let info = pkg.ofd().map_err(|e| e.to_string())?;
    let body = info.bodies.first().ok_or("OFD.xml has no document")?;
    let document = pkg.document(body).map_err(|e| e.to_string())?;
    let tags_path = document
        .custom_tags
        .ok_or("Document.xml names no CustomTags: the document carries no license metadata")?;
    let tags_bytes = pkg
        .get(&tags_path)
        .ok_or_else(|| format!("{tags_path} is missing"))?;
    let tags = ofd::xml::parse(&tags_path, tags_bytes, pkg.limits()).map_err(|e| e.to_string())?;
    let mut out = Embedded {
        metadata: None,
        code: None,
    };
    for tag in tags.children_named("CustomTag") {
        let slot = match tag.attr("NameSpace") {
            Some(XML_NAMESPACE) => &mut out.metadata,
            Some(CODE_NAMESPACE) => &mut out.code,
            _ => continue,
        };
        if slot.is_some() {
            return Err(format!(
                "{tags_path} names two custom tags of namespace {}",
                tag.attr("NameSpace").unwrap_or_default()
            ));
        }
        let loc = tag
            .child_text("FileLoc")
            .ok_or_else(|| format!("a custom tag in {tags_path} has no FileLoc"))?;
        let path = pkg.resolve(&tags_path, &loc).map_err(|e| e.to_string())?;
        let bytes = pkg
            .get(&path)
            .ok_or_else(|| format!("the custom tag file {path} is missing"))?;
        *slot = Some((path, bytes.to_vec()));
    }
    Ok(out)
}

/// The issuer certificate of the first seal signature that protects `path`, and whether one
/// that is not invalid protects it.
pub(super) struct Protection {
    pub(super) protected: bool,
    pub(super) issuer: Option<Certificate>,
}

fn protection(pkg: &OfdPackage, doc: &DocumentReport, path: &str) -> Protection {
    let mut out = Protection {
        protected: false,
        issuer: None,
    };
    let protects = |e: &SignatureEntry| {
        e.report().status() != Status::Invalid
            && e.coverage()
                .is_some_and(|c| c.protected.iter().any(|p| p == path))
    };
    let list = pkg
        .ofd()
        .ok()
        .and_then(|info| info.bodies.first().cloned())
        .and_then(|body| pkg.signature_list(&body).ok().flatten());
    for entry in doc.signatures().iter().filter(|e| protects(e)) {
        out.protected = true;
        if out.issuer.is_some() {
            continue;
        }
        let Some(list_entry) = list.as_ref().and_then(|l| {
            l.entries
                .iter()
                .find(|x| Some(x.id.as_str()) == entry.id() && x.kind == SignatureType::Seal)
        }) else {
            continue;
        };
        out.issuer = pkg
            .signature(list_entry)
            .ok()
            .and_then(|sig| pkg.get(&sig.signed_value_path).map(<[u8]>::to_vec))
            .and_then(|der| ses::Signature::from_der(&der, ParseMode::Lenient).ok())
            .and_then(|s| Certificate::from_der(s.signer_cert_der()).ok());
    }
    out
}

pub(super) fn cert_public_key(cert: &Certificate) -> Option<PublicKey> {
    cert.sm2_public_key()
        .ok()
        .and_then(|p| PublicKey::from_sec1_bytes(p).ok())
}

/// Applies the policy level of the check's id.
fn leveled(check: Check, options: &VerifyOptions<'_>) -> Check {
    let level = options.validation.check_level(check.id);
    check.with_level(level)
}

/// `license.validity`: the license is in force on the validation date (in China).
fn validity_check(from: Option<Date>, until: Option<ValidUntil>, at: Option<Time>) -> Check {
    let id = CheckId::LicenseValidity;
    let Some(at) = at else {
        return Check::indeterminate(
            id,
            CheckCategory::Time,
            "no validation time given: whether the license is in force was not checked",
        );
    };
    let Some(today) = china_date(at) else {
        return Check::indeterminate(
            id,
            CheckCategory::Time,
            "the validation time is out of range",
        );
    };
    let period = format!(
        "valid from {} until {}",
        from.map_or_else(|| "issue".to_owned(), |d| d.to_string()),
        until.map_or_else(|| "(no end given)".to_owned(), |u| u.to_string())
    );
    if let Some(from) = from {
        if today < from {
            return Check::failed(
                id,
                CheckCategory::Time,
                format!(
                    "the license is not yet in force on {today} (China time at {at}): {period}; \
                     its authenticity is judged by the other checks"
                ),
            );
        }
    }
    match until {
        Some(ValidUntil::Date(end)) if today > end => Check::failed(
            id,
            CheckCategory::Time,
            format!(
                "the license is no longer in force on {today} (China time at {at}): it expired \
                 after {end} ({period}); the document may still be authentic"
            ),
        ),
        _ => Check::passed(
            id,
            CheckCategory::Time,
            format!("the license is in force on {today} (China time at {at}): {period}"),
        ),
    }
}

/// Checks that depend on whether the metadata parsed: identifier, holder code, issuer code.
fn field_checks(parsed: &Result<LicenseMetadata, LicenseError>) -> Vec<Check> {
    let field_of = |e: &LicenseError| match e {
        LicenseError::Invalid { field, .. } | LicenseError::Missing { field } => Some(*field),
        _ => None,
    };
    let make =
        |id: CheckId, category, fields: &[Field], ok: &dyn Fn(&LicenseMetadata) -> String| {
            match parsed {
                Ok(meta) => Check::passed(id, category, ok(meta)),
                Err(e) if field_of(e).is_some_and(|f| fields.contains(&f)) => {
                    Check::failed(id, category, e.to_string())
                }
                Err(_) => Check::indeterminate(
                    id,
                    category,
                    "not checked: the metadata cannot be read (see license.metadata)",
                ),
            }
        };
    vec![
        make(
            CheckId::LicenseIdentifier,
            CheckCategory::Format,
            &[Field::LicenseId],
            &|m| {
                format!(
                    "the identifier {} is well-formed and its check character {} is right",
                    m.id,
                    m.id.check()
                )
            },
        ),
        make(
            CheckId::LicenseHolderCode,
            CheckCategory::Format,
            &[
                Field::HolderCode,
                Field::HolderCodeType,
                Field::HolderCodeTypeCode,
            ],
            &|m| match m.holder_code_type {
                super::HolderCodeType::Uscc | super::HolderCodeType::CitizenId => format!(
                    "the holder code {} is a valid {}",
                    m.holder_code,
                    m.holder_code_type.name()
                ),
                _ => format!(
                    "the holder code is of kind {} ({}), which eseal does not check",
                    m.holder_code_type.name(),
                    m.holder_code_type.code()
                ),
            },
        ),
        make(
            CheckId::LicenseIssuerCode,
            CheckCategory::Binding,
            &[Field::IssuerCode, Field::TypeCode],
            &|m| {
                format!(
                    "the issuer code {} is a valid unified social credit code and the identifier's",
                    m.issuer_code().as_str()
                )
            },
        ),
    ]
}

/// Whether the issuer certificate's subject names a unified social credit code other than
/// `code` (deployed certificates carry the holder's USCC in the subject).
fn certificate_names_other_code(cert: &Certificate, code: &str) -> Option<String> {
    let subject = cert.subject_string();
    let other = subject
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 18 && *w != code)
        .find(|w| super::Uscc::parse(w).is_ok())?;
    Some(format!(
        "the issuer certificate \"{subject}\" names the code {other}, not the license's issuer code {code}"
    ))
}

/// The 2D code's text in a `DZZZCode` XML file, if it is one.
fn code_text(code: &[u8]) -> Option<String> {
    ofd::xml::parse(CODE_FILE, code, &ofd::Limits::default())
        .ok()
        .filter(|el| el.name == "DZZZCode" && el.children.is_empty())
        .map(|el| el.text)
}

/// The file format a license comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LicenseContainer {
    /// An OFD package (metadata as a custom tag).
    Ofd,
    /// A PDF (metadata as an embedded file).
    Pdf,
}

impl LicenseContainer {
    /// `ofd` or `pdf`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ofd => "ofd",
            Self::Pdf => "pdf",
        }
    }
}

/// What a license file carries, read without verifying anything ([`read_license`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LicenseFile {
    /// OFD or PDF.
    pub container: LicenseContainer,
    /// The embedded metadata.
    pub metadata: LicenseMetadata,
    /// The 2D code's text as embedded beside it, if the file has it.
    pub code_text: Option<String>,
}

/// Reads the metadata (and the 2D code's text) of a license OFD or PDF, **without verifying**
/// anything: for showing a license; [`verify_license`] / [`super::verify_pdf_license`] judge it.
///
/// # Errors
/// [`LicenseError::Ofd`] / [`LicenseError::Pdf`] when the file cannot be read as either,
/// [`LicenseError::Missing`] (field `Document`) when it carries no metadata, and the metadata's
/// own errors.
pub fn read_license(bytes: &[u8]) -> Result<LicenseFile, LicenseError> {
    let missing = || LicenseError::Missing {
        field: Field::Document,
    };
    let (container, found) = if bytes.starts_with(b"PK\x03\x04") {
        let pkg = OfdPackage::from_bytes(bytes, &ofd::Limits::default())?;
        let found = embedded(&pkg).map_err(|_| missing())?;
        (LicenseContainer::Ofd, found)
    } else {
        (
            LicenseContainer::Pdf,
            super::pdf_license::embedded_files(bytes)?,
        )
    };
    let (_, xml) = found.metadata.ok_or_else(missing)?;
    Ok(LicenseFile {
        container,
        metadata: LicenseMetadata::from_xml(&xml)?,
        code_text: found.code.and_then(|(_, c)| code_text(&c)),
    })
}

/// `license.payload` for a file: the embedded code text against the metadata and the issuer.
fn payload_against(
    code: Option<&[u8]>,
    meta: &LicenseMetadata,
    issuer: Option<&Certificate>,
) -> Check {
    let id = CheckId::LicensePayload;
    let Some(code) = code else {
        return Check::failed(
            id,
            CheckCategory::Binding,
            format!("the license carries no 2D-code text ({CODE_FILE})"),
        );
    };
    let Some(text) = code_text(code) else {
        return Check::failed(
            id,
            CheckCategory::Binding,
            format!("{CODE_FILE} is not a DZZZCode element"),
        );
    };
    let payload = match Payload::parse(&text) {
        Ok(p) => p,
        Err(e) => return Check::failed(id, CheckCategory::Binding, e.to_string()),
    };
    let mut problems = Vec::new();
    if payload.identifier != meta.id.to_string() {
        problems.push(format!(
            "identifier {} differs from the metadata's",
            payload.identifier
        ));
    }
    if payload.digest != meta.key_fields_digest() {
        problems.push("the key-field digest differs from the metadata's".to_owned());
    }
    if payload.issue_date != meta.issue_date
        || payload.valid_from != meta.valid_from
        || payload.valid_until != meta.valid_until
    {
        problems.push("the dates differ from the metadata's".to_owned());
    }
    match issuer.and_then(cert_public_key) {
        Some(key) if payload.is_signed_by_key(&key) && payload.signature_verifies(&key) => {}
        Some(_) => problems.push(
            "its signature does not verify with the key of the seal signer (the issuer)".into(),
        ),
        None => {
            if problems.is_empty() {
                return Check::indeterminate(
                    id,
                    CheckCategory::Binding,
                    "the payload matches the metadata, but no seal signature that holds names the \
                     issuer's certificate to check its signature with",
                );
            }
        }
    }
    if problems.is_empty() {
        Check::passed(
            id,
            CheckCategory::Binding,
            "the 2D code's payload matches the metadata (identifier, dates, key-field digest) and \
             is signed by the seal signer",
        )
    } else {
        Check::failed(
            id,
            CheckCategory::Binding,
            format!(
                "the 2D code's payload does not match: {}",
                problems.join("; ")
            ),
        )
    }
}

/// How one rendition (OFD, PDF) names what the shared checks report.
pub(super) struct LicenseForm {
    /// `license.metadata`'s message when the file has no metadata file.
    pub(super) missing: String,
    /// What protects the metadata, for `license.metadata_protected`'s message.
    pub(super) protector: &'static str,
}

/// The `license.*` checks of a license file, from what was found in it: the metadata and code
/// files (path, bytes), why they could not be looked for (`error`), whether a signature that
/// holds protects them (`guard`, `code_guard`) and the issuer certificate it names.
pub(super) fn license_checks(
    found: &Embedded,
    error: Option<String>,
    guard: &Protection,
    code_guard: Option<bool>,
    form: &LicenseForm,
    ses: &VerifyOptions<'_>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(why) = error {
        checks.push(Check::failed(
            CheckId::LicenseMetadata,
            CheckCategory::Format,
            why,
        ));
    }
    let (metadata, code) = (&found.metadata, &found.code);
    let parsed = metadata
        .as_ref()
        .map(|(_, bytes)| LicenseMetadata::from_xml(bytes));
    match (metadata, &parsed) {
        (Some((path, _)), Some(Ok(_))) => checks.push(Check::passed(
            CheckId::LicenseMetadata,
            CheckCategory::Format,
            format!("the metadata {path} was read and every element is valid"),
        )),
        (Some((path, _)), Some(Err(e))) => checks.push(Check::failed(
            CheckId::LicenseMetadata,
            CheckCategory::Format,
            format!("the metadata {path}: {e}"),
        )),
        _ if checks.is_empty() => checks.push(Check::failed(
            CheckId::LicenseMetadata,
            CheckCategory::Format,
            form.missing.clone(),
        )),
        _ => {}
    }
    checks.push(match (metadata, guard.protected, code_guard) {
        (None, ..) => Check::indeterminate(
            CheckId::LicenseMetadataProtected,
            CheckCategory::Binding,
            "no metadata to protect",
        ),
        (Some((path, _)), true, Some(false)) => Check::failed(
            CheckId::LicenseMetadataProtected,
            CheckCategory::Binding,
            format!(
                "the metadata {path} is protected, but the 2D-code text {} is protected by no signature that holds",
                code.as_ref().map_or("", |(p, _)| p.as_str())
            ),
        ),
        (Some((path, _)), true, _) => Check::passed(
            CheckId::LicenseMetadataProtected,
            CheckCategory::Binding,
            format!("the metadata {path} is protected by {}", form.protector),
        ),
        (Some((path, _)), false, _) => Check::failed(
            CheckId::LicenseMetadataProtected,
            CheckCategory::Binding,
            format!(
                "the metadata {path} is protected by no signature that holds: it was changed \
                 after signing or never signed"
            ),
        ),
    });
    let parsed = parsed.unwrap_or(Err(LicenseError::Missing {
        field: Field::Document,
    }));
    checks.extend(field_checks(&parsed));
    if let (Ok(meta), Some(cert)) = (&parsed, &guard.issuer) {
        if let Some(problem) = certificate_names_other_code(cert, meta.issuer_code().as_str()) {
            if let Some(c) = checks
                .iter_mut()
                .find(|c| c.id == CheckId::LicenseIssuerCode)
            {
                *c = Check::failed(CheckId::LicenseIssuerCode, CheckCategory::Binding, problem);
            }
        }
    }
    match &parsed {
        Ok(meta) => {
            checks.push(validity_check(
                meta.valid_from,
                meta.valid_until,
                ses.validation_time,
            ));
            checks.push(payload_against(
                code.as_ref().map(|(_, b)| b.as_slice()),
                meta,
                guard.issuer.as_ref(),
            ));
        }
        Err(_) => {
            for id in [CheckId::LicenseValidity, CheckId::LicensePayload] {
                checks.push(Check::indeterminate(
                    id,
                    if id == CheckId::LicenseValidity {
                        CheckCategory::Time
                    } else {
                        CheckCategory::Binding
                    },
                    "not checked: the metadata cannot be read (see license.metadata)",
                ));
            }
        }
    }
    checks.into_iter().map(|c| leveled(c, ses)).collect()
}

/// Verifies a license OFD: the OFD verification ([`ofd::verify_document`]) plus the
/// `license.*` document checks. The report's format is [`DocumentFormat::License`].
///
/// # Errors
/// As [`ofd::verify_document`]: only when the bytes are not a readable OFD at all.
pub fn verify_license(
    bytes: &[u8],
    options: &OfdVerifyOptions<'_>,
) -> Result<DocumentReport, OfdError> {
    // One package for the OFD verification and the license checks (opened once).
    let pkg = OfdPackage::from_slice(bytes, &options.limits)?;
    let mut doc = ofd::verify_package(&pkg, options)?;
    doc.set_format(DocumentFormat::License);
    let ses = &options.ses;
    let (found, error) = match embedded(&pkg) {
        Ok(e) => (e, None),
        Err(why) => (Embedded::default(), Some(why)),
    };
    let guard = protection(
        &pkg,
        &doc,
        found.metadata.as_ref().map_or("", |(p, _)| p.as_str()),
    );
    let code_guard = found
        .code
        .as_ref()
        .map(|(p, _)| protection(&pkg, &doc, p).protected);
    let checks = license_checks(
        &found,
        error,
        &guard,
        code_guard,
        &LicenseForm {
            missing: format!(
                "no custom tag of namespace {XML_NAMESPACE}: the file carries no license metadata"
            ),
            protector: "a seal signature that is not invalid",
        },
        ses,
    );
    for check in checks {
        doc.push_check(check);
    }
    Ok(doc)
}

/// Verifies a 2D-code payload on its own (text or URL form; the citizen shows a phone screen):
/// the layout, the identifier, the issuer's signature with the matching certificate among
/// `issuer_certificates` (matched by key id), that certificate's chain and revocation at the
/// validation time (trust engine, anchors of `options`), the issuer code, and the validity
/// period. The report's format is [`DocumentFormat::LicensePayload`], with one entry whose id
/// is the identifier.
///
/// What the payload cannot show offline: the metadata itself (only its digest), and whether
/// the issuer has since revoked the license.
///
/// # Errors
/// [`LicenseError::TooLarge`] or [`LicenseError::Payload`] when the text is no payload at all
/// (no prefix, not Base32, a wrong length); anything readable gets a report.
pub fn verify_payload(
    text: &str,
    options: &VerifyOptions<'_>,
    issuer_certificates: &[Certificate],
) -> Result<DocumentReport, LicenseError> {
    let payload = Payload::parse(text)?;
    let mut report = Report::new(ReportKind::Signature, options.validation_time);
    report.push(Check::passed(
        CheckId::LicensePayload,
        CheckCategory::Format,
        format!(
            "a layout-{} payload of {} bytes",
            super::PAYLOAD_VERSION,
            payload.to_bytes().len()
        ),
    ));
    let id = LicenseId::parse(&payload.identifier);
    report.push(match &id {
        Ok(id) => Check::passed(
            CheckId::LicenseIdentifier,
            CheckCategory::Format,
            format!(
                "the identifier {id} is well-formed and its check character {} is right",
                id.check()
            ),
        ),
        Err(e) => Check::failed(
            CheckId::LicenseIdentifier,
            CheckCategory::Format,
            format!("the identifier {}: {e}", payload.identifier),
        ),
    });
    let cert = issuer_certificates
        .iter()
        .find(|c| cert_public_key(c).is_some_and(|k| key_id(&k) == payload.key_id));
    match cert.and_then(|c| cert_public_key(c).map(|k| (c, k))) {
        None => report.push(Check::indeterminate(
            CheckId::LicensePayloadSignature,
            CheckCategory::Cryptographic,
            format!(
                "none of the {} issuer certificate(s) given has the key id {}: the signature \
                 cannot be checked",
                issuer_certificates.len(),
                hex_string(&payload.key_id)
            ),
        )),
        Some((cert, key)) => {
            report.push(if payload.signature_verifies(&key) {
                Check::passed(
                    CheckId::LicensePayloadSignature,
                    CheckCategory::Cryptographic,
                    format!("the SM2 signature verifies with the key of \"{}\"", cert.subject_string()),
                )
            } else {
                Check::failed(
                    CheckId::LicensePayloadSignature,
                    CheckCategory::Cryptographic,
                    format!(
                        "the SM2 signature does not verify with the key of \"{}\": the payload was altered",
                        cert.subject_string()
                    ),
                )
            });
            let cert_result: CertResult = Ok(cert.clone());
            let query = ChainQuery {
                id: CheckId::LicenseIssuerChain,
                role: "issuer",
                cert: &cert_result,
                anchors: options.signer_anchors,
                opts: options,
            };
            let at = options
                .validation_time
                .map(|t| (t, "the validation time"))
                .ok_or("no validation time given: the issuer chain was not checked");
            trust::chain_check(&mut report, &query, at, None);
            let query = ChainQuery {
                id: CheckId::LicenseIssuerRevocation,
                ..query
            };
            trust::revocation_check(&mut report, &query, at, false);
            if let Ok(id) = &id {
                let code = id.issuer().as_str();
                report.push(match certificate_names_other_code(cert, code) {
                    Some(problem) => {
                        Check::failed(CheckId::LicenseIssuerCode, CheckCategory::Binding, problem)
                    }
                    None => Check::passed(
                        CheckId::LicenseIssuerCode,
                        CheckCategory::Binding,
                        format!(
                            "the issuer code {code} does not contradict the issuer certificate"
                        ),
                    ),
                });
            }
        }
    }
    report.push(validity_check(
        payload.valid_from,
        payload.valid_until,
        options.validation_time,
    ));
    report.apply_policy(&options.validation);
    let mut doc = DocumentReport::new(DocumentFormat::LicensePayload, options.validation_time);
    doc.push_signature(SignatureEntry::new(
        Some(payload.identifier.clone()),
        None,
        report,
    ));
    Ok(doc)
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
