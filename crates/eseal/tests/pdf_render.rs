//! `eseal::pdf::render` against independent readers: poppler (`pdftotext` extracts the Chinese
//! text exactly, `pdffonts` sees the fonts, `pdftoppm` renders lines and images), `qpdf --check`
//! and Python `pypdf` (information dictionary and XMP). Hostile inputs are typed errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::path::Path;

use eseal::ErrorCode;
use eseal::pdf::render::{
    Color, DocumentBuilder, DocumentMeta, FontId, MAX_IMAGE_DIMENSION, PageSize, Rect, RenderError,
};
use eseal::time::Time;

const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// Lines shown in the standard font, and in the embedded one.
const STANDARD_LINES: &[&str] = &[
    "中华人民共和国电子证照",
    "营业执照（副本） No. 2026-0042",
    "Hello, eseal: 签章、验章！",
];
const EMBEDDED_LINES: &[&str] = &[
    "统一社会信用代码 91350100M000100Y43",
    "文泉驿微米黑 WenQuanYi Micro Hei",
];

fn have_poppler() -> bool {
    cross::tool_available("poppler-utils", &["pdftotext", "-v"])
}

fn have_qpdf() -> bool {
    cross::tool_available("qpdf", &["qpdf", "--version"])
}

/// A PNG made with the `png` encoder: RGBA, a red disc on a fully transparent background
/// whose colour samples are black (so a reader that ignored the mask would paint black).
fn disc_png(size: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((size * size * 4) as usize);
    let c = f64::from(size) / 2.0;
    for y in 0..size {
        for x in 0..size {
            let d = ((f64::from(x) + 0.5 - c).powi(2) + (f64::from(y) + 0.5 - c).powi(2)).sqrt();
            if d < c * 0.8 {
                data.extend_from_slice(&[220, 0, 0, 255]);
            } else {
                data.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    encode_png(size, size, png::ColorType::Rgba, &data)
}

fn encode_png(w: u32, h: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(data).unwrap();
    }
    out
}

/// A green 64×32 JPEG made by Pillow, or `None` without it.
fn green_jpeg(dir: &Path, mode: &str) -> Option<Vec<u8>> {
    if !cross::tool_available("python3 PIL", &["python3", "-c", "import PIL"]) {
        return None;
    }
    let path = dir.join(format!("green-{mode}.jpg"));
    let color = if mode == "CMYK" {
        "(255, 0, 255, 0)"
    } else {
        "(0, 160, 0)"
    };
    let script = format!(
        "from PIL import Image; Image.new('{mode}', (64, 32), {color}).save({:?}, quality=95)",
        path.to_str().unwrap()
    );
    cross::run("python3", &["-c", &script], None);
    Some(std::fs::read(path).unwrap())
}

fn meta() -> DocumentMeta {
    let mut meta = DocumentMeta::default();
    meta.title = Some("营业执照 (electronic license)".into());
    meta.author = Some("福州市市场监督管理局".into());
    meta.subject = Some("电子证照 PDF 版式".into());
    meta.keywords = Some("电子证照, eseal, PDF".into());
    meta.creator = Some("eseal tests".into());
    meta.creation_date = Some(Time::parse_rfc3339("2026-05-01T08:30:15Z").unwrap());
    meta
}

/// Draws `lines` in `font`, 10 mm apart from y = 20 mm.
fn text_lines(doc: &mut DocumentBuilder, font: FontId, lines: &[&str], first_y: f64) -> usize {
    let mut page = doc.add_page(PageSize::A4);
    for (i, line) in lines.iter().enumerate() {
        page.text(
            font,
            5.0,
            20.0,
            first_y + 10.0 * i as f64,
            line,
            Color::BLACK,
        );
    }
    lines.len()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `pdftotext` output as trimmed, non-empty lines.
fn extracted_lines(pdf: &str, page: Option<u32>) -> Vec<String> {
    let mut args = vec!["-enc", "UTF-8"];
    let p;
    if let Some(n) = page {
        p = n.to_string();
        args.extend(["-f", &p, "-l", &p]);
    }
    args.extend([pdf, "-"]);
    let out = cross::run("pdftotext", &args, None);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty() && l != "\u{c}")
        .collect()
}

/// Copies `files` to `$ESEAL_KEEP_RENDERED` when set, to look at them.
fn keep(dir: &Path, files: &[&str]) {
    if let Some(out) = std::env::var_os("ESEAL_KEEP_RENDERED") {
        for f in files {
            std::fs::copy(dir.join(f), Path::new(&out).join(f)).unwrap();
        }
    }
}

fn qpdf_check(pdf: &str) {
    let out = cross::run("qpdf", &["--check", pdf], None);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("No syntax or stream encoding errors found"),
        "{text}"
    );
}

#[test]
fn standard_font_text_extracts_exactly() {
    if !(have_poppler() && have_qpdf()) {
        return;
    }
    let dir = cross::temp_dir();
    let mut doc = DocumentBuilder::new(meta());
    let song = doc.standard_font();
    text_lines(&mut doc, song, STANDARD_LINES, 20.0);
    let bytes = doc.finish().unwrap();
    let pdf = write(dir.path(), "standard.pdf", &bytes);
    qpdf_check(&pdf);
    assert_eq!(extracted_lines(&pdf, None), STANDARD_LINES);

    // Not embedded: pdffonts lists STSong-Light as a Type 0 CID font with emb = no.
    let fonts = String::from_utf8(cross::run("pdffonts", &[&pdf], None)).unwrap();
    let line = fonts
        .lines()
        .find(|l| l.starts_with("STSong-Light"))
        .unwrap_or_else(|| panic!("{fonts}"));
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert!(line.contains("CID Type 0"), "{fonts}");
    assert!(cols.contains(&"no"), "{fonts}");
    assert!(
        !bytes.windows(9).any(|w| w == b"FontFile2"),
        "no font program is embedded"
    );
}

#[test]
fn embedded_subset_font_text_extracts_exactly() {
    if !(have_poppler() && have_qpdf()) {
        return;
    }
    if !cross::tool_available("fonts-wqy-microhei", &["test", "-f", WQY]) {
        return;
    }
    let dir = cross::temp_dir();
    let font_file = std::fs::read(WQY).unwrap();
    let font_size = font_file.len();
    let mut doc = DocumentBuilder::new(meta());
    let wqy = doc.add_font(font_file, 0).unwrap();
    let song = doc.standard_font();
    text_lines(&mut doc, wqy, EMBEDDED_LINES, 20.0);
    text_lines(&mut doc, song, STANDARD_LINES, 20.0);
    let bytes = doc.finish().unwrap();
    // A subset of a few dozen glyphs, not the 5 MB collection.
    assert!(
        bytes.len() < font_size / 20,
        "{} bytes for a {font_size}-byte font",
        bytes.len()
    );
    let pdf = write(dir.path(), "embedded.pdf", &bytes);
    keep(dir.path(), &["embedded.pdf"]);
    qpdf_check(&pdf);
    assert_eq!(extracted_lines(&pdf, Some(1)), EMBEDDED_LINES);
    assert_eq!(extracted_lines(&pdf, Some(2)), STANDARD_LINES);

    // pdffonts: a TrueType CID font, embedded, subset (name with a six-letter tag).
    let fonts = String::from_utf8(cross::run("pdffonts", &[&pdf], None)).unwrap();
    let line = fonts
        .lines()
        .find(|l| l.contains("+WenQuanYi"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(line.contains("CID TrueType"), "{fonts}");
    let cols: Vec<&str> = line.split_whitespace().collect();
    // name type... enc emb sub uni object ID: emb, sub and uni are "yes".
    let n = cols.len();
    assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{fonts}");
    let tag = line.split('+').next().unwrap();
    assert!(
        tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
        "{line}"
    );
}

/// The rendered page as RGB pixels, `dpi` dots per inch.
fn render_page(pdf: &str, dir: &Path, dpi: u32) -> (u32, u32, Vec<u8>) {
    let prefix = dir.join("page");
    let prefix = prefix.to_str().unwrap();
    let r = dpi.to_string();
    cross::run(
        "pdftoppm",
        &["-r", &r, "-png", "-f", "1", "-singlefile", pdf, prefix],
        None,
    );
    let file = std::fs::read(format!("{prefix}.png")).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

/// The RGB pixel at (`x_mm`, `y_mm`) of a page rendered at `dpi`, `w` pixels wide.
fn pixel(px: &[u8], w: u32, dpi: u32, x_mm: f64, y_mm: f64) -> [u8; 3] {
    let x = (x_mm / 25.4 * f64::from(dpi)) as u32;
    let y = (y_mm / 25.4 * f64::from(dpi)) as u32;
    let i = ((y * w + x) * 3) as usize;
    [px[i], px[i + 1], px[i + 2]]
}

/// Each component within 40 of the expected one (anti-aliasing, colour conversion).
fn near(got: [u8; 3], want: [u8; 3]) -> bool {
    got.iter()
        .zip(want)
        .all(|(g, w)| (i32::from(*g) - i32::from(w)).abs() < 40)
}

#[test]
fn pdftoppm_renders_lines_rectangles_and_images() {
    if !(have_poppler() && have_qpdf()) {
        return;
    }
    let dir = cross::temp_dir();
    let mut doc = DocumentBuilder::new(meta());
    let song = doc.standard_font();
    let disc = doc.add_image(&disc_png(64)).unwrap();
    let jpeg = green_jpeg(dir.path(), "RGB").map(|j| doc.add_image(&j).unwrap());
    let cmyk = green_jpeg(dir.path(), "CMYK").map(|j| doc.add_image(&j).unwrap());
    // A greyscale PNG with a palette-free 8-bit channel.
    let grey = doc
        .add_image(&encode_png(
            2,
            2,
            png::ColorType::Grayscale,
            &[0, 255, 255, 0],
        ))
        .unwrap();
    {
        let mut page = doc.add_page(PageSize::A4);
        page.text(song, 6.0, 20.0, 15.0, "电子印章 PDF 渲染", Color::BLACK)
            .line((20.0, 30.0), (190.0, 30.0), 1.0, Color::RED)
            .rect(
                Rect::new(20.0, 40.0, 80.0, 40.0),
                Some((0.5, Color::BLACK)),
                Some(Color::rgb(0, 0, 255)),
            )
            .image(disc, Rect::new(110.0, 40.0, 40.0, 40.0))
            .image(grey, Rect::new(160.0, 40.0, 20.0, 20.0));
        if let Some(j) = jpeg {
            page.image(j, Rect::new(20.0, 100.0, 60.0, 30.0));
        }
        if let Some(j) = cmyk {
            page.image(j, Rect::new(100.0, 100.0, 60.0, 30.0));
        }
    }
    let bytes = doc.finish().unwrap();
    let pdf = write(dir.path(), "drawing.pdf", &bytes);
    qpdf_check(&pdf);
    let dpi = 50;
    let (w, h, px) = render_page(&pdf, dir.path(), dpi);
    keep(dir.path(), &["drawing.pdf", "page.png"]);
    // A4 at 50 dpi: 413.4 × 584.6 pixels, rounded up.
    assert_eq!((w, h), (414, 585));
    let at = |x_mm: f64, y_mm: f64| pixel(&px, w, dpi, x_mm, y_mm);
    assert!(
        near(at(100.0, 30.0), [255, 0, 0]),
        "red line: {:?}",
        at(100.0, 30.0)
    );
    assert!(
        near(at(60.0, 60.0), [0, 0, 255]),
        "blue fill: {:?}",
        at(60.0, 60.0)
    );
    assert!(
        near(at(60.0, 25.0), [255, 255, 255]),
        "background: {:?}",
        at(60.0, 25.0)
    );
    // The disc: red in the middle; its transparent corner shows the white page (soft mask).
    assert!(
        near(at(130.0, 60.0), [220, 0, 0]),
        "disc: {:?}",
        at(130.0, 60.0)
    );
    assert!(
        near(at(111.5, 41.5), [255, 255, 255]),
        "masked corner: {:?}",
        at(111.5, 41.5)
    );
    // The 2×2 grey checkerboard: black top-left, white top-right.
    assert!(
        near(at(163.0, 43.0), [0, 0, 0]),
        "grey: {:?}",
        at(163.0, 43.0)
    );
    assert!(
        near(at(177.0, 43.0), [255, 255, 255]),
        "grey: {:?}",
        at(177.0, 43.0)
    );
    if jpeg.is_some() {
        assert!(
            near(at(50.0, 115.0), [0, 160, 0]),
            "jpeg: {:?}",
            at(50.0, 115.0)
        );
    }
    if cmyk.is_some() {
        // C=100% Y=100% is green; an inverted Adobe CMYK JPEG read without /Decode is magenta.
        let got = at(130.0, 115.0);
        assert!(
            got[1] > 100 && got[0] < 100 && got[2] < 100,
            "cmyk jpeg: {got:?}"
        );
    }
}

/// A PNG with a palette and a `tRNS` chunk: index 0 opaque red, index 1 fully transparent.
fn palette_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 2, 1);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(vec![255, 0, 0, 0, 0, 0]);
        enc.set_trns(vec![255, 0]);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&[0, 1]).unwrap();
    }
    out
}

