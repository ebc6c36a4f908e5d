//! Signing a PDF by incremental update (ISO 32000-1 §7.5.6, §12.8): the original bytes are
//! kept, and one update appends the signature dictionary, a signature field merged with its
//! widget (a riding seal: the field and one widget per page, each showing its slice), the
//! widgets' appearances (the seal picture, upright on the page as shown whatever its
//! `/Rotate`), the pages' `/Annots` and the catalog's `/AcroForm` (and `/Perms` for a DocMDP
//! certification), then a cross-reference section of the same kind as the file's newest (a
//! table, or an xref stream) chained with `/Prev`.
//!
//! The objects are written with `pdf-writer`; only the cross-reference table and trailer are
//! written by hand. The `/ByteRange` and `/Contents` placeholders are written at fixed widths
//! and filled in place: [`prepare`] returns the document with the hole and the digest of
//! what the signature covers, [`PreparedSignature::finish`] writes the value.
//!
//! Two signature formats, chosen by [`SignKind`] (docs/pdf.md):
//! - [`SignKind::Sign`]: `/Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached`, a detached
//!   CMS SignedData (GM/T 0010 OIDs, SM2 with SM3) whose messageDigest is SM3 of the byte
//!   ranges, with signingTime, the signer certificate and chain, optionally an RFC 3161
//!   signatureTimeStampToken;
//! - [`SignKind::Seal`]: `/Filter /Adobe.PPKLite /SubFilter /GB.SES_Signature`, a GB/T 38540
//!   SES_Signature in the seal's version whose `dataHash` is SM3 of the byte ranges and whose
//!   `propertyInfo` is the field name, optionally timestamped over its signature value.

use std::fmt;

use pdf_writer::{Chunk, Date, Name, Ref, Str};

use super::file::PdfFile;
use super::object::{Dict, ObjRef, Object, find};
use super::render::image::DecodedImage;
use super::{Limits, PdfError};
use crate::crypto::sm3::Sm3Hasher;
use crate::ofd::{CmsInput, cms_signature_value, seal_signature_value};
use crate::pki::Certificate;
use crate::pki::cms::{OidFlavour, SignOptions};
use crate::ses::{self, DataToSign};
use crate::time::Time;

pub use crate::ofd::{
    Edge, LocalTsaSource, PageRange, PageSelector, SignKind, Stamp, TimestampSource,
};

/// The `/Filter` eseal writes for both formats.
pub(crate) const FILTER: &[u8] = b"Adobe.PPKLite";
/// The `/SubFilter` of a CMS signature.
pub(crate) const SUBFILTER_CMS: &[u8] = b"adbe.pkcs7.detached";
/// The `/SubFilter` of an SES_Signature (docs/pdf.md).
pub(crate) const SUBFILTER_SES: &[u8] = b"GB.SES_Signature";
/// The `/SubFilter` of a document timestamp (ISO 32000-2 §12.8.5).
pub(crate) const SUBFILTER_DOC_TIMESTAMP: &[u8] = b"ETSI.RFC3161";

/// Millimetres to PDF points.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// The `/ByteRange` placeholder: four fields wide enough for any offset below 10^10.
const BYTE_RANGE_PLACEHOLDER: i32 = 1_000_000_000;
/// Bytes added to the measured size of the value, for the variation of DER lengths between
/// the trial and the real value (SM2 signatures, timestamp tokens).
const CONTENTS_SLACK: usize = 64;

/// The changes a certification signature (DocMDP, ISO 32000-1 §12.8.2.2) permits after it:
/// the `/P` value of its transform parameters. DSS data and document timestamps are allowed
/// whatever the value (ETSI EN 319 142-1 §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DocMdpPermission {
    /// `/P 1`: no changes; [`sign_document`] refuses any later signature
    /// ([`PdfError::Certified`]). What `eseal sign --mode protect` writes.
    NoChanges,
    /// `/P 2`: filling in forms and signing.
    FormFillingAndSigning,
    /// `/P 3`: as `/P 2`, and creating, deleting and changing annotations.
    AnnotationsFormsAndSigning,
}

impl DocMdpPermission {
    /// The `/P` value.
    #[must_use]
    pub fn p(self) -> u8 {
        match self {
            Self::NoChanges => 1,
            Self::FormFillingAndSigning => 2,
            Self::AnnotationsFormsAndSigning => 3,
        }
    }

    /// The permission of a `/P` value; anything but 1 and 3 reads as 2 (the default, ISO
    /// 32000-1 Table 254).
    #[must_use]
    pub fn from_p(p: i64) -> Self {
        match p {
            1 => Self::NoChanges,
            3 => Self::AnnotationsFormsAndSigning,
            _ => Self::FormFillingAndSigning,
        }
    }
}

/// Everything [`sign_document`] needs besides the PDF: what signs, when, where the seal
/// appears, an optional timestamp source and the certificates to embed.
///
/// ```
/// use eseal::pdf::{PageSelector, PdfError, SignRequest, Stamp, sign_document};
/// use eseal::pki::{Certificate, SoftwareSigner};
/// use eseal::ses::Seal;
/// use eseal::time::Time;
///
/// /// Stamps page 1 of `pdf` with `seal`, 120 mm from the left and 200 mm from the top.
/// fn stamp(
///     pdf: &[u8],
///     seal: &Seal,
///     cert: &Certificate,
///     key: &SoftwareSigner,
///     signing_time: Time,
/// ) -> Result<Vec<u8>, PdfError> {
///     let request = SignRequest::seal(seal, cert, key, signing_time)
///         .stamp(Stamp::on_page(PageSelector::Index(0), 120.0, 200.0));
///     sign_document(pdf, &request)
/// }
/// ```
#[derive(Clone)]
pub struct SignRequest<'a> {
    kind: SignKind<'a>,
    signing_time: Time,
    stamps: Vec<Stamp>,
    timestamp: Option<&'a dyn TimestampSource>,
    chain: &'a [Certificate],
    field_name: Option<String>,
    certify: Option<DocMdpPermission>,
    limits: Limits,
}

impl fmt::Debug for SignRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignRequest")
            .field("kind", &self.kind)
            .field("signing_time", &self.signing_time)
            .field("stamps", &self.stamps)
            .field("timestamp", &self.timestamp.is_some())
            .field("chain", &self.chain.len())
            .field("field_name", &self.field_name)
            .field("certify", &self.certify)
            .finish_non_exhaustive()
    }
}

