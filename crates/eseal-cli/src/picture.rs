//! The demo's seal picture (印模), drawn in code: a red ring with a five-pointed star, on a
//! transparent background, written as a PNG (RGBA, zlib from flate2). Text-free, so it needs no
//! font.

use std::io::Write as _;

/// Seal red.
const RED: [u8; 3] = [214, 0, 24];
/// Samples per pixel side for anti-aliasing.
const SAMPLES: u32 = 4;

/// A `size`×`size` PNG of the seal.
pub(crate) fn seal_png(size: u32) -> anyhow::Result<Vec<u8>> {
    let s = f64::from(size);
    let c = s / 2.0;
    let outer = s * 0.47;
    let inner = s * 0.42;
    let star = star_polygon(c, c * 1.02, s * 0.2);
    let mut raw = Vec::with_capacity((size as usize * 4 + 1) * size as usize);
    for y in 0..size {
        raw.push(0); // filter type: none
        for x in 0..size {
            let mut hits = 0u32;
            for sy in 0..SAMPLES {
                for sx in 0..SAMPLES {
                    let px = f64::from(x) + (f64::from(sx) + 0.5) / f64::from(SAMPLES);
                    let py = f64::from(y) + (f64::from(sy) + 0.5) / f64::from(SAMPLES);
                    let d = ((px - c).powi(2) + (py - c).powi(2)).sqrt();
                    if (inner..=outer).contains(&d) || inside(&star, px, py) {
                        hits += 1;
                    }
                }
            }
            let alpha = hits * 255 / (SAMPLES * SAMPLES);
            raw.extend_from_slice(&RED);
            raw.push(u8::try_from(alpha).unwrap_or(u8::MAX));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw)?;
    let idat = z.finish()?;

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&size.to_be_bytes());
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr)?;
    chunk(&mut out, b"IDAT", &idat)?;
    chunk(&mut out, b"IEND", &[])?;
    Ok(out)
}

/// Appends a PNG chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> anyhow::Result<()> {
    out.extend_from_slice(&u32::try_from(data.len())?.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    Ok(())
}

/// The ten corners of a five-pointed star centred at (`cx`, `cy`), point up.
fn star_polygon(cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    let inner = r * 0.382;
    (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 { r } else { inner };
            let angle = -std::f64::consts::FRAC_PI_2 + f64::from(i) * std::f64::consts::PI / 5.0;
            (cx + radius * angle.cos(), cy + radius * angle.sin())
        })
        .collect()
}

/// Even-odd point-in-polygon test.
fn inside(poly: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut result = false;
    let mut prev = poly.last().copied().unwrap_or((0.0, 0.0));
    for &(xi, yi) in poly {
        let (xj, yj) = prev;
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            result = !result;
        }
        prev = (xi, yi);
    }
    result
}