#[test]
fn palette_sixteen_bit_and_progressive_pictures_render() {
    if !(have_poppler() && have_qpdf()) {
        return;
    }
    let dir = cross::temp_dir();
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    let palette = doc.add_image(&palette_png()).unwrap();
    // 16-bit grey, 0x8080 everywhere: reduced to 8 bits (0x80).
    let mut grey16 = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut grey16, 2, 2);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Sixteen);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&[0x80; 8]).unwrap();
    }
    let grey16 = doc.add_image(&grey16).unwrap();
    let progressive = if cross::tool_available("python3 PIL", &["python3", "-c", "import PIL"]) {
        let path = dir.path().join("progressive.jpg");
        let script = format!(
            "from PIL import Image; Image.new('RGB', (32, 32), (0, 0, 160)).save({:?}, \
             quality=95, progressive=True)",
            path.to_str().unwrap()
        );
        cross::run("python3", &["-c", &script], None);
        let data = std::fs::read(path).unwrap();
        assert!(
            data.windows(2).any(|w| w == [0xFF, 0xC2]),
            "a progressive frame (SOF2)"
        );
        Some(doc.add_image(&data).unwrap())
    } else {
        None
    };
    {
        let mut page = doc.add_page(PageSize::A4);
        page.image(palette, Rect::new(20.0, 20.0, 80.0, 40.0))
            .image(grey16, Rect::new(120.0, 20.0, 40.0, 40.0));
        if let Some(p) = progressive {
            page.image(p, Rect::new(20.0, 80.0, 40.0, 40.0));
        }
    }
    let pdf = write(dir.path(), "kinds.pdf", &doc.finish().unwrap());
    qpdf_check(&pdf);
    let dpi = 50;
    let (w, _, px) = render_page(&pdf, dir.path(), dpi);
    let at = |x_mm: f64, y_mm: f64| pixel(&px, w, dpi, x_mm, y_mm);
    // Palette index 0 is red; index 1 is transparent through tRNS, so the page shows.
    assert!(
        near(at(40.0, 40.0), [255, 0, 0]),
        "palette: {:?}",
        at(40.0, 40.0)
    );
    assert!(
        near(at(80.0, 40.0), [255, 255, 255]),
        "tRNS: {:?}",
        at(80.0, 40.0)
    );
    assert!(
        near(at(140.0, 40.0), [128, 128, 128]),
        "16-bit: {:?}",
        at(140.0, 40.0)
    );
    if progressive.is_some() {
        assert!(
            near(at(40.0, 100.0), [0, 0, 160]),
            "progressive: {:?}",
            at(40.0, 100.0)
        );
    }
}

