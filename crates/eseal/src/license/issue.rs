//! Issuing a license as OFD (GB/T 36905): the face drawn from a [`FaceTemplate`], the
//! verification 2D code, the metadata embedded as an OFD custom tag (自定义标引), and the
//! issuer's seal over everything (`docs/license.md`, "Issuing").

use super::error::LicenseError;
use super::metadata::{Field, LicenseMetadata, XML_NAMESPACE};
use super::payload::Payload;
use super::qr::QrMatrix;
use crate::ofd::{
    Color, CustomTag, DocumentBuilder, DocumentMeta, ImageFormat, PageSelector, PageSize, Rect,
    SignMode, SignRequest, Stamp, TimestampSource, sign_document,
};
use crate::pki::{Certificate, Signer};
use crate::ses::Seal;
use crate::time::Time;

/// File name of the metadata custom tag (`Doc_0/Tags/DZZZ.xml`); [`crate::document::sniff`]
/// tells a license from a plain OFD by this entry name.
pub const METADATA_FILE: &str = "DZZZ.xml";
/// File name of the custom tag that carries the 2D code's text (`Doc_0/Tags/DZZZCode.xml`).
pub const CODE_FILE: &str = "DZZZCode.xml";
/// Namespace of the 2D-code custom tag.
pub const CODE_NAMESPACE: &str = "urn:eseal:license:code:1";
/// Most fields a template places.
pub const MAX_TEMPLATE_FIELDS: usize = 64;
/// Largest template JSON.
pub const MAX_TEMPLATE_LEN: usize = 64 * 1024;

/// A text on the face: its position (top-left, mm), size (mm) and an optional width for
/// wrapping.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Left edge, mm from the page's left.
    pub x: f64,
    /// Top edge, mm from the page's top.
    pub y: f64,
    /// Character height, mm.
    pub size: f64,
    /// Wrap at this width (mm); `None`: one line.
    pub width: Option<f64>,
}

/// Where a template field takes its value from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldSource {
    /// A core element (by [`Field`]).
    Core(Field),
    /// The face item with this name.
    Face(String),
}

/// One field on the face: a label (may be empty) followed by the value.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateField {
    /// Printed before the value (`名称：`).
    pub label: String,
    /// The value's source.
    pub source: FieldSource,
    /// Where.
    pub text: TextBox,
}

/// A rectangle on the face, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// The face layout (`docs/license.md`, "Face template"): page size, title, fields, an
/// optional photo box, the 2D code's square and the seal's position.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaceTemplate {
    /// Page width, mm.
    pub page_width: f64,
    /// Page height, mm.
    pub page_height: f64,
    /// Font name (not embedded: readers substitute).
    pub font: String,
    /// The title text (`None`: the metadata's title, else its type name) and its box.
    pub title: Option<(Option<String>, TextBox)>,
    /// The fields, in drawing order.
    pub fields: Vec<TemplateField>,
    /// Where the photo or image goes, if the license has one.
    pub photo: Option<Area>,
    /// The 2D code's square: left, top, side (mm, quiet zone included).
    pub code: (f64, f64, f64),
    /// The seal's top-left corner, mm.
    pub seal: (f64, f64),
    /// A frame around the page, inset by this many mm (`None`: no frame).
    pub frame: Option<f64>,
}

impl FaceTemplate {
    /// A generic landscape A4 layout showing every core element and, below, the face items
    /// one per line.
    #[must_use]
    pub fn standard(meta: &LicenseMetadata) -> Self {
        let mut fields = Vec::new();
        let mut y = 45.0;
        let mut line = |label: &str, source: FieldSource, width: Option<f64>| {
            fields.push(TemplateField {
                label: label.to_owned(),
                source,
                text: TextBox {
                    x: 25.0,
                    y,
                    size: 4.5,
                    width,
                },
            });
            y += 8.0;
        };
        line("证照编号：", FieldSource::Core(Field::Number), None);
        line("持证主体：", FieldSource::Core(Field::HolderName), None);
        line("持证主体代码：", FieldSource::Core(Field::HolderCode), None);
        for item in &meta.face {
            line(
                &format!("{}：", item.name),
                FieldSource::Face(item.name.clone()),
                Some(180.0),
            );
        }
        line("有效期自：", FieldSource::Core(Field::ValidFrom), None);
        line("有效期至：", FieldSource::Core(Field::ValidUntil), None);
        line("颁发机构：", FieldSource::Core(Field::IssuerName), None);
        line("颁发日期：", FieldSource::Core(Field::IssueDate), None);
        line("证照标识：", FieldSource::Core(Field::LicenseId), None);
        Self {
            page_width: 297.0,
            page_height: 210.0,
            font: "宋体".into(),
            title: Some((
                None,
                TextBox {
                    x: 110.0,
                    y: 18.0,
                    size: 10.0,
                    width: None,
                },
            )),
            fields,
            photo: None,
            code: (235.0, 25.0, 45.0),
            seal: (215.0, 140.0),
            frame: Some(8.0),
        }
    }

