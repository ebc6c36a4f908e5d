//! Rendering simple PDF documents with [`pdf_writer`]: pages of a given size, Chinese and Latin
//! text, lines, rectangles, PNG and JPEG images, document metadata (the information
//! dictionary and an XMP packet) and embedded files ([`DocumentBuilder::embed_file`], read back
//! with [`super::PdfDocument::embedded_files`]). `docs/pdf-render.md` describes the output.
//!
//! Text uses one of two fonts:
//! - the **standard CJK font** `STSong-Light` ([`DocumentBuilder::standard_font`]), a Type0
//!   font with the predefined CMap `UniGB-UCS2-H` and a CIDFontType0 descendant of ordering
//!   Adobe-GB1. It is not embedded, so nothing ships with the document: readers substitute a
//!   Chinese font of their own (PDF 32000-1 §9.7.5.2 lists it among the predefined CMaps);
//! - a **caller-supplied OpenType font** ([`DocumentBuilder::add_font`]) with TrueType or CFF
//!   outlines, embedded as a subset of the glyphs the document uses (`Identity-H`;
//!   CIDFontType2 or CIDFontType0), for documents that must look the same everywhere.
//!
//! Both carry a `/ToUnicode` CMap, so text extracts exactly. Coordinates and sizes are
//! millimetres from the page's top-left corner, y down, as in [`crate::ofd`]'s writer.
//!
//! ```
//! use eseal::pdf::render::{Color, DocumentBuilder, DocumentMeta, PageSize, Rect};
//! let mut meta = DocumentMeta::default();
//! meta.title = Some("营业执照".into());
//! let mut doc = DocumentBuilder::new(meta);
//! let song = doc.standard_font();
//! doc.add_page(PageSize::A4)
//!     .text(song, 8.0, 20.0, 20.0, "电子证照 License", Color::BLACK)
//!     .line((20.0, 32.0), (190.0, 32.0), 0.5, Color::RED)
//!     .rect(Rect::new(10.0, 10.0, 190.0, 277.0), Some((0.3, Color::BLACK)), None);
//! let pdf = doc.finish().unwrap();
//! assert!(pdf.starts_with(b"%PDF-1.7"));
//! ```
//!
//! What it does not do: layout (line breaking, justification), shaping (ligatures, kerning,
//! complex scripts), vertical writing, CFF2 (variable) fonts, colour spaces other than
//! DeviceRGB/DeviceGray/DeviceCMYK.

mod font;
pub(crate) mod image;

use std::io::Write as _;

use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect as PdfRect, Ref, Str, TextStr};

use crate::ErrorCode;
use crate::time::Time;

use font::{EmbeddedFont, FontPlan};
use image::DecodedImage;

/// The page geometry and colour types of the OFD writer, so that one layout renders to both
/// formats (as e-licenses do).
pub use crate::ofd::{Color, PageSize, Rect};

/// The largest font file [`DocumentBuilder::add_font`] reads: 64 MiB.
pub const MAX_FONT_SIZE: usize = 64 * 1024 * 1024;
/// The largest image file [`DocumentBuilder::add_image`] reads: 64 MiB.
pub const MAX_IMAGE_FILE_SIZE: usize = 64 * 1024 * 1024;
/// The largest width or height of an image, in pixels.
pub const MAX_IMAGE_DIMENSION: u32 = 16_384;
/// The most bytes a decoded PNG may take (all channels, 8 bits each): 128 MiB.
pub const MAX_DECODED_IMAGE_SIZE: usize = 128 * 1024 * 1024;
/// The largest page side in millimetres: 14 400 PDF units (200 inches), the limit
/// PDF 32000-1 Annex C gives for page sizes.
pub const MAX_PAGE_SIDE_MM: f64 = 5080.0;

/// The largest file [`DocumentBuilder::embed_file`] embeds: 64 MiB.
pub const MAX_EMBEDDED_FILE_SIZE: usize = 64 * 1024 * 1024;
/// The most files one document embeds.
pub const MAX_EMBEDDED_FILES: usize = 256;
/// The longest embedded file name, in bytes.
pub const MAX_EMBEDDED_NAME_LEN: usize = 255;

/// Millimetres to PDF units (1/72 inch).
const PT_PER_MM: f64 = 72.0 / 25.4;

