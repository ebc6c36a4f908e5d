//! Signing an OFD document (GB/T 33190-2016 ch. 18; standards-notes §5.4–5.7): a seal signature
//! (`Type="Seal"`, an SES_Signature) or a plain digital signature (`Type="Sign"`, a GB/T 35275
//! SignedData), with stamp appearances, optional timestamp, continue-sign or whole-protect mode.
//!
//! The procedure of [`sign_document`] follows standards-notes §5.5 in this order:
//!
//! 1. refuse when any existing signature references `Signatures.xml` (whole protection);
//! 2. add the `Signatures` entry to `OFD.xml` (first signature) and the `<Signature>` entry and
//!    `MaxSignId` to `Signatures.xml`, and write `Seal.esl` (seal signatures) — all before any
//!    digest is computed, so the References see the final bytes;
//! 3. compute a `Reference` (SM3) for every file of the package except this signature's own
//!    `Signature.xml` and `SignedValue.dat` and, in continue-sign mode, `Signatures.xml`;
//! 4. serialise `Signature.xml` once, sign its exact bytes, write `SignedValue.dat`.
//!
//! Every entry not touched is copied byte for byte (same compressed data and headers).

use std::fmt;

use super::document::{Document, Page, Rect};
use super::edit::{add_signature_entry, insert_signatures_location, new_signatures_xml};
use super::path::parent_dir;
use super::signatures::{Provider, Signature, SignatureType, SignedInfo, StampAnnot};
use super::{Limits, OfdError, OfdPackage, next_signature_id};
use crate::crypto::sm3::sm3;
use crate::pki::cms::{self, OidFlavour, SignOptions};
use crate::pki::tsp::{LocalTsa, TimestampError};
use crate::pki::{Certificate, Signer};
use crate::ses::{self, DataToSign, SignatureBuilder};
use crate::time::Time;

/// The `SignatureMethod` eseal writes: SM2 with SM3.
const SM2_WITH_SM3: &str = "1.2.156.10197.1.501";

/// Whether later signatures stay possible (standards-notes §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SignMode {
    /// `Signatures.xml` is not referenced: later signatures (joint issuance, 联合发文) can be
    /// added and leave this one valid. The default.
    #[default]
    ContinueSigning,
    /// `Signatures.xml` is referenced: the document is locked, and [`sign_document`] refuses
    /// any further signature ([`OfdError::WholeProtected`]).
    WholeProtect,
}

/// Which page a normal stamp goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageSelector {
    /// The page at this position in `Document.xml` (0-based).
    Index(usize),
    /// The page with this object ID (`Page/@ID`, what `StampAnnot/@PageRef` holds).
    Id(u64),
}

/// Which pages a riding seal spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageRange {
    /// Every page of the document.
    All,
    /// Pages `first..=last` by position (0-based, inclusive).
    Indices {
        /// First page (0-based).
        first: usize,
        /// Last page (0-based, inclusive).
        last: usize,
    },
}

/// The page edge a riding seal straddles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Edge {
    /// The right edge (the usual place for 骑缝章 on bound documents). The default.
    #[default]
    Right,
    /// The left edge.
    Left,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Placement {
    Page {
        page: PageSelector,
        x: f64,
        y: f64,
    },
    Riding {
        pages: PageRange,
        edge: Edge,
        y: f64,
    },
}

/// One appearance of the seal: a normal stamp on a page, or a riding seal (骑缝章) across
/// pages. The size is the seal picture's display size unless [`Stamp::size`] sets one (a
/// digital signature has no picture and needs it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    placement: Placement,
    size: Option<(f64, f64)>,
}

impl Stamp {
    /// A stamp on `page` whose top-left corner is `(x_mm, y_mm)` in page coordinates (origin
    /// top-left of the page box, y down).
    #[must_use]
    pub fn on_page(page: PageSelector, x_mm: f64, y_mm: f64) -> Self {
        Stamp {
            placement: Placement::Page {
                page,
                x: x_mm,
                y: y_mm,
            },
            size: None,
        }
    }

    /// A riding seal across `pages` at `edge`, its top at `y_mm`: one `StampAnnot` per page,
    /// each with the full seal `Boundary` placed so that only the page's slice (seal width ÷
    /// page count) lies on the page, and a `Clip` selecting that slice (standards-notes §5.7).
    #[must_use]
    pub fn riding(pages: PageRange, edge: Edge, y_mm: f64) -> Self {
        Stamp {
            placement: Placement::Riding {
                pages,
                edge,
                y: y_mm,
            },
            size: None,
        }
    }