    /// Reads the JSON form (`docs/license.md`, "Face template").
    ///
    /// # Errors
    /// [`LicenseError::Template`] naming the key at fault; [`LicenseError::TooLarge`].
    #[cfg(feature = "serde")]
    pub fn from_json(bytes: &[u8]) -> Result<Self, LicenseError> {
        use serde_json::Value;
        if bytes.len() > MAX_TEMPLATE_LEN {
            return Err(LicenseError::TooLarge {
                what: "face template",
                found: bytes.len(),
                max: MAX_TEMPLATE_LEN,
            });
        }
        let bad = |reason: String| LicenseError::Template { reason };
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        let num = |v: &Value, key: &str| -> Result<f64, LicenseError> {
            v.get(key)
                .and_then(Value::as_f64)
                .filter(|x| x.is_finite() && *x >= 0.0 && *x <= 10_000.0)
                .ok_or_else(|| bad(format!("\"{key}\" must be a number of mm (0 to 10000)")))
        };
        let text_box = |v: &Value| -> Result<TextBox, LicenseError> {
            Ok(TextBox {
                x: num(v, "x")?,
                y: num(v, "y")?,
                size: num(v, "size")?,
                width: v.get("width").map(|_| num(v, "width")).transpose()?,
            })
        };
        let page = v
            .get("page")
            .ok_or_else(|| bad("\"page\" is missing".into()))?;
        let title = match v.get("title") {
            None => None,
            Some(t) => Some((
                t.get("text").and_then(Value::as_str).map(str::to_owned),
                text_box(t)?,
            )),
        };
        let list = v
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("\"fields\" must be an array".into()))?;
        if list.len() > MAX_TEMPLATE_FIELDS {
            return Err(LicenseError::TooMany {
                what: "template fields",
                found: list.len(),
                max: MAX_TEMPLATE_FIELDS,
            });
        }
        let mut fields = Vec::with_capacity(list.len());
        for f in list {
            let source = match (
                f.get("field").and_then(Value::as_str),
                f.get("face").and_then(Value::as_str),
            ) {
                (Some(key), None) => FieldSource::Core(
                    Field::CORE
                        .iter()
                        .copied()
                        .find(|c| c.json_key() == key)
                        .ok_or_else(|| bad(format!("unknown field {key:?}")))?,
                ),
                (None, Some(name)) => FieldSource::Face(name.to_owned()),
                _ => {
                    return Err(bad(
                        "each field names exactly one of \"field\" (a core element) or \"face\" (a face item)".into(),
                    ));
                }
            };
            fields.push(TemplateField {
                label: f
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                source,
                text: text_box(f)?,
            });
        }
        let area = |v: &Value| -> Result<Area, LicenseError> {
            Ok(Area {
                x: num(v, "x")?,
                y: num(v, "y")?,
                width: num(v, "width")?,
                height: num(v, "height")?,
            })
        };
        let code = v
            .get("code")
            .ok_or_else(|| bad("\"code\" is missing".into()))?;
        let seal = v
            .get("seal")
            .ok_or_else(|| bad("\"seal\" is missing".into()))?;
        let template = Self {
            page_width: num(page, "width")?,
            page_height: num(page, "height")?,
            font: v
                .get("font")
                .and_then(Value::as_str)
                .unwrap_or("宋体")
                .to_owned(),
            title,
            fields,
            photo: v.get("photo").map(area).transpose()?,
            code: (num(code, "x")?, num(code, "y")?, num(code, "size")?),
            seal: (num(seal, "x")?, num(seal, "y")?),
            frame: v.get("frame").map(|_| num(&v, "frame")).transpose()?,
        };
        template.check()?;
        Ok(template)
    }

    pub(super) fn check(&self) -> Result<(), LicenseError> {
        let bad = |reason: String| LicenseError::Template { reason };
        if self.page_width < 10.0 || self.page_height < 10.0 {
            return Err(bad("the page must be at least 10 × 10 mm".into()));
        }
        let inside = |x: f64, y: f64| x <= self.page_width && y <= self.page_height;
        let (cx, cy, cs) = self.code;
        if cs < 10.0 || !inside(cx + cs, cy + cs) {
            return Err(bad(
                "the 2D code square must be at least 10 mm and lie on the page".into(),
            ));
        }
        if !inside(self.seal.0, self.seal.1) {
            return Err(bad("the seal position lies outside the page".into()));
        }
        // Control characters cannot be written to the face (XML 1.0, PDF text): refuse them here
        // rather than fail in the OFD or PDF writer after the template was accepted.
        let texts = std::iter::once(("font", self.font.as_str()))
            .chain(
                self.title
                    .iter()
                    .filter_map(|(t, _)| t.as_deref().map(|t| ("title", t))),
            )
            .chain(
                self.fields
                    .iter()
                    .map(|f| ("field label", f.label.as_str())),
            );
        for (what, text) in texts {
            if text.chars().any(char::is_control) {
                return Err(bad(format!(
                    "the {what} {text:?} contains control characters"
                )));
            }
        }
        for f in &self.fields {
            if !inside(f.text.x, f.text.y) || f.text.size <= 0.0 {
                return Err(bad(format!(
                    "the field {:?} lies outside the page or has no size",
                    f.label
                )));
            }
        }
        Ok(())
    }
}

