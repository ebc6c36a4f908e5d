//! The PDF rendition of a license (`docs/license.md`, "The PDF rendition"): the face of the
//! same [`FaceTemplate`] drawn with [`crate::pdf::render`], the metadata and the 2D code's
//! text embedded as associated files, and the issuer's seal over everything through
//! [`crate::pdf::sign_document`].

use super::error::LicenseError;
use super::issue::{CODE_FILE, IssueRequest, METADATA_FILE, code_xml, draw_face};
use super::payload::Payload;
use super::qr::QrMatrix;
use super::verify::{Embedded, LicenseForm, Protection, cert_public_key, license_checks};
use crate::pdf::render::{
    DocumentBuilder, DocumentMeta, EmbeddedFile, FileRelationship, PageSize, Rect,
};
use crate::pdf::{
    EmbeddedFileInfo, Limits, PageSelector, PdfDocument, PdfError, SignRequest, SignedField, Stamp,
    sign_document,
};
use crate::pki::Certificate;
use crate::pki::cms::SignedData;
use crate::ses::{self, ParseMode};
use crate::verify::{DocumentFormat, DocumentReport, Status, VerifyOptions};

/// Pixels per QR module in the PDF's code image: enough that a renderer at 150–300 dpi
/// scales it down or near 1:1, never blurs it up.
const QR_PIXELS_PER_MODULE: usize = 8;

/// The MIME type of both embedded files.
const XML_MIME: &str = "application/xml";

/// A license issued by [`issue_pdf`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IssuedPdfLicense {
    /// The stamped PDF file.
    pub pdf: Vec<u8>,
    /// The 2D code's payload.
    pub payload: Payload,
    /// The exact text in the 2D code (plain or URL form).
    pub code_text: String,
}

/// Issues the license as PDF: validates the metadata, signs the payload, draws the face of the
/// request's template (the standard font `STSong-Light` or [`IssueRequest::pdf_font`], the
/// photo, the 2D code as an image), embeds the metadata XML ([`METADATA_FILE`],
/// `/AFRelationship /Data`) and the code's text ([`CODE_FILE`], `/Supplement`) as associated
/// files, and stamps page 1 at the template's seal position with the issuer's seal
/// (a GB/T 38540 SES_Signature in `/Contents`, as the OFD rendition). The signature's byte
/// range covers the whole file, embedded files included.
///
/// # Errors
/// [`LicenseError`] for invalid metadata, a template that does not fit, a signer that fails,
/// a font or photo the renderer refuses ([`LicenseError::Render`]), or stamping
/// ([`LicenseError::Pdf`]).
pub fn issue_pdf(request: &IssueRequest<'_>) -> Result<IssuedPdfLicense, LicenseError> {
    let meta = request.metadata;
    meta.validate()?;
    let t = request.template;
    t.check()?;
    t.check_seal(request.seal)?;
    let payload = Payload::sign(meta, request.signer)?;
    let code_text = match request.url_base {
        Some(base) => payload.to_url(base)?,
        None => payload.to_text(),
    };
    let qr = QrMatrix::encode(&code_text)?;

    let doc_meta = DocumentMeta {
        title: Some(meta.title.clone().unwrap_or_else(|| meta.type_name.clone())),
        author: Some(meta.issuer_name.clone()),
        subject: Some(format!("电子证照 {}", meta.id)),
        creator: Some("eseal".into()),
        creation_date: Some(request.signing_time),
        ..DocumentMeta::default()
    };
    let mut doc = DocumentBuilder::new(doc_meta);
    let font = match request.pdf_font {
        Some((data, index)) => doc.add_font(data.to_vec(), index)?,
        None => doc.standard_font(),
    };
    let photo = request
        .photo
        .map(|(_, data)| doc.add_image(data))
        .transpose()?;
    let code = doc.add_image(&qr.to_png(QR_PIXELS_PER_MODULE))?;
    {
        let mut page = doc.add_page(PageSize::new(t.page_width, t.page_height));
        draw_face(&mut page, font, photo, meta, t);
        let (cx, cy, cs) = t.code;
        page.image(code, Rect::new(cx, cy, cs, cs));
    }
    doc.embed_file(
        EmbeddedFile::new(METADATA_FILE, meta.to_xml().into_bytes())
            .mime_type(XML_MIME)
            .description("电子证照元数据 (GB/T 36903)")
            .relationship(FileRelationship::Data)
            .modified(request.signing_time),
    )?;
    doc.embed_file(
        EmbeddedFile::new(CODE_FILE, code_xml(&code_text).into_bytes())
            .mime_type(XML_MIME)
            .description("电子证照二维码内容")
            .relationship(FileRelationship::Supplement)
            .modified(request.signing_time),
    )?;
    let unsigned = doc.finish()?;
    let mut sign = SignRequest::seal(
        request.seal,
        request.signer_certificate,
        request.signer,
        request.signing_time,
    )
    .stamp(Stamp::on_page(PageSelector::Index(0), t.seal.0, t.seal.1));
    if let Some(ts) = request.timestamp {
        sign = sign.timestamp(ts);
    }
    let pdf = sign_document(&unsigned, &sign)?;
    Ok(IssuedPdfLicense {
        pdf,
        payload,
        code_text,
    })
}

/// Whether `bytes` is a PDF whose embedded files include the license metadata
/// ([`METADATA_FILE`]): what [`crate::document::sniff`] calls a license. Reads the
/// cross-reference state and the name tree within the default [`Limits`].
#[must_use]
pub fn is_pdf_license(bytes: &[u8]) -> bool {
    PdfDocument::parse(bytes, &Limits::default())
        .and_then(|doc| doc.embedded_files())
        .is_ok_and(|files| files.iter().any(|f| f.name == METADATA_FILE))
}

