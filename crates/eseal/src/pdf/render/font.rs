//! The two kinds of text font: the standard, non-embedded `STSong-Light` and a caller's
//! TrueType font embedded as a subset. Both write a Type0 font with a `/ToUnicode` CMap.

use std::collections::BTreeSet;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Finish, Name, Pdf, Rect as PdfRect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use super::{MAX_FONT_SIZE, RenderError, deflate, invalid};

/// `STSong-Light` metrics for the font descriptor, as Adobe's font resource gives them: they
/// only guide the reader's choice of substitute.
const STSONG_ASCENT: f32 = 880.0;
const STSONG_DESCENT: f32 = -120.0;
const STSONG_BBOX: [f32; 4] = [-25.0, -254.0, 1000.0, 880.0];
const STSONG_STEM_V: f32 = 93.0;
/// UniGB-UCS2-H maps U+0020–U+007E to CIDs 1–95, Adobe-GB1's proportional Latin glyphs;
/// declared half-width (500), every other CID full-width (the default 1000).
const LATIN_CIDS: (u16, u16) = (1, 95);

fn malformed(detail: impl Into<String>) -> RenderError {
    RenderError::Malformed {
        what: "font",
        detail: detail.into(),
    }
}

/// A caller's TrueType font, checked when added and subset when the document is written.
pub(super) struct EmbeddedFont {
    data: Vec<u8>,
    index: u32,
}

/// What one font needs in the document: how to encode its text and which objects to write.
pub(super) enum FontPlan {
    /// STSong-Light: text is UCS-2 (big-endian code units).
    Standard { used: BTreeSet<char> },
    /// An embedded subset: text is the subset's glyph IDs (= CIDs, `Identity-H`).
    Embedded(Box<Subset>),
}

pub(super) struct Subset {
    /// The subset font program (TrueType).
    program: Vec<u8>,
    /// Each used character and its glyph ID in the subset.
    glyphs: Vec<(char, u16)>,
    /// Advance widths in 1/1000 em, by subset glyph ID.
    widths: Vec<f32>,
    /// `ABCDEF+PostScriptName`.
    base_font: String,
    metrics: Metrics,
}

struct Metrics {
    ascent: f32,
    descent: f32,
    cap_height: f32,
    bbox: [f32; 4],
    italic_angle: f32,
    stem_v: f32,
    fixed_pitch: bool,
}

impl EmbeddedFont {
    pub(super) fn new(data: Vec<u8>, index: u32) -> Result<Self, RenderError> {
        if data.len() > MAX_FONT_SIZE {
            return Err(RenderError::TooLarge {
                what: "font file (bytes)",
                actual: data.len() as u64,
                limit: MAX_FONT_SIZE as u64,
            });
        }
        let face = Face::parse(&data, index).map_err(|e| malformed(e.to_string()))?;
        let tables = face.tables();
        if tables.cff.is_some() {
            return Err(RenderError::Unsupported {
                what: "font",
                detail: "fonts with CFF outlines (use a TrueType font)".into(),
            });
        }
        if tables.glyf.is_none() {
            return Err(RenderError::Unsupported {
                what: "font",
                detail: "the font has no TrueType outlines (glyf table)".into(),
            });
        }
        let unicode = tables
            .cmap
            .is_some_and(|cmap| cmap.subtables.into_iter().any(|s| s.is_unicode()));
        if !unicode {
            return Err(RenderError::Unsupported {
                what: "font",
                detail: "the font has no Unicode cmap".into(),
            });
        }
        if face.units_per_em() == 0 {
            return Err(malformed("unitsPerEm is 0"));
        }
        Ok(EmbeddedFont { data, index })
    }

