//! E-licenses (电子证照, GB/T 36901–36905): identifiers (build, validate), holder and issuer
//! codes, issuing a license (OFD or PDF) from its metadata, and its 2D code. Licenses and bare
//! 2D-code payloads are verified by [`eseal_verify_with`](crate::eseal_verify_with), which
//! recognises both.

use std::ffi::c_char;

use eseal_core::license::{
    CitizenId, FaceTemplate, IssueRequest, LicenseId, LicenseMetadata, QrMatrix, Uscc, issue_ofd,
    issue_pdf,
};
use eseal_core::ofd::ImageFormat;

use crate::buffer::{bytes_output, eseal_bytes, put_string};
use crate::key::{eseal_certificate, eseal_key};
use crate::result::{
    Fail, bytes, clear, core_error, eseal_result, guard, handle, optional_bytes, text, time_or_now,
};
use crate::seal::eseal_seal;
use crate::tsa::{eseal_tsa, optional_source};

/// Validates an e-license identifier (GB/T 36903: prefix, parts and check character):
/// `ESEAL_OK` when valid, otherwise its error code (`ESEAL_MALFORMED`, ...) with the reason
/// in [`eseal_last_error`](crate::eseal_last_error).
///
/// # Safety
/// `text_ptr` must be valid for reading `len` bytes (UTF-8, no NUL needed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_id_validate(
    text_ptr: *const c_char,
    len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract for text_ptr/len.
        let id = unsafe { text(text_ptr, len, "text") }?;
        LicenseId::parse(id).map_err(eseal_core::Error::from)?;
        Ok(())
    })
}

/// Builds an e-license identifier from its parts, computing the check character (as
/// `eseal license id build`): `type_code` (the defining authority's USCC and 3 digits),
/// `issuer` (the issuer's USCC), `serial` (0-9, A-Z), `version` (3 digits; NULL with length 0
/// for `002`). The identifier goes to `*id` (NUL-terminated; free it with
/// [`eseal_string_free`](crate::eseal_string_free)) and its length to `*id_len`. A part that
/// is wrong gives `ESEAL_MALFORMED` naming it.
///
/// # Safety
/// Each (pointer, length) pair readable (UTF-8); `id` and `id_len` valid for writing.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_id_build(
    type_code: *const c_char,
    type_code_len: usize,
    issuer: *const c_char,
    issuer_len: usize,
    serial: *const c_char,
    serial_len: usize,
    version: *const c_char,
    version_len: usize,
    id: *mut *mut c_char,
    id_len: *mut usize,
) -> eseal_result {
    // SAFETY: caller's contract for id.
    unsafe { clear(id) };
    guard(|| {
        // SAFETY: caller's contract for the parts.
        let (type_code, issuer, serial, version) = unsafe {
            (
                text(type_code, type_code_len, "type_code")?,
                text(issuer, issuer_len, "issuer")?,
                text(serial, serial_len, "serial")?,
                if version.is_null() && version_len == 0 {
                    "002"
                } else {
                    text(version, version_len, "version")?
                },
            )
        };
        let built =
            LicenseId::new(type_code, issuer, serial, version).map_err(eseal_core::Error::from)?;
        // SAFETY: caller's contract for id/id_len.
        unsafe { put_string(id, id_len, &built.to_string()) }
    })
}

/// The kind of a holder or issuer code, for [`eseal_license_code_validate`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_code_kind {
    /// A unified social credit code (统一社会信用代码, GB 32100): 18 characters, check character.
    ESEAL_CODE_USCC = 0,
    /// A citizen identity number (公民身份号码, GB 11643): 18 characters, birth date, check.
    ESEAL_CODE_CITIZEN_ID = 1,
}