impl<'a> SignRequest<'a> {
    /// A request of `kind` made at `signing_time` (the `/M` entry and the signature's claimed
    /// time), invisible until a [`Stamp`] is added, no timestamp, no chain.
    #[must_use]
    pub fn new(kind: SignKind<'a>, signing_time: Time) -> Self {
        SignRequest {
            kind,
            signing_time,
            stamps: Vec::new(),
            timestamp: None,
            chain: &[],
            field_name: None,
            certify: None,
            limits: Limits::default(),
        }
    }

    /// A seal signature (SES_Signature in `/Contents`) with `seal` by the holder of
    /// `signer_certificate`.
    #[must_use]
    pub fn seal(
        seal: &'a ses::Seal,
        signer_certificate: &'a Certificate,
        signer: &'a dyn crate::pki::Signer,
        signing_time: Time,
    ) -> Self {
        Self::new(
            SignKind::Seal {
                seal,
                signer_certificate,
                signer,
            },
            signing_time,
        )
    }

    /// A CMS signature (`adbe.pkcs7.detached`) by the holder of `certificate`.
    #[must_use]
    pub fn digital(
        certificate: &'a Certificate,
        signer: &'a dyn crate::pki::Signer,
        signing_time: Time,
    ) -> Self {
        Self::new(
            SignKind::Sign {
                certificate,
                signer,
            },
            signing_time,
        )
    }

    /// Shows the signature at `stamp` (one stamp: on a page, or riding across pages). Without
    /// one the signature is invisible (a widget with an empty rectangle on the first page).
    #[must_use]
    pub fn stamp(mut self, stamp: Stamp) -> Self {
        self.stamps.push(stamp);
        self
    }

    /// Timestamps the signature value with `source`.
    #[must_use]
    pub fn timestamp(mut self, source: &'a dyn TimestampSource) -> Self {
        self.timestamp = Some(source);
        self
    }

    /// Certificates embedded after the signer's in a CMS signature (intermediates).
    #[must_use]
    pub fn chain(mut self, chain: &'a [Certificate]) -> Self {
        self.chain = chain;
        self
    }

    /// The signature field's name (`/T`; default `Signature<n>`, the first free number).
    #[must_use]
    pub fn field_name(mut self, name: impl Into<String>) -> Self {
        self.field_name = Some(name.into());
        self
    }

    /// Makes this the document's certification signature (DocMDP) with `permission`: its
    /// signature dictionary gets `/Reference [<< /TransformMethod /DocMDP /TransformParams
    /// << /P n >> >>]` and the catalog `/Perms << /DocMDP … >>`. Only the first signature of a
    /// document may certify it.
    #[must_use]
    pub fn certify(mut self, permission: DocMdpPermission) -> Self {
        self.certify = Some(permission);
        self
    }

    /// Limits for reading the PDF (default [`Limits::default`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A signed document with the `/Contents` hole still empty: the bytes the signature covers
/// are final, so their digest can be signed elsewhere.
#[derive(Debug, Clone)]
pub struct PreparedSignature {
    bytes: Vec<u8>,
    /// The offsets of `<` and just after `>` of `/Contents`.
    hole: (usize, usize),
    field_name: String,
}

impl PreparedSignature {
    /// `/ByteRange`: `[0, hole start, hole end, rest length]`.
    #[must_use]
    pub fn byte_range(&self) -> [u64; 4] {
        [
            0,
            self.hole.0 as u64,
            self.hole.1 as u64,
            (self.bytes.len() - self.hole.1) as u64,
        ]
    }

    /// The bytes the signature covers: the document without the `/Contents` hole.
    pub fn signed_parts(&self) -> [&[u8]; 2] {
        [
            self.bytes.get(..self.hole.0).unwrap_or(&[]),
            self.bytes.get(self.hole.1..).unwrap_or(&[]),
        ]
    }

    /// SM3 of [`PreparedSignature::signed_parts`]: the CMS messageDigest, or the SES
    /// `dataHash`.
    #[must_use]
    pub fn sm3_digest(&self) -> [u8; 32] {
        let mut h = Sm3Hasher::new();
        for part in self.signed_parts() {
            h.update(part);
        }
        h.finalize()
    }

    /// The signature field's name (the SES `propertyInfo`).
    #[must_use]
    pub fn field_name(&self) -> &str {
        &self.field_name
    }

    /// The largest value (DER bytes) the placeholder holds.
    #[must_use]
    pub fn capacity(&self) -> usize {
        (self.hole.1 - self.hole.0 - 2) / 2
    }

    /// Writes `value` (a DER SignedData or SES_Signature) into `/Contents`, zero-padded.
    ///
    /// # Errors
    /// [`PdfError::ApiMisuse`] when the value is larger than [`PreparedSignature::capacity`].
    pub fn finish(mut self, value: &[u8]) -> Result<Vec<u8>, PdfError> {
        if value.len() > self.capacity() {
            return Err(PdfError::ApiMisuse {
                detail: format!(
                    "the signature value has {} bytes; the placeholder holds {}",
                    value.len(),
                    self.capacity()
                ),
            });
        }
        let hex = hex_upper(value);
        let inner = self
            .bytes
            .get_mut(self.hole.0 + 1..self.hole.1 - 1)
            .ok_or_else(|| internal("the /Contents hole is outside the document"))?;
        for (i, slot) in inner.iter_mut().enumerate() {
            *slot = hex.get(i).copied().unwrap_or(b'0');
        }
        Ok(self.bytes)
    }
}

fn hex_upper(bytes: &[u8]) -> Vec<u8> {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'));
        }
    }
    out
}

fn misuse(detail: impl Into<String>) -> PdfError {
    PdfError::ApiMisuse {
        detail: detail.into(),
    }
}

fn internal(detail: impl Into<String>) -> PdfError {
    PdfError::Internal {
        detail: detail.into(),
    }
}

fn failed(stage: &'static str, detail: impl fmt::Display) -> PdfError {
    PdfError::SigningFailed {
        stage,
        detail: detail.to_string(),
    }
}

