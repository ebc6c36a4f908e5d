//! Writing simple OFD documents from scratch (standards-notes §5.9): pages with text,
//! lines, rectangles and images; fonts (optionally embedded); attachments; custom tags.
//!
//! ```
//! use eseal::ofd::{Color, DocumentBuilder, DocumentMeta, ImageFormat, PageSize, Rect};
//! let mut meta = DocumentMeta::default();
//! meta.title = Some("营业执照".into());
//! let mut doc = DocumentBuilder::new(meta);
//! let font = doc.add_font("宋体", None);
//! doc.add_page(PageSize::A4)
//!     .text(font, 5.0, 20.0, 20.0, "电子证照", Color::BLACK)
//!     .rect(Rect::new(10.0, 10.0, 190.0, 277.0), Some((0.5, Color::rgb(200, 0, 0))), None);
//! let bytes = doc.finish().unwrap();
//! let pkg = eseal::ofd::OfdPackage::from_bytes(&bytes, &Default::default()).unwrap();
//! assert_eq!(pkg.document(&pkg.ofd().unwrap().bodies[0]).unwrap().pages.len(), 1);
//! ```

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use crate::crypto::sm3::Sm3Hasher;
use zip::ZipWriter;

use super::edit::new_entry_options;
use super::path::check_entry_name;
use super::xml::escape;
use super::{OFD_NAMESPACE, OfdError, Rect};
use crate::time::Time;

/// Document metadata for `OFD.xml` `DocInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocumentMeta {
    /// `DocID`: 32 hexadecimal digits. When `None`, derived from the SM3 digest of the
    /// document's other files, so equal input gives an equal ID.
    pub doc_id: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `Author`.
    pub author: Option<String>,
    /// `Creator` (the producing application).
    pub creator: Option<String>,
    /// `CreatorVersion`.
    pub creator_version: Option<String>,
    /// `CreationDate` (written as the UTC date). The crate reads no clock: pass it in.
    pub creation_date: Option<Time>,
    /// `CustomDatas/CustomData` (`@Name`, text) pairs.
    pub custom_datas: Vec<(String, String)>,
}

/// A page size in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl PageSize {
    /// ISO A4 portrait, 210 × 297 mm.
    pub const A4: PageSize = PageSize {
        width: 210.0,
        height: 297.0,
    };

    /// A page of `width` × `height` mm.
    #[must_use]
    pub const fn new(width: f64, height: f64) -> Self {
        PageSize { width, height }
    }
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize::A4
    }
}

/// An RGB colour (`ST_Array` of three 0–255 components in the default RGB space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Color {
    /// Black.
    pub const BLACK: Color = Color { r: 0, g: 0, b: 0 };
    /// Seal red (as used by e-seal pictures).
    pub const RED: Color = Color { r: 255, g: 0, b: 0 };

    /// A colour from its components.
    #[must_use]
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b }
    }

    fn value(self) -> String {
        format!("{} {} {}", self.r, self.g, self.b)
    }
}

/// A font added with [`DocumentBuilder::add_font`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontId(usize);

/// An image added with [`DocumentBuilder::add_image`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageId(usize);

/// `MultiMedia/@Format` of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
}

impl ImageFormat {
    fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
        }
    }
}

/// A file attached to the document (`Attachments.xml`, GB/T 33190 §20).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attachment {
    /// `@Name`.
    pub name: String,
    /// `@Format` (`xml`, `pdf`, …).
    pub format: String,
    /// The file name inside `Doc_0/Attachs/` (no `/`).
    pub file_name: String,
    /// The file's bytes.
    pub data: Vec<u8>,
    /// `@CreationDate`.
    pub creation_date: Option<Time>,
    /// `@Visible`.
    pub visible: bool,
}

impl Attachment {
    /// An invisible attachment without creation date.
    #[must_use]
    pub fn new(name: &str, format: &str, file_name: &str, data: Vec<u8>) -> Self {
        Attachment {
            name: name.to_owned(),
            format: format.to_owned(),
            file_name: file_name.to_owned(),
            data,
            creation_date: None,
            visible: false,
        }
    }
}