    /// Draws the seal `width_mm` × `height_mm` instead of the picture's display size.
    #[must_use]
    pub fn size(mut self, width_mm: f64, height_mm: f64) -> Self {
        self.size = Some((width_mm, height_mm));
        self
    }

    /// For the PDF signer: the page and top-left corner (mm) of a normal stamp, `None` for a
    /// riding seal.
    pub(crate) fn page_position(&self) -> Option<(PageSelector, f64, f64)> {
        match self.placement {
            Placement::Page { page, x, y } => Some((page, x, y)),
            Placement::Riding { .. } => None,
        }
    }

    /// For the PDF signer: the pages, edge and top (mm) of a riding seal, `None` for a normal
    /// stamp.
    pub(crate) fn riding_position(&self) -> Option<(PageRange, Edge, f64)> {
        match self.placement {
            Placement::Riding { pages, edge, y } => Some((pages, edge, y)),
            Placement::Page { .. } => None,
        }
    }

    /// For the PDF signer: the size set with [`Stamp::size`].
    pub(crate) fn explicit_size(&self) -> Option<(f64, f64)> {
        self.size
    }
}

/// A source of RFC 3161 timestamp tokens for the signature value.
///
/// For a seal signature the token goes in `SES_Signature.timeStamp` and its imprint must be
/// SM3 of the signature value ([`ses::timestamp_imprint`]); for a digital signature it becomes
/// the SignerInfo's `signatureTimeStampToken` over the SignerInfo signature. Either way
/// `data` is the stamped bytes and the token must carry SM3(`data`) as its imprint.
pub trait TimestampSource {
    /// A DER `TimeStampToken` whose message imprint is SM3 of `data`.
    ///
    /// # Errors
    ///
    /// Whatever prevented the token (the TSA refused, could not be reached, …).
    fn timestamp(&self, data: &[u8]) -> Result<Vec<u8>, TimestampError>;
}

/// A [`TimestampSource`] over an in-process [`LocalTsa`] with a fixed genTime (the core reads
/// no clock): for tests, demos and offline signing. The token serial is derived from SM3 of the
/// stamped data, so distinct signatures get distinct serials.
pub struct LocalTsaSource<'a, S> {
    tsa: &'a LocalTsa<S>,
    gen_time: Time,
}

impl<'a, S: Signer> LocalTsaSource<'a, S> {
    /// Tokens from `tsa` stating `gen_time`.
    #[must_use]
    pub fn new(tsa: &'a LocalTsa<S>, gen_time: Time) -> Self {
        LocalTsaSource { tsa, gen_time }
    }
}

impl<S> fmt::Debug for LocalTsaSource<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTsaSource")
            .field("gen_time", &self.gen_time)
            .finish_non_exhaustive()
    }
}

impl<S: Signer> TimestampSource for LocalTsaSource<'_, S> {
    fn timestamp(&self, data: &[u8]) -> Result<Vec<u8>, TimestampError> {
        let digest = sm3(data);
        // A positive 17-byte serial: 0x01 then 16 bytes of the imprint.
        let mut serial = vec![1u8];
        serial.extend(digest.iter().take(16));
        self.tsa.timestamp(data, self.gen_time, &serial, None)
    }
}

/// What signs: a seal (电子签章) or a plain digital signature.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum SignKind<'a> {
    /// `Type="Seal"`: an SES_Signature in the seal's version with `dataHash` = SM3 of
    /// `Signature.xml` and `propertyInfo` = its path; `Seal.esl` is written and referenced.
    Seal {
        /// The seal (its maker signature must verify; it must list the signer).
        seal: &'a ses::Seal,
        /// The signer's certificate.
        signer_certificate: &'a Certificate,
        /// The signer's key.
        signer: &'a dyn Signer,
    },
    /// `Type="Sign"`: a detached GB/T 35275 SignedData over `Signature.xml` with signed
    /// attributes (contentType, messageDigest, signingTime) and GM/T 0010 OIDs.
    Sign {
        /// The signer's certificate (embedded in the SignedData).
        certificate: &'a Certificate,
        /// The signer's key.
        signer: &'a dyn Signer,
    },
}