/// Signs `pdf` and returns the signed document (the input followed by one incremental update).
/// The placeholder is sized from a trial value over a dummy digest (so the signer signs twice
/// and a timestamp source is asked twice).
///
/// # Errors
/// The reader's [`PdfError`] for a file that cannot be read (encrypted files included);
/// [`PdfError::ApiMisuse`] for a page that does not exist, several stamps, a riding seal over
/// fewer than two pages, a stamp without size on a digital signature, a certification of a
/// document already signed; [`PdfError::Certified`] for a document certified with
/// [`DocMdpPermission::NoChanges`]; [`PdfError::BadPicture`] for a seal picture that
/// is neither PNG nor JPEG; [`PdfError::SigningFailed`] when the SignedData, the seal
/// signature or the timestamp fails.
pub fn sign_document(pdf: &[u8], request: &SignRequest<'_>) -> Result<Vec<u8>, PdfError> {
    let name = field_name_for(pdf, request)?;
    let trial = signature_value(request, &[0u8; 32], &name)?;
    let prepared = prepare(pdf, request, trial.len() + CONTENTS_SLACK)?;
    let value = signature_value(request, &prepared.sm3_digest(), prepared.field_name())?;
    prepared.finish(&value)
}

fn field_name_for(pdf: &[u8], request: &SignRequest<'_>) -> Result<String, PdfError> {
    let file = PdfFile::parse(pdf, &request.limits)?;
    choose_field_name(&file, request.field_name.as_deref())
}