/// An error while rendering a PDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A font or image cannot be read as what it claims to be.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// `PNG image`, `JPEG image` or `font`.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A font, image or page is larger than the renderer accepts.
    #[error("{what} is {actual}, more than the limit of {limit}")]
    TooLarge {
        /// What was measured, with its unit.
        what: &'static str,
        /// The size found.
        actual: u64,
        /// The limit.
        limit: u64,
    },
    /// A valid font or image the renderer does not handle (CFF2 outlines, 12-bit JPEG).
    #[error("unsupported {what}: {detail}")]
    Unsupported {
        /// `font`, `JPEG image`, ….
        what: &'static str,
        /// What is not supported.
        detail: String,
    },
    /// The caller's document cannot be written: no pages, a font or image ID this builder did
    /// not hand out, a size that is not a positive finite number, a character the font cannot
    /// show.
    #[error("{detail}")]
    InvalidArgument {
        /// What is wrong.
        detail: String,
    },
    /// A bug in the renderer or a library beneath it (a subsetter failure on a font that
    /// parsed).
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl RenderError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::TooLarge { .. } => ErrorCode::LimitExceeded,
            Self::Unsupported { .. } => ErrorCode::Unsupported,
            Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Self::Internal { .. } => ErrorCode::Internal,
        }
    }
}

impl From<RenderError> for crate::Error {
    /// An error with the render error's code and message.
    fn from(e: RenderError) -> Self {
        crate::Error::new(e.code(), e.to_string())
    }
}

fn invalid(detail: impl Into<String>) -> RenderError {
    RenderError::InvalidArgument {
        detail: detail.into(),
    }
}

/// Document metadata: the information dictionary (PDF 32000-1 §14.3.3) and the same values
/// in an XMP packet (§14.3.2; Dublin Core, `pdf:` and `xmp:` properties).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocumentMeta {
    /// `/Title`, `dc:title`.
    pub title: Option<String>,
    /// `/Author`, `dc:creator`.
    pub author: Option<String>,
    /// `/Subject`, `dc:description`.
    pub subject: Option<String>,
    /// `/Keywords`, `pdf:Keywords`.
    pub keywords: Option<String>,
    /// `/Creator`, `xmp:CreatorTool`: the application that made the content.
    pub creator: Option<String>,
    /// `/CreationDate`, `xmp:CreateDate` (UTC). The crate reads no clock: pass it in.
    pub creation_date: Option<Time>,
}

/// How an embedded file relates to the document: `/AFRelationship` of its file specification
/// (PDF/A-3, ISO 19005-3 §6.8; ISO 32000-2 §14.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FileRelationship {
    /// The document was made from this file.
    Source,
    /// The file holds data the document presents (an e-invoice's or e-license's XML).
    Data,
    /// An alternative representation of the document.
    Alternative,
    /// A supplement to the document.
    Supplement,
    /// No stated relationship.
    #[default]
    Unspecified,
}

impl FileRelationship {
    /// The PDF name (`Data`, `Source`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Source => "Source",
            Self::Data => "Data",
            Self::Alternative => "Alternative",
            Self::Supplement => "Supplement",
            Self::Unspecified => "Unspecified",
        }
    }

    fn kind(self) -> pdf_writer::types::AssociationKind {
        use pdf_writer::types::AssociationKind as K;
        match self {
            Self::Source => K::Source,
            Self::Data => K::Data,
            Self::Alternative => K::Alternative,
            Self::Supplement => K::Supplement,
            Self::Unspecified => K::Unspecified,
        }
    }
}

/// A file to embed ([`DocumentBuilder::embed_file`]): listed in the catalog's
/// `/Names /EmbeddedFiles` name tree and, as PDF/A-3 associates files with a document, in the
/// catalog's `/AF` array.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmbeddedFile {
    /// The file name (`/F` and `/UF`, and the name tree's key).
    pub name: String,
    /// The content (stored Flate-compressed).
    pub data: Vec<u8>,
    /// Its MIME type (`/Subtype`), e.g. `application/xml`.
    pub mime_type: Option<String>,
    /// `/Desc`: what the file is, for a reader's attachment list.
    pub description: Option<String>,
    /// `/AFRelationship`.
    pub relationship: FileRelationship,
    /// `/Params /ModDate` (UTC). The crate reads no clock: pass it in.
    pub modified: Option<Time>,
}