impl FaceTemplate {
    /// Whether the seal picture, placed at [`FaceTemplate::seal`], lies wholly on the page:
    /// a stamp partly off the page fails verification (`ofd.appearance`), so the license is
    /// refused before it is signed rather than issued broken.
    pub(super) fn check_seal(&self, seal: &Seal) -> Result<(), LicenseError> {
        let picture = seal.picture();
        #[allow(clippy::cast_precision_loss)] // picture sizes are a few hundred mm at most
        let (w, h) = (picture.width as f64, picture.height as f64);
        let (x, y) = self.seal;
        if x + w > self.page_width + 1e-3 || y + h > self.page_height + 1e-3 {
            return Err(LicenseError::Template {
                reason: format!(
                    "the seal picture ({w} × {h} mm) placed at ({x}, {y}) leaves the {} × {} mm \
                     page: \"seal\" x must be at most {} and y at most {}",
                    self.page_width,
                    self.page_height,
                    self.page_width - w,
                    self.page_height - h
                ),
            });
        }
        Ok(())
    }
}

/// What [`issue_ofd`] and [`super::issue_pdf`] need: the metadata, the face, the issuer's seal, key and certificate,
/// the signing time, and options.
#[derive(Clone)]
pub struct IssueRequest<'a> {
    pub(super) metadata: &'a LicenseMetadata,
    pub(super) template: &'a FaceTemplate,
    pub(super) seal: &'a Seal,
    pub(super) signer_certificate: &'a Certificate,
    pub(super) signer: &'a dyn Signer,
    pub(super) signing_time: Time,
    pub(super) photo: Option<(ImageFormat, &'a [u8])>,
    pub(super) url_base: Option<&'a str>,
    pub(super) timestamp: Option<&'a dyn TimestampSource>,
    pub(super) pdf_font: Option<(&'a [u8], u32)>,
}

impl core::fmt::Debug for IssueRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IssueRequest")
            .field("license", &self.metadata.id.to_string())
            .field("signing_time", &self.signing_time)
            .field("url_base", &self.url_base)
            .finish_non_exhaustive()
    }
}

impl<'a> IssueRequest<'a> {
    /// A request: `metadata` laid out by `template`, stamped with `seal` by the holder of
    /// `signer_certificate` (the issuer), whose `signer` also signs the 2D code.
    #[must_use]
    pub fn new(
        metadata: &'a LicenseMetadata,
        template: &'a FaceTemplate,
        seal: &'a Seal,
        signer_certificate: &'a Certificate,
        signer: &'a dyn Signer,
        signing_time: Time,
    ) -> Self {
        Self {
            metadata,
            template,
            seal,
            signer_certificate,
            signer,
            signing_time,
            photo: None,
            url_base: None,
            timestamp: None,
            pdf_font: None,
        }
    }

    /// For [`super::issue_pdf`]: an OpenType font (`.ttf`/`.otf`, or face `index` of a
    /// collection) to embed as a subset instead of the standard, not embedded `STSong-Light`.
    /// The OFD rendition names [`FaceTemplate::font`] and embeds nothing.
    #[must_use]
    pub fn pdf_font(mut self, data: &'a [u8], index: u32) -> Self {
        self.pdf_font = Some((data, index));
        self
    }