/// Validates a holder or issuer code of `kind` (an [`eseal_code_kind`]): `ESEAL_OK` when
/// valid, else `ESEAL_MALFORMED` with the reason (length, a character, the check character,
/// the birth date); an unknown kind gives `ESEAL_INVALID_ARGUMENT`.
///
/// # Safety
/// `code` must be valid for reading `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_code_validate(
    kind: u32,
    code: *const c_char,
    len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let code = unsafe { text(code, len, "code") }?;
        let parsed = match kind {
            0 => Uscc::parse(code).map(drop),
            1 => CitizenId::parse(code).map(drop),
            other => {
                return Err(Fail::new(
                    eseal_result::ESEAL_INVALID_ARGUMENT,
                    &format!("{other} is no eseal_code_kind"),
                ));
            }
        };
        parsed.map_err(core_error)
    })
}

/// The file format of an issued license, for [`eseal_license_issue`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_license_format {
    /// OFD (GB/T 33190), the format of GB/T 36905.
    ESEAL_LICENSE_OFD = 0,
    /// PDF: the same face, the metadata and code text as associated files, the seal as an
    /// SES_Signature (`docs/license.md`, "The PDF rendition").
    ESEAL_LICENSE_PDF = 1,
}

/// Options of [`eseal_license_issue`]. All zero (`{0}`) or NULL: signed now, the plain 2D-code
/// text, no timestamp.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct eseal_license_options {
    /// Seconds since 1970 UTC; 0 for now.
    pub signing_time: u64,
    /// The base of the URL form of the 2D code (e.g. `https://verify.example.gov.cn/c?`),
    /// `url_base_len` bytes; NULL for the plain `DZZZ:` text.
    pub url_base: *const c_char,
    /// The length of `url_base`.
    pub url_base_len: usize,
    /// A TSA whose token timestamps the seal signature, or NULL.
    pub tsa: *const eseal_tsa,
}