impl EmbeddedFile {
    /// A file `name` with `data`, no MIME type, description or date, relationship
    /// `Unspecified`.
    #[must_use]
    pub fn new(name: impl Into<String>, data: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            data,
            mime_type: None,
            description: None,
            relationship: FileRelationship::Unspecified,
            modified: None,
        }
    }

    /// Sets the MIME type.
    #[must_use]
    pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = Some(mime.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the relationship to the document.
    #[must_use]
    pub fn relationship(mut self, relationship: FileRelationship) -> Self {
        self.relationship = relationship;
        self
    }

    /// Sets the modification date.
    #[must_use]
    pub fn modified(mut self, at: Time) -> Self {
        self.modified = Some(at);
        self
    }
}

/// A font of one [`DocumentBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontId(usize);

/// An image of one [`DocumentBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageId(usize);

enum FontDef {
    Standard,
    Embedded(EmbeddedFont),
}

enum Op {
    Text {
        font: FontId,
        size: f64,
        x: f64,
        y: f64,
        text: String,
        color: Color,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        width: f64,
        color: Color,
    },
    Rect {
        rect: Rect,
        stroke: Option<(f64, Color)>,
        fill: Option<Color>,
    },
    Image {
        image: ImageId,
        rect: Rect,
    },
}

struct PageDef {
    size: PageSize,
    ops: Vec<Op>,
}

/// Builds a PDF document: add fonts, images and pages, then [`DocumentBuilder::finish`].
pub struct DocumentBuilder {
    meta: DocumentMeta,
    fonts: Vec<FontDef>,
    images: Vec<DecodedImage>,
    pages: Vec<PageDef>,
    files: Vec<EmbeddedFile>,
}

impl core::fmt::Debug for DocumentBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DocumentBuilder")
            .field("meta", &self.meta)
            .field("fonts", &self.fonts.len())
            .field("images", &self.images.len())
            .field("pages", &self.pages.len())
            .field("files", &self.files.len())
            .finish()
    }
}

/// Records the content of one page; returned by [`DocumentBuilder::add_page`].
///
/// Coordinates are millimetres from the page's top-left corner, y down. Values are checked by
/// [`DocumentBuilder::finish`].
#[derive(Debug)]
pub struct PageBuilder<'a> {
    pages: &'a mut Vec<PageDef>,
    index: usize,
}

impl core::fmt::Debug for PageDef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PageDef")
            .field("size", &self.size)
            .field("ops", &self.ops.len())
            .finish()
    }
}

impl PageBuilder<'_> {
    fn push(&mut self, op: Op) -> &mut Self {
        if let Some(page) = self.pages.get_mut(self.index) {
            page.ops.push(op);
        }
        self
    }

    /// A line of text in `font` whose em box starts at (`x`, `y`) (top-left) and is `size` mm
    /// high; the baseline lies at the font's ascent below `y`. No line breaking: the caller
    /// places each line.
    pub fn text(
        &mut self,
        font: FontId,
        size: f64,
        x: f64,
        y: f64,
        text: &str,
        color: Color,
    ) -> &mut Self {
        self.push(Op::Text {
            font,
            size,
            x,
            y,
            text: text.to_owned(),
            color,
        })
    }

    /// A straight line `width` mm wide.
    pub fn line(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        width: f64,
        color: Color,
    ) -> &mut Self {
        self.push(Op::Line {
            from,
            to,
            width,
            color,
        })
    }

    /// A rectangle, stroked (`(line width, colour)`) and/or filled.
    pub fn rect(
        &mut self,
        rect: Rect,
        stroke: Option<(f64, Color)>,
        fill: Option<Color>,
    ) -> &mut Self {
        self.push(Op::Rect { rect, stroke, fill })
    }

    /// An image scaled into `rect` (its aspect ratio is the caller's choice).
    pub fn image(&mut self, image: ImageId, rect: Rect) -> &mut Self {
        self.push(Op::Image { image, rect })
    }
}