#[test]
fn pypdf_reads_the_metadata() {
    if !cross::tool_available("python3 pypdf", &["python3", "-c", "import pypdf"]) {
        return;
    }
    let dir = cross::temp_dir();
    let mut doc = DocumentBuilder::new(meta());
    let song = doc.standard_font();
    text_lines(&mut doc, song, &["电子证照"], 20.0);
    let pdf = write(dir.path(), "meta.pdf", &doc.finish().unwrap());
    let script = r#"
import json, sys, pypdf
r = pypdf.PdfReader(sys.argv[1], strict=True)
m, x = r.metadata, r.xmp_metadata
print(json.dumps({
    "title": m.title, "author": m.author, "subject": m.subject,
    "keywords": m.get("/Keywords"), "creator": m.creator, "producer": m.producer,
    "created": m.creation_date.isoformat(),
    "xmp_title": x.dc_title, "xmp_creator": x.dc_creator, "xmp_description": x.dc_description,
    "xmp_keywords": x.pdf_keywords, "xmp_created": x.xmp_create_date.isoformat(),
    "pages": len(r.pages), "text": r.pages[0].extract_text(),
}, ensure_ascii=False))
"#;
    let out = cross::run("python3", &["-c", script, &pdf], None);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let m = meta();
    assert_eq!(v["title"], m.title.as_deref().unwrap());
    assert_eq!(v["author"], m.author.as_deref().unwrap());
    assert_eq!(v["subject"], m.subject.as_deref().unwrap());
    assert_eq!(v["keywords"], m.keywords.as_deref().unwrap());
    assert_eq!(v["creator"], "eseal tests");
    assert!(v["producer"].as_str().unwrap().starts_with("eseal "), "{v}");
    assert_eq!(v["created"], "2026-05-01T08:30:15+00:00");
    assert_eq!(v["xmp_title"]["x-default"], m.title.as_deref().unwrap());
    assert_eq!(v["xmp_creator"][0], m.author.as_deref().unwrap());
    assert_eq!(
        v["xmp_description"]["x-default"],
        m.subject.as_deref().unwrap()
    );
    assert_eq!(v["xmp_keywords"], m.keywords.as_deref().unwrap());
    assert!(
        v["xmp_created"]
            .as_str()
            .unwrap()
            .starts_with("2026-05-01T08:30:15"),
        "{v}"
    );
    assert_eq!(v["pages"], 1);
    assert_eq!(v["text"], "电子证照");
}

