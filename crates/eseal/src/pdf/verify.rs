//! Verifying every signature of a PDF into one [`DocumentReport`]: per signature
//! `pdf.byte_range` (the range is the file up to a revision's end except exactly this
//! signature's `/Contents`), `pdf.signed_value` (the value is what `/SubFilter` announces), the
//! CMS checks ([`crate::verify::trust::cms`]) or the SES checks ([`crate::ses`]) over SM3 of
//! the byte ranges, and `pdf.coverage` (what later incremental updates changed,
//! [`super::modification`]).

use super::file::PdfFile;
use super::modification::{self, RevisionChanges};
use super::object::{Dict, ObjRef, Object};
use super::sign::{SUBFILTER_CMS, SUBFILTER_SES};
use super::{Limits, PdfError};
use crate::crypto::sm3::Sm3Hasher;
use crate::pki::cms::SignedData;
use crate::ses::{self, ParseMode};
use crate::verify::trust::cms::{SignedContent, signed_data, time_and_trust};
use crate::verify::trust::timestamp::{TimestampOutcome, verify_timestamp};
use crate::verify::{
    Check, CheckCategory, CheckId, DataRef, DocumentFormat, DocumentReport, Report, ReportKind,
    SignatureEntry, VerifyOptions, Warning,
};

/// The most form fields walked (a bound on hostile field trees).
const MAX_FIELDS: usize = 100_000;

/// A signature field found in the AcroForm.
#[derive(Debug, Clone)]
pub(crate) struct SigField {
    pub(crate) name: String,
    /// The field (or merged field/widget) object.
    pub(crate) field: Option<ObjRef>,
    /// The signature dictionary, and its reference when indirect.
    pub(crate) value: Option<(Dict, Option<ObjRef>)>,
}

/// Every field of the AcroForm, depth first, with inherited `/FT` and dotted names.
fn walk_fields(
    file: &PdfFile<'_>,
    mut visit: impl FnMut(String, Option<ObjRef>, &Dict, Option<&[u8]>) -> Result<(), PdfError>,
) -> Result<(), PdfError> {
    let Some(root) = file.root_ref() else {
        return Ok(());
    };
    let Some(catalog) = file.dict(root)? else {
        return Ok(());
    };
    let form = match catalog.get(b"AcroForm") {
        Some(o) => file.resolve(o)?,
        None => return Ok(()),
    };
    let Some(form) = form.as_dict() else {
        return Ok(());
    };
    let fields = match form.get(b"Fields") {
        Some(o) => file.resolve(o)?,
        None => return Ok(()),
    };
    let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = fields
        .as_array()
        .unwrap_or(&[])
        .iter()
        .rev()
        .map(|o| (o.clone(), String::new(), None, 0))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0usize;
    while let Some((obj, parent, inherited_ft, depth)) = stack.pop() {
        count += 1;
        if count > MAX_FIELDS || depth > super::object::MAX_DEPTH {
            return Err(PdfError::LimitExceeded {
                what: "form fields",
                limit: MAX_FIELDS as u64,
            });
        }
        let r = obj.as_objref();
        if let Some(r) = r {
            if !seen.insert(r) {
                continue;
            }
        }
        let resolved = file.resolve(&obj)?;
        let Some(dict) = resolved.as_dict() else {
            continue;
        };
        let partial = dict.get(b"T").and_then(Object::as_string).map(text_string);
        let name = match (&partial, parent.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent}.{p}"),
            (None, _) => parent.clone(),
        };
        let ft = dict.name(b"FT").map(<[u8]>::to_vec).or(inherited_ft);
        let kids: Vec<Object> = match dict.get(b"Kids") {
            Some(k) => file.resolve(k)?.as_array().unwrap_or(&[]).to_vec(),
            None => Vec::new(),
        };
        // Kids without /T are widgets of this field, not fields.
        let field_kids: Vec<Object> = kids
            .into_iter()
            .filter(|k| {
                file.resolve(k)
                    .ok()
                    .and_then(|o| o.as_dict().map(|d| d.get(b"T").is_some()))
                    .unwrap_or(false)
            })
            .collect();
        if field_kids.is_empty() {
            visit(name, r, dict, ft.as_deref())?;
        } else {
            for k in field_kids.into_iter().rev() {
                stack.push((k, name.clone(), ft.clone(), depth + 1));
            }
        }
    }
    Ok(())
}