impl DocumentBuilder {
    /// A new, empty document with this metadata.
    #[must_use]
    pub fn new(meta: DocumentMeta) -> Self {
        DocumentBuilder {
            meta,
            fonts: Vec::new(),
            images: Vec::new(),
            pages: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Embeds `file` in the document (see [`EmbeddedFile`]). Files are listed in the name tree
    /// in the byte order of their encoded names, as PDF requires.
    ///
    /// # Errors
    ///
    /// [`RenderError::TooLarge`] beyond [`MAX_EMBEDDED_FILE_SIZE`] or [`MAX_EMBEDDED_FILES`];
    /// [`RenderError::InvalidArgument`] for an empty name, one longer than
    /// [`MAX_EMBEDDED_NAME_LEN`] or with control characters or `/`, a name already embedded,
    /// or a MIME type that is not `type/subtype` in printable ASCII.
    pub fn embed_file(&mut self, file: EmbeddedFile) -> Result<(), RenderError> {
        if file.data.len() > MAX_EMBEDDED_FILE_SIZE {
            return Err(RenderError::TooLarge {
                what: "embedded file (bytes)",
                actual: file.data.len() as u64,
                limit: MAX_EMBEDDED_FILE_SIZE as u64,
            });
        }
        if self.files.len() >= MAX_EMBEDDED_FILES {
            return Err(RenderError::TooLarge {
                what: "number of embedded files",
                actual: self.files.len() as u64 + 1,
                limit: MAX_EMBEDDED_FILES as u64,
            });
        }
        let name = &file.name;
        if name.is_empty()
            || name.len() > MAX_EMBEDDED_NAME_LEN
            || name
                .chars()
                .any(|c| c.is_control() || c == '/' || c == '\\')
        {
            return Err(invalid(format!(
                "embedded file name {name:?}: 1 to {MAX_EMBEDDED_NAME_LEN} bytes without control \
                 characters or path separators"
            )));
        }
        if self.files.iter().any(|f| &f.name == name) {
            return Err(invalid(format!("the file {name:?} is already embedded")));
        }
        if let Some(mime) = &file.mime_type {
            let ok = mime.split_once('/').is_some_and(|(t, s)| {
                !t.is_empty()
                    && !s.is_empty()
                    && mime.len() <= 127
                    && mime.bytes().all(|b| b.is_ascii_graphic())
            });
            if !ok {
                return Err(invalid(format!(
                    "MIME type {mime:?} is not type/subtype in printable ASCII"
                )));
            }
        }
        self.files.push(file);
        Ok(())
    }

    /// The width in mm of `text` set in `font` at `size` mm, as [`PageBuilder::text`] lays it
    /// out (the advances the PDF declares; no kerning): for centring or right-aligning a line.
    ///
    /// # Errors
    ///
    /// [`RenderError::InvalidArgument`] for a font ID this builder did not hand out or a
    /// character the embedded font has no glyph for.
    pub fn text_width(&self, font: FontId, size: f64, text: &str) -> Result<f64, RenderError> {
        let em = match self.fonts.get(font.0) {
            Some(FontDef::Standard) => font::standard_advance(text),
            Some(FontDef::Embedded(f)) => f.advance(text)?,
            None => return Err(invalid("text_width: a font this document does not have")),
        };
        Ok(em * size)
    }

    /// The standard CJK font `STSong-Light` (`UniGB-UCS2-H`, not embedded). Its text is
    /// limited to the Basic Multilingual Plane (the CMap encodes UCS-2).
    pub fn standard_font(&mut self) -> FontId {
        self.fonts.push(FontDef::Standard);
        FontId(self.fonts.len() - 1)
    }

    /// Adds an OpenType font with TrueType or CFF outlines (a `.ttf` or `.otf`, or face
    /// `index` of a `.ttc`/`.otc` collection) to embed as a subset of the glyphs the document
    /// uses.
    ///
    /// # Errors
    ///
    /// [`RenderError::TooLarge`] above [`MAX_FONT_SIZE`], [`RenderError::Malformed`] when
    /// the bytes are no font (or `index` is past the collection), [`RenderError::Unsupported`]
    /// for a font with neither outline format (CFF2) or without a Unicode `cmap`.
    pub fn add_font(&mut self, data: Vec<u8>, index: u32) -> Result<FontId, RenderError> {
        let font = EmbeddedFont::new(data, index)?;
        self.fonts.push(FontDef::Embedded(font));
        Ok(FontId(self.fonts.len() - 1))
    }

    /// Adds a PNG (any colour type; alpha or a `tRNS` transparency becomes a soft mask) or a
    /// baseline/progressive JPEG (greyscale, RGB or CMYK, stored as it is). The format is
    /// recognised from the bytes, which are decoded now.
    ///
    /// # Errors
    ///
    /// [`RenderError::Malformed`] for bytes that are neither, or a broken PNG/JPEG;
    /// [`RenderError::TooLarge`] beyond [`MAX_IMAGE_FILE_SIZE`], [`MAX_IMAGE_DIMENSION`] or
    /// [`MAX_DECODED_IMAGE_SIZE`]; [`RenderError::Unsupported`] for JPEGs PDF cannot carry
    /// (12-bit samples, two components, a height given only later in the stream).
    pub fn add_image(&mut self, data: &[u8]) -> Result<ImageId, RenderError> {
        self.images.push(DecodedImage::decode(data)?);
        Ok(ImageId(self.images.len() - 1))
    }

    /// Adds a page and returns its content recorder.
    pub fn add_page(&mut self, size: PageSize) -> PageBuilder<'_> {
        self.pages.push(PageDef {
            size,
            ops: Vec::new(),
        });
        let index = self.pages.len() - 1;
        PageBuilder {
            pages: &mut self.pages,
            index,
        }
    }

    /// Writes the document: PDF 1.7 with a classic cross-reference table, every stream
    /// Flate-compressed (JPEGs stay DCT).
    ///
    /// # Errors
    ///
    /// [`RenderError::InvalidArgument`] for a document without pages, a font or image ID this
    /// builder did not hand out (IDs are indices: one of another builder is caught when it lies
    /// past this builder's fonts or images), a page size outside (0, [`MAX_PAGE_SIDE_MM`]], a coordinate or size
    /// that is not finite (or a negative size), control characters in text, or a character the
    /// font cannot show (outside the BMP for the standard font, no glyph in an embedded one);
    /// [`RenderError::Internal`] when subsetting fails.
    pub fn finish(&self) -> Result<Vec<u8>, RenderError> {
        if self.pages.is_empty() {
            return Err(invalid("a PDF needs at least one page"));
        }
        self.check()?;

        // Object numbers: 1 catalog, 2 page tree, 3 info, 4 metadata, then allocated.
        let mut next = 5;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog_id = Ref::new(1);
        let pages_id = Ref::new(2);
        let info_id = Ref::new(3);
        let metadata_id = Ref::new(4);

        // Fonts: what each uses, its subset and objects.
        let mut plans = Vec::with_capacity(self.fonts.len());
        for (index, def) in self.fonts.iter().enumerate() {
            let text = self.text_of(FontId(index));
            let plan = match def {
                FontDef::Standard => FontPlan::standard(&text)?,
                FontDef::Embedded(font) => font.plan(&text)?,
            };
            plans.push((plan, alloc()));
        }
        let image_ids: Vec<(Ref, Option<Ref>)> = self
            .images
            .iter()
            .map(|img| (alloc(), img.alpha.as_ref().map(|_| alloc())))
            .collect();
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (alloc(), alloc())).collect();

        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);
        let mut id_hasher = crate::crypto::sm3::Sm3Hasher::new();