#[test]
fn equal_input_gives_equal_bytes() {
    let make = || {
        let mut doc = DocumentBuilder::new(meta());
        let song = doc.standard_font();
        text_lines(&mut doc, song, STANDARD_LINES, 20.0);
        doc.finish().unwrap()
    };
    assert_eq!(make(), make());
    let mut other = DocumentBuilder::new(meta());
    let song = other.standard_font();
    text_lines(&mut other, song, &["不同的内容"], 20.0);
    let other = other.finish().unwrap();
    let id = |pdf: &[u8]| {
        let at = pdf.windows(4).rposition(|w| w == b"/ID ").unwrap();
        pdf[at..at + 40].to_vec()
    };
    assert_ne!(id(&make()), id(&other), "the file ID follows the content");
}

// ------------------------------------------------------------------ hostile input

fn image_err(data: &[u8]) -> RenderError {
    DocumentBuilder::new(DocumentMeta::default())
        .add_image(data)
        .unwrap_err()
}

/// A PNG chunk with its CRC-32.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(body);
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    let mut crc = 0xFFFF_FFFFu32;
    for b in crc_input {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
}

fn png_with_ihdr(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // One zlib stream that inflates to nothing useful: the decoder must stop on the size first.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// SOI, a frame header of `width` × `height` with `components` and `precision`, EOI.
fn jpeg_with_sof(marker: u8, precision: u8, width: u16, height: u16, components: u8) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    out.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let len = 8 + 3 * u16::from(components);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(precision);
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&width.to_be_bytes());
    out.push(components);
    for c in 0..components {
        out.extend_from_slice(&[c + 1, 0x11, 0]);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn hostile_images_are_typed_errors() {
    // Neither format.
    assert_eq!(image_err(b"GIF89a...").code(), ErrorCode::Unsupported);
    assert_eq!(image_err(b"RIFF....WEBP").code(), ErrorCode::Malformed);
    assert_eq!(image_err(b"").code(), ErrorCode::Malformed);

    // PNG: truncated, a flipped CRC, garbage after the signature.
    let good = disc_png(8);
    for cut in [8, 20, 33, good.len() - 13] {
        let e = image_err(&good[..cut]);
        assert_eq!(e.code(), ErrorCode::Malformed, "cut at {cut}: {e}");
        assert!(
            matches!(
                e,
                RenderError::Malformed {
                    what: "PNG image",
                    ..
                }
            ),
            "{e}"
        );
    }
    let mut bad_crc = good.clone();
    bad_crc[29] ^= 1; // the IHDR CRC
    assert_eq!(image_err(&bad_crc).code(), ErrorCode::Malformed);
    let mut garbage = b"\x89PNG\r\n\x1a\n".to_vec();
    garbage.extend_from_slice(&[0xAB; 64]);
    assert_eq!(image_err(&garbage).code(), ErrorCode::Malformed);

    // PNG: huge dimensions are refused before any allocation of that size.
    for (w, h) in [
        (100_000, 100_000),
        (MAX_IMAGE_DIMENSION + 1, 1),
        (16_000, 16_000),
    ] {
        let e = image_err(&png_with_ihdr(w, h));
        assert_eq!(e.code(), ErrorCode::LimitExceeded, "{w}×{h}: {e}");
    }

    // JPEG: truncated, no frame header, a zero-length segment, a length past the end.
    let jpeg = jpeg_with_sof(0xC0, 8, 64, 32, 3);
    assert!(
        DocumentBuilder::new(DocumentMeta::default())
            .add_image(&jpeg)
            .is_ok()
    );
    for cut in [3, 4, 6, 25, 30] {
        let e = image_err(&jpeg[..cut]);
        assert!(
            matches!(
                e,
                RenderError::Malformed {
                    what: "JPEG image",
                    ..
                }
            ),
            "cut {cut}: {e}"
        );
    }
    assert_eq!(
        image_err(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]).code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        image_err(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        image_err(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 1, 2]).code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        image_err(&[0xFF, 0xD8, 0x00, 0x00]).code(),
        ErrorCode::Malformed
    );

    // JPEG: huge, or a kind PDF's DCTDecode does not take.
    assert_eq!(
        image_err(&jpeg_with_sof(0xC0, 8, 60_000, 60_000, 3)).code(),
        ErrorCode::LimitExceeded
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC2, 8, 65_535, 1, 1)).code(),
        ErrorCode::LimitExceeded
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC1, 12, 64, 32, 3)).code(),
        ErrorCode::Unsupported
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC3, 8, 64, 32, 3)).code(),
        ErrorCode::Unsupported
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC9, 8, 64, 32, 3)).code(),
        ErrorCode::Unsupported
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC0, 8, 64, 0, 3)).code(),
        ErrorCode::Unsupported
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC0, 8, 0, 32, 3)).code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        image_err(&jpeg_with_sof(0xC0, 8, 64, 32, 2)).code(),
        ErrorCode::Unsupported
    );

    // The crate-level error keeps the code.
    assert_eq!(
        eseal::Error::from(image_err(b"x")).code(),
        ErrorCode::Malformed
    );
}