/// Issues an e-license as `format` (an [`eseal_license_format`]) into `*out` (free it with
/// [`eseal_bytes_free`](crate::eseal_bytes_free)): the metadata `metadata` (JSON or XML,
/// GB/T 36903 elements, `docs/license.md`) laid out by the face template `template` (JSON;
/// NULL with length 0 for the generic landscape A4 face), with `photo` (PNG or JPEG; NULL for
/// none) in its photo box, the 2D code signed by `key`, and stamped with the issuer's `seal`
/// as the holder of `issuer_certificate` and `key`. The exact 2D-code text goes to
/// `*code_text` (NUL-terminated, length in `*code_text_len`; free it with
/// [`eseal_string_free`](crate::eseal_string_free)); pass NULL for both when not needed.
///
/// Refused with the core's code: metadata or a template that is invalid or does not fit, a
/// photo that is neither PNG nor JPEG (`ESEAL_MALFORMED`/`ESEAL_INVALID_ARGUMENT`, naming the
/// element), a signer the seal does not list or a time outside its validity.
///
/// # Safety
/// Each (pointer, length) pair readable; `seal`, `key` and `issuer_certificate` live handles;
/// `options` NULL or valid (its TSA NULL or live); `out` valid for writing an `eseal_bytes`;
/// `code_text` and `code_text_len` NULL or valid for writing.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_issue(
    format: u32,
    metadata: *const u8,
    metadata_len: usize,
    template: *const u8,
    template_len: usize,
    photo: *const u8,
    photo_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    issuer_certificate: *const eseal_certificate,
    options: *const eseal_license_options,
    out: *mut eseal_bytes,
    code_text: *mut *mut c_char,
    code_text_len: *mut usize,
) -> eseal_result {
    // SAFETY: caller's contract for code_text.
    unsafe { clear(code_text) };
    let mut text_out = String::new();
    let rc = {
        let text_out = &mut text_out;
        let make = move || {
            // SAFETY: caller's contract for every argument.
            let (metadata, template, photo, seal, key, cert, o) = unsafe {
                (
                    bytes(metadata, metadata_len, "metadata")?,
                    optional_bytes(template, template_len, "template")?,
                    optional_bytes(photo, photo_len, "photo")?,
                    handle(seal, "seal")?,
                    handle(key, "key")?,
                    handle(issuer_certificate, "issuer_certificate")?,
                    options.as_ref().copied(),
                )
            };
            let json = metadata.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            let meta = if json {
                LicenseMetadata::from_json(metadata)
            } else {
                LicenseMetadata::from_xml(metadata)
            }
            .map_err(core_error)?;
            let template = match template {
                Some(t) => FaceTemplate::from_json(t).map_err(core_error)?,
                None => FaceTemplate::standard(&meta),
            };
            let photo = match photo {
                None => None,
                Some(p) if p.starts_with(b"\x89PNG") => Some((ImageFormat::Png, p)),
                Some(p) if p.starts_with(&[0xFF, 0xD8]) => Some((ImageFormat::Jpeg, p)),
                Some(_) => {
                    return Err(Fail::new(
                        eseal_result::ESEAL_MALFORMED,
                        "the photo is neither PNG nor JPEG",
                    ));
                }
            };
            let at = time_or_now(o.map_or(0, |o| o.signing_time))?;
            let url_base = match o {
                Some(o) if !(o.url_base.is_null() && o.url_base_len == 0) => {
                    // SAFETY: caller's contract for url_base.
                    Some(unsafe { text(o.url_base, o.url_base_len, "url_base") }?)
                }
                _ => None,
            };
            // SAFETY: caller's contract for the TSA.
            let tsa = unsafe { optional_source(o.map_or(std::ptr::null(), |o| o.tsa)) };
            let mut request =
                IssueRequest::new(&meta, &template, &seal.seal, &cert.cert, key.signer(), at);
            if let Some((format, data)) = photo {
                request = request.photo(format, data);
            }
            if let Some(base) = url_base {
                request = request.url_base(base);
            }
            if let Some(tsa) = &tsa {
                request = request.timestamp(tsa);
            }
            let (file, code) = match format {
                0 => {
                    let issued = issue_ofd(&request).map_err(core_error)?;
                    (issued.ofd, issued.code_text)
                }
                1 => {
                    let issued = issue_pdf(&request).map_err(core_error)?;
                    (issued.pdf, issued.code_text)
                }
                other => {
                    return Err(Fail::new(
                        eseal_result::ESEAL_INVALID_ARGUMENT,
                        &format!("{other} is no eseal_license_format"),
                    ));
                }
            };
            *text_out = code;
            Ok(file)
        };
        // SAFETY: caller's contract for out.
        unsafe { bytes_output(out, "out", make) }
    };
    if rc != eseal_result::ESEAL_OK || code_text.is_null() {
        return rc;
    }
    let rc = guard(|| {
        // SAFETY: caller's contract for code_text/code_text_len.
        unsafe { put_string(code_text, code_text_len, &text_out) }
    });
    if rc != eseal_result::ESEAL_OK {
        // No half-made output: the caller gets nothing to free.
        // SAFETY: out was filled by bytes_output above (caller's contract: writable).
        unsafe { crate::buffer::eseal_bytes_free(out) };
    }
    rc
}

/// The QR symbol of a 2D-code text (as [`eseal_license_issue`] hands out) as a PNG image into
/// `*png` (free it with [`eseal_bytes_free`](crate::eseal_bytes_free)): `scale` pixels per
/// module (1 to 32), with the quiet zone. Text a QR symbol cannot hold gives
/// `ESEAL_INVALID_ARGUMENT` or `ESEAL_LIMIT_EXCEEDED`.
///
/// # Safety
/// `code_text` readable for `len` bytes; `png` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_license_code_png(
    code_text: *const c_char,
    len: usize,
    scale: usize,
    png: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let code = unsafe { text(code_text, len, "code_text") }?;
        if !(1..=32).contains(&scale) {
            return Err(Fail::new(
                eseal_result::ESEAL_INVALID_ARGUMENT,
                &format!("scale {scale}: 1 to 32 pixels per module"),
            ));
        }
        Ok(QrMatrix::encode(code).map_err(core_error)?.to_png(scale))
    };
    // SAFETY: caller's contract for png.
    unsafe { bytes_output(png, "png", make) }
}