        for (plan, font_ref) in &plans {
            plan.write(&mut pdf, *font_ref, &mut alloc)?;
            id_hasher.update(plan.fingerprint());
        }
        for (img, (img_ref, mask_ref)) in self.images.iter().zip(&image_ids) {
            img.write(&mut pdf, *img_ref, *mask_ref)?;
            id_hasher.update(&img.fingerprint());
        }

        for (page, (page_ref, content_ref)) in self.pages.iter().zip(&page_ids) {
            let content = self.content(page, &plans)?;
            id_hasher.update(&content);
            let compressed = deflate(&content)?;
            pdf.stream(*content_ref, &compressed)
                .filter(pdf_writer::Filter::FlateDecode);
            let mut p = pdf.page(*page_ref);
            p.parent(pages_id)
                .media_box(PdfRect::new(
                    0.0,
                    0.0,
                    pt(page.size.width),
                    pt(page.size.height),
                ))
                .contents(*content_ref);
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            for (index, (_, font_ref)) in plans.iter().enumerate() {
                fonts.pair(Name(font_name(index).as_bytes()), *font_ref);
            }
            fonts.finish();
            let mut xobjects = resources.x_objects();
            for (index, (img_ref, _)) in image_ids.iter().enumerate() {
                xobjects.pair(Name(image_name(index).as_bytes()), *img_ref);
            }
            xobjects.finish();
            resources.finish();
            p.finish();
        }