/// The names of every terminal field.
pub(crate) fn all_field_names(file: &PdfFile<'_>) -> Result<Vec<String>, PdfError> {
    let mut names = Vec::new();
    walk_fields(file, |name, _, _, _| {
        names.push(name);
        Ok(())
    })?;
    Ok(names)
}

/// The signature fields (`/FT /Sig`), signed or not.
pub(crate) fn signature_fields(file: &PdfFile<'_>) -> Result<Vec<SigField>, PdfError> {
    let mut out = Vec::new();
    walk_fields(file, |name, field, dict, ft| {
        if ft != Some(b"Sig") {
            return Ok(());
        }
        let value = match dict.get(b"V") {
            Some(Object::Ref(r)) => file.dict(*r)?.map(|d| (d, Some(*r))),
            Some(Object::Dict(d)) => Some((d.clone(), None)),
            _ => None,
        };
        out.push(SigField { name, field, value });
        Ok(())
    })?;
    Ok(out)
}

/// PDF text strings: UTF-16BE with a BOM, else PDFDocEncoding (read as Latin-1).
pub(crate) fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .filter_map(|c| match c {
                    [a, b] => Some(u16::from_be_bytes([*a, *b])),
                    _ => None,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// Verifies every signature of `pdf` (see the module docs). `options` carries the trust
/// anchors, CRLs, policy and validation time, as for every format.
///
/// # Errors
/// [`PdfError`] when the file cannot be read at all (not a PDF, a broken cross-reference
/// chain, encrypted); a readable file always gets a report, however broken its signatures.
pub fn verify_document(
    pdf: &[u8],
    options: &VerifyOptions<'_>,
) -> Result<DocumentReport, PdfError> {
    verify_document_with_limits(pdf, options, &Limits::default())
}

/// [`verify_document`] within `limits` instead of [`Limits::default`].
///
/// # Errors
/// As [`verify_document`].
pub fn verify_document_with_limits(
    pdf: &[u8],
    options: &VerifyOptions<'_>,
    limits: &Limits,
) -> Result<DocumentReport, PdfError> {
    // One cache for every signature of the document unless the caller shares one wider, so a
    // chain link checked at the signing time and at the validation time is verified once.
    options.with_cache(|options| document_report(pdf, options, limits))
}

fn document_report(
    pdf: &[u8],
    options: &VerifyOptions<'_>,
    limits: &Limits,
) -> Result<DocumentReport, PdfError> {
    let file = PdfFile::parse(pdf, limits)?;
    let mut doc = DocumentReport::new(DocumentFormat::Pdf, options.validation_time);
    let fields = signature_fields(&file);
    let fields = match fields {
        Ok(f) => {
            doc.push_check(Check::passed(
                CheckId::DocumentStructure,
                CheckCategory::Format,
                format!(
                    "the cross-reference chain, catalog and form were read ({} revision(s), {} \
                     object(s))",
                    file.revisions.len(),
                    file.table.entries.len()
                ),
            ));
            f
        }
        Err(e) => {
            doc.push_check(Check::failed(
                CheckId::DocumentStructure,
                CheckCategory::Format,
                format!("the form fields cannot be read: {e}"),
            ));
            return Ok(doc);
        }
    };
    let all_signed = fields.iter().filter(|f| f.value.is_some()).count();
    let signed: Vec<&SigField> = fields
        .iter()
        .filter(|f| f.value.is_some())
        .take(limits.max_signatures)
        .collect();
    if all_signed > signed.len() {
        // Fail closed: the signatures beyond the limit are not verified, so neither is the file.
        doc.push_check(Check::indeterminate(
            CheckId::DocumentSignatures,
            CheckCategory::Format,
            format!(
                "the PDF carries {all_signed} signatures; only the first {} were verified \
                 (pdf::Limits::max_signatures)",
                signed.len()
            ),
        ));
    }
    if signed.is_empty() {
        doc.push_check(Check::indeterminate(
            CheckId::DocumentSignatures,
            CheckCategory::Format,
            "the PDF carries no signature",
        ));
        return Ok(doc);
    }
    doc.push_check(Check::passed(
        CheckId::DocumentSignatures,
        CheckCategory::Format,
        format!("the PDF carries {} signature(s)", signed.len()),
    ));
    // Which revision each signature covers, for the modification analysis.
    let covered: Vec<Option<usize>> = signed
        .iter()
        .map(|f| {
            f.value
                .as_ref()
                .and_then(|(d, _)| byte_range(d))
                .and_then(|br| revision_ending_at(&file, br[2].saturating_add(br[3])))
        })
        .collect();
    let changes = modification::analyse(&file, &covered);
    for (i, field) in signed.iter().enumerate() {
        let Some((dict, vref)) = &field.value else {
            continue;
        };
        let later: Vec<(String, Option<usize>)> = signed
            .iter()
            .zip(&covered)
            .filter(|(_, rev)| **rev > covered.get(i).copied().flatten())
            .map(|(f, rev)| (f.name.clone(), *rev))
            .collect();
        let entry = verify_one(
            &file,
            field,
            dict,
            *vref,
            covered.get(i).copied().flatten(),
            &changes,
            &later,
            options,
        );
        doc.push_signature(entry);
    }
    Ok(doc)
}

/// `/ByteRange` as four offsets, if it is four non-negative integers.
fn byte_range(sig: &Dict) -> Option<[usize; 4]> {
    let a = sig.get(b"ByteRange")?.as_array()?;
    let v: Vec<usize> = a
        .iter()
        .map(|o| o.as_int().and_then(|i| usize::try_from(i).ok()))
        .collect::<Option<_>>()?;
    <[usize; 4]>::try_from(v).ok()
}

/// The index of the revision whose end (with or without its EOL) is `end`.
fn revision_ending_at(file: &PdfFile<'_>, end: usize) -> Option<usize> {
    file.revisions
        .iter()
        .position(|r| end == r.eof_end || end == r.end_with_eol)
}

/// The DER value in `/Contents`: the first TLV, without the zero padding (BER with an
/// indefinite length: the whole placeholder, padding included).
fn der_value(bytes: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first == 0x80 {
        // Indefinite-length BER (BouncyCastle's default): its end is found by the CMS reader,
        // which accepts the zero padding of the placeholder after it.
        return Some(bytes);
    }
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = rest
            .get(..n)?
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        (len, 2 + n)
    };
    bytes.get(..header.checked_add(len)?)
}

#[allow(clippy::too_many_arguments)]
fn verify_one(
    file: &PdfFile<'_>,
    field: &SigField,
    sig: &Dict,
    vref: Option<ObjRef>,
    revision: Option<usize>,
    changes: &[RevisionChanges],
    later: &[(String, Option<usize>)],
    options: &VerifyOptions<'_>,
) -> SignatureEntry {
    let location = match (vref, field.field) {
        (Some(r), _) => Some(format!(
            "signature dictionary {} {} obj",
            r.num, r.generation
        )),
        (None, Some(f)) => Some(format!("field {} {} obj", f.num, f.generation)),
        (None, None) => None,
    };
    let mut pdf_checks = Vec::new();
    let bytes = file.bytes;
    let len = bytes.len();

    // pdf.byte_range
    let contents = sig.get(b"Contents");
    let span = match contents {
        Some(Object::String {
            span, hex: true, ..
        }) if span.end <= len => Some(span.clone()),
        _ => None,
    };
    let range = byte_range(sig);
    let br_check = match (range, &span) {
        (None, _) => Check::failed(
            CheckId::PdfByteRange,
            CheckCategory::Binding,
            "/ByteRange is missing or is not four non-negative integers",
        ),
        (_, None) => Check::failed(
            CheckId::PdfByteRange,
            CheckCategory::Binding,
            "/Contents is not a hexadecimal string written directly in the file (in an object \
             stream or elsewhere its place cannot be the ByteRange hole)",
        ),
        (Some([a, b, c, d]), Some(span)) => {
            let end = c.checked_add(d);
            if a != 0 {
                Check::failed(
                    CheckId::PdfByteRange,
                    CheckCategory::Binding,
                    format!("/ByteRange starts at byte {a}, not 0: the file's start is not signed"),
                )
            } else if b != span.start || c != span.end {
                Check::failed(
                    CheckId::PdfByteRange,
                    CheckCategory::Binding,
                    format!(
                        "/ByteRange leaves bytes {b}–{c} unsigned, but this signature's /Contents \
                         lies at {}–{}: the hole is not exactly the signature value",
                        span.start, span.end
                    ),
                )
            } else if end.is_none_or(|e| e > len) {
                Check::failed(
                    CheckId::PdfByteRange,
                    CheckCategory::Binding,
                    format!("/ByteRange reaches beyond the end of the file ({len} bytes)"),
                )
            } else if revision.is_none() {
                Check::failed(
                    CheckId::PdfByteRange,
                    CheckCategory::Binding,
                    format!(
                        "/ByteRange ends at byte {}, which is not the end of a revision (%%EOF)",
                        end.unwrap_or(0)
                    ),
                )
            } else {
                let rev = revision.unwrap_or(0);
                let whole = rev + 1 == file.revisions.len();
                Check::passed(
                    CheckId::PdfByteRange,
                    CheckCategory::Binding,
                    if whole {
                        format!(
                            "/ByteRange covers the whole file ({len} bytes) except this \
                             signature's /Contents"
                        )
                    } else {
                        format!(
                            "/ByteRange covers revision {} of {} (bytes 0–{}) except this \
                             signature's /Contents",
                            rev + 1,
                            file.revisions.len(),
                            end.unwrap_or(0)
                        )
                    },
                )
            }
        }
    };
    let br_ok = br_check.status == crate::verify::CheckStatus::Passed;
    pdf_checks.push(br_check);

    // The digest of the byte ranges (computed even when the range is wrong, to report it).
    let digest = range.map(|[a, b, c, d]| {
        let mut h = Sm3Hasher::new();
        h.update(bytes.get(a..a.saturating_add(b)).unwrap_or(&[]));
        h.update(bytes.get(c..c.saturating_add(d)).unwrap_or(&[]));
        h.finalize()
    });

    let raw = contents.and_then(Object::as_string).unwrap_or(&[]);
    let subfilter = sig.name(b"SubFilter").unwrap_or(b"");
    let value = der_value(raw);
    let mut report = Report::new(ReportKind::Signature, options.validation_time);

    // A document timestamp (PAdES, ISO 32000-2 §12.8.5): an RFC 3161 token over the ranges.
    let doc_timestamp = sig.has_type(b"DocTimeStamp") || subfilter == b"ETSI.RFC3161";
    let is_ses = !doc_timestamp
        && value.is_some_and(|v| ses::Signature::from_der(v, ParseMode::Lenient).is_ok());
    let is_cms = !is_ses && value.is_some_and(|v| SignedData::from_der(v).is_ok());
    match (value, digest) {
        (Some(v), Some(_)) if doc_timestamp => {
            pdf_checks.push(Check::passed(
                CheckId::PdfSignedValue,
                CheckCategory::Format,
                "a document timestamp: /Contents holds an RFC 3161 TimeStampToken",
            ));
            let ranges = range.map_or_else(Vec::new, |[a, b, c, d]| {
                [
                    bytes.get(a..a.saturating_add(b)).unwrap_or(&[]),
                    bytes.get(c..c.saturating_add(d)).unwrap_or(&[]),
                ]
                .concat()
            });
            let (id, cat) = (CheckId::SignatureValue, CheckCategory::Cryptographic);
            let what = "the document timestamp over the signed byte ranges";
            report.push(match verify_timestamp(v, &ranges, options) {
                TimestampOutcome::Verified { detail, .. } => {
                    Check::passed(id, cat, format!("{what}: {detail}"))
                }
                TimestampOutcome::Failed(why) => Check::failed(id, cat, format!("{what}: {why}")),
                TimestampOutcome::Indeterminate(why) => {
                    Check::indeterminate(id, cat, format!("{what}: {why}"))
                }
            });
        }
        (Some(v), Some(digest)) if is_ses => {
            pdf_checks.push(Check::passed(
                CheckId::PdfSignedValue,
                CheckCategory::Format,
                format!(
                    "/Contents holds a GB/T 38540 SES_Signature (/SubFilter /{})",
                    String::from_utf8_lossy(subfilter)
                ),
            ));
            if subfilter != SUBFILTER_SES {
                report.warn(Warning::new(
                    "pdf.ses_subfilter",
                    format!(
                        "the SES_Signature is announced as /SubFilter /{} (eseal writes /{})",
                        String::from_utf8_lossy(subfilter),
                        String::from_utf8_lossy(SUBFILTER_SES)
                    ),
                ));
            }
            let mut opts = options.clone();
            opts.data = Some(DataRef::Sm3Digest(digest));
            match ses::verify_signature(v, &opts) {
                Ok(r) => report = r,
                Err(e) => report.push(Check::failed(
                    CheckId::SignatureFormat,
                    CheckCategory::Format,
                    format!("the SES_Signature cannot be read: {e}"),
                )),
            }
        }
        (Some(v), Some(digest)) if is_cms => {
            let sd = SignedData::from_der(v);
            if let Ok(sd) = sd {
                pdf_checks.push(Check::passed(
                    CheckId::PdfSignedValue,
                    CheckCategory::Format,
                    format!(
                        "/Contents holds a CMS SignedData (/SubFilter /{}, {})",
                        String::from_utf8_lossy(subfilter),
                        if sd.is_detached() {
                            "detached"
                        } else {
                            "attached content"
                        }
                    ),
                ));
                if subfilter != SUBFILTER_CMS {
                    report.warn(Warning::new(
                        "pdf.cms_subfilter",
                        format!(
                            "the SignedData is announced as /SubFilter /{} (adbe.pkcs7.detached \
                             expected)",
                            String::from_utf8_lossy(subfilter)
                        ),
                    ));
                }
                let outcome = signed_data(
                    &mut report,
                    &sd,
                    &SignedContent {
                        bytes: None,
                        digest,
                        what: "the signed byte ranges",
                        certificates: &[],
                        warning_prefix: "pdf",
                    },
                    options,
                );
                time_and_trust(&mut report, &outcome, options);
            }
        }
        _ => {
            pdf_checks.push(Check::failed(
                CheckId::PdfSignedValue,
                CheckCategory::Format,
                format!(
                    "/Contents ({} bytes, /SubFilter /{}) holds neither a CMS SignedData nor an \
                     SES_Signature",
                    raw.len(),
                    String::from_utf8_lossy(subfilter)
                ),
            ));
        }
    }

    // pdf.coverage
    let (coverage, check, warnings) = match revision {
        Some(rev) if br_ok => {
            modification::coverage_check(file, rev, changes, later, strict(options))
        }
        _ => modification::unknown_coverage(),
    };
    pdf_checks.push(check);
    for w in warnings {
        report.warn(w);
    }
    for c in pdf_checks {
        report.push(c);
    }
    report.apply_policy(&options.validation);
    let summary = summary(&report, &coverage);
    SignatureEntry::new(Some(field.name.clone()), location, report).with_coverage(coverage, summary)
}

fn strict(options: &VerifyOptions<'_>) -> bool {
    options.mode == ParseMode::Strict || options.validation.unprotected_content_fails()
}

fn summary(report: &Report, coverage: &crate::verify::SignatureCoverage) -> String {
    let verdict = format!("signature {}", report.status().as_str());
    let changed = coverage.changed.len() + coverage.unprotected.len();
    if changed == 0 {
        format!("{verdict}; it covers the whole document")
    } else {
        format!("{verdict}; {changed} object(s) were added or changed by later incremental updates")
    }
}
