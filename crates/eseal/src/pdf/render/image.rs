//! Images: PNG decoded to samples (alpha split into a soft mask, PDF 32000-1 §11.6.5.3) and
//! JPEG passed through as `/DCTDecode` after reading its frame header.

use pdf_writer::{Chunk, Filter, Finish, Name, Ref};

use crate::ses::PictureFormat;

use super::{
    MAX_DECODED_IMAGE_SIZE, MAX_IMAGE_DIMENSION, MAX_IMAGE_FILE_SIZE, RenderError, deflate,
};

/// Which decoder an image needs.
#[derive(Clone, Copy)]
enum ImageFormat {
    Png,
    Jpeg,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ColorSpace {
    Gray,
    Rgb,
    Cmyk,
}

impl ColorSpace {
    fn name(self) -> Name<'static> {
        match self {
            Self::Gray => Name(b"DeviceGray"),
            Self::Rgb => Name(b"DeviceRGB"),
            Self::Cmyk => Name(b"DeviceCMYK"),
        }
    }
}

/// An image ready to write: samples (Flate) or a JPEG stream (DCT), and an optional mask.
pub(crate) struct DecodedImage {
    width: u32,
    height: u32,
    color: ColorSpace,
    /// Flate-compressed 8-bit samples, or the JPEG file.
    data: Vec<u8>,
    filter: Filter,
    /// An Adobe CMYK JPEG stores inverted samples.
    inverted: bool,
    /// Flate-compressed 8-bit alpha samples.
    pub(crate) alpha: Option<Vec<u8>>,
}

fn malformed(format: ImageFormat, detail: impl Into<String>) -> RenderError {
    RenderError::Malformed {
        what: match format {
            ImageFormat::Png => "PNG image",
            ImageFormat::Jpeg => "JPEG image",
        },
        detail: detail.into(),
    }
}

fn check_dimensions(width: u32, height: u32) -> Result<(), RenderError> {
    for side in [width, height] {
        if side > MAX_IMAGE_DIMENSION {
            return Err(RenderError::TooLarge {
                what: "image side (pixels)",
                actual: u64::from(side),
                limit: u64::from(MAX_IMAGE_DIMENSION),
            });
        }
    }
    Ok(())
}

impl DecodedImage {
    pub(crate) fn decode(data: &[u8]) -> Result<Self, RenderError> {
        if data.len() > MAX_IMAGE_FILE_SIZE {
            return Err(RenderError::TooLarge {
                what: "image file (bytes)",
                actual: data.len() as u64,
                limit: MAX_IMAGE_FILE_SIZE as u64,
            });
        }
        match PictureFormat::sniff(data) {
            Some(PictureFormat::Png) => Self::png(data),
            Some(PictureFormat::Jpeg) => Self::jpeg(data),
            Some(other) => Err(RenderError::Unsupported {
                what: "image",
                detail: format!("{} pictures (convert to PNG or JPEG)", other.label()),
            }),
            None => Err(RenderError::Malformed {
                what: "image",
                detail: "neither PNG nor JPEG".into(),
            }),
        }
    }