impl fmt::Debug for SignKind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignKind::Seal {
                seal,
                signer_certificate,
                ..
            } => f
                .debug_struct("Seal")
                .field("es_id", &seal.es_id())
                .field("signer", &signer_certificate.subject_string())
                .finish_non_exhaustive(),
            SignKind::Sign { certificate, .. } => f
                .debug_struct("Sign")
                .field("signer", &certificate.subject_string())
                .finish_non_exhaustive(),
        }
    }
}

/// Everything [`sign_document`] needs besides the package: what signs, when, how the seal
/// appears, the mode, an optional timestamp source.
///
/// ```
/// use eseal::ofd::{OfdError, PageSelector, SignMode, SignRequest, Stamp, sign_document};
/// use eseal::pki::{Certificate, SoftwareSigner};
/// use eseal::ses::Seal;
/// use eseal::time::Time;
///
/// /// Stamps page 1 of `ofd` with `seal`, 150 mm from the left and 230 mm from the top.
/// fn stamp(
///     ofd: &[u8],
///     seal: &Seal,
///     cert: &Certificate,
///     key: &SoftwareSigner,
///     signing_time: Time,
/// ) -> Result<Vec<u8>, OfdError> {
///     let request = SignRequest::seal(seal, cert, key, signing_time)
///         .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0))
///         .mode(SignMode::ContinueSigning);
///     sign_document(ofd, &request)
/// }
/// ```
#[derive(Clone)]
pub struct SignRequest<'a> {
    kind: SignKind<'a>,
    signing_time: Time,
    mode: SignMode,
    stamps: Vec<Stamp>,
    timestamp: Option<&'a dyn TimestampSource>,
    document: usize,
    limits: Limits,
}

impl fmt::Debug for SignRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignRequest")
            .field("kind", &self.kind)
            .field("signing_time", &self.signing_time)
            .field("mode", &self.mode)
            .field("stamps", &self.stamps)
            .field("timestamp", &self.timestamp.is_some())
            .field("document", &self.document)
            .finish_non_exhaustive()
    }
}

impl<'a> SignRequest<'a> {
    /// A request of `kind` made at `signing_time` (the claimed time: `timeInfo`,
    /// `signingTime`, `SignatureDateTime`), continue-sign mode, no stamp, no timestamp, the
    /// first document of the package, default [`Limits`].
    #[must_use]
    pub fn new(kind: SignKind<'a>, signing_time: Time) -> Self {
        SignRequest {
            kind,
            signing_time,
            mode: SignMode::default(),
            stamps: Vec::new(),
            timestamp: None,
            document: 0,
            limits: Limits::default(),
        }
    }