fn choose_field_name(file: &PdfFile<'_>, requested: Option<&str>) -> Result<String, PdfError> {
    let existing: Vec<String> = super::verify::all_field_names(file)?;
    if let Some(name) = requested {
        if name.is_empty() || name.contains('.') || !name.is_ascii() {
            return Err(misuse(format!(
                "the field name {name:?} must be non-empty ASCII without '.'"
            )));
        }
        if existing.iter().any(|e| e == name) {
            return Err(misuse(format!(
                "the document already has a field named {name:?}"
            )));
        }
        return Ok(name.to_owned());
    }
    let mut n = 1usize;
    loop {
        let candidate = format!("Signature{n}");
        if !existing.contains(&candidate) {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// The DER value for `/Contents` over `digest` (SM3 of the byte ranges).
fn signature_value(
    request: &SignRequest<'_>,
    digest: &[u8; 32],
    field_name: &str,
) -> Result<Vec<u8>, PdfError> {
    match request.kind {
        SignKind::Seal {
            seal,
            signer_certificate,
            signer,
        } => seal_signature_value(
            seal,
            signer_certificate,
            signer,
            DataToSign::Sm3Digest(*digest),
            field_name.to_owned(),
            request.signing_time,
            request.timestamp,
        ),
        SignKind::Sign {
            certificate,
            signer,
        } => {
            let options = SignOptions::new()
                .with_flavour(OidFlavour::GmT0010)
                .with_signing_time(request.signing_time)
                .with_chain(request.chain.iter().cloned());
            cms_signature_value(
                CmsInput::Digest(digest),
                certificate,
                signer,
                &options,
                request.timestamp,
            )
        }
    }
    .map_err(|(stage, detail)| failed(stage, detail))
}

/// Appends the signature's incremental update with a `/Contents` placeholder of `capacity`
/// bytes and returns it for [`PreparedSignature::finish`].
///
/// # Errors
/// As [`sign_document`], without the signing failures.
pub fn prepare(
    pdf: &[u8],
    request: &SignRequest<'_>,
    capacity: usize,
) -> Result<PreparedSignature, PdfError> {
    let update = Update {
        subfilter: match request.kind {
            SignKind::Seal { .. } => SUBFILTER_SES,
            _ => SUBFILTER_CMS,
        },
        picture: match request.kind {
            SignKind::Seal { seal, .. } => Some(seal.picture()),
            _ => None,
        },
        stamps: &request.stamps,
        field_name: request.field_name.as_deref(),
        signing_time: Some(request.signing_time),
        certify: request.certify,
        limits: &request.limits,
    };
    prepare_update(pdf, &update, capacity)
}

/// Appends an invisible document timestamp's update (`/Type /DocTimeStamp /SubFilter
/// /ETSI.RFC3161`, ISO 32000-2 §12.8.5) with a `/Contents` placeholder of `capacity` bytes.
/// The caller hashes [`PreparedSignature::signed_parts`] with the hash its TSA uses (SM3 or
/// SHA-256), obtains an RFC 3161 token over that imprint and writes it with
/// [`PreparedSignature::finish`]. Permitted after any certification (ETSI EN 319 142-1).
///
/// # Errors
/// The reader's [`PdfError`] for a file that cannot be read.
pub fn prepare_document_timestamp(
    pdf: &[u8],
    capacity: usize,
    limits: &Limits,
) -> Result<PreparedSignature, PdfError> {
    let update = Update {
        subfilter: SUBFILTER_DOC_TIMESTAMP,
        picture: None,
        stamps: &[],
        field_name: None,
        signing_time: None,
        certify: None,
        limits,
    };
    prepare_update(pdf, &update, capacity)
}

/// What one signature's update writes, whichever request made it.
struct Update<'r> {
    /// `/SubFilter`; [`SUBFILTER_DOC_TIMESTAMP`] makes a document timestamp.
    subfilter: &'static [u8],
    /// The seal picture, if the signature shows one.
    picture: Option<&'r ses::SesEsPictrueInfo>,
    stamps: &'r [Stamp],
    field_name: Option<&'r str>,
    /// `/M` (none for a document timestamp: the token's genTime is the time).
    signing_time: Option<Time>,
    certify: Option<DocMdpPermission>,
    limits: &'r Limits,
}

fn prepare_update(
    pdf: &[u8],
    request: &Update<'_>,
    capacity: usize,
) -> Result<PreparedSignature, PdfError> {
    let doc_timestamp = request.subfilter == SUBFILTER_DOC_TIMESTAMP;
    let file = PdfFile::parse(pdf, request.limits)?;
    let field_name = choose_field_name(&file, request.field_name)?;
    let signed = super::verify::signature_fields(&file)?
        .into_iter()
        .filter(|f| f.value.is_some())
        .collect::<Vec<_>>();
    if let Some(cert) = signed.iter().filter(|_| !doc_timestamp).find(|f| {
        f.value
            .as_ref()
            .and_then(|(d, _)| super::verify::docmdp(&file, d))
            == Some(DocMdpPermission::NoChanges)
    }) {
        return Err(PdfError::Certified {
            field: cert.name.clone(),
        });
    }
    if request.certify.is_some() && !signed.is_empty() {
        return Err(misuse(format!(
            "a certification signature must be the document's first signature; it has {}",
            signed.len()
        )));
    }
    let pages = file.pages()?;
    if request.stamps.len() > 1 {
        return Err(misuse(
            "a PDF signature has one appearance: give at most one stamp (a riding seal is one \
             stamp across pages)",
        ));
    }
    let picture = request.picture;
    let widgets = plan_widgets(&file, &pages, request.stamps.first(), picture)?;
    let image = match (request.stamps.first(), picture) {
        (Some(_), Some(p)) => {
            Some(
                DecodedImage::decode(&p.data).map_err(|e| PdfError::BadPicture {
                    detail: e.to_string(),
                })?,
            )
        }
        _ => None,
    };
    let root_ref = file
        .root_ref()
        .ok_or_else(|| internal("the reader accepted a file without /Root"))?;

    // Object numbers of the new objects.
    let size = file
        .table
        .trailer
        .get(b"Size")
        .and_then(Object::as_int)
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0)
        .max(file.table.entries.keys().next_back().map_or(0, |n| n + 1));
    let mut next = size;
    let mut alloc = || {
        let r = next;
        next += 1;
        r
    };
    let sig_num = alloc();
    let field_num = alloc();

    let mut objects: Vec<(u32, Vec<u8>)> = Vec::new();

    // The signature dictionary, with fixed-width placeholders.
    let mut chunk = Chunk::new();
    {
        let mut d = chunk.indirect(pref(sig_num)?).dict();
        d.pair(
            Name(b"Type"),
            Name(if doc_timestamp {
                b"DocTimeStamp"
            } else {
                b"Sig"
            }),
        );
        d.pair(Name(b"Filter"), Name(FILTER));
        d.pair(Name(b"SubFilter"), Name(request.subfilter));
        d.insert(Name(b"ByteRange")).array().items([
            0,
            BYTE_RANGE_PLACEHOLDER,
            BYTE_RANGE_PLACEHOLDER,
            BYTE_RANGE_PLACEHOLDER,
        ]);
        d.pair(Name(b"Contents"), Str(&vec![0xffu8; capacity]));
        if let Some(time) = request.signing_time {
            d.pair(Name(b"M"), pdf_date(time)?);
        }
        if let Some(permission) = request.certify {
            let mut refs = d.insert(Name(b"Reference")).array();
            let mut r = refs.push().dict();
            r.pair(Name(b"Type"), Name(b"SigRef"));
            r.pair(Name(b"TransformMethod"), Name(b"DocMDP"));
            let mut params = r.insert(Name(b"TransformParams")).dict();
            params.pair(Name(b"Type"), Name(b"TransformParams"));
            params.pair(Name(b"P"), i32::from(permission.p()));
            params.pair(Name(b"V"), Name(b"1.2"));
        }
        d.insert(Name(b"Prop_Build"))
            .dict()
            .insert(Name(b"App"))
            .dict()
            .pair(Name(b"Name"), Name(b"eseal"));
    }
    objects.push((sig_num, chunk.as_bytes().to_vec()));

    // The picture, shared by every widget's appearance.
    let image_nums = match &image {
        Some(img) => {
            let img_num = alloc();
            let smask_num = img.alpha.as_ref().map(|_| alloc());
            objects.extend(image_objects(img, img_num, smask_num)?);
            Some(img_num)
        }
        None => None,
    };

    // One widget: merged with the field. Several (a riding seal): kids of the field.
    let merged = widgets.len() == 1;
    let mut kids = Vec::new();
    let mut annots = AnnotUpdates::default();
    for w in &widgets {
        let widget_num = if merged { field_num } else { alloc() };
        let ap_num = alloc();
        let (page_ref, page_dict) = pages
            .get(w.page)
            .ok_or_else(|| internal("a planned widget is on no page"))?;
        let (bw, bh) = (w.rect[2] - w.rect[0], w.rect[3] - w.rect[1]);
        let mut chunk = Chunk::new();
        let content = match image_nums {
            Some(_) => w.content.as_bytes(),
            None => b"",
        };
        let mut form = chunk.form_xobject(pref(ap_num)?, content);
        form.bbox(pdf_writer::Rect::new(0.0, 0.0, bw as f32, bh as f32));
        if let Some(img_num) = image_nums {
            form.resources()
                .x_objects()
                .pair(Name(b"Im0"), pref(img_num)?);
        }
        drop(form);
        objects.push((ap_num, chunk.as_bytes().to_vec()));

        let mut chunk = Chunk::new();
        {
            let mut d = chunk.indirect(pref(widget_num)?).dict();
            d.pair(Name(b"Type"), Name(b"Annot"));
            d.pair(Name(b"Subtype"), Name(b"Widget"));
            if merged {
                d.pair(Name(b"FT"), Name(b"Sig"));
                d.pair(Name(b"T"), Str(field_name.as_bytes()));
                d.pair(Name(b"V"), pref(sig_num)?);
            } else {
                d.pair(Name(b"Parent"), pref(field_num)?);
                // poppler takes a kid with /Parent for a field of its own and does not inherit
                // /V: without it, pdfsig calls each widget an unsigned field.
                d.pair(Name(b"V"), pref(sig_num)?);
            }
            d.pair(
                Name(b"Rect"),
                pdf_writer::Rect::new(
                    w.rect[0] as f32,
                    w.rect[1] as f32,
                    w.rect[2] as f32,
                    w.rect[3] as f32,
                ),
            );
            // Print (4) + Locked (128).
            d.pair(Name(b"F"), 132);
            d.pair(Name(b"P"), gen0(*page_ref)?);
            d.insert(Name(b"AP")).dict().pair(Name(b"N"), pref(ap_num)?);
        }
        objects.push((widget_num, chunk.as_bytes().to_vec()));
        kids.push(widget_num);
        annots.push(&file, *page_ref, page_dict, ObjRef::new(widget_num, 0))?;
    }
    if !merged {
        let mut chunk = Chunk::new();
        {
            let mut d = chunk.indirect(pref(field_num)?).dict();
            d.pair(Name(b"FT"), Name(b"Sig"));
            d.pair(Name(b"T"), Str(field_name.as_bytes()));
            d.pair(Name(b"V"), pref(sig_num)?);
            let mut k = d.insert(Name(b"Kids")).array();
            for n in &kids {
                k.item(pref(*n)?);
            }
        }
        objects.push((field_num, chunk.as_bytes().to_vec()));
    }
    for (r, obj) in annots.rewrites {
        objects.push((r.num, copy_object(r, &obj)?));
    }
    // The catalog's /AcroForm: /Fields gains the field, /SigFlags 3 (signatures exist,
    // append only).
    let catalog = file
        .get(root_ref)?
        .as_dict()
        .cloned()
        .ok_or_else(|| internal("the catalog is not a dictionary"))?;
    let field = Object::Ref(ObjRef::new(field_num, 0));
    let mut cat = catalog.clone();
    let mut catalog_changed = false;
    match catalog.get(b"AcroForm") {
        Some(Object::Ref(af_ref)) => {
            let mut form = file.dict(*af_ref)?.unwrap_or_default();
            add_field(&file, &mut form, field, &mut objects)?;
            objects.push((af_ref.num, copy_object(*af_ref, &Object::Dict(form))?));
        }
        other => {
            let mut form = other.and_then(Object::as_dict).cloned().unwrap_or_default();
            add_field(&file, &mut form, field, &mut objects)?;
            cat.set(b"AcroForm", Object::Dict(form));
            catalog_changed = true;
        }
    }
    if request.certify.is_some() {
        // ISO 32000-1 §12.8.4: /Perms /DocMDP names the certification signature.
        let mut perms = match catalog.get(b"Perms") {
            Some(p) => file.resolve(p)?.as_dict().cloned().unwrap_or_default(),
            None => Dict::new(),
        };
        perms.set(b"DocMDP", Object::Ref(ObjRef::new(sig_num, 0)));
        cat.set(b"Perms", Object::Dict(perms));
        catalog_changed = true;
    }
    if catalog_changed {
        objects.push((root_ref.num, copy_object(root_ref, &Object::Dict(cat))?));
    }

    let (bytes, sig_offset) = assemble(&file, objects, next, sig_num)?;
    fill_byte_range(bytes, sig_offset, capacity, field_name)
}

/// Adds `field` to `/Fields` (rewriting an indirect array) and sets `/SigFlags 3`.
fn add_field(
    file: &PdfFile<'_>,
    form: &mut Dict,
    field: Object,
    objects: &mut Vec<(u32, Vec<u8>)>,
) -> Result<(), PdfError> {
    match form.get(b"Fields") {
        Some(Object::Ref(r)) => {
            let r = *r;
            let mut items = match file.get(r)? {
                Object::Array(a) => a,
                _ => Vec::new(),
            };
            items.push(field);
            objects.push((r.num, copy_object(r, &Object::Array(items))?));
        }
        other => {
            let mut items = other.and_then(Object::as_array).unwrap_or(&[]).to_vec();
            items.push(field);
            form.set(b"Fields", Object::Array(items));
        }
    }
    let flags = form.get(b"SigFlags").and_then(Object::as_int).unwrap_or(0);
    form.set(b"SigFlags", Object::Int(flags | 3));
    Ok(())
}

/// One widget of the signature field: its page, rectangle and appearance.
#[derive(Debug, Clone)]
struct WidgetPlan {
    /// The page index.
    page: usize,
    /// The widget's rectangle in default user space: `[x0, y0, x1, y1]`.
    rect: [f64; 4],
    /// The appearance's content stream when there is a picture (`/Im0`).
    content: String,
}

/// Where the widgets of `stamp` go (none: one invisible widget on the first page).
fn plan_widgets(
    file: &PdfFile<'_>,
    pages: &[(ObjRef, Dict)],
    stamp: Option<&Stamp>,
    picture: Option<&ses::SesEsPictrueInfo>,
) -> Result<Vec<WidgetPlan>, PdfError> {
    let Some(stamp) = stamp else {
        if pages.is_empty() {
            return Err(misuse("the document has no page"));
        }
        return Ok(vec![WidgetPlan {
            page: 0,
            rect: [0.0; 4],
            content: String::new(),
        }]);
    };
    #[allow(clippy::cast_precision_loss)] // picture sizes are small integers
    let (w, h) = stamp
        .explicit_size()
        .or(picture.map(|p| (p.width as f64, p.height as f64)))
        .ok_or_else(|| misuse("a stamp of a digital signature needs a size (Stamp::size)"))?;
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(misuse(format!(
            "the stamp size {w} × {h} mm is not positive"
        )));
    }
    let (w, h) = (w * PT_PER_MM, h * PT_PER_MM);
    let geometry = |i: usize| -> Result<PageGeometry, PdfError> {
        let (_, dict) = pages.get(i).ok_or_else(|| {
            misuse(format!(
                "page index {i} is out of range: the document has {} pages",
                pages.len()
            ))
        })?;
        PageGeometry::read(file, dict)
    };
    if let Some((page, x_mm, y_mm)) = stamp.page_position() {
        if !(x_mm.is_finite() && y_mm.is_finite()) {
            return Err(misuse("the stamp position is not a finite number"));
        }
        let index = match page {
            PageSelector::Index(i) => i,
            PageSelector::Id(num) => pages
                .iter()
                .position(|(r, _)| u64::from(r.num) == num)
                .ok_or_else(|| misuse(format!("no page is object {num}")))?,
        };
        let g = geometry(index)?;
        let (u, v) = (x_mm * PT_PER_MM, y_mm * PT_PER_MM);
        check_on_page(&g, index, u, v, w, h)?;
        let (rect, content) = g.widget(u, v, w, h, 0.0, w);
        return Ok(vec![WidgetPlan {
            page: index,
            rect,
            content,
        }]);
    }
    let (range, edge, y_mm) = stamp
        .riding_position()
        .ok_or_else(|| internal("a stamp is neither on a page nor riding"))?;
    if !y_mm.is_finite() {
        return Err(misuse("the riding seal position is not a finite number"));
    }
    let (first, last) = match range {
        PageRange::All => (0, pages.len().saturating_sub(1)),
        PageRange::Indices { first, last } => (first, last),
    };
    if first > last || last >= pages.len() {
        return Err(misuse(format!(
            "pages {first}..={last} are not a range of the document's {} pages",
            pages.len()
        )));
    }
    let count = last - first + 1;
    if count < 2 {
        return Err(misuse(
            "a riding seal needs at least two pages (use Stamp::on_page for one)",
        ));
    }
    // As in OFD (standards-notes §5.7): page i of the range shows slice i of the seal (seal
    // width ÷ page count) at the edge.
    #[allow(clippy::cast_precision_loss)] // page counts are far below 2^52
    let slice = w / count as f64;
    let mut out = Vec::with_capacity(count);
    for (i, page) in (first..=last).enumerate() {
        let g = geometry(page)?;
        let (visible_width, _) = g.visual_size();
        let u = match edge {
            Edge::Left => 0.0,
            _ => visible_width - slice,
        };
        #[allow(clippy::cast_precision_loss)]
        let offset = slice * i as f64;
        check_on_page(&g, page, u, y_mm * PT_PER_MM, slice, h)?;
        let (rect, content) = g.widget(u, y_mm * PT_PER_MM, slice, h, offset, w);
        out.push(WidgetPlan {
            page,
            rect,
            content,
        });
    }
    Ok(out)
}

