//! The seal picture as PDF image data: JPEG passes through (`DCTDecode`); PNG is decoded
//! (non-interlaced, 8-bit gray, RGB, palette, gray+alpha, RGBA) and re-encoded as Flate colour
//! samples plus an `SMask` of its alpha, which is how PDF draws transparency.

use std::io::{Read as _, Write as _};

use super::PdfError;

/// The largest picture side eseal decodes (a seal picture is a few hundred pixels).
const MAX_SIDE: u32 = 8192;

/// An image ready to be written as an image XObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PdfImage {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Components per pixel of `data` (1 gray, 3 RGB).
    pub(crate) components: u8,
    /// The encoded samples.
    pub(crate) data: Vec<u8>,
    /// Whether `data` is JPEG (`DCTDecode`) rather than Flate.
    pub(crate) jpeg: bool,
    /// The Flate-encoded 8-bit alpha, if the picture has transparency.
    pub(crate) alpha: Option<Vec<u8>>,
}

fn bad(detail: impl Into<String>) -> PdfError {
    PdfError::BadPicture {
        detail: detail.into(),
    }
}

/// Reads a seal picture (PNG or JPEG, told by its magic bytes).
pub(crate) fn decode_picture(bytes: &[u8]) -> Result<PdfImage, PdfError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg(bytes)
    } else {
        Err(bad(
            "the seal picture is neither PNG nor JPEG (OFD-only formats such as OFD vector seals \
             cannot be drawn in a PDF)",
        ))
    }
}

fn jpeg(bytes: &[u8]) -> Result<PdfImage, PdfError> {
    // Walk the markers to the start-of-frame for the size and component count.
    let mut i = 2usize;
    while let (Some(&ff), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) {
        if ff != 0xff {
            return Err(bad("the JPEG marker sequence is broken"));
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(i + 2).ok_or_else(|| bad("truncated JPEG"))?,
            *bytes.get(i + 3).ok_or_else(|| bad("truncated JPEG"))?,
        ]));
        if matches!(marker, 0xc0..=0xc3 | 0xc5..=0xc7 | 0xc9..=0xcb | 0xcd..=0xcf) {
            let seg = bytes
                .get(i + 4..i + 2 + len)
                .ok_or_else(|| bad("truncated JPEG"))?;
            let (Some(h), Some(w), Some(&n)) =
                (be16(seg.get(1..3)), be16(seg.get(3..5)), seg.get(5))
            else {
                return Err(bad("truncated JPEG frame header"));
            };
            if n != 1 && n != 3 {
                return Err(bad(format!("JPEG with {n} components (1 or 3 are drawn)")));
            }
            return Ok(PdfImage {
                width: u32::from(w),
                height: u32::from(h),
                components: n,
                data: bytes.to_vec(),
                jpeg: true,
                alpha: None,
            });
        }
        i += 2 + len;
    }
    Err(bad("the JPEG has no frame header"))
}