    fn png(data: &[u8]) -> Result<Self, RenderError> {
        use png::{BitDepth, ColorType, Transformations};
        let fmt = ImageFormat::Png;
        check_png_chunks(data)?;
        let limits = png::Limits {
            bytes: MAX_DECODED_IMAGE_SIZE,
        };
        let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(data), limits);
        // Palette → RGB, tRNS → alpha, 1/2/4 bits → 8, 16 bits → 8.
        decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(|e| png_error(&e))?;
        let (width, height) = reader.info().size();
        check_dimensions(width, height)?;
        let size = reader
            .output_buffer_size()
            .filter(|&n| n <= MAX_DECODED_IMAGE_SIZE)
            .ok_or(RenderError::TooLarge {
                what: "decoded image (bytes)",
                actual: u64::from(width) * u64::from(height) * 4,
                limit: MAX_DECODED_IMAGE_SIZE as u64,
            })?;
        let mut buf = vec![0; size];
        let frame = reader.next_frame(&mut buf).map_err(|e| png_error(&e))?;
        if frame.bit_depth != BitDepth::Eight {
            return Err(malformed(fmt, "samples are not 8 bits after expansion"));
        }
        let samples = buf.get(..frame.buffer_size()).unwrap_or(&buf);
        let (color, channels, has_alpha) = match frame.color_type {
            ColorType::Grayscale => (ColorSpace::Gray, 1, false),
            ColorType::GrayscaleAlpha => (ColorSpace::Gray, 2, true),
            ColorType::Rgb => (ColorSpace::Rgb, 3, false),
            ColorType::Rgba => (ColorSpace::Rgb, 4, true),
            ColorType::Indexed => return Err(malformed(fmt, "palette was not expanded")),
        };
        let (color_samples, alpha) = if has_alpha {
            let colors = channels - 1;
            let mut c = Vec::with_capacity(samples.len() / channels * colors);
            let mut a = Vec::with_capacity(samples.len() / channels);
            for px in samples.chunks_exact(channels) {
                let (rest, last) = px.split_at(colors);
                c.extend_from_slice(rest);
                a.extend_from_slice(last);
            }
            // A fully opaque alpha channel needs no mask.
            let mask = if a.iter().all(|&v| v == 255) {
                None
            } else {
                Some(deflate(&a)?)
            };
            (deflate(&c)?, mask)
        } else {
            (deflate(samples)?, None)
        };
        Ok(DecodedImage {
            width,
            height,
            color,
            data: color_samples,
            filter: Filter::FlateDecode,
            inverted: false,
            alpha,
        })
    }

    /// Reads the JPEG markers up to the frame header (ITU-T T.81 §B.2); the scan stays as it
    /// is for the reader's DCT decoder.
    fn jpeg(data: &[u8]) -> Result<Self, RenderError> {
        let fmt = ImageFormat::Jpeg;
        let unsupported = |detail: &str| RenderError::Unsupported {
            what: "JPEG image",
            detail: detail.into(),
        };
        let byte = |i: usize| {
            data.get(i)
                .copied()
                .ok_or_else(|| malformed(fmt, "truncated before the frame header"))
        };
        let u16_at =
            |i: usize| Ok::<_, RenderError>(u16::from(byte(i)?) << 8 | u16::from(byte(i + 1)?));
        let mut adobe = false;
        let mut pos = 2; // after SOI
        loop {
            if byte(pos)? != 0xFF {
                return Err(malformed(fmt, format!("no marker at byte {pos}")));
            }
            let mut marker = byte(pos + 1)?;
            // Fill bytes: any number of 0xFF before the marker code.
            while marker == 0xFF {
                pos += 1;
                marker = byte(pos + 1)?;
            }
            pos += 2;
            match marker {
                // Standalone markers carry no length.
                0x01 | 0xD0..=0xD7 => continue,
                0xD8..=0xDA => {
                    return Err(malformed(fmt, "no frame header before the scan"));
                }
                _ => {}
            }
            let len = usize::from(u16_at(pos)?);
            if len < 2 {
                return Err(malformed(
                    fmt,
                    format!("segment length {len} at byte {pos}"),
                ));
            }
            let segment = data
                .get(pos + 2..pos + len)
                .ok_or_else(|| malformed(fmt, "segment runs past the end"))?;
            match marker {
                // APP14 "Adobe": CMYK samples are stored inverted.
                0xEE if segment.starts_with(b"Adobe") => adobe = true,
                // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
                0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                    if matches!(marker, 0xC3 | 0xC7 | 0xCB | 0xCF) {
                        return Err(unsupported("lossless JPEG"));
                    }
                    if matches!(marker, 0xC9..=0xCB | 0xCD..=0xCF) {
                        return Err(unsupported("arithmetic-coded JPEG"));
                    }
                    let [precision, h1, h0, w1, w0, components, ..] = *segment else {
                        return Err(malformed(fmt, "frame header too short"));
                    };
                    if precision != 8 {
                        return Err(unsupported("samples other than 8 bits"));
                    }
                    let height = u32::from(u16::from_be_bytes([h1, h0]));
                    let width = u32::from(u16::from_be_bytes([w1, w0]));
                    if height == 0 {
                        return Err(unsupported("height defined by a later DNL marker"));
                    }
                    if width == 0 {
                        return Err(malformed(fmt, "width 0"));
                    }
                    check_dimensions(width, height)?;
                    let color = match components {
                        1 => ColorSpace::Gray,
                        3 => ColorSpace::Rgb,
                        4 => ColorSpace::Cmyk,
                        n => return Err(unsupported(&format!("{n} colour components"))),
                    };
                    return Ok(DecodedImage {
                        width,
                        height,
                        color,
                        data: data.to_vec(),
                        filter: Filter::DctDecode,
                        inverted: adobe && color == ColorSpace::Cmyk,
                        alpha: None,
                    });
                }
                _ => {}
            }
            pos += len;
        }
    }

    /// Bytes that identify the image (for the file identifier).
    pub(super) fn fingerprint(&self) -> Vec<u8> {
        let mut out = self.width.to_be_bytes().to_vec();
        out.extend_from_slice(&self.height.to_be_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// Writes the image XObject `id` and its soft mask `mask_id` (into a whole `Pdf` or, for
    /// the signing update of `pdf::sign`, a `Chunk`).
    pub(crate) fn write(
        &self,
        pdf: &mut Chunk,
        id: Ref,
        mask_id: Option<Ref>,
    ) -> Result<(), RenderError> {
        let width = side(self.width)?;
        let height = side(self.height)?;
        let mut img = pdf.image_xobject(id, &self.data);
        img.width(width)
            .height(height)
            .color_space_name(self.color.name())
            .bits_per_component(8);
        img.filter(self.filter);
        if self.inverted {
            img.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        }
        if let Some(mask) = mask_id {
            img.s_mask(mask);
        }
        img.finish();
        if let (Some(mask_id), Some(alpha)) = (mask_id, &self.alpha) {
            let mut mask = pdf.image_xobject(mask_id, alpha);
            mask.width(width)
                .height(height)
                .color_space_name(Name(b"DeviceGray"))
                .bits_per_component(8);
            mask.filter(Filter::FlateDecode);
        }
        Ok(())
    }
}

fn side(v: u32) -> Result<i32, RenderError> {
    i32::try_from(v).map_err(|_| RenderError::TooLarge {
        what: "image side (pixels)",
        actual: u64::from(v),
        limit: u64::from(MAX_IMAGE_DIMENSION),
    })
}

fn png_error(e: &png::DecodingError) -> RenderError {
    match e {
        png::DecodingError::LimitsExceeded => RenderError::TooLarge {
            what: "decoded image (bytes)",
            actual: (MAX_DECODED_IMAGE_SIZE as u64).saturating_add(1),
            limit: MAX_DECODED_IMAGE_SIZE as u64,
        },
        other => malformed(ImageFormat::Png, other.to_string()),
    }
}

/// Walks the PNG chunks before the `png` crate sees them: a PLTE whose length is not a whole
/// number of RGB entries (1–256) makes `png` 0.18's palette expansion index out of bounds (found
/// by the `pdf_render_image` fuzz target), so such files are refused here as malformed.
fn check_png_chunks(data: &[u8]) -> Result<(), RenderError> {
    let fmt = ImageFormat::Png;
    let mut pos: usize = 8; // the signature, checked by the sniffing
    while let Some((len, kind)) = data
        .get(pos..pos.saturating_add(8))
        .and_then(|h| Some((<[u8; 4]>::try_from(h.get(..4)?).ok()?, h.get(4..)?)))
    {
        let len = u32::from_be_bytes(len) as usize;
        if kind == b"PLTE" && (len == 0 || !len.is_multiple_of(3) || len > 3 * 256) {
            return Err(malformed(
                fmt,
                format!("a PLTE chunk of {len} bytes (a multiple of 3, at most 768)"),
            ));
        }
        if kind == b"IEND" {
            break;
        }
        pos = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .ok_or_else(|| malformed(fmt, "a chunk length beyond the file"))?;
    }
    Ok(())
}