/// Refuses a stamp (or a riding seal's slice) `bw × bh` points at `(u, v)` from the shown
/// page's top-left corner that does not lie within the visible page: readers clip it, so the
/// seal shown would not be the seal signed (as the OFD signer refuses).
fn check_on_page(
    g: &PageGeometry,
    index: usize,
    u: f64,
    v: f64,
    bw: f64,
    bh: f64,
) -> Result<(), PdfError> {
    // A micrometre of slack: millimetre positions converted to points do not round-trip exactly.
    const SLACK: f64 = 0.003;
    let (pw, ph) = g.visual_size();
    if u >= -SLACK && v >= -SLACK && u + bw <= pw + SLACK && v + bh <= ph + SLACK {
        return Ok(());
    }
    let mm = |pt: f64| pt / PT_PER_MM;
    Err(misuse(format!(
        "the stamp ({:.1} × {:.1} mm at {:.1}, {:.1}) lies partly off page {index} \
         ({:.1} × {:.1} mm as shown): place it within the page",
        mm(bw),
        mm(bh),
        mm(u),
        mm(v),
        mm(pw),
        mm(ph)
    )))
}

/// A page's visible box and rotation, and the map from the page as a reader shows it
/// (origin top-left, y down, in points) to default user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PageGeometry {
    /// The visible box (CropBox within MediaBox, inherited): `(x0, y0, x1, y1)`.
    pub(crate) bbox: (f64, f64, f64, f64),
    /// `/Rotate` (inherited) as 0, 90, 180 or 270 degrees clockwise.
    pub(crate) rotate: u16,
}

