//! Verifying every signature of a PDF into one [`DocumentReport`]: per signature
//! `pdf.byte_range` (the range is the file up to a revision's end except exactly this
//! signature's `/Contents`), `pdf.signed_value` (the value is what `/SubFilter` announces), the
//! CMS checks ([`crate::verify::trust::cms`]) or the SES checks ([`crate::ses`]) over SM3 of
//! the byte ranges, and `pdf.coverage` (what later incremental updates changed,
//! [`super::modification`]).

use super::file::PdfFile;
use super::modification::{self, RevisionChanges};
use super::object::{Dict, ObjRef, Object};
use super::sign::{DocMdpPermission, SUBFILTER_CMS, SUBFILTER_DOC_TIMESTAMP, SUBFILTER_SES};
use super::{Limits, PdfError};
use crate::crypto::sm3::Sm3Hasher;
use crate::pki::cms::SignedData;
use crate::pki::{Certificate, Crl};
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

/// The DocMDP permission of a certification signature: the `/P` of the `/Reference` entry
/// whose `/TransformMethod` is `/DocMDP` (ISO 32000-1 §12.8.2.2); `None` for an approval
/// signature.
pub(crate) fn docmdp(file: &PdfFile<'_>, sig: &Dict) -> Option<DocMdpPermission> {
    let refs = file.resolve(sig.get(b"Reference")?).ok()?;
    refs.as_array()?.iter().find_map(|r| {
        let r = file.resolve(r).ok()?;
        let r = r.as_dict()?;
        if r.name(b"TransformMethod") != Some(b"DocMDP") {
            return None;
        }
        let p = r
            .get(b"TransformParams")
            .and_then(|t| file.resolve(t).ok())
            .and_then(|t| {
                t.as_dict()
                    .and_then(|t| t.get(b"P").and_then(Object::as_int))
            })
            .unwrap_or(2);
        Some(DocMdpPermission::from_p(p))
    })
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
    if let Some(w) = trailing_bytes(&file) {
        doc.warn(w);
    }
    // The DSS's certificates and CRLs join the caller's: intermediates for path building and
    // CRLs for revocation, all through the trust engine (unsigned data: a certificate still
    // has to chain to an anchor, a CRL to verify under its issuer).
    let dss = read_dss(&file);
    let (intermediates, crls, with_dss);
    let options = match &dss {
        Some(d) => {
            doc.warn(Warning::new("pdf.dss", d.describe()));
            intermediates = [options.intermediates, &d.intermediates()].concat();
            crls = [options.crls, &d.crls].concat();
            with_dss = options.clone().intermediates(&intermediates).crls(&crls);
            &with_dss
        }
        None => options,
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
    // The revisions document timestamps cover: their signature objects are allowed after any
    // certification.
    let doc_timestamps: Vec<usize> = signed
        .iter()
        .zip(&covered)
        .filter(|(f, _)| f.value.as_ref().is_some_and(|(d, _)| is_doc_timestamp(d)))
        .filter_map(|(_, rev)| *rev)
        .collect();
    let ctx = Context {
        file: &file,
        dss_certs: dss.as_ref().map_or(&[], |d| d.certs.as_slice()),
        changes: &changes,
        doc_timestamps: &doc_timestamps,
        signed_revisions: &covered.iter().flatten().copied().collect::<Vec<_>>(),
        options,
    };
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
            &ctx,
            field,
            dict,
            *vref,
            covered.get(i).copied().flatten(),
            &later,
        );
        doc.push_signature(entry);
    }
    Ok(doc)
}

/// Warning `pdf.trailing_bytes` when bytes other than whitespace and NUL padding follow the
/// last `%%EOF`: no cross-reference section reaches them, so no reader shows them, but no
/// signature covers them either.
fn trailing_bytes(file: &PdfFile<'_>) -> Option<Warning> {
    let end = file.revisions.last()?.end_with_eol;
    let tail = file.bytes.get(end..)?;
    let n = tail
        .iter()
        .filter(|b| !super::object::is_whitespace(**b))
        .count();
    (n > 0).then(|| {
        Warning::new(
            "pdf.trailing_bytes",
            format!(
                "{} byte(s) follow the last %%EOF (at byte {end}): no cross-reference section                  reaches them and no signature covers them",
                tail.len()
            ),
        )
    })
}

/// The most certificates, CRLs and OCSP responses read from a DSS.
const MAX_DSS_ITEMS: usize = 1_000;
/// The most CA certificates of a DSS added to the intermediates (path validation refuses more
/// than `pki::Policy::max_intermediates`, 64 by default, in all).
const MAX_DSS_INTERMEDIATES: usize = 32;