#[test]
fn hostile_fonts_are_typed_errors() {
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    assert_eq!(
        doc.add_font(b"not a font".to_vec(), 0).unwrap_err().code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        doc.add_font(Vec::new(), 0).unwrap_err().code(),
        ErrorCode::Malformed
    );
    // A TrueType header whose table directory runs past the end.
    let mut truncated = vec![0, 1, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0];
    truncated.extend_from_slice(b"glyf");
    assert_eq!(
        doc.add_font(truncated, 0).unwrap_err().code(),
        ErrorCode::Malformed
    );
    if Path::new(WQY).exists() {
        let data = std::fs::read(WQY).unwrap();
        // The collection holds two faces; the third does not exist.
        assert_eq!(
            doc.add_font(data.clone(), 7).unwrap_err().code(),
            ErrorCode::Malformed
        );
        // Cut in the middle: the directory parses, the tables do not all fit.
        let e = doc.add_font(data[..4096].to_vec(), 0).unwrap_err();
        assert!(
            matches!(e.code(), ErrorCode::Malformed | ErrorCode::Unsupported),
            "{e}"
        );
        // A character the font lacks is refused when writing, naming it.
        let wqy = doc.add_font(data, 0).unwrap();
        doc.add_page(PageSize::A4)
            .text(wqy, 5.0, 10.0, 10.0, "𠀀", Color::BLACK);
        let e = doc.finish().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(e.to_string().contains("U+20000"), "{e}");
    }
}