        let file_refs = self.write_files(&mut pdf, &mut alloc, &mut id_hasher)?;
        let mut catalog = pdf.catalog(catalog_id);
        catalog.pages(pages_id).metadata(metadata_id);
        if !file_refs.is_empty() {
            // The name tree in one leaf (at most MAX_EMBEDDED_FILES entries), keys sorted.
            let mut sorted: Vec<(Vec<u8>, Ref)> = self
                .files
                .iter()
                .zip(&file_refs)
                .map(|(f, r)| (text_string_bytes(&f.name), *r))
                .collect();
            sorted.sort();
            let mut names = catalog.names();
            let mut tree = names.embedded_files();
            let mut entries = tree.names();
            for (key, r) in &sorted {
                entries.insert(Str(key), *r);
            }
            entries.finish();
            tree.finish();
            names.finish();
            catalog
                .insert(Name(b"AF"))
                .array()
                .items(file_refs.iter().copied());
        }
        catalog.finish();
        let count = i32::try_from(page_ids.len()).map_err(|_| invalid("too many pages"))?;
        pdf.pages(pages_id)
            .kids(page_ids.iter().map(|(p, _)| *p))
            .count(count);

        self.write_info(&mut pdf, info_id);
        let xmp = self.xmp();
        id_hasher.update(xmp.as_bytes());
        pdf.metadata(metadata_id, xmp.as_bytes());