impl PageGeometry {
    /// The geometry of `page` (inheriting `/CropBox`, `/MediaBox` and `/Rotate` from the page
    /// tree).
    pub(crate) fn read(file: &PdfFile<'_>, page: &Dict) -> Result<Self, PdfError> {
        let media = inherited(file, page, b"MediaBox")?
            .and_then(|o| rect_of(&o))
            // ISO 32000-1 requires a MediaBox; US Letter is what readers assume without one.
            .unwrap_or((0.0, 0.0, 612.0, 792.0));
        let bbox = match inherited(file, page, b"CropBox")?.and_then(|o| rect_of(&o)) {
            // The CropBox is clipped to the MediaBox (ISO 32000-1 §14.11.2).
            Some(c) => {
                let b = (
                    c.0.max(media.0),
                    c.1.max(media.1),
                    c.2.min(media.2),
                    c.3.min(media.3),
                );
                if b.0 < b.2 && b.1 < b.3 { b } else { media }
            }
            None => media,
        };
        let rotate = inherited(file, page, b"Rotate")?
            .and_then(|o| o.as_f64())
            .filter(|r| r.is_finite() && r.abs() < 1e9)
            .map_or(0, |r| {
                // Multiples of 90 only; readers round anything else.
                #[allow(clippy::cast_possible_truncation)] // bounded above
                let quarter = (r / 90.0).round() as i64;
                u16::try_from(quarter.rem_euclid(4) * 90).unwrap_or(0)
            });
        Ok(PageGeometry { bbox, rotate })
    }

    /// The page's size as shown (width, height) in points.
    pub(crate) fn visual_size(&self) -> (f64, f64) {
        let (x0, y0, x1, y1) = self.bbox;
        let (w, h) = (x1 - x0, y1 - y0);
        if self.rotate % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// `[a, b, c, d, e, f]` with user `x = a·u + b·v + c`, `y = d·u + e·v + f` for the point
    /// `(u, v)` points right of and below the shown page's top-left corner.
    fn shown_to_user(&self) -> [f64; 6] {
        let (x0, y0, x1, y1) = self.bbox;
        match self.rotate {
            // Shown rotated clockwise: the top-left corner shown is the box's bottom-left.
            90 => [0.0, 1.0, x0, 1.0, 0.0, y0],
            180 => [-1.0, 0.0, x1, 0.0, 1.0, y0],
            270 => [0.0, -1.0, x1, -1.0, 0.0, y1],
            _ => [1.0, 0.0, x0, 0.0, -1.0, y1],
        }
    }

    /// The user-space rectangle of the shown box `(u, v, bw, bh)` (points from the shown
    /// top-left) and an appearance drawing the picture upright in it: clipped to the box, the
    /// picture `picture_width × bh` with its left edge `offset` left of the box (a riding
    /// seal's slice; 0 and `bw` for a whole stamp).
    fn widget(
        &self,
        u: f64,
        v: f64,
        bw: f64,
        bh: f64,
        offset: f64,
        picture_width: f64,
    ) -> ([f64; 4], String) {
        let [a, b, c, d, e, f] = self.shown_to_user();
        let corners = [(u, v), (u + bw, v), (u, v + bh), (u + bw, v + bh)];
        let xs = corners.map(|(p, q)| a * p + b * q + c);
        let ys = corners.map(|(p, q)| d * p + e * q + f);
        let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
        let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
        let rect = [min(xs), min(ys), max(xs), max(ys)];
        // The box's own coordinates (origin bottom-left as shown, y up) to the form's (origin
        // at the rectangle's lower-left in user space): counter-rotates the drawing so that it
        // is upright on the page as shown.
        let m = [
            a,
            d,
            -b,
            -e,
            a * u + b * (v + bh) + c - rect[0],
            d * u + e * (v + bh) + f - rect[1],
        ];
        let content = format!(
            "q {} cm 0 0 {} {} re W n {} 0 0 {} {} 0 cm /Im0 Do Q",
            m.map(fmt_num).join(" "),
            fmt_num(bw),
            fmt_num(bh),
            fmt_num(picture_width),
            fmt_num(bh),
            fmt_num(-offset)
        );
        (rect, content)
    }
}

/// An inheritable page attribute (ISO 32000-1 Table 30): the page's, else the nearest
/// ancestor's.
fn inherited(file: &PdfFile<'_>, page: &Dict, key: &[u8]) -> Result<Option<Object>, PdfError> {
    let mut node = page.clone();
    for _ in 0..super::object::MAX_DEPTH {
        if let Some(v) = node.get(key) {
            return Ok(Some(file.resolve(v)?));
        }
        match node.get(b"Parent").and_then(Object::as_objref) {
            Some(p) => match file.dict(p)? {
                Some(d) => node = d,
                None => break,
            },
            None => break,
        }
    }
    Ok(None)
}

/// A rectangle array, normalised: `(x0, y0, x1, y1)` with `x0 < x1`, `y0 < y1`.
fn rect_of(o: &Object) -> Option<(f64, f64, f64, f64)> {
    let v: Vec<f64> = o
        .as_array()?
        .iter()
        .map(Object::as_f64)
        .collect::<Option<_>>()?;
    let [a, b, c, d] = <[f64; 4]>::try_from(v).ok()?;
    if ![a, b, c, d].iter().all(|x| x.is_finite()) || a == c || b == d {
        return None;
    }
    Some((a.min(c), b.min(d), a.max(c), b.max(d)))
}

/// The new versions of pages or `/Annots` arrays that gain widgets (several widgets of a
/// riding seal may share one).
#[derive(Debug, Default)]
struct AnnotUpdates {
    rewrites: std::collections::BTreeMap<ObjRef, Object>,
}

impl AnnotUpdates {
    fn push(
        &mut self,
        file: &PdfFile<'_>,
        page_ref: ObjRef,
        page: &Dict,
        widget: ObjRef,
    ) -> Result<(), PdfError> {
        match page.get(b"Annots") {
            Some(Object::Ref(r)) => {
                let entry = match self.rewrites.entry(*r) {
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(match file.get(*r)? {
                            a @ Object::Array(_) => a,
                            _ => Object::Array(Vec::new()),
                        })
                    }
                };
                if let Object::Array(items) = entry {
                    items.push(Object::Ref(widget));
                }
            }
            other => {
                let entry = self
                    .rewrites
                    .entry(page_ref)
                    .or_insert_with(|| Object::Dict(page.clone()));
                if let Object::Dict(d) = entry {
                    let mut items = match d.get(b"Annots") {
                        Some(Object::Array(a)) => a.clone(),
                        _ => other.and_then(Object::as_array).unwrap_or(&[]).to_vec(),
                    };
                    items.push(Object::Ref(widget));
                    d.set(b"Annots", Object::Array(items));
                }
            }
        }
        Ok(())
    }
}