#[test]
fn invalid_documents_are_refused() {
    let code = |f: &dyn Fn(&mut DocumentBuilder)| {
        let mut doc = DocumentBuilder::new(DocumentMeta::default());
        f(&mut doc);
        doc.finish().unwrap_err().code()
    };
    assert_eq!(code(&|_| {}), ErrorCode::InvalidArgument, "no pages");
    for size in [
        PageSize::new(0.0, 297.0),
        PageSize::new(-1.0, 297.0),
        PageSize::new(210.0, 6000.0),
        PageSize::new(f64::NAN, 297.0),
        PageSize::new(f64::INFINITY, 297.0),
    ] {
        assert_eq!(
            code(&|d| {
                d.add_page(size);
            }),
            ErrorCode::InvalidArgument,
            "{size:?}"
        );
    }
    assert_eq!(
        code(&|d| {
            let f = d.standard_font();
            d.add_page(PageSize::A4)
                .text(f, 5.0, f64::NAN, 10.0, "x", Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(&|d| {
            let f = d.standard_font();
            d.add_page(PageSize::A4)
                .text(f, 0.0, 10.0, 10.0, "x", Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(&|d| {
            let f = d.standard_font();
            d.add_page(PageSize::A4)
                .text(f, 5.0, 10.0, 10.0, "a\nb", Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    // Outside the BMP: UCS-2 cannot encode it.
    assert_eq!(
        code(&|d| {
            let f = d.standard_font();
            d.add_page(PageSize::A4)
                .text(f, 5.0, 10.0, 10.0, "😀", Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(&|d| {
            d.add_page(PageSize::A4)
                .line((0.0, 0.0), (10.0, f64::INFINITY), 1.0, Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(&|d| {
            d.add_page(PageSize::A4)
                .rect(Rect::new(0.0, 0.0, -5.0, 5.0), None, Some(Color::BLACK));
        }),
        ErrorCode::InvalidArgument
    );
    // IDs from another builder.
    let mut other = DocumentBuilder::new(DocumentMeta::default());
    let _ = other.standard_font();
    let foreign_font = other.standard_font();
    let foreign_image = other.add_image(&disc_png(4)).unwrap();
    assert_eq!(
        code(&|d| {
            d.add_page(PageSize::A4)
                .text(foreign_font, 5.0, 10.0, 10.0, "x", Color::BLACK);
        }),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(&|d| {
            d.add_page(PageSize::A4)
                .image(foreign_image, Rect::new(0.0, 0.0, 5.0, 5.0));
        }),
        ErrorCode::InvalidArgument
    );
}