    fn face(&self) -> Result<Face<'_>, RenderError> {
        Face::parse(&self.data, self.index).map_err(|e| malformed(e.to_string()))
    }

    /// The subset for `text` (every character the document shows in this font).
    pub(super) fn plan(&self, text: &str) -> Result<FontPlan, RenderError> {
        let face = self.face()?;
        let chars: BTreeSet<char> = text.chars().collect();
        let mut old_glyphs = Vec::with_capacity(chars.len());
        for &c in &chars {
            let gid = face.glyph_index(c).ok_or_else(|| {
                invalid(format!(
                    "the font {} has no glyph for {c:?} (U+{:04X})",
                    postscript_name(&face),
                    u32::from(c)
                ))
            })?;
            old_glyphs.push((c, gid.0));
        }
        let gids: Vec<u16> = old_glyphs.iter().map(|&(_, g)| g).collect();
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&gids);
        let program =
            subsetter::subset(&self.data, self.index, &remapper).map_err(|e| match e {
                subsetter::Error::MalformedFont | subsetter::Error::CFFError => {
                    malformed(format!("subsetting: {e}"))
                }
                subsetter::Error::Unimplemented | subsetter::Error::UnknownKind => {
                    RenderError::Unsupported {
                        what: "font",
                        detail: format!("subsetting: {e}"),
                    }
                }
                other => RenderError::Internal {
                    detail: format!("subsetting: {other}"),
                },
            })?;
        let mut glyphs = Vec::with_capacity(old_glyphs.len());
        for (c, old) in old_glyphs {
            let new = remapper.get(old).ok_or_else(|| RenderError::Internal {
                detail: format!("glyph {old} missing from the subset"),
            })?;
            glyphs.push((c, new));
        }
        let scale = 1000.0 / f32::from(face.units_per_em());
        let widths = remapper
            .remapped_gids()
            .map(|old| f32::from(face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)) * scale)
            .collect();
        let bbox = face.global_bounding_box();
        let ascent = f32::from(face.ascender()) * scale;
        let metrics = Metrics {
            ascent,
            descent: f32::from(face.descender()) * scale,
            cap_height: face
                .capital_height()
                .map_or(ascent, |h| f32::from(h) * scale),
            bbox: [
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ],
            italic_angle: face.italic_angle(),
            // The usual estimate from the weight class (no font stores StemV).
            stem_v: 10.0 + 0.244 * (f32::from(face.weight().to_number()) - 50.0),
            fixed_pitch: face.is_monospaced(),
        };
        let tag = subset_tag(&program);
        let base_font = format!("{tag}+{}", postscript_name(&face));
        Ok(FontPlan::Embedded(Box::new(Subset {
            program,
            glyphs,
            widths,
            base_font,
            metrics,
        })))
    }
}

impl FontPlan {
    /// The plan for STSong-Light showing `text`.
    pub(super) fn standard(text: &str) -> Result<Self, RenderError> {
        let used: BTreeSet<char> = text.chars().collect();
        if let Some(c) = used.iter().find(|c| u32::from(**c) > 0xFFFF) {
            return Err(invalid(format!(
                "STSong-Light (UniGB-UCS2-H) cannot show {c:?} (U+{:X}, outside the BMP); \
                 embed a font that has it",
                u32::from(*c)
            )));
        }
        Ok(FontPlan::Standard { used })
    }

    /// The ascent as a fraction of the em (where the baseline lies below the box's top).
    pub(super) fn ascent(&self) -> f64 {
        let ascent = match self {
            Self::Standard { .. } => STSONG_ASCENT,
            Self::Embedded(s) => s.metrics.ascent,
        };
        f64::from(ascent) / 1000.0
    }

    /// Bytes that identify the font's content (for the file identifier).
    pub(super) fn fingerprint(&self) -> &[u8] {
        match self {
            Self::Standard { .. } => b"STSong-Light",
            Self::Embedded(s) => &s.program,
        }
    }