    /// A seal signature (`Type="Seal"`) with `seal` by the holder of `signer_certificate`.
    #[must_use]
    pub fn seal(
        seal: &'a ses::Seal,
        signer_certificate: &'a Certificate,
        signer: &'a dyn Signer,
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

    /// A plain digital signature (`Type="Sign"`).
    #[must_use]
    pub fn digital(
        certificate: &'a Certificate,
        signer: &'a dyn Signer,
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

    /// Continue-sign (default) or whole-protect.
    #[must_use]
    pub fn mode(mut self, mode: SignMode) -> Self {
        self.mode = mode;
        self
    }

    /// Adds an appearance (any number; none makes an invisible signature).
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

    /// Signs the `index`-th `DocBody` of `OFD.xml` (default 0).
    #[must_use]
    pub fn document(mut self, index: usize) -> Self {
        self.document = index;
        self
    }

    /// Limits for reading the package (default [`Limits::default`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

fn misuse(detail: impl Into<String>) -> OfdError {
    OfdError::ApiMisuse {
        detail: detail.into(),
    }
}

fn failed(stage: &'static str, detail: impl fmt::Display) -> OfdError {
    OfdError::SigningFailed {
        stage,
        detail: detail.to_string(),
    }
}

/// `SignatureDateTime` as `YYYYMMDDhhmmssZ` (the GeneralizedTime form the corpus uses).
fn date_time_text(at: Time) -> Result<String, OfdError> {
    let dt = at
        .to_date_time()
        .ok_or_else(|| misuse("the signing time is beyond the year 9999"))?;
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    ))
}

/// Rounds to 1/10 000 mm so that the written boxes stay short.
fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn select_page(document: &Document, page: PageSelector) -> Result<&Page, OfdError> {
    match page {
        PageSelector::Index(i) => document.pages.get(i).ok_or_else(|| {
            misuse(format!(
                "page index {i} is out of range: the document has {} pages",
                document.pages.len()
            ))
        }),
        PageSelector::Id(id) => document
            .page_by_id(id)
            .ok_or_else(|| misuse(format!("no page has the object ID {id}"))),
    }
}

fn page_box(document: &Document, page: &Page) -> Result<Rect, OfdError> {
    document.page_box(page).ok_or_else(|| {
        misuse(format!(
            "page {} has no PhysicalBox (neither its own Area nor the document's PageArea)",
            page.id
        ))
    })
}

/// Refuses a stamp whose visible part leaves its page: verifiers (eseal's `ofd.appearance`
/// among them) fail such a signature, so writing it would only make a document that does not
/// verify. A page without a known box cannot be checked here; the verifier reports it.
fn check_on_page(document: &Document, page: &Page, visible: &Rect) -> Result<(), OfdError> {
    match document.page_box(page) {
        Some(pb) if !pb.contains(visible) => Err(misuse(format!(
            "the stamp ({} × {} mm at {}, {}) lies partly off the page with ID {} ({} × {} mm at {}, {}): \
             place it within the page",
            visible.width,
            visible.height,
            visible.x,
            visible.y,
            page.id,
            pb.width,
            pb.height,
            pb.x,
            pb.y
        ))),
        _ => Ok(()),
    }
}

/// The `StampAnnot`s for the requested appearances.
fn stamp_annots(
    stamps: &[Stamp],
    document: &Document,
    picture_size: Option<(f64, f64)>,
) -> Result<Vec<StampAnnot>, OfdError> {
    let mut out = Vec::new();
    for stamp in stamps {
        let (w, h) = stamp.size.or(picture_size).ok_or_else(|| {
            misuse("a stamp of a digital signature needs a size (Stamp::size): there is no seal picture")
        })?;
        if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
            return Err(misuse(format!(
                "the stamp size {w} × {h} mm is not a positive finite size"
            )));
        }
        match stamp.placement {
            Placement::Page { page, x, y } => {
                if !(x.is_finite() && y.is_finite()) {
                    return Err(misuse("the stamp position is not a finite number"));
                }
                let page = select_page(document, page)?;
                let rect = Rect::new(round(x), round(y), round(w), round(h));
                check_on_page(document, page, &rect)?;
                let n = out.len() + 1;
                out.push(StampAnnot::new(&n.to_string(), page.id, rect));
            }
            Placement::Riding { pages, edge, y } => {
                if !y.is_finite() {
                    return Err(misuse("the riding seal position is not a finite number"));
                }
                let (first, last) = match pages {
                    PageRange::All => (0, document.pages.len().saturating_sub(1)),
                    PageRange::Indices { first, last } => (first, last),
                };
                let selected = document
                    .pages
                    .get(first..=last)
                    .filter(|p| !p.is_empty() && first <= last)
                    .ok_or_else(|| {
                        misuse(format!(
                            "pages {first}..={last} are not a range of the document's {} pages",
                            document.pages.len()
                        ))
                    })?;
                if selected.len() < 2 {
                    return Err(misuse(
                        "a riding seal needs at least two pages (use Stamp::on_page for one)",
                    ));
                }
                #[allow(clippy::cast_precision_loss)] // page counts are far below 2^52
                let slice = w / selected.len() as f64;
                for (i, page) in selected.iter().enumerate() {
                    let pb = page_box(document, page)?;
                    #[allow(clippy::cast_precision_loss)]
                    let offset = slice * i as f64;
                    // The slice i·w..(i+1)·w of the seal lies on the page at the edge.
                    let x = match edge {
                        Edge::Right => pb.x + pb.width - slice - offset,
                        Edge::Left => pb.x - offset,
                    };
                    let n = out.len() + 1;
                    let mut annot = StampAnnot::new(
                        &n.to_string(),
                        page.id,
                        Rect::new(round(x), round(y), round(w), round(h)),
                    );
                    annot.clip = Some(Rect::new(round(offset), 0.0, round(slice), round(h)));
                    let visible =
                        Rect::new(round(x) + round(offset), round(y), round(slice), round(h));
                    check_on_page(document, page, &visible)?;
                    out.push(annot);
                }
            }
        }
    }
    Ok(out)
}