/// The validation data of the catalog's `/DSS` (ETSI EN 319 142-1 §5.4.2; ISO 32000-2
/// §12.8.4.3): `/Certs`, `/CRLs`, `/OCSPs` and the same entries of every `/VRI` dictionary.
#[derive(Debug, Default)]
struct Dss {
    certs: Vec<Certificate>,
    crls: Vec<Crl>,
    /// OCSP responses found (not used: the trust engine checks revocation with CRLs).
    ocsps: usize,
    /// Entries that are not a certificate or CRL stream eseal can read.
    unreadable: Vec<String>,
}

impl Dss {
    /// The CA certificates (basicConstraints cA), distinct, at most [`MAX_DSS_INTERMEDIATES`]:
    /// end-entity certificates cannot be intermediates.
    fn intermediates(&self) -> Vec<Certificate> {
        let mut out: Vec<Certificate> = Vec::new();
        for c in self.cas() {
            if !out.contains(c) && out.len() < MAX_DSS_INTERMEDIATES {
                out.push(c.clone());
            }
        }
        out
    }

    fn cas(&self) -> impl Iterator<Item = &Certificate> {
        self.certs
            .iter()
            .filter(|c| c.basic_constraints().is_some_and(|b| b.ca))
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "the document security store (DSS) carries {} certificate(s) (the CA certificates \
             among them used to build certificate paths, the others to find signer \
             certificates a signature does not embed) and {} CRL(s), used for revocation",
            self.certs.len(),
            self.crls.len()
        );
        let cas = self.cas().count();
        if cas > MAX_DSS_INTERMEDIATES {
            s.push_str(&format!(
                "; only {MAX_DSS_INTERMEDIATES} of its {cas} CA certificates are used"
            ));
        }
        if self.ocsps > 0 {
            s.push_str(&format!(
                "; its {} OCSP response(s) are not used (eseal checks revocation with CRLs)",
                self.ocsps
            ));
        }
        if !self.unreadable.is_empty() {
            let shown: Vec<&str> = self
                .unreadable
                .iter()
                .take(10)
                .map(String::as_str)
                .collect();
            s.push_str(&format!(
                "; {} entr(ies) cannot be read and are not used: {}",
                self.unreadable.len(),
                shown.join("; ")
            ));
        }
        s
    }
}