        // The file identifier: derived from the content, so equal input gives equal bytes.
        let digest = id_hasher.finalize();
        let id = digest.get(..16).unwrap_or(&digest).to_vec();
        pdf.set_file_id((id.clone(), id));
        Ok(pdf.finish())
    }

    /// Writes each embedded file's stream and file specification; returns the specifications'
    /// references in the order the files were added.
    fn write_files(
        &self,
        pdf: &mut Pdf,
        alloc: &mut impl FnMut() -> Ref,
        id_hasher: &mut crate::crypto::sm3::Sm3Hasher,
    ) -> Result<Vec<Ref>, RenderError> {
        let mut refs = Vec::with_capacity(self.files.len());
        for f in &self.files {
            let (spec_ref, stream_ref) = (alloc(), alloc());
            id_hasher.update(f.name.as_bytes());
            id_hasher.update(&f.data);
            let compressed = deflate(&f.data)?;
            let size =
                i32::try_from(f.data.len()).map_err(|_| invalid("embedded file too large"))?;
            let mut stream = pdf.embedded_file(stream_ref, &compressed);
            stream.filter(pdf_writer::Filter::FlateDecode);
            if let Some(mime) = &f.mime_type {
                // pdf-writer writes the `/` of the MIME type as `#2F` (PDF 32000-1 §7.3.5).
                stream.subtype(Name(mime.as_bytes()));
            }
            let mut params = stream.params();
            params.size(size);
            if let Some(date) = f.modified.and_then(pdf_date) {
                params.modification_date(date);
            }
            params.finish();
            stream.finish();
            let mut spec = pdf.file_spec(spec_ref);
            spec.path(Str(&text_string_bytes(&f.name)))
                .unic_file(TextStr(&f.name))
                .embedded_file_with_unicode(stream_ref)
                .association_kind(f.relationship.kind());
            if let Some(d) = &f.description {
                spec.description(TextStr(d));
            }
            spec.finish();
            refs.push(spec_ref);
        }
        Ok(refs)
    }

    /// Every character shown in `font`, in order of appearance.
    fn text_of(&self, font: FontId) -> String {
        let mut out = String::new();
        for page in &self.pages {
            for op in &page.ops {
                if let Op::Text { font: f, text, .. } = op {
                    if *f == font {
                        out.push_str(text);
                    }
                }
            }
        }
        out
    }

    fn check(&self) -> Result<(), RenderError> {
        for (n, page) in self.pages.iter().enumerate() {
            let PageSize { width, height } = page.size;
            if !(width > 0.0
                && width <= MAX_PAGE_SIDE_MM
                && height > 0.0
                && height <= MAX_PAGE_SIDE_MM)
            {
                return Err(invalid(format!(
                    "page {} is {width} × {height} mm; each side must be in (0, {MAX_PAGE_SIDE_MM}] mm",
                    n + 1
                )));
            }
            for op in &page.ops {
                self.check_op(op)?;
            }
        }
        Ok(())
    }

    fn check_op(&self, op: &Op) -> Result<(), RenderError> {
        let finite = |what: &str, values: &[f64]| {
            if values.iter().all(|v| v.is_finite()) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{what} has a value that is not a finite number"
                )))
            }
        };
        let rect_ok = |what: &str, r: &Rect| {
            finite(what, &[r.x, r.y, r.width, r.height])?;
            if r.width < 0.0 || r.height < 0.0 {
                return Err(invalid(format!("{what} has a negative size")));
            }
            Ok(())
        };
        match op {
            Op::Text {
                font,
                size,
                x,
                y,
                text,
                ..
            } => {
                finite("text", &[*size, *x, *y])?;
                if *size <= 0.0 {
                    return Err(invalid("text size must be positive"));
                }
                if self.fonts.get(font.0).is_none() {
                    return Err(invalid("text uses a font this document does not have"));
                }
                if text.chars().any(char::is_control) {
                    return Err(invalid(format!(
                        "text contains control characters: {text:?}"
                    )));
                }
            }
            Op::Line {
                from, to, width, ..
            } => {
                finite("line", &[from.0, from.1, to.0, to.1, *width])?;
                if *width < 0.0 {
                    return Err(invalid("line width must not be negative"));
                }
            }
            Op::Rect { rect, stroke, .. } => {
                rect_ok("rectangle", rect)?;
                if let Some((w, _)) = stroke {
                    finite("rectangle stroke", &[*w])?;
                    if *w < 0.0 {
                        return Err(invalid("line width must not be negative"));
                    }
                }
            }
            Op::Image { image, rect } => {
                rect_ok("image", rect)?;
                if self.images.get(image.0).is_none() {
                    return Err(invalid("page uses an image this document does not have"));
                }
            }
        }
        Ok(())
    }

    /// The content stream of `page`.
    fn content(&self, page: &PageDef, plans: &[(FontPlan, Ref)]) -> Result<Vec<u8>, RenderError> {
        let height = page.size.height;
        // PDF's y axis points up from the bottom edge.
        let y_up = |y: f64| pt(height - y);
        let mut c = Content::new();
        for op in &page.ops {
            match op {
                Op::Text {
                    font,
                    size,
                    x,
                    y,
                    text,
                    color,
                } => {
                    let (plan, _) = plans
                        .get(font.0)
                        .ok_or_else(|| invalid("text uses a font this document does not have"))?;
                    let encoded = plan.encode(text)?;
                    let (r, g, b) = components(*color);
                    let baseline = *y + *size * plan.ascent();
                    c.save_state();
                    c.set_fill_rgb(r, g, b);
                    c.begin_text();
                    c.set_font(Name(font_name(font.0).as_bytes()), pt(*size));
                    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, pt(*x), y_up(baseline)]);
                    c.show(Str(&encoded));
                    c.end_text();
                    c.restore_state();
                }
                Op::Line {
                    from,
                    to,
                    width,
                    color,
                } => {
                    let (r, g, b) = components(*color);
                    c.save_state();
                    c.set_stroke_rgb(r, g, b);
                    c.set_line_width(pt(*width));
                    c.move_to(pt(from.0), y_up(from.1));
                    c.line_to(pt(to.0), y_up(to.1));
                    c.stroke();
                    c.restore_state();
                }
                Op::Rect { rect, stroke, fill } => {
                    if stroke.is_none() && fill.is_none() {
                        continue;
                    }
                    c.save_state();
                    if let Some((w, color)) = stroke {
                        let (r, g, b) = components(*color);
                        c.set_stroke_rgb(r, g, b);
                        c.set_line_width(pt(*w));
                    }
                    if let Some(color) = fill {
                        let (r, g, b) = components(*color);
                        c.set_fill_rgb(r, g, b);
                    }
                    c.rect(
                        pt(rect.x),
                        y_up(rect.y + rect.height),
                        pt(rect.width),
                        pt(rect.height),
                    );
                    match (stroke, fill) {
                        (Some(_), Some(_)) => c.fill_nonzero_and_stroke(),
                        (Some(_), None) => c.stroke(),
                        _ => c.fill_nonzero(),
                    };
                    c.restore_state();
                }
                Op::Image { image, rect } => {
                    c.save_state();
                    c.transform([
                        pt(rect.width),
                        0.0,
                        0.0,
                        pt(rect.height),
                        pt(rect.x),
                        y_up(rect.y + rect.height),
                    ]);
                    c.x_object(Name(image_name(image.0).as_bytes()));
                    c.restore_state();
                }
            }
        }
        Ok(c.finish().into_vec())
    }

    fn write_info(&self, pdf: &mut Pdf, id: Ref) {
        let m = &self.meta;
        let mut info = pdf.document_info(id);
        if let Some(v) = &m.title {
            info.title(TextStr(v));
        }
        if let Some(v) = &m.author {
            info.author(TextStr(v));
        }
        if let Some(v) = &m.subject {
            info.subject(TextStr(v));
        }
        if let Some(v) = &m.keywords {
            info.keywords(TextStr(v));
        }
        if let Some(v) = &m.creator {
            info.creator(TextStr(v));
        }
        info.producer(TextStr(PRODUCER));
        if let Some(date) = m.creation_date.and_then(pdf_date) {
            info.creation_date(date);
        }
    }

    /// The XMP packet with the metadata (ISO 16684-1; properties as PDF 32000-1 §14.3.2
    /// maps them from the information dictionary).
    fn xmp(&self) -> String {
        let m = &self.meta;
        let mut props = String::new();
        if let Some(v) = &m.title {
            props.push_str(&format!(
                "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
                xml_escape(v)
            ));
        }
        if let Some(v) = &m.author {
            props.push_str(&format!(
                "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
                xml_escape(v)
            ));
        }
        if let Some(v) = &m.subject {
            props.push_str(&format!(
                "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
                xml_escape(v)
            ));
        }
        if let Some(v) = &m.keywords {
            props.push_str(&format!("<pdf:Keywords>{}</pdf:Keywords>\n", xml_escape(v)));
        }
        props.push_str(&format!("<pdf:Producer>{}</pdf:Producer>\n", PRODUCER));
        if let Some(v) = &m.creator {
            props.push_str(&format!(
                "<xmp:CreatorTool>{}</xmp:CreatorTool>\n",
                xml_escape(v)
            ));
        }
        if let Some(t) = m.creation_date {
            // RFC 3339 in UTC is the XMP date form.
            props.push_str(&format!("<xmp:CreateDate>{t}</xmp:CreateDate>\n"));
        }
        format!(
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
             <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
             <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
             <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
             xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
             {props}</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
        )
    }
}