    /// The photo or image for the template's photo box (PNG or JPEG bytes).
    #[must_use]
    pub fn photo(mut self, format: ImageFormat, data: &'a [u8]) -> Self {
        self.photo = Some((format, data));
        self
    }

    /// Puts the URL form of the payload in the 2D code (see [`Payload::to_url`]).
    #[must_use]
    pub fn url_base(mut self, base: &'a str) -> Self {
        self.url_base = Some(base);
        self
    }

    /// Timestamps the seal signature.
    #[must_use]
    pub fn timestamp(mut self, source: &'a dyn TimestampSource) -> Self {
        self.timestamp = Some(source);
        self
    }
}

/// A license issued by [`issue_ofd`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IssuedLicense {
    /// The stamped OFD file.
    pub ofd: Vec<u8>,
    /// The 2D code's payload.
    pub payload: Payload,
    /// The exact text in the 2D code (plain or URL form).
    pub code_text: String,
}

/// The XML of the 2D-code custom tag (and of the PDF's embedded code file).
pub(super) fn code_xml(text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DZZZCode xmlns=\"{CODE_NAMESPACE}\">{}</DZZZCode>\n",
        crate::ofd::xml::escape(text)
    )
}

/// Issues the license: validates the metadata, signs the payload, draws the face, embeds the
/// metadata and the code text as custom tags, and stamps page 1 with the seal (whole
/// protection is not used: a later annotation (加注件) may add a signature).
///
/// # Errors
/// [`LicenseError`] for invalid metadata, a template that does not fit, a signer that fails,
/// or an OFD error from writing or stamping.
pub fn issue_ofd(request: &IssueRequest<'_>) -> Result<IssuedLicense, LicenseError> {
    let meta = request.metadata;
    meta.validate()?;
    request.template.check()?;
    request.template.check_seal(request.seal)?;
    let payload = Payload::sign(meta, request.signer)?;
    let code_text = match request.url_base {
        Some(base) => payload.to_url(base)?,
        None => payload.to_text(),
    };
    let qr = QrMatrix::encode(&code_text)?;

    let t = request.template;
    let doc_meta = DocumentMeta {
        title: Some(meta.title.clone().unwrap_or_else(|| meta.type_name.clone())),
        author: Some(meta.issuer_name.clone()),
        creator: Some("eseal".into()),
        creator_version: Some(env!("CARGO_PKG_VERSION").into()),
        creation_date: Some(request.signing_time),
        ..DocumentMeta::default()
    };
    let mut doc = DocumentBuilder::new(doc_meta);
    let font = doc.add_font(&t.font, None);
    let photo = request
        .photo
        .map(|(format, data)| doc.add_image(format, data.to_vec()));
    {
        let mut page = doc.add_page(PageSize::new(t.page_width, t.page_height));
        draw_face(&mut page, font, photo, meta, t);
        let (cx, cy, cs) = t.code;
        qr.draw(&mut page, cx, cy, cs);
    }
    doc.add_custom_tag(CustomTag::new(
        XML_NAMESPACE,
        METADATA_FILE,
        meta.to_xml().into_bytes(),
    ));
    doc.add_custom_tag(CustomTag::new(
        CODE_NAMESPACE,
        CODE_FILE,
        code_xml(&code_text).into_bytes(),
    ));
    let unsigned = doc.finish()?;
    let mut sign = SignRequest::seal(
        request.seal,
        request.signer_certificate,
        request.signer,
        request.signing_time,
    )
    .stamp(Stamp::on_page(PageSelector::Index(0), t.seal.0, t.seal.1))
    .mode(SignMode::ContinueSigning);
    if let Some(ts) = request.timestamp {
        sign = sign.timestamp(ts);
    }
    let ofd = sign_document(&unsigned, &sign)?;
    Ok(IssuedLicense {
        ofd,
        payload,
        code_text,
    })
}

/// The frame's line width (mm), in both renditions.
const FRAME_WIDTH: f64 = 0.8;
/// The frame's colour.
const FRAME_COLOR: Color = Color::rgb(160, 30, 30);

/// The frame around the page, if the template has one.
fn frame_rect(t: &FaceTemplate) -> Option<Rect> {
    t.frame.map(|inset| {
        Rect::new(
            inset,
            inset,
            t.page_width - 2.0 * inset,
            t.page_height - 2.0 * inset,
        )
    })
}

