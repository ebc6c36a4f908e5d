//! The QR symbol of a payload (the `qrcode` crate, error correction level M) as a module
//! matrix, as vector squares on an OFD page, and as a PNG (a minimal encoder on the
//! crate's deflate dependency), for screens and for decoding tests with `zbarimg`.

use std::io::Write as _;

use qrcode::{Color as QrColor, EcLevel, QrCode};

use super::error::LicenseError;
use crate::ofd::{Color, PageBuilder, Rect};

/// Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// A QR symbol: `width` × `width` modules, row-major, `true` = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` at error correction level M (15 % of the symbol may be damaged); the
    /// encoder picks the smallest version and the modes (alphanumeric for a plain payload).
    ///
    /// # Errors
    /// [`LicenseError::Payload`] when the text does not fit the largest symbol.
    pub fn encode(text: &str) -> Result<Self, LicenseError> {
        let code =
            QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
                LicenseError::Payload {
                    reason: format!("no QR symbol holds the text: {e}"),
                }
            })?;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == QrColor::Dark)
            .collect();
        Ok(Self {
            width: code.width(),
            dark,
        })
    }

    /// Modules per side (21 for version 1, 4 more per version).
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// The QR version (1–40).
    #[must_use]
    pub fn version(&self) -> usize {
        self.width.saturating_sub(17) / 4
    }

    /// Whether the module at column `x`, row `y` is dark (outside: light).
    #[must_use]
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Draws the symbol into the `size` mm square at (`x`, `y`) (top-left, quiet zone
    /// included): one stroked segment per horizontal run of dark modules, one module wide (OFD's
    /// default butt caps make it exactly the run's rectangle). Lines rather than filled
    /// rectangles, because readers that stroke every path and fill none (easyofd) still show a
    /// readable symbol.
    pub fn draw(&self, page: &mut PageBuilder<'_>, x: f64, y: f64, size: f64) {
        let total = self.width + 2 * QUIET_ZONE;
        let m = size / total as f64;
        // A white ground, so the code reads on any background.
        page.rect(
            Rect::new(x, y, size, size),
            None,
            Some(Color::rgb(255, 255, 255)),
        );
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if !self.is_dark(col, row) {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < self.width && self.is_dark(col, row) {
                    col += 1;
                }
                let x0 = x + (QUIET_ZONE + start) as f64 * m;
                let x1 = x + (QUIET_ZONE + col) as f64 * m;
                let mid = y + (QUIET_ZONE + row) as f64 * m + m / 2.0;
                runs.push(((x0, mid), (x1, mid)));
            }
        }
        // One path object for the whole symbol keeps the page content small.
        page.segments(&runs, m, Color::BLACK);
    }

    /// A greyscale PNG, `scale` pixels per module (1–64), quiet zone included.
    #[must_use]
    pub fn to_png(&self, scale: usize) -> Vec<u8> {
        let scale = scale.clamp(1, 64);
        let side = (self.width + 2 * QUIET_ZONE) * scale;
        let mut raw = Vec::with_capacity(side * (side + 1));
        for py in 0..side {
            raw.push(0); // filter type None
            for px in 0..side {
                let (mx, my) = (px / scale, py / scale);
                let dark = mx >= QUIET_ZONE
                    && my >= QUIET_ZONE
                    && self.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE);
                raw.push(if dark { 0 } else { 255 });
            }
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing into a Vec cannot fail.
        let _ = z.write_all(&raw);
        let idat = z.finish().unwrap_or_default();
        let side32 = u32::try_from(side).unwrap_or(u32::MAX);
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&side32.to_be_bytes());
        ihdr.extend_from_slice(&side32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale, no interlace
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", &idat);
        chunk(&mut png, b"IEND", &[]);
        png
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&[kind.as_slice(), data].concat());
    out.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (ISO 3309, as PNG uses), bitwise: chunks are small and written once.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    /// The byte budget of docs/license.md: 282 characters (the published identifiers) fit a
    /// version 10 symbol at level M, 367 (the longest identifier) a version 12.
    #[test]
    fn payload_sizes_give_the_documented_versions() {
        let text = |n: usize| format!("DZZZ:{}", "A".repeat(n - 5));
        assert_eq!(QrMatrix::encode(&text(282)).unwrap().version(), 10);
        assert_eq!(QrMatrix::encode(&text(367)).unwrap().version(), 12);
        assert_eq!(QrMatrix::encode(&text(282)).unwrap().width(), 57);
    }

    #[test]
    fn matrix_has_finder_patterns() {
        let m = QrMatrix::encode("DZZZ:ABC").unwrap();
        assert_eq!(m.width(), 21);
        assert_eq!(m.version(), 1);
        // The top-left finder: a dark 7×7 ring around a light ring and a dark 3×3 centre.
        assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(1, 1) && m.is_dark(3, 3));
        assert!(!m.is_dark(7, 7) && !m.is_dark(99, 0));
        let png = m.to_png(4);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}