/// `/Producer` of every rendered document.
const PRODUCER: &str = concat!("eseal ", env!("CARGO_PKG_VERSION"));

/// Millimetres to PDF units, as pdf-writer's `f32`.
#[allow(clippy::cast_possible_truncation)]
fn pt(mm: f64) -> f32 {
    (mm * PT_PER_MM) as f32
}

fn font_name(index: usize) -> String {
    format!("F{}", index + 1)
}

fn image_name(index: usize) -> String {
    format!("Im{}", index + 1)
}

fn pdf_date(t: Time) -> Option<Date> {
    let d = t.to_date_time()?;
    Some(
        Date::new(d.year())
            .month(d.month())
            .day(d.day())
            .hour(d.hour())
            .minute(d.minutes())
            .second(d.seconds())
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    )
}

/// A PDF text string's bytes: ASCII as it is, anything else UTF-16BE with a byte order mark
/// (PDF 32000-1 §7.9.2.2), the encoding `TextStr` writes; the name tree sorts by these bytes.
fn text_string_bytes(s: &str) -> Vec<u8> {
    if s.bytes().all(|b| matches!(b, 32..=126)) {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// XML text without the control characters XML 1.0 cannot carry.
fn xml_escape(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

/// A colour's components for DeviceRGB operators.
fn components(c: Color) -> (f32, f32, f32) {
    (
        f32::from(c.r) / 255.0,
        f32::from(c.g) / 255.0,
        f32::from(c.b) / 255.0,
    )
}

/// zlib (`/FlateDecode`) compression.
fn deflate(data: &[u8]) -> Result<Vec<u8>, RenderError> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data)
        .and_then(|()| e.finish())
        .map_err(|err| RenderError::Internal {
            detail: format!("deflate: {err}"),
        })
}