/// A custom tag file (`CustomTags.xml`, GB/T 33190 §16): structured data tied to the
/// document, for example e-license metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CustomTag {
    /// `@NameSpace`: the namespace of the tag file's schema.
    pub name_space: String,
    /// `@TypeID` (written by some producers; optional).
    pub type_id: Option<String>,
    /// The file name inside `Doc_0/Tags/` (no `/`).
    pub file_name: String,
    /// The tag file's bytes (usually XML).
    pub data: Vec<u8>,
}

impl CustomTag {
    /// A custom tag.
    #[must_use]
    pub fn new(name_space: &str, file_name: &str, data: Vec<u8>) -> Self {
        CustomTag {
            name_space: name_space.to_owned(),
            type_id: None,
            file_name: file_name.to_owned(),
            data,
        }
    }
}

#[derive(Debug, Clone)]
struct FontDef {
    name: String,
    file: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
struct ImageDef {
    format: ImageFormat,
    data: Vec<u8>,
}

#[derive(Debug, Clone)]
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
    Segments {
        segments: Vec<Segment>,
        width: f64,
        color: Color,
    },
}

#[derive(Debug, Clone)]
struct PageDef {
    size: PageSize,
    ops: Vec<Op>,
}

/// Builds a new single-document OFD package.
///
/// Add fonts and images first (they return IDs), then pages; [`DocumentBuilder::finish`]
/// assigns object IDs and writes the ZIP. Output is deterministic: fixed entry order and
/// timestamps, so the same input always gives the same bytes.
#[derive(Debug, Clone)]
pub struct DocumentBuilder {
    meta: DocumentMeta,
    fonts: Vec<FontDef>,
    images: Vec<ImageDef>,
    pages: Vec<PageDef>,
    attachments: Vec<Attachment>,
    custom_tags: Vec<CustomTag>,
}

/// A straight line segment, from one point to another (mm, page coordinates).
pub type Segment = ((f64, f64), (f64, f64));

/// Records the content of one page; returned by [`DocumentBuilder::add_page`].
///
/// Coordinates are millimetres from the page's top-left corner, y down.
#[derive(Debug)]
pub struct PageBuilder<'a> {
    pages: &'a mut Vec<PageDef>,
    index: usize,
}

impl PageBuilder<'_> {
    fn push(&mut self, op: Op) -> &mut Self {
        if let Some(page) = self.pages.get_mut(self.index) {
            page.ops.push(op);
        }
        self
    }

    /// A line of text whose box starts at (`x`, `y`) (top-left), `size` mm high. Advances are
    /// `size` for CJK and other full-width characters and `size / 2` for ASCII (a simple
    /// monospace model that matches common CJK fonts; readers use `DeltaX` as given).
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

    /// A straight line of `width` mm.
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

    /// An image scaled into `rect`.
    pub fn image(&mut self, image: ImageId, rect: Rect) -> &mut Self {
        self.push(Op::Image { image, rect })
    }

    /// Straight line segments of `width` mm as one path object (one `M … L …` subpath per
    /// segment): many strokes, such as a 2D code's module runs, without one object each.
    /// An empty list draws nothing.
    pub fn segments(&mut self, segments: &[Segment], width: f64, color: Color) -> &mut Self {
        if segments.is_empty() {
            return self;
        }
        self.push(Op::Segments {
            segments: segments.to_vec(),
            width,
            color,
        })
    }
}

/// A number for XML: at most three decimals, no trailing zeros, no `-0`.
fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn boxed(x: f64, y: f64, w: f64, h: f64) -> String {
    format!("{} {} {} {}", num(x), num(y), num(w), num(h))
}

fn advance(c: char, size: f64) -> f64 {
    // Half-width for ASCII and half-width forms; full-width otherwise.
    if c.is_ascii() || ('\u{FF61}'..='\u{FFDC}').contains(&c) {
        size / 2.0
    } else {
        size
    }
}

/// `DeltaX` with runs of equal values written as `g N v` (GB/T 33190 §11.3).
fn delta_x(advances: &[f64]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&v) = advances.get(i) {
        let run = advances.iter().skip(i).take_while(|&&w| w == v).count();
        if run >= 3 {
            out.push(format!("g {run} {}", num(v)));
        } else {
            out.extend(std::iter::repeat_n(num(v), run));
        }
        i += run;
    }
    out.join(" ")
}

fn date(t: Time) -> String {
    // RFC 3339 starts with the xs:date form OFD wants; times past 9999 cannot reach here
    // (Time::to_string falls back to "@<seconds>s", which the caller would see verbatim).
    t.to_string().chars().take(10).collect()
}