/// A page of either writer (OFD, PDF), as the face draws on it.
pub(super) trait FacePage {
    /// The writer's font handle.
    type Font: Copy;
    /// The writer's image handle.
    type Image: Copy;
    /// A stroked rectangle.
    fn stroke_rect(&mut self, rect: Rect, width: f64, color: Color);
    /// One line of text in black.
    fn line(&mut self, font: Self::Font, line: &FaceLine);
    /// An image scaled into `rect`.
    fn picture(&mut self, image: Self::Image, rect: Rect);
}

/// Both writers' page builders share these methods (the PDF renderer mirrors the OFD writer).
macro_rules! face_page {
    ($writer:path) => {
        impl FacePage for $writer {
            type Font = FontId;
            type Image = ImageId;
            fn stroke_rect(&mut self, rect: Rect, width: f64, color: Color) {
                self.rect(rect, Some((width, color)), None);
            }
            fn line(&mut self, font: Self::Font, l: &FaceLine) {
                self.text(font, l.size, l.x, l.y, &l.text, Color::BLACK);
            }
            fn picture(&mut self, image: Self::Image, rect: Rect) {
                self.image(image, rect);
            }
        }
    };
}

mod ofd_face {
    use super::{Color, FaceLine, FacePage, Rect};
    use crate::ofd::{FontId, ImageId, PageBuilder};
    face_page!(PageBuilder<'_>);
}

mod pdf_face {
    use super::{Color, FaceLine, FacePage, Rect};
    use crate::pdf::render::{FontId, ImageId, PageBuilder};
    face_page!(PageBuilder<'_>);
}

/// The face without the 2D code (each rendition draws that its own way): the frame, every
/// line of text, the photo.
pub(super) fn draw_face<P: FacePage>(
    page: &mut P,
    font: P::Font,
    photo: Option<P::Image>,
    meta: &LicenseMetadata,
    t: &FaceTemplate,
) {
    if let Some(frame) = frame_rect(t) {
        page.stroke_rect(frame, FRAME_WIDTH, FRAME_COLOR);
    }
    for line in face_lines(meta, t) {
        page.line(font, &line);
    }
    if let (Some(image), Some(area)) = (photo, t.photo) {
        page.picture(image, Rect::new(area.x, area.y, area.width, area.height));
    }
}

/// A line of text placed on the face: top-left corner and character height, mm.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FaceLine {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// Every line of text of the face (title, then each field with its label, wrapped), the same
/// for the OFD and the PDF rendition.
fn face_lines(meta: &LicenseMetadata, t: &FaceTemplate) -> Vec<FaceLine> {
    let mut out = Vec::new();
    if let Some((text, b)) = &t.title {
        let title = text
            .clone()
            .or_else(|| meta.title.clone())
            .unwrap_or_else(|| meta.type_name.clone());
        wrap(
            &mut out,
            &TextBox {
                width: None,
                ..b.clone()
            },
            &title,
        );
    }
    let core = meta.core_values();
    for f in &t.fields {
        let value = match &f.source {
            FieldSource::Core(field) => core
                .iter()
                .find(|(c, _)| c == field)
                .map(|(_, v)| v.clone()),
            FieldSource::Face(name) => meta
                .face
                .iter()
                .find(|i| &i.name == name)
                .map(|i| i.value.clone()),
        };
        let Some(value) = value else { continue };
        wrap(&mut out, &f.text, &format!("{}{value}", f.label));
    }
    out
}

/// One line, or lines wrapped at `b.width` by the writers' advance model (CJK = size, ASCII =
/// size / 2); at most 12 lines.
fn wrap(out: &mut Vec<FaceLine>, b: &TextBox, text: &str) {
    let line_at = |i: usize, text: String| FaceLine {
        x: b.x,
        y: b.y + i as f64 * b.size * 1.4,
        size: b.size,
        text,
    };
    let Some(width) = b.width else {
        out.push(line_at(0, text.to_owned()));
        return;
    };
    let mut lines = Vec::new();
    let (mut line, mut used) = (String::new(), 0.0);
    for c in text.chars() {
        let adv = if c.is_ascii() { b.size / 2.0 } else { b.size };
        if used + adv > width && !line.is_empty() {
            lines.push(core::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += adv;
    }
    lines.push(line);
    out.extend(
        lines
            .into_iter()
            .take(12)
            .enumerate()
            .map(|(i, l)| line_at(i, l)),
    );
}