fn pref(num: u32) -> Result<Ref, PdfError> {
    i32::try_from(num)
        .ok()
        .filter(|n| *n > 0)
        .map(Ref::new)
        .ok_or_else(|| PdfError::Unsupported {
            detail: format!("object number {num} is beyond what pdf-writer writes"),
        })
}

fn gen0(r: ObjRef) -> Result<Ref, PdfError> {
    if r.generation != 0 {
        return Err(PdfError::Unsupported {
            detail: format!(
                "object {r} has a non-zero generation; eseal updates only generation-0 objects"
            ),
        });
    }
    pref(r.num)
}

fn fmt_num(v: f64) -> String {
    // Rounded first, so that -0.00001 is not written "-0".
    let v = (v * 10_000.0).round() / 10_000.0 + 0.0;
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_owned()
    }
}

fn pdf_date(t: Time) -> Result<Date, PdfError> {
    let dt = t
        .to_date_time()
        .ok_or_else(|| misuse("the signing time is beyond the year 9999"))?;
    Ok(Date::new(dt.year())
        .month(dt.month())
        .day(dt.day())
        .hour(dt.hour())
        .minute(dt.minutes())
        .second(dt.seconds())
        .utc_offset_hour(0)
        .utc_offset_minute(0))
}

/// The picture's image XObject (and soft mask) as separate objects, so that each has its own
/// offset in the cross-reference section.
fn image_objects(
    img: &DecodedImage,
    num: u32,
    smask: Option<u32>,
) -> Result<Vec<(u32, Vec<u8>)>, PdfError> {
    let mut chunk = Chunk::new();
    img.write(&mut chunk, pref(num)?, smask.map(pref).transpose()?)
        .map_err(|e| PdfError::BadPicture {
            detail: e.to_string(),
        })?;
    let bytes = chunk.as_bytes();
    let Some(mask) = smask else {
        return Ok(vec![(num, bytes.to_vec())]);
    };
    // pdf-writer ends an object with "\nendobj\n\n" and starts the next with "N 0 obj\n".
    let boundary = format!("\nendobj\n\n{mask} 0 obj\n");
    let at = find(bytes, boundary.as_bytes())
        .ok_or_else(|| internal("the soft mask object was not found in the image chunk"))?
        + "\nendobj\n\n".len();
    let (image, mask_bytes) = bytes.split_at(at);
    Ok(vec![(num, image.to_vec()), (mask, mask_bytes.to_vec())])
}

/// A new version of object `r` with the content `obj` (dictionaries and arrays; streams are
/// never rewritten).
fn copy_object(r: ObjRef, obj: &Object) -> Result<Vec<u8>, PdfError> {
    let mut chunk = Chunk::new();
    write_value(chunk.indirect(gen0(r)?), obj, 0)?;
    Ok(chunk.as_bytes().to_vec())
}

fn write_value(o: pdf_writer::Obj<'_>, v: &Object, depth: usize) -> Result<(), PdfError> {
    if depth > super::object::MAX_DEPTH {
        return Err(internal("object nesting beyond the reader's limit"));
    }
    match v {
        Object::Null => o.primitive(pdf_writer::Null),
        Object::Bool(b) => o.primitive(*b),
        Object::Int(i) => o.primitive(i32::try_from(*i).map_err(|_| PdfError::Unsupported {
            detail: format!("the integer {i} is beyond what pdf-writer writes"),
        })?),
        #[allow(clippy::cast_possible_truncation)] // PDF reals are single precision in practice
        Object::Real(r) => o.primitive(*r as f32),
        Object::String { bytes, .. } => o.primitive(Str(bytes)),
        Object::Name(n) => o.primitive(Name(n)),
        Object::Ref(r) => o.primitive(gen0(*r)?),
        Object::Array(items) => {
            let mut a = o.array();
            for item in items {
                write_value(a.push(), item, depth + 1)?;
            }
        }
        Object::Dict(d) => {
            let mut w = o.dict();
            for (k, item) in d.iter() {
                write_value(w.insert(Name(k)), item, depth + 1)?;
            }
        }
        Object::Stream(_) => return Err(internal("a stream cannot be rewritten")),
    }
    Ok(())
}