fn misuse(detail: String) -> OfdError {
    OfdError::ApiMisuse { detail }
}

fn check_text(what: &str, s: &str) -> Result<(), OfdError> {
    // XML 1.0 cannot carry most control characters; a text line carries none.
    if s.chars().any(char::is_control) {
        return Err(misuse(format!("{what} contains control characters: {s:?}")));
    }
    Ok(())
}

fn check_finite(what: &str, values: &[f64]) -> Result<(), OfdError> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(misuse(format!(
            "{what} has a coordinate that is not a finite number"
        )))
    }
}

fn check_file_name(dir: &str, name: &str) -> Result<String, OfdError> {
    if name.contains('/') {
        return Err(misuse(format!("file name {name:?} must not contain `/`")));
    }
    let path = format!("{dir}/{name}");
    check_entry_name(&path).map_err(|reason| OfdError::UnsafeEntryName {
        name: path.clone(),
        reason,
    })?;
    Ok(path)
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

impl DocumentBuilder {
    /// A new document with this metadata.
    #[must_use]
    pub fn new(meta: DocumentMeta) -> Self {
        DocumentBuilder {
            meta,
            fonts: Vec::new(),
            images: Vec::new(),
            pages: Vec::new(),
            attachments: Vec::new(),
            custom_tags: Vec::new(),
        }
    }

    /// Adds a font by name (`宋体`, `SimSun`, …). Without `file` the reader substitutes a
    /// system font; with it (TrueType/OpenType bytes) the font is embedded as
    /// `<ofd:FontFile>`, which archival documents should do.
    pub fn add_font(&mut self, name: &str, file: Option<Vec<u8>>) -> FontId {
        self.fonts.push(FontDef {
            name: name.to_owned(),
            file,
        });
        FontId(self.fonts.len() - 1)
    }

    /// Adds an image resource (PNG or JPEG bytes, stored as given).
    pub fn add_image(&mut self, format: ImageFormat, data: Vec<u8>) -> ImageId {
        self.images.push(ImageDef { format, data });
        ImageId(self.images.len() - 1)
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

    /// Adds an attachment.
    pub fn add_attachment(&mut self, attachment: Attachment) -> &mut Self {
        self.attachments.push(attachment);
        self
    }

    /// Adds a custom tag file.
    pub fn add_custom_tag(&mut self, tag: CustomTag) -> &mut Self {
        self.custom_tags.push(tag);
        self
    }

    /// Writes the package.
    ///
    /// # Errors
    ///
    /// [`OfdError::ApiMisuse`] for a document without pages, an invalid `DocID`, a font or
    /// image ID from another builder, non-finite or negative sizes, control characters in
    /// text, or unusable attachment/tag file names.
    pub fn finish(&self) -> Result<Vec<u8>, OfdError> {
        if self.pages.is_empty() {
            return Err(misuse("an OFD document needs at least one page".into()));
        }
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut next_id: u64 = 0;
        let mut id = || {
            next_id += 1;
            next_id
        };

        // Resources: fonts in PublicRes.xml, images in DocumentRes.xml, files under Res/.
        let font_ids: Vec<u64> = self.fonts.iter().map(|_| id()).collect();
        let image_ids: Vec<u64> = self.images.iter().map(|_| id()).collect();
        let mut public_res = String::new();
        if !self.fonts.is_empty() {
            public_res.push_str(XML_HEAD);
            let _ = write!(
                public_res,
                "<ofd:Res xmlns:ofd=\"{OFD_NAMESPACE}\" BaseLoc=\"Res\"><ofd:Fonts>"
            );
            let mut font_files = Vec::new();
            for (font, fid) in self.fonts.iter().zip(&font_ids) {
                check_text("font name", &font.name)?;
                let name = escape(&font.name);
                let _ = write!(
                    public_res,
                    "<ofd:Font ID=\"{fid}\" FontName=\"{name}\" FamilyName=\"{name}\""
                );
                match &font.file {
                    Some(data) => {
                        let ext = if data.starts_with(b"OTTO") {
                            "otf"
                        } else if data.starts_with(b"ttcf") {
                            "ttc"
                        } else {
                            "ttf"
                        };
                        let file = format!("font_{fid}.{ext}");
                        let _ = write!(
                            public_res,
                            "><ofd:FontFile>{file}</ofd:FontFile></ofd:Font>"
                        );
                        font_files.push((format!("Doc_0/Res/{file}"), data.clone()));
                    }
                    None => public_res.push_str("/>"),
                }
            }
            public_res.push_str("</ofd:Fonts></ofd:Res>");
            files.extend(font_files);
        }
        let mut document_res = String::new();
        if !self.images.is_empty() {
            document_res.push_str(XML_HEAD);
            let _ = write!(
                document_res,
                "<ofd:Res xmlns:ofd=\"{OFD_NAMESPACE}\" BaseLoc=\"Res\"><ofd:MultiMedias>"
            );
            for (image, iid) in self.images.iter().zip(&image_ids) {
                let file = format!("image_{iid}.{}", image.format.extension());
                let _ = write!(
                    document_res,
                    "<ofd:MultiMedia ID=\"{iid}\" Type=\"Image\" Format=\"{}\"><ofd:MediaFile>{file}</ofd:MediaFile></ofd:MultiMedia>",
                    image.format.name()
                );
                files.push((format!("Doc_0/Res/{file}"), image.data.clone()));
            }
            document_res.push_str("</ofd:MultiMedias></ofd:Res>");
        }

        // Pages.
        let default_size = self.pages.first().map(|p| p.size).unwrap_or_default();
        let mut page_entries = String::new();
        for (index, page) in self.pages.iter().enumerate() {
            check_finite("page size", &[page.size.width, page.size.height])?;
            if page.size.width <= 0.0 || page.size.height <= 0.0 {
                return Err(misuse(format!(
                    "page {index} has a size that is not positive"
                )));
            }
            let page_id = id();
            let layer_id = id();
            let mut xml = String::from(XML_HEAD);
            let _ = write!(xml, "<ofd:Page xmlns:ofd=\"{OFD_NAMESPACE}\">");
            if page.size != default_size {
                let _ = write!(
                    xml,
                    "<ofd:Area><ofd:PhysicalBox>{}</ofd:PhysicalBox></ofd:Area>",
                    boxed(0.0, 0.0, page.size.width, page.size.height)
                );
            }
            let _ = write!(xml, "<ofd:Content><ofd:Layer ID=\"{layer_id}\">");
            for op in &page.ops {
                let oid = id();
                self.write_op(&mut xml, oid, op, &font_ids, &image_ids)?;
            }
            xml.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
            files.push((
                format!("Doc_0/Pages/Page_{index}/Content.xml"),
                xml.into_bytes(),
            ));
            let _ = write!(
                page_entries,
                "<ofd:Page ID=\"{page_id}\" BaseLoc=\"Pages/Page_{index}/Content.xml\"/>"
            );
        }

        // Attachments and custom tags.
        let mut attachments_xml = String::new();
        if !self.attachments.is_empty() {
            attachments_xml.push_str(XML_HEAD);
            let _ = write!(
                attachments_xml,
                "<ofd:Attachments xmlns:ofd=\"{OFD_NAMESPACE}\">"
            );
            for a in &self.attachments {
                check_text("attachment name", &a.name)?;
                check_text("attachment format", &a.format)?;
                let path = check_file_name("Doc_0/Attachs", &a.file_name)?;
                let aid = id();
                let _ = write!(
                    attachments_xml,
                    "<ofd:Attachment ID=\"{aid}\" Name=\"{}\" Format=\"{}\"",
                    escape(&a.name),
                    escape(&a.format)
                );
                if let Some(t) = a.creation_date {
                    let _ = write!(attachments_xml, " CreationDate=\"{}\"", date(t));
                }
                // Size is in KB per GB/T 33190.
                let _ = write!(
                    attachments_xml,
                    " Size=\"{}\" Visible=\"{}\"><ofd:FileLoc>{}</ofd:FileLoc></ofd:Attachment>",
                    num(a.data.len() as f64 / 1024.0),
                    a.visible,
                    escape(&a.file_name)
                );
                files.push((path, a.data.clone()));
            }
            attachments_xml.push_str("</ofd:Attachments>");
        }
        let mut tags_xml = String::new();
        if !self.custom_tags.is_empty() {
            tags_xml.push_str(XML_HEAD);
            let _ = write!(tags_xml, "<ofd:CustomTags xmlns:ofd=\"{OFD_NAMESPACE}\">");
            for t in &self.custom_tags {
                check_text("custom tag namespace", &t.name_space)?;
                let path = check_file_name("Doc_0/Tags", &t.file_name)?;
                let _ = write!(
                    tags_xml,
                    "<ofd:CustomTag NameSpace=\"{}\"",
                    escape(&t.name_space)
                );
                if let Some(type_id) = &t.type_id {
                    check_text("custom tag TypeID", type_id)?;
                    let _ = write!(tags_xml, " TypeID=\"{}\"", escape(type_id));
                }
                let _ = write!(
                    tags_xml,
                    "><ofd:FileLoc>{}</ofd:FileLoc></ofd:CustomTag>",
                    escape(&t.file_name)
                );
                files.push((path, t.data.clone()));
            }
            tags_xml.push_str("</ofd:CustomTags>");
        }

        // Document.xml, in schema order.
        let mut doc = String::from(XML_HEAD);
        let _ = write!(
            doc,
            "<ofd:Document xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:CommonData><ofd:MaxUnitID>{next_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{}</ofd:PhysicalBox></ofd:PageArea>",
            boxed(0.0, 0.0, default_size.width, default_size.height)
        );
        if !public_res.is_empty() {
            doc.push_str("<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>");
        }
        if !document_res.is_empty() {
            doc.push_str("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>");
        }
        let _ = write!(
            doc,
            "</ofd:CommonData><ofd:Pages>{page_entries}</ofd:Pages>"
        );
        if !attachments_xml.is_empty() {
            doc.push_str("<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>");
        }
        if !tags_xml.is_empty() {
            doc.push_str("<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>");
        }
        doc.push_str("</ofd:Document>");

        let mut ordered: Vec<(String, Vec<u8>)> =
            vec![("Doc_0/Document.xml".into(), doc.into_bytes())];
        if !public_res.is_empty() {
            ordered.push(("Doc_0/PublicRes.xml".into(), public_res.into_bytes()));
        }
        if !document_res.is_empty() {
            ordered.push(("Doc_0/DocumentRes.xml".into(), document_res.into_bytes()));
        }
        if !attachments_xml.is_empty() {
            ordered.push((
                "Doc_0/Attachs/Attachments.xml".into(),
                attachments_xml.into_bytes(),
            ));
        }
        if !tags_xml.is_empty() {
            ordered.push(("Doc_0/Tags/CustomTags.xml".into(), tags_xml.into_bytes()));
        }
        ordered.extend(files);
        for (i, (name, _)) in ordered.iter().enumerate() {
            if ordered.iter().skip(i + 1).any(|(other, _)| other == name) {
                return Err(misuse(format!("two files would be written as {name}")));
            }
        }

        let ofd = self.ofd_xml(&ordered)?;
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let options = new_entry_options();
        let write_err = |e: String| misuse(format!("writing the package failed: {e}"));
        out.start_file("OFD.xml", options)
            .map_err(|e| write_err(e.to_string()))?;
        out.write_all(&ofd).map_err(|e| write_err(e.to_string()))?;
        for (name, data) in &ordered {
            out.start_file(name.as_str(), options)
                .map_err(|e| write_err(e.to_string()))?;
            out.write_all(data).map_err(|e| write_err(e.to_string()))?;
        }
        Ok(out
            .finish()
            .map_err(|e| write_err(e.to_string()))?
            .into_inner())
    }

    fn ofd_xml(&self, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, OfdError> {
        let m = &self.meta;
        let doc_id = match &m.doc_id {
            Some(id) => {
                if id.len() != 32 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(misuse(format!(
                        "DocID must be 32 hexadecimal digits, not {id:?}"
                    )));
                }
                id.clone()
            }
            None => {
                let mut h = Sm3Hasher::new();
                for (name, data) in files {
                    h.update(&(name.len() as u64).to_be_bytes());
                    h.update(name.as_bytes());
                    h.update(&(data.len() as u64).to_be_bytes());
                    h.update(data);
                }
                for (k, v) in &m.custom_datas {
                    h.update(k.as_bytes());
                    h.update(&[0]);
                    h.update(v.as_bytes());
                    h.update(&[0]);
                }
                h.finalize()
                    .iter()
                    .take(16)
                    .fold(String::new(), |mut s, b| {
                        let _ = write!(s, "{b:02x}");
                        s
                    })
            }
        };
        let mut x = String::from(XML_HEAD);
        let _ = write!(
            x,
            "<ofd:OFD xmlns:ofd=\"{OFD_NAMESPACE}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>{doc_id}</ofd:DocID>"
        );
        let mut opt = |tag: &str, v: &Option<String>| -> Result<(), OfdError> {
            if let Some(v) = v {
                check_text(tag, v)?;
                let _ = write!(x, "<ofd:{tag}>{}</ofd:{tag}>", escape(v));
            }
            Ok(())
        };
        opt("Title", &m.title)?;
        opt("Author", &m.author)?;
        opt("CreationDate", &m.creation_date.map(date))?;
        opt("Creator", &m.creator)?;
        opt("CreatorVersion", &m.creator_version)?;
        if !m.custom_datas.is_empty() {
            x.push_str("<ofd:CustomDatas>");
            for (k, v) in &m.custom_datas {
                check_text("CustomData name", k)?;
                check_text("CustomData value", v)?;
                let _ = write!(
                    x,
                    "<ofd:CustomData Name=\"{}\">{}</ofd:CustomData>",
                    escape(k),
                    escape(v)
                );
            }
            x.push_str("</ofd:CustomDatas>");
        }
        x.push_str(
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        );
        Ok(x.into_bytes())
    }

    fn write_op(
        &self,
        xml: &mut String,
        oid: u64,
        op: &Op,
        font_ids: &[u64],
        image_ids: &[u64],
    ) -> Result<(), OfdError> {
        match op {
            Op::Text {
                font,
                size,
                x,
                y,
                text,
                color,
            } => {
                check_finite("text", &[*size, *x, *y])?;
                check_text("text", text)?;
                if *size <= 0.0 {
                    return Err(misuse(format!(
                        "text {text:?} has a size that is not positive"
                    )));
                }
                let fid = font_ids
                    .get(font.0)
                    .ok_or_else(|| misuse("a FontId from another DocumentBuilder".into()))?;
                let advances: Vec<f64> = text.chars().map(|c| advance(c, *size)).collect();
                let width: f64 = advances.iter().sum();
                let deltas = advances
                    .get(..advances.len().saturating_sub(1))
                    .unwrap_or_default();
                // Baseline at 0.88 em (typical CJK ascent); the box leaves room for descenders.
                let _ = write!(
                    xml,
                    "<ofd:TextObject ID=\"{oid}\" Boundary=\"{}\" Font=\"{fid}\" Size=\"{}\"><ofd:FillColor Value=\"{}\"/><ofd:TextCode X=\"0\" Y=\"{}\"",
                    boxed(*x, *y, width.max(*size), size * 1.2),
                    num(*size),
                    color.value(),
                    num(size * 0.88)
                );
                if !deltas.is_empty() {
                    let _ = write!(xml, " DeltaX=\"{}\"", delta_x(deltas));
                }
                let _ = write!(xml, ">{}</ofd:TextCode></ofd:TextObject>", escape(text));
            }
            Op::Line {
                from,
                to,
                width,
                color,
            } => {
                check_finite("line", &[from.0, from.1, to.0, to.1, *width])?;
                if *width <= 0.0 {
                    return Err(misuse("a line width must be positive".into()));
                }
                let half = width / 2.0;
                let bx = from.0.min(to.0) - half;
                let by = from.1.min(to.1) - half;
                let _ = write!(
                    xml,
                    "<ofd:PathObject ID=\"{oid}\" Boundary=\"{}\" LineWidth=\"{}\"><ofd:StrokeColor Value=\"{}\"/><ofd:AbbreviatedData>M {} {} L {} {}</ofd:AbbreviatedData></ofd:PathObject>",
                    boxed(
                        bx,
                        by,
                        (to.0 - from.0).abs() + width,
                        (to.1 - from.1).abs() + width
                    ),
                    num(*width),
                    color.value(),
                    num(from.0 - bx),
                    num(from.1 - by),
                    num(to.0 - bx),
                    num(to.1 - by)
                );
            }
            Op::Segments {
                segments,
                width,
                color,
            } => {
                let coords: Vec<f64> = segments
                    .iter()
                    .flat_map(|(a, b)| [a.0, a.1, b.0, b.1])
                    .collect();
                check_finite("line segments", &coords)?;
                if !width.is_finite() || *width <= 0.0 {
                    return Err(misuse("a line width must be positive".into()));
                }
                let half = width / 2.0;
                let xs = segments.iter().flat_map(|(a, b)| [a.0, b.0]);
                let ys = segments.iter().flat_map(|(a, b)| [a.1, b.1]);
                let bx = xs.clone().fold(f64::INFINITY, f64::min) - half;
                let by = ys.clone().fold(f64::INFINITY, f64::min) - half;
                let bw = xs.fold(f64::NEG_INFINITY, f64::max) + half - bx;
                let bh = ys.fold(f64::NEG_INFINITY, f64::max) + half - by;
                let data: Vec<String> = segments
                    .iter()
                    .map(|(a, b)| {
                        format!(
                            "M {} {} L {} {}",
                            num(a.0 - bx),
                            num(a.1 - by),
                            num(b.0 - bx),
                            num(b.1 - by)
                        )
                    })
                    .collect();
                let _ = write!(
                    xml,
                    "<ofd:PathObject ID=\"{oid}\" Boundary=\"{}\" LineWidth=\"{}\"><ofd:StrokeColor Value=\"{}\"/><ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:PathObject>",
                    boxed(bx, by, bw, bh),
                    num(*width),
                    color.value(),
                    data.join(" ")
                );
            }
            Op::Rect { rect, stroke, fill } => {
                check_finite("rectangle", &[rect.x, rect.y, rect.width, rect.height])?;
                if stroke.is_none() && fill.is_none() {
                    return Err(misuse("a rectangle needs a stroke or a fill".into()));
                }
                let lw = stroke.map_or(0.0, |(w, _)| w);
                check_finite("rectangle line width", &[lw])?;
                if lw < 0.0 || rect.width < 0.0 || rect.height < 0.0 {
                    return Err(misuse("a rectangle needs non-negative sizes".into()));
                }
                let half = lw / 2.0;
                let _ = write!(
                    xml,
                    "<ofd:PathObject ID=\"{oid}\" Boundary=\"{}\"",
                    boxed(
                        rect.x - half,
                        rect.y - half,
                        rect.width + lw,
                        rect.height + lw
                    )
                );
                if let Some((w, _)) = stroke {
                    let _ = write!(xml, " LineWidth=\"{}\"", num(*w));
                } else {
                    xml.push_str(" Stroke=\"false\"");
                }
                if fill.is_some() {
                    xml.push_str(" Fill=\"true\"");
                }
                xml.push('>');
                if let Some((_, c)) = stroke {
                    let _ = write!(xml, "<ofd:StrokeColor Value=\"{}\"/>", c.value());
                }
                if let Some(c) = fill {
                    let _ = write!(xml, "<ofd:FillColor Value=\"{}\"/>", c.value());
                }
                let (x0, y0, x1, y1) = (half, half, half + rect.width, half + rect.height);
                let _ = write!(
                    xml,
                    "<ofd:AbbreviatedData>M {x0} {y0} L {x1} {y0} L {x1} {y1} L {x0} {y1} C</ofd:AbbreviatedData></ofd:PathObject>",
                    x0 = num(x0),
                    y0 = num(y0),
                    x1 = num(x1),
                    y1 = num(y1)
                );
            }
            Op::Image { image, rect } => {
                check_finite("image", &[rect.x, rect.y, rect.width, rect.height])?;
                let iid = image_ids
                    .get(image.0)
                    .ok_or_else(|| misuse("an ImageId from another DocumentBuilder".into()))?;
                let _ = write!(
                    xml,
                    "<ofd:ImageObject ID=\"{oid}\" Boundary=\"{}\" CTM=\"{} 0 0 {} 0 0\" ResourceID=\"{iid}\"/>",
                    boxed(rect.x, rect.y, rect.width, rect.height),
                    num(rect.width),
                    num(rect.height)
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_x_compaction() {
        assert_eq!(delta_x(&[5.0, 5.0, 5.0]), "g 3 5");
        assert_eq!(
            delta_x(&[3.0, 3.0, 1.5, 1.5, 1.5, 1.5, 3.0]),
            "3 3 g 4 1.5 3"
        );
        assert_eq!(delta_x(&[]), "");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(210.0), "210");
    }
}