fn be16(bytes: Option<&[u8]>) -> Option<u16> {
    match bytes? {
        [a, b] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}

fn decode_png(bytes: &[u8]) -> Result<PdfImage, PdfError> {
    let mut pos = 8usize;
    let mut ihdr: Option<[u8; 13]> = None;
    let mut palette: Vec<u8> = Vec::new();
    let mut trns: Vec<u8> = Vec::new();
    let mut idat: Vec<u8> = Vec::new();
    loop {
        let len_bytes = bytes
            .get(pos..pos + 4)
            .ok_or_else(|| bad("truncated PNG (no IEND)"))?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        let ty = bytes
            .get(pos + 4..pos + 8)
            .ok_or_else(|| bad("truncated PNG"))?;
        let data = bytes
            .get(pos + 8..pos.saturating_add(8).saturating_add(len))
            .ok_or_else(|| bad("truncated PNG chunk"))?;
        match ty {
            b"IHDR" => {
                ihdr = Some(data.try_into().map_err(|_| bad("bad PNG IHDR"))?);
            }
            b"PLTE" => palette = data.to_vec(),
            b"tRNS" => trns = data.to_vec(),
            b"IDAT" => {
                if idat.len() + data.len() > bytes.len() {
                    return Err(bad("PNG IDAT larger than the file"));
                }
                idat.extend_from_slice(data);
            }
            b"IEND" => break,
            _ => {}
        }
        pos = pos.saturating_add(12).saturating_add(len);
    }
    let h = ihdr.ok_or_else(|| bad("PNG without IHDR"))?;
    let width = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let height = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    let (depth, color, interlace) = (h[8], h[9], h[12]);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(bad(format!(
            "PNG size {width}×{height} (1 to {MAX_SIDE} pixels a side)"
        )));
    }
    if interlace != 0 {
        return Err(bad("interlaced PNG pictures are not supported"));
    }
    if depth != 8 {
        return Err(bad(format!("PNG bit depth {depth} (8 is supported)")));
    }
    let channels: usize = match color {
        0 => 1,
        2 => 3,
        3 => 1,
        4 => 2,
        6 => 4,
        _ => return Err(bad(format!("PNG colour type {color}"))),
    };
    let (w, hgt) = (width as usize, height as usize);
    let row = w * channels;
    let expected = (row + 1) * hgt;
    let mut raw = Vec::with_capacity(expected);
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .take(expected as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| bad(format!("PNG data: {e}")))?;
    if raw.len() != expected {
        return Err(bad("the PNG data does not match its size"));
    }
    let pixels = png_unfilter(&raw, row, channels).ok_or_else(|| bad("bad PNG filter type"))?;
    let mut colour = Vec::with_capacity(w * hgt * 3);
    let mut alpha = Vec::with_capacity(w * hgt);
    let components: u8 = if matches!(color, 0 | 4) { 1 } else { 3 };
    for px in pixels.chunks_exact(channels) {
        match (color, px) {
            (0, [g]) => {
                colour.push(*g);
                alpha.push(255);
            }
            (2, [r, g, b]) => {
                colour.extend_from_slice(&[*r, *g, *b]);
                alpha.push(255);
            }
            (3, [i]) => {
                let i = usize::from(*i);
                let rgb = palette
                    .get(i * 3..i * 3 + 3)
                    .ok_or_else(|| bad("PNG palette index out of range"))?;
                colour.extend_from_slice(rgb);
                alpha.push(trns.get(i).copied().unwrap_or(255));
            }
            (4, [g, a]) => {
                colour.push(*g);
                alpha.push(*a);
            }
            (6, [r, g, b, a]) => {
                colour.extend_from_slice(&[*r, *g, *b]);
                alpha.push(*a);
            }
            _ => return Err(bad("PNG pixel layout")),
        }
    }
    let opaque = alpha.iter().all(|a| *a == 255);
    Ok(PdfImage {
        width,
        height,
        components,
        data: deflate(&colour)?,
        jpeg: false,
        alpha: if opaque { None } else { Some(deflate(&alpha)?) },
    })
}

/// Undoes PNG row filters (PNG §9; PDF's predictors 10–15): rows of `row` bytes each
/// preceded by a filter-type byte, `bpp` bytes per pixel. A short last row is zero-padded;
/// `None` for an unknown filter type.
pub(crate) fn png_unfilter(raw: &[u8], row: usize, bpp: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut prev = vec![0u8; row];
    for chunk in raw.chunks(row + 1) {
        let (ty, line) = chunk.split_first()?;
        let mut cur = line.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let x = cur.get(i).copied().unwrap_or(0);
            let v = match ty {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => return None,
            };
            if let Some(s) = cur.get_mut(i) {
                *s = v;
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data)
        .and_then(|()| z.finish())
        .map_err(|e| PdfError::Internal {
            detail: format!("deflate: {e}"),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]
    use super::*;

    fn png(color: u8, channels: usize, pixels: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut raw = Vec::new();
        for row in pixels.chunks(w as usize * channels) {
            raw.push(0);
            raw.extend_from_slice(row);
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |ty: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(ty);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]); // CRC not checked
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, color, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &deflate(&raw).unwrap());
        chunk(b"IEND", &[]);
        out
    }

    fn inflate(d: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(d)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn rgba_splits_into_colour_and_alpha() {
        let img = decode_picture(&png(6, 4, &[1, 2, 3, 0, 4, 5, 6, 255], 2, 1)).unwrap();
        assert_eq!((img.width, img.height, img.components), (2, 1, 3));
        assert_eq!(inflate(&img.data), [1, 2, 3, 4, 5, 6]);
        assert_eq!(inflate(img.alpha.as_ref().unwrap()), [0, 255]);
    }

    #[test]
    fn opaque_rgb_has_no_mask_and_bad_input_is_refused() {
        let img = decode_picture(&png(2, 3, &[9, 8, 7], 1, 1)).unwrap();
        assert!(img.alpha.is_none());
        assert!(decode_picture(b"GIF89a").is_err());
        assert!(decode_picture(b"\x89PNG\r\n\x1a\n\0\0").is_err());
    }
}