/// The document followed by the update: objects in number order, then the cross-reference
/// section (a table or an xref stream, like the file's newest) and the trailer. Returns the
/// bytes and the offset of the signature dictionary object.
fn assemble(
    file: &PdfFile<'_>,
    mut objects: Vec<(u32, Vec<u8>)>,
    next: u32,
    sig_num: u32,
) -> Result<(Vec<u8>, usize), PdfError> {
    let orig = file.bytes;
    let prev = file
        .revisions
        .last()
        .map(|r| r.xref)
        .ok_or_else(|| internal("no revision"))?;
    let stream_xref = !orig.get(prev..).is_some_and(|r| r.starts_with(b"xref"));
    objects.sort_by_key(|(n, _)| *n);
    objects.dedup_by_key(|(n, _)| *n);
    let mut out = orig.to_vec();
    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    let mut sig_offset = None;
    for (num, bytes) in &objects {
        if *num == sig_num {
            sig_offset = Some(out.len());
        }
        offsets.push((*num, out.len()));
        out.extend_from_slice(bytes);
    }
    let sig_offset = sig_offset.ok_or_else(|| internal("the signature object was not written"))?;
    let trailer = &file.table.trailer;
    let xref_at = out.len();
    if stream_xref {
        let xref_num = next;
        offsets.push((xref_num, xref_at));
        let size = xref_num + 1;
        let mut data = Vec::new();
        let mut index = Vec::new();
        for run in runs(&offsets) {
            index.push(run.0 as usize);
            index.push(run.1.len());
            for off in run.1 {
                data.push(1u8);
                data.extend_from_slice(
                    &u32::try_from(off)
                        .map_err(|_| PdfError::Unsupported {
                            detail: "files beyond 4 GiB".into(),
                        })?
                        .to_be_bytes(),
                );
                data.extend_from_slice(&[0, 0]);
            }
        }
        let mut chunk = Chunk::new();
        {
            let mut s = chunk.stream(pref(xref_num)?, &data);
            s.pair(Name(b"Type"), Name(b"XRef"));
            s.pair(
                Name(b"Size"),
                i32::try_from(size).map_err(|_| internal("size"))?,
            );
            s.insert(Name(b"W")).array().items([1, 4, 2]);
            let mut ix = s.insert(Name(b"Index")).array();
            for v in index {
                ix.item(i32::try_from(v).map_err(|_| internal("index"))?);
            }
            drop(ix);
            s.pair(
                Name(b"Prev"),
                i32::try_from(prev).map_err(|_| internal("prev"))?,
            );
            for key in [&b"Root"[..], b"Info", b"ID"] {
                if let Some(v) = trailer.get(key) {
                    write_value(s.insert(Name(key)), v, 0)?;
                }
            }
        }
        out.extend_from_slice(chunk.as_bytes());
    } else {
        out.extend_from_slice(b"xref\n");
        for (first, offs) in runs(&offsets) {
            out.extend_from_slice(format!("{first} {}\n", offs.len()).as_bytes());
            for off in offs {
                out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
            }
        }
        out.extend_from_slice(format!("trailer\n<< /Size {next}").as_bytes());
        for key in [&b"Root"[..], b"Info"] {
            if let Some(Object::Ref(r)) = trailer.get(key) {
                out.extend_from_slice(
                    format!(
                        " /{} {} {} R",
                        String::from_utf8_lossy(key),
                        r.num,
                        r.generation
                    )
                    .as_bytes(),
                );
            }
        }
        if let Some(Object::Array(ids)) = trailer.get(b"ID") {
            out.extend_from_slice(b" /ID [");
            for id in ids.iter().filter_map(Object::as_string) {
                out.push(b'<');
                out.extend_from_slice(&hex_upper(id));
                out.push(b'>');
            }
            out.push(b']');
        }
        out.extend_from_slice(format!(" /Prev {prev} >>\n").as_bytes());
    }
    out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
    // The update must not change what the file already had.
    if out.get(..orig.len()) != Some(orig) {
        return Err(internal("the update changed the original bytes"));
    }
    Ok((out, sig_offset))
}

/// Consecutive object numbers grouped: `(first, offsets)`.
fn runs(offsets: &[(u32, usize)]) -> Vec<(u32, Vec<usize>)> {
    let mut sorted = offsets.to_vec();
    sorted.sort_by_key(|(n, _)| *n);
    let mut out: Vec<(u32, Vec<usize>)> = Vec::new();
    for (num, off) in sorted {
        match out.last_mut() {
            Some((first, offs)) if *first + offs.len() as u32 == num => offs.push(off),
            _ => out.push((num, vec![off])),
        }
    }
    out
}

/// Finds the placeholders in the signature object and writes the final `/ByteRange`.
fn fill_byte_range(
    mut bytes: Vec<u8>,
    sig_offset: usize,
    capacity: usize,
    field_name: String,
) -> Result<PreparedSignature, PdfError> {
    let obj = bytes.get(sig_offset..).unwrap_or(&[]);
    let br = find(obj, b"/ByteRange").ok_or_else(|| internal("no /ByteRange written"))?;
    let open = br + find(obj.get(br..).unwrap_or(&[]), b"[").ok_or_else(|| internal("["))?;
    let close = open + find(obj.get(open..).unwrap_or(&[]), b"]").ok_or_else(|| internal("]"))?;
    let mut placeholder = vec![b'<'];
    placeholder.extend(std::iter::repeat_n(b'F', 2 * capacity));
    placeholder.push(b'>');
    let lower: Vec<u8> = placeholder.to_ascii_lowercase();
    let contents = find(obj, &placeholder)
        .or_else(|| find(obj, &lower))
        .ok_or_else(|| internal("no /Contents placeholder written"))?;
    let hole = (
        sig_offset + contents,
        sig_offset + contents + placeholder.len(),
    );
    let text = format!("0 {} {} {}", hole.0, hole.1, bytes.len() - hole.1);
    let (open, close) = (sig_offset + open + 1, sig_offset + close);
    let width = close - open;
    if text.len() > width {
        return Err(PdfError::Unsupported {
            detail: "offsets too large for the /ByteRange placeholder".into(),
        });
    }
    let field = bytes
        .get_mut(open..close)
        .ok_or_else(|| internal("/ByteRange outside the document"))?;
    for (i, slot) in field.iter_mut().enumerate() {
        *slot = text.as_bytes().get(i).copied().unwrap_or(b' ');
    }
    Ok(PreparedSignature {
        bytes,
        hole,
        field_name,
    })
}