/// Signs one document of an OFD package and returns the new package (see the module docs for
/// the procedure). The input is not modified; untouched entries are copied byte for byte.
///
/// # Errors
///
/// - the package cannot be read, or its `OFD.xml`, `Document.xml` or `Signatures.xml` is
///   malformed ([`OfdError`] from the reader);
/// - [`OfdError::WholeProtected`] when an existing signature references `Signatures.xml`;
///   the reader's error when an existing `Signature.xml` cannot be read (its protection is then
///   unknown, so signing is refused rather than risk breaking it);
/// - [`OfdError::ApiMisuse`] for a document index, page or page range the document does not
///   have, a stamp size that is not positive, a stamp without size on a digital signature, or
///   a stamp whose visible part leaves a page of known size (it would fail `ofd.appearance`);
/// - [`OfdError::SigningFailed`] when the seal signature (signer not listed in the seal,
///   signing time outside the seal's or certificate's validity, a damaged seal, a signer key
///   that is not the certificate's), the SignedData, or the timestamp source fails.
pub fn sign_document(package: &[u8], request: &SignRequest<'_>) -> Result<Vec<u8>, OfdError> {
    let pkg = OfdPackage::from_slice(package, &request.limits)?;
    let info = pkg.ofd()?;
    let body = info.bodies.get(request.document).ok_or_else(|| {
        misuse(format!(
            "OFD.xml has {} DocBody elements; there is no document number {}",
            info.bodies.len(),
            request.document
        ))
    })?;
    let document = pkg.document(body)?;
    let list = pkg.signature_list(body)?;

    // 1. Whole protection by an existing signature forbids any further signature.
    if let Some(list) = &list {
        for entry in &list.entries {
            // An unreadable Signature.xml is an error: its protection cannot be known.
            let sig = pkg.signature(entry)?;
            let protects =
                sig.signature.signed_info.references.iter().any(|r| {
                    pkg.resolve(&sig.path, &r.file_ref).ok().as_deref() == Some(&list.path)
                });
            if protects {
                return Err(OfdError::WholeProtected {
                    id: entry.id.clone(),
                });
            }
        }
    }

    let (kind, picture_size) = match request.kind {
        SignKind::Seal { seal, .. } => {
            let p = seal.picture();
            #[allow(clippy::cast_precision_loss)] // picture sizes are small integers
            (SignatureType::Seal, Some((p.width as f64, p.height as f64)))
        }
        SignKind::Sign { .. } => (SignatureType::Sign, None),
    };
    let stamp_annots = stamp_annots(&request.stamps, &document, picture_size)?;

    // 2. Signatures.xml, OFD.xml and Seal.esl, before any digest.
    let id = next_signature_id(list.as_ref());
    let dir = pkg.next_signature_dir(&document.path);
    let sig_path = format!("{dir}/Signature.xml");
    let value_path = format!("{dir}/SignedValue.dat");
    let seal_path = format!("{dir}/Seal.esl");
    let mut edit = pkg.edit();
    let signatures_path = match &list {
        Some(list) => {
            let current = pkg.get(&list.path).ok_or_else(|| OfdError::MissingEntry {
                path: list.path.clone(),
                referrer: "OFD.xml".into(),
            })?;
            let updated = add_signature_entry(
                current,
                &list.path,
                &id,
                kind,
                &format!("/{sig_path}"),
                &request.limits,
            )?;
            edit.put(&list.path, updated)?;
            list.path.clone()
        }
        None => {
            let doc_dir = parent_dir(&document.path);
            let path = if doc_dir.is_empty() {
                "Signs/Signatures.xml".to_owned()
            } else {
                format!("{doc_dir}/Signs/Signatures.xml")
            };
            if pkg.contains(&path) {
                return Err(misuse(format!(
                    "{path} exists but OFD.xml does not name it; refusing to overwrite it"
                )));
            }
            edit.put(
                &path,
                new_signatures_xml(&id, kind, &format!("/{sig_path}")),
            )?;
            let ofd_xml = pkg.get("OFD.xml").ok_or_else(|| OfdError::MissingEntry {
                path: "OFD.xml".into(),
                referrer: "the package root (entry point)".into(),
            })?;
            let updated = insert_signatures_location(
                ofd_xml,
                request.document,
                &format!("/{path}"),
                &request.limits,
            )?;
            edit.put("OFD.xml", updated)?;
            path
        }
    };
    if let SignKind::Seal { seal, .. } = request.kind {
        edit.put(&seal_path, seal.as_der().to_vec())?;
    }

    // 3. References over everything but this signature's own files (and Signatures.xml when
    //    later signatures must stay possible).
    let mut references = Vec::new();
    for name in edit.file_names() {
        if name == sig_path
            || name == value_path
            || (request.mode == SignMode::ContinueSigning && name == signatures_path)
        {
            continue;
        }
        if let Some(r) = edit.sm3_reference(&name) {
            references.push(r);
        }
    }
    let mut signed_info = SignedInfo::new(
        Provider::new("eseal", Some(env!("CARGO_PKG_VERSION")), None),
        references,
    );
    signed_info.signature_method = Some(SM2_WITH_SM3.to_owned());
    signed_info.signature_date_time = Some(date_time_text(request.signing_time)?);
    signed_info.stamp_annots = stamp_annots;
    if kind == SignatureType::Seal {
        signed_info.seal = Some(format!("/{seal_path}"));
    }

    // 4. Serialise once, sign those bytes.
    let xml = Signature::new(signed_info, &format!("/{value_path}")).to_xml();
    let value = match request.kind {
        SignKind::Seal {
            seal,
            signer_certificate,
            signer,
        } => seal_signature_value(
            seal,
            signer_certificate,
            signer,
            DataToSign::Bytes(&xml),
            format!("/{sig_path}"),
            request.signing_time,
            request.timestamp,
        ),
        SignKind::Sign {
            certificate,
            signer,
        } => {
            // GM/T 0010 OIDs: GB/T 33190 names GB/T 35275 (the GM/T 0010 profile) for
            // Type="Sign", and eseal keeps the contentType attribute equal to eContentType.
            let options = SignOptions::new()
                .with_flavour(OidFlavour::GmT0010)
                .with_signing_time(request.signing_time);
            cms_signature_value(
                CmsInput::Content(&xml),
                certificate,
                signer,
                &options,
                request.timestamp,
            )
        }
    }
    .map_err(|(stage, detail)| failed(stage, detail))?;
    edit.put(&sig_path, xml)?;
    edit.put(&value_path, value)?;
    edit.finish()
}