/// Reads the DSS, if the catalog has one.
fn read_dss(file: &PdfFile<'_>) -> Option<Dss> {
    let catalog = file.dict(file.root_ref()?).ok()??;
    let dss = file.resolve(catalog.get(b"DSS")?).ok()?;
    let dss = dss.as_dict()?;
    let mut lists: Vec<(&'static str, Object)> = Vec::new();
    for (key, kind) in [
        (&b"Certs"[..], "Cert"),
        (b"CRLs", "CRL"),
        (b"OCSPs", "OCSP"),
    ] {
        if let Some(v) = dss.get(key) {
            lists.push((kind, v.clone()));
        }
    }
    if let Some(vri) = dss.get(b"VRI").and_then(|v| file.resolve(v).ok()) {
        for (_, entry) in vri
            .as_dict()
            .map(|d| d.iter().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if lists.len() > MAX_DSS_ITEMS {
                break;
            }
            let Some(entry) = file.resolve(entry).ok() else {
                continue;
            };
            for kind in ["Cert", "CRL", "OCSP"] {
                if let Some(v) = entry.as_dict().and_then(|d| d.get(kind.as_bytes())) {
                    lists.push((kind, v.clone()));
                }
            }
        }
    }
    let mut out = Dss::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0usize;
    for (kind, list) in lists {
        let Ok(items) = file.resolve(&list) else {
            out.unreadable.push(format!("the {kind} list"));
            continue;
        };
        for item in items.as_array().unwrap_or(&[]) {
            // The same stream is usually listed both at the top and in a VRI entry.
            if let Some(r) = item.as_objref() {
                if !seen.insert((kind, r)) {
                    continue;
                }
            }
            count += 1;
            if count > MAX_DSS_ITEMS {
                out.unreadable
                    .push(format!("entries beyond the first {MAX_DSS_ITEMS}"));
                return Some(out);
            }
            let what = match item.as_objref() {
                Some(r) => format!("{kind} object {} {}", r.num, r.generation),
                None => format!("{kind} entry"),
            };
            if kind == "OCSP" {
                out.ocsps += 1;
                continue;
            }
            let data = match file.resolve(item) {
                Ok(Object::Stream(st)) => file.decode(&st),
                Ok(_) => {
                    out.unreadable.push(format!("{what}: not a stream"));
                    continue;
                }
                Err(e) => Err(e),
            };
            let data = match data {
                Ok(d) => d,
                Err(e) => {
                    out.unreadable.push(format!("{what}: {e}"));
                    continue;
                }
            };
            let parsed = if kind == "Cert" {
                Certificate::from_der(&data).map(|c| out.certs.push(c))
            } else {
                Crl::from_der(&data).map(|c| out.crls.push(c))
            };
            if let Err(e) = parsed {
                out.unreadable.push(format!("{what}: {e}"));
            }
        }
    }
    Some(out)
}

/// The GB/T 38540 SES_Signatures of `pdf`'s signed fields, each with its field name (the
/// report's signature id), in the order [`verify_document`] reports them: what a viewer shows
/// beside the report (the seal picture). Values that are not an SES_Signature (CMS signatures,
/// document timestamps, unreadable values) are left out; nothing is verified here.
///
/// # Errors
/// [`PdfError`] when the file cannot be read (as [`verify_document_with_limits`]).
pub fn seal_signatures(
    pdf: &[u8],
    limits: &Limits,
) -> Result<Vec<(String, ses::Signature)>, PdfError> {
    let file = PdfFile::parse(pdf, limits)?;
    Ok(signature_fields(&file)?
        .into_iter()
        .filter_map(|f| f.value.map(|(d, _)| (f.name, d)))
        .take(limits.max_signatures)
        .filter(|(_, d)| !is_doc_timestamp(d))
        .filter_map(|(name, d)| {
            let value = der_value(d.get(b"Contents")?.as_string()?)?;
            ses::Signature::from_der(value, ParseMode::Lenient)
                .ok()
                .map(|s| (name, s))
        })
        .collect())
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
pub(crate) fn der_value(bytes: &[u8]) -> Option<&[u8]> {
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

/// What every signature's verification shares.
struct Context<'c, 'a> {
    file: &'c PdfFile<'a>,
    /// The DSS's certificates, to find signer certificates a SignedData does not embed.
    dss_certs: &'c [Certificate],
    changes: &'c [RevisionChanges],
    doc_timestamps: &'c [usize],
    /// The revisions the signatures cover.
    signed_revisions: &'c [usize],
    options: &'c VerifyOptions<'c>,
}

/// Whether a signature dictionary is a document timestamp (ISO 32000-2 §12.8.5).
fn is_doc_timestamp(sig: &Dict) -> bool {
    sig.has_type(b"DocTimeStamp") || sig.name(b"SubFilter") == Some(SUBFILTER_DOC_TIMESTAMP)
}

fn verify_one(
    ctx: &Context<'_, '_>,
    field: &SigField,
    sig: &Dict,
    vref: Option<ObjRef>,
    revision: Option<usize>,
    later: &[(String, Option<usize>)],
) -> SignatureEntry {
    let (file, changes, options) = (ctx.file, ctx.changes, ctx.options);
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
                let whole = rev + 1 == file.revisions.len() && end == Some(len);
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
    let doc_timestamp = is_doc_timestamp(sig);
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
                        certificates: ctx.dss_certs,
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
        Some(rev) if br_ok => modification::coverage_check(
            file,
            rev,
            changes,
            later,
            ctx.doc_timestamps,
            strict(options),
        ),
        _ => modification::unknown_coverage(),
    };
    pdf_checks.push(check);
    if let Some(permission) = docmdp(file, sig) {
        pdf_checks.push(match revision {
            Some(rev) if br_ok => modification::docmdp_check(
                rev,
                changes,
                permission,
                ctx.doc_timestamps,
                ctx.signed_revisions,
            ),
            _ => Check::indeterminate(
                CheckId::PdfDocMdp,
                CheckCategory::Binding,
                "a certification signature whose signed revision is unknown (see \
                 pdf.byte_range): whether later changes are permitted is unknown",
            ),
        });
        let named = file
            .root_ref()
            .and_then(|r| file.dict(r).ok().flatten())
            .and_then(|c| c.get(b"Perms").and_then(|p| file.resolve(p).ok()))
            .and_then(|p| {
                p.as_dict()
                    .and_then(|p| p.get(b"DocMDP").and_then(Object::as_objref))
            });
        if named.is_none() || named != vref {
            report.warn(Warning::new(
                "pdf.docmdp_perms",
                "the signature carries a DocMDP transform, but the catalog's /Perms /DocMDP \
                 does not name it",
            ));
        }
    }
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