    /// `text` as the font's two-byte codes.
    pub(super) fn encode(&self, text: &str) -> Result<Vec<u8>, RenderError> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let code = match self {
                Self::Standard { .. } => u16::try_from(u32::from(c)).ok(),
                Self::Embedded(s) => s
                    .glyphs
                    .binary_search_by_key(&c, |&(ch, _)| ch)
                    .ok()
                    .and_then(|i| s.glyphs.get(i))
                    .map(|&(_, g)| g),
            };
            let code = code.ok_or_else(|| RenderError::Internal {
                detail: format!("{c:?} was not planned for its font"),
            })?;
            out.extend_from_slice(&code.to_be_bytes());
        }
        Ok(out)
    }

    /// Writes the Type0 font `font_ref` and the objects beneath it.
    pub(super) fn write(
        &self,
        pdf: &mut Pdf,
        font_ref: Ref,
        alloc: &mut impl FnMut() -> Ref,
    ) -> Result<(), RenderError> {
        let cid_ref = alloc();
        let descriptor_ref = alloc();
        let cmap_ref = alloc();
        match self {
            Self::Standard { used } => {
                pdf.type0_font(font_ref)
                    .base_font(Name(b"STSong-Light-UniGB-UCS2-H"))
                    .encoding_predefined(Name(b"UniGB-UCS2-H"))
                    .descendant_font(cid_ref)
                    .to_unicode(cmap_ref);
                let mut cid = pdf.cid_font(cid_ref);
                cid.subtype(CidFontType::Type0)
                    .base_font(Name(b"STSong-Light"))
                    .system_info(SystemInfo {
                        registry: Str(b"Adobe"),
                        ordering: Str(b"GB1"),
                        supplement: 2,
                    })
                    .font_descriptor(descriptor_ref)
                    .default_width(1000.0);
                cid.widths().same(LATIN_CIDS.0, LATIN_CIDS.1, 500.0);
                cid.finish();
                let [x0, y0, x1, y1] = STSONG_BBOX;
                pdf.font_descriptor(descriptor_ref)
                    .name(Name(b"STSong-Light"))
                    .flags(FontFlags::SERIF | FontFlags::SYMBOLIC)
                    .bbox(PdfRect::new(x0, y0, x1, y1))
                    .italic_angle(0.0)
                    .ascent(STSONG_ASCENT)
                    .descent(STSONG_DESCENT)
                    .cap_height(STSONG_ASCENT)
                    .stem_v(STSONG_STEM_V);
                // The code is the UCS-2 value itself.
                let mut cmap = to_unicode_cmap();
                for &c in used {
                    if let Ok(code) = u16::try_from(u32::from(c)) {
                        cmap.pair(code, c);
                    }
                }
                let data = deflate(&cmap.finish().into_vec())?;
                pdf.cmap(cmap_ref, &data)
                    .filter(pdf_writer::Filter::FlateDecode);
            }
            Self::Embedded(s) => {
                let file_ref = alloc();
                let name = Name(s.base_font.as_bytes());
                pdf.type0_font(font_ref)
                    .base_font(name)
                    .encoding_predefined(Name(b"Identity-H"))
                    .descendant_font(cid_ref)
                    .to_unicode(cmap_ref);
                let mut cid = pdf.cid_font(cid_ref);
                cid.subtype(CidFontType::Type2)
                    .base_font(name)
                    .system_info(SystemInfo {
                        registry: Str(b"Adobe"),
                        ordering: Str(b"Identity"),
                        supplement: 0,
                    })
                    .font_descriptor(descriptor_ref)
                    .default_width(0.0)
                    .cid_to_gid_map_predefined(Name(b"Identity"));
                cid.widths().consecutive(0, s.widths.iter().copied());
                cid.finish();
                let m = &s.metrics;
                let mut flags = FontFlags::SYMBOLIC;
                if m.fixed_pitch {
                    flags |= FontFlags::FIXED_PITCH;
                }
                let [x0, y0, x1, y1] = m.bbox;
                pdf.font_descriptor(descriptor_ref)
                    .name(name)
                    .flags(flags)
                    .bbox(PdfRect::new(x0, y0, x1, y1))
                    .italic_angle(m.italic_angle)
                    .ascent(m.ascent)
                    .descent(m.descent)
                    .cap_height(m.cap_height)
                    .stem_v(m.stem_v)
                    .font_file2(file_ref);
                let mut cmap = to_unicode_cmap();
                for &(c, gid) in &s.glyphs {
                    cmap.pair(gid, c);
                }
                let data = deflate(&cmap.finish().into_vec())?;
                pdf.cmap(cmap_ref, &data)
                    .filter(pdf_writer::Filter::FlateDecode);
                let program = deflate(&s.program)?;
                let length1 =
                    i32::try_from(s.program.len()).map_err(|_| RenderError::TooLarge {
                        what: "font subset (bytes)",
                        actual: s.program.len() as u64,
                        limit: i32::MAX as u64,
                    })?;
                pdf.stream(file_ref, &program)
                    .filter(pdf_writer::Filter::FlateDecode)
                    .pair(Name(b"Length1"), length1);
            }
        }
        Ok(())
    }
}

fn to_unicode_cmap() -> UnicodeCmap {
    UnicodeCmap::new(
        Name(b"Adobe-Identity-UCS"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    )
}

/// The PostScript name (name ID 6), reduced to the characters a PDF name keeps readable;
/// `EmbeddedFont` when the font has none.
fn postscript_name(face: &Face<'_>) -> String {
    let name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_default();
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(56)
        .collect();
    if clean.is_empty() {
        "EmbeddedFont".to_owned()
    } else {
        clean
    }
}

/// Six capital letters derived from the subset (PDF 32000-1 §9.6.4: a subset's name starts
/// with a tag that differs between subsets).
fn subset_tag(program: &[u8]) -> String {
    crate::crypto::sm3::sm3(program)
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}