/// What a CMS signature signs: the content, or only its SM3 digest (a PDF byte range).
#[derive(Debug, Clone, Copy)]
pub(crate) enum CmsInput<'a> {
    /// The content (detached unless the options attach it).
    Content(&'a [u8]),
    /// SM3 of the content.
    Digest(&'a [u8; 32]),
}

/// The DER SES_Signature with `seal` over `data`, timestamped over its signature value when
/// `timestamp` is set: the seal value of both the OFD and the PDF signer. Errors name the
/// failing step.
pub(crate) fn seal_signature_value(
    seal: &ses::Seal,
    signer_certificate: &Certificate,
    signer: &dyn Signer,
    data: DataToSign<'_>,
    property_info: String,
    signing_time: Time,
    timestamp: Option<&dyn TimestampSource>,
) -> Result<Vec<u8>, (&'static str, String)> {
    let signature =
        SignatureBuilder::new(seal, signer_certificate, data, property_info, signing_time)
            .sign(signer)
            .map_err(|e| ("seal signature", e.to_string()))?;
    let signature = match timestamp {
        Some(source) => {
            let token = source
                .timestamp(signature.signature_value())
                .map_err(|e| ("timestamp", e.to_string()))?;
            ses::attach_timestamp(&signature, &token).map_err(|e| ("timestamp", e.to_string()))?
        }
        None => signature,
    };
    Ok(signature.as_der().to_vec())
}

/// The DER SignedData over `input` with `options`, with an RFC 3161 signatureTimeStampToken
/// over the SignerInfo signature when `timestamp` is set: the CMS value of both the OFD and
/// the PDF signer. Errors name the failing step.
pub(crate) fn cms_signature_value(
    input: CmsInput<'_>,
    certificate: &Certificate,
    signer: &dyn Signer,
    options: &SignOptions,
    timestamp: Option<&dyn TimestampSource>,
) -> Result<Vec<u8>, (&'static str, String)> {
    let der = match input {
        CmsInput::Content(content) => cms::sign(content, certificate, signer, options),
        CmsInput::Digest(digest) => cms::sign_digest(digest, certificate, signer, options),
    }
    .map_err(|e| ("SignedData", e.to_string()))?;
    let Some(source) = timestamp else {
        return Ok(der);
    };
    let parsed = cms::SignedData::from_der(&der).map_err(|e| ("SignedData", e.to_string()))?;
    let stamped = parsed
        .signature_value(0)
        .ok_or(("SignedData", "no SignerInfo was written".to_owned()))?;
    let token = source
        .timestamp(stamped)
        .map_err(|e| ("timestamp", e.to_string()))?;
    cms::add_signature_timestamp(&der, &token).map_err(|e| ("timestamp", e.to_string()))
}