/// The one embedded file named `name`; an error when the tree names it twice.
fn one_named(files: &[EmbeddedFileInfo], name: &str) -> Result<Option<(String, Vec<u8>)>, String> {
    let mut found = files.iter().filter(|f| f.name == name);
    let first = found.next();
    if found.next().is_some() {
        return Err(format!("the PDF embeds two files named {name}"));
    }
    Ok(first.map(|f| (format!("embedded file {name}"), f.data.clone())))
}

/// The signer certificate in a signature value: the SES_Signature's, or the CMS certificate
/// with the subject the verification report found for the signer.
fn signer_certificate(value: &[u8], subject: Option<&str>) -> Option<Certificate> {
    if let Ok(sig) = ses::Signature::from_der(value, ParseMode::Lenient) {
        return Certificate::from_der(sig.signer_cert_der()).ok();
    }
    let sd = SignedData::from_der(value).ok()?;
    let subject = subject?;
    sd.certificates()
        .iter()
        .find(|c| c.subject_string() == subject && cert_public_key(c).is_some())
        .cloned()
}

/// The license files a PDF embeds (default [`Limits`]).
pub(super) fn embedded_files(bytes: &[u8]) -> Result<Embedded, LicenseError> {
    let doc = PdfDocument::parse(bytes, &Limits::default())?;
    let files = doc.embedded_files()?;
    let dup = |reason: String| LicenseError::Invalid {
        field: super::Field::Document,
        reason,
    };
    Ok(Embedded {
        metadata: one_named(&files, METADATA_FILE).map_err(dup)?,
        code: one_named(&files, CODE_FILE).map_err(dup)?,
    })
}

/// Which signatures that hold cover the files as they are now: each signature's revision must
/// carry the same bytes under the same names (an incremental update that replaced a file after
/// signing is not covered).
fn pdf_protection(
    doc: &PdfDocument<'_>,
    report: &DocumentReport,
    fields: &[SignedField],
    found: &Embedded,
) -> (Protection, Option<bool>) {
    let mut guard = Protection {
        protected: false,
        issuer: None,
    };
    let mut code_protected = found.code.as_ref().map(|_| false);
    // The verifier reports the signed fields in this order, at most `Limits::max_signatures`
    // of them: pairing bounds the revisions read (each one's name tree) by that limit.
    for (field, entry) in fields.iter().zip(report.signatures()) {
        if entry.id() != Some(field.name.as_str()) {
            continue;
        }
        let (Some(rev), false) = (field.revision, entry.report().status() == Status::Invalid)
        else {
            continue;
        };
        let Ok(then) = doc.embedded_files_in_revision(rev) else {
            continue;
        };
        let same = |now: &Option<(String, Vec<u8>)>, name: &str| {
            now.as_ref().is_some_and(|(_, bytes)| {
                one_named(&then, name)
                    .ok()
                    .flatten()
                    .is_some_and(|(_, b)| &b == bytes)
            })
        };
        if same(&found.code, CODE_FILE) {
            code_protected = Some(true);
        }
        if same(&found.metadata, METADATA_FILE) {
            guard.protected = true;
            if guard.issuer.is_none() {
                let subject = entry
                    .report()
                    .signature()
                    .and_then(|f| f.signer_subject.as_deref());
                guard.issuer = signer_certificate(&field.value, subject);
            }
        }
    }
    (guard, code_protected)
}

/// Verifies a license PDF: the PDF verification ([`crate::pdf::verify_document_with_limits`]:
/// every signature with the trust engine, byte ranges, what later updates changed) plus the
/// same `license.*` document checks as [`super::verify_license`] gives an OFD license. The
/// metadata is the embedded file [`METADATA_FILE`], the 2D code's text the embedded file
/// [`CODE_FILE`]; a signature protects them when it holds and the revision it signed carries
/// them byte for byte. The report's format is [`DocumentFormat::License`].
///
/// # Errors
/// As [`crate::pdf::verify_document`]: only when the bytes are not a readable PDF at all.
pub fn verify_pdf_license(
    bytes: &[u8],
    options: &VerifyOptions<'_>,
    limits: &Limits,
) -> Result<DocumentReport, PdfError> {
    let mut report = crate::pdf::verify_document_with_limits(bytes, options, limits)?;
    report.set_format(DocumentFormat::License);
    let doc = PdfDocument::parse(bytes, limits)?;
    let listed = doc.embedded_files().map_err(|e| {
        format!(
            "the embedded files cannot be read: {e}: the file carries no readable license metadata"
        )
    });
    let (found, error) = match listed.and_then(|files| {
        Ok(Embedded {
            metadata: one_named(&files, METADATA_FILE)?,
            code: one_named(&files, CODE_FILE)?,
        })
    }) {
        Ok(found) => (found, None),
        Err(why) => (Embedded::default(), Some(why)),
    };
    let fields = doc.signed_fields().unwrap_or_default();
    let (guard, code_guard) = pdf_protection(&doc, &report, &fields, &found);
    let checks = license_checks(
        &found,
        error,
        &guard,
        code_guard,
        &LicenseForm {
            missing: format!(
                "the PDF embeds no file named {METADATA_FILE}: it carries no license metadata"
            ),
            protector: "a signature that is not invalid and whose signed revision carries it unchanged",
        },
        options,
    );
    for check in checks {
        report.push_check(check);
    }
    Ok(report)
}
