//! Signing with a seal (签章): detached SES_Signatures over raw data (in one step, or prepare →
//! the caller's device signs → finish), and stamping OFD documents through the core's
//! `ofd::sign_document`.

use eseal_core::ofd::{Edge, PageRange, PageSelector, SignMode, SignRequest, Stamp, sign_document};
use eseal_core::ses::{DataToSign, PreparedSeal, PreparedSignature, SignatureBuilder};

use crate::buffer::{bytes_output, eseal_bytes};
use crate::key::{eseal_certificate, eseal_key};
use crate::result::{
    Fail, bytes, core_error, eseal_result, free_handle, guard, handle, new_handle, put, text,
    time_or_now,
};
use crate::seal::eseal_seal;

/// Whether later signatures stay possible on a signed OFD document.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_sign_mode {
    /// `Signatures.xml` is not covered: later signatures (joint issuance) remain possible.
    ESEAL_SIGN_CONTINUE = 0,
    /// The whole package is covered: any later change, another signature included, breaks it.
    ESEAL_SIGN_PROTECT = 1,
}

/// The page edge a riding seal straddles, for [`eseal_ofd_stamp_riding`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_edge {
    /// The right edge (the usual place on bound documents).
    ESEAL_EDGE_RIGHT = 0,
    /// The left edge.
    ESEAL_EDGE_LEFT = 1,
}

/// A signature or a seal waiting for its signer's value (prepare → sign elsewhere → finish):
/// made by [`eseal_signature_prepare`] (a signature, completed by
/// [`eseal_prepared_finish_signature`]) or [`eseal_seal_builder_prepare`] (a seal, completed
/// by [`eseal_prepared_finish_seal`]), freed by [`eseal_prepared_free`]. Immutable: its
/// functions may share it read-only between threads; the bytes it hands out live until it is
/// freed.
pub struct eseal_prepared {
    prepared: Prepared,
}

// Boxed: both are large, and of different sizes.
enum Prepared {
    Signature(Box<PreparedSignature>),
    Seal(Box<PreparedSeal>),
}

impl eseal_prepared {
    /// A prepared seal, for [`eseal_seal_builder_prepare`].
    pub(crate) fn seal(prepared: PreparedSeal) -> Self {
        Self {
            prepared: Prepared::Seal(Box::new(prepared)),
        }
    }

    fn tbs_bytes(&self) -> &[u8] {
        match &self.prepared {
            Prepared::Signature(p) => p.tbs_bytes(),
            Prepared::Seal(p) => p.tbs_bytes(),
        }
    }

    fn digest_e(&self) -> [u8; 32] {
        match &self.prepared {
            Prepared::Signature(p) => p.digest_e(),
            Prepared::Seal(p) => p.digest_e(),
        }
    }
}

fn wrong_kind(want: &str) -> Fail {
    Fail::new(
        eseal_result::ESEAL_INVALID_ARGUMENT,
        &format!("this prepared object is not a {want}"),
    )
}

/// The builder of a detached signature.
///
/// # Safety
/// Every pointer must satisfy the contract of [`eseal_sign_data`].
unsafe fn builder<'a>(
    seal: *const eseal_seal,
    signer_certificate: *const eseal_certificate,
    data: *const u8,
    data_len: usize,
    property_info: *const std::ffi::c_char,
    property_info_len: usize,
    signing_time: u64,
) -> Result<SignatureBuilder<'a>, Fail> {
    // SAFETY: forwarded caller's contract.
    let (seal, cert, data, property) = unsafe {
        (
            handle(seal, "seal")?,
            handle(signer_certificate, "signer_certificate")?,
            bytes(data, data_len, "data")?,
            text(property_info, property_info_len, "property_info")?,
        )
    };
    Ok(SignatureBuilder::new(
        &seal.seal,
        &cert.cert,
        DataToSign::Bytes(data),
        property,
        time_or_now(signing_time)?,
    ))
}

/// Signs `data` with `seal` as the holder of `signer_certificate` and `key` (a key file or an
/// external key): a detached SES_Signature in the seal's version, DER, into `*signature` (free
/// it with [`eseal_bytes_free`]). `property_info` (ASCII) says what was signed (e.g. a file
/// name); `signing_time` is seconds since 1970 UTC, 0 for now. Verify it with
/// [`eseal_verify_with`] and the same data.
///
/// Refused with the core's code: a signer the seal does not list (`ESEAL_UNTRUSTED`), a
/// signing time outside the seal's or certificate's validity (`ESEAL_OUTSIDE_VALIDITY`), a
/// damaged seal or a key that is not the certificate's (`ESEAL_VERIFICATION_FAILED`).
///
/// # Safety
/// `seal`, `key` and `signer_certificate` must be live handles; every (pointer, length) pair
/// readable; `signature` valid for writing an `eseal_bytes`.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sign_data(
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    data: *const u8,
    data_len: usize,
    property_info: *const std::ffi::c_char,
    property_info_len: usize,
    signing_time: u64,
    signature: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for key and the other arguments.
        let (key, builder) = unsafe {
            (
                handle(key, "key")?,
                builder(
                    seal,
                    signer_certificate,
                    data,
                    data_len,
                    property_info,
                    property_info_len,
                    signing_time,
                )?,
            )
        };
        let signed = builder.sign(key.signer()).map_err(core_error)?;
        Ok(signed.as_der().to_vec())
    };
    // SAFETY: caller's contract for signature.
    unsafe { bytes_output(signature, "signature", make) }
}

/// The first half of [`eseal_sign_data`] for a key the library cannot call (a signing server,
/// a device used asynchronously): checks the request as signing would and makes
/// `*prepared`. Then have the key sign [`eseal_prepared_message`] (SM2 with SM3 and the
/// default ID), or its digest [`eseal_prepared_digest`] for devices that sign digests, and
/// pass the value to [`eseal_prepared_finish_signature`].
///
/// # Safety
/// As for [`eseal_sign_data`]; `prepared` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_signature_prepare(
    seal: *const eseal_seal,
    signer_certificate: *const eseal_certificate,
    data: *const u8,
    data_len: usize,
    property_info: *const std::ffi::c_char,
    property_info_len: usize,
    signing_time: u64,
    prepared: *mut *mut eseal_prepared,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for the other arguments.
        let builder = unsafe {
            builder(
                seal,
                signer_certificate,
                data,
                data_len,
                property_info,
                property_info_len,
                signing_time,
            )
        }?;
        Ok(eseal_prepared {
            prepared: Prepared::Signature(Box::new(builder.prepare().map_err(core_error)?)),
        })
    };
    // SAFETY: caller's contract for prepared.
    unsafe { new_handle(prepared, make) }
}

/// The bytes the signer signs (a signature: the DER of `TBS_Sign`; a seal: what the maker
/// signs for its version): `*message` points to `*message_len` bytes owned by `prepared`,
/// valid until it is freed.
///
/// # Safety
/// `prepared` must be live; `message` and `message_len` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_prepared_message(
    prepared: *const eseal_prepared,
    message: *mut *const u8,
    message_len: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let prepared = unsafe { handle(prepared, "prepared") }?;
        // SAFETY: caller's contract; the bytes live with the handle.
        unsafe { put_message(prepared.tbs_bytes(), message, message_len) }
    })
}

/// Writes a borrowed (pointer, length) output.
///
/// # Safety
/// `message` and `message_len` NULL or valid for writing.
pub(crate) unsafe fn put_message(
    bytes: &[u8],
    message: *mut *const u8,
    message_len: *mut usize,
) -> Result<(), Fail> {
    if message.is_null() || message_len.is_null() {
        return Err(Fail::null("an out-pointer"));
    }
    // SAFETY: both valid for writes (this function's contract).
    unsafe {
        put(message, bytes.as_ptr(), "message")?;
        put(message_len, bytes.len(), "message_len")
    }
}

/// The 32-byte digest `e = SM3(Z ‖ message)` (the signer's or maker's certificate key,
/// default ID) into
/// `out` (`out_len` at least 32, else `ESEAL_BUFFER_TOO_SMALL`), for devices that sign
/// digests.
///
/// # Safety
/// `prepared` must be live; `out` valid for writing `out_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_prepared_digest(
    prepared: *const eseal_prepared,
    out: *mut u8,
    out_len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let prepared = unsafe { handle(prepared, "prepared") }?;
        // SAFETY: caller's contract for out.
        unsafe { put_digest(&prepared.digest_e(), out, out_len) }
    })
}

/// Copies a 32-byte digest into a caller's buffer of `out_len` bytes.
///
/// # Safety
/// `out` NULL or valid for writing `out_len` bytes.
pub(crate) unsafe fn put_digest(
    digest: &[u8; 32],
    out: *mut u8,
    out_len: usize,
) -> Result<(), Fail> {
    if out.is_null() {
        return Err(Fail::null("out"));
    }
    if out_len < digest.len() {
        return Err(Fail::new(
            eseal_result::ESEAL_BUFFER_TOO_SMALL,
            &format!("out_len {out_len}: the digest has {} bytes", digest.len()),
        ));
    }
    // SAFETY: out is valid for out_len >= 32 bytes (this function's contract); the digest is
    // the library's, so the regions do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), out, digest.len()) };
    Ok(())
}

/// Completes a prepared signature with the signer's value (DER `SM2Signature` or raw 64-byte
/// `r ‖ s`) into `*signature`, the SES_Signature DER (free it with [`eseal_bytes_free`]). A
/// value that does not verify with the signer certificate gives `ESEAL_VERIFICATION_FAILED`;
/// a prepared seal gives `ESEAL_INVALID_ARGUMENT`. `prepared` stays usable (another value may
/// be tried) until freed.
///
/// # Safety
/// `prepared` must be live; `value` readable for `value_len` bytes; `signature` valid for
/// writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_prepared_finish_signature(
    prepared: *const eseal_prepared,
    value: *const u8,
    value_len: usize,
    signature: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let (prepared, value) = unsafe {
            (
                handle(prepared, "prepared")?,
                bytes(value, value_len, "value")?,
            )
        };
        let Prepared::Signature(p) = &prepared.prepared else {
            return Err(wrong_kind("signature"));
        };
        let signed = PreparedSignature::clone(p)
            .finish(value)
            .map_err(core_error)?;
        Ok(signed.as_der().to_vec())
    };
    // SAFETY: caller's contract for signature.
    unsafe { bytes_output(signature, "signature", make) }
}

/// Completes a prepared seal with the maker's value (DER `SM2Signature` or raw 64-byte
/// `r ‖ s`) into a new seal handle in `*seal`. A value that does not verify with the maker
/// certificate gives `ESEAL_VERIFICATION_FAILED`; a prepared signature gives
/// `ESEAL_INVALID_ARGUMENT`. `prepared` stays usable until freed.
///
/// # Safety
/// `prepared` must be live; `value` readable for `value_len` bytes; `seal` valid for writing
/// a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_prepared_finish_seal(
    prepared: *const eseal_prepared,
    value: *const u8,
    value_len: usize,
    seal: *mut *mut eseal_seal,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let (prepared, value) = unsafe {
            (
                handle(prepared, "prepared")?,
                bytes(value, value_len, "value")?,
            )
        };
        let Prepared::Seal(p) = &prepared.prepared else {
            return Err(wrong_kind("seal"));
        };
        Ok(eseal_seal::new(
            PreparedSeal::clone(p).finish(value).map_err(core_error)?,
        ))
    };
    // SAFETY: caller's contract for seal.
    unsafe { new_handle(seal, make) }
}

/// Frees a prepared signature or seal; NULL is ignored.
///
/// # Safety
/// `prepared` must be NULL or from this library, not freed before and not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_prepared_free(prepared: *mut eseal_prepared) {
    // SAFETY: caller's contract.
    unsafe { free_handle(prepared) }
}

fn edge(edge: u32) -> Result<Edge, Fail> {
    match edge {
        0 => Ok(Edge::Right),
        1 => Ok(Edge::Left),
        other => Err(Fail::new(
            eseal_result::ESEAL_INVALID_ARGUMENT,
            &format!("{other} is no eseal_edge"),
        )),
    }
}

fn sign_mode(mode: u32) -> Result<SignMode, Fail> {
    match mode {
        0 => Ok(SignMode::ContinueSigning),
        1 => Ok(SignMode::WholeProtect),
        other => Err(Fail::new(
            eseal_result::ESEAL_INVALID_ARGUMENT,
            &format!("{other} is no eseal_sign_mode"),
        )),
    }
}

/// Signs the OFD package `ofd` as `request` says.
///
/// # Safety
/// `ofd` readable for `ofd_len` bytes.
unsafe fn sign_ofd(
    ofd: *const u8,
    ofd_len: usize,
    request: &SignRequest<'_>,
) -> Result<Vec<u8>, Fail> {
    // SAFETY: forwarded caller's contract.
    let ofd = unsafe { bytes(ofd, ofd_len, "ofd") }?;
    sign_document(ofd, request).map_err(core_error)
}

/// Stamps the OFD package `ofd` with `seal` (a seal signature, `Type="Seal"`) as the holder of
/// `signer_certificate` and `key`, into a new package in `*out` (free it with
/// [`eseal_bytes_free`]; `ofd` is not changed). The stamp goes on page `page` (0-based) with
/// its top-left corner at (`x_mm`, `y_mm`) from the page's top-left; `width_mm` and
/// `height_mm` set its size, or both 0 for the seal picture's size. `mode` is an
/// [`eseal_sign_mode`]; `signing_time` seconds since 1970 UTC, 0 for now.
///
/// Refused with the core's code: an unreadable package (`ESEAL_MALFORMED`), a page the
/// document does not have, a bad size or position (a stamp partly off its page included:
/// verifiers fail it), or a whole-protected document
/// (`ESEAL_INVALID_ARGUMENT`), a signer the seal does not list, a signing time outside the
/// seal's or certificate's validity, or a key that cannot sign (`ESEAL_CRYPTO`, with the
/// reason in the message).
///
/// # Safety
/// `ofd` readable for `ofd_len` bytes; `seal`, `key`, `signer_certificate` live handles; `out`
/// valid for writing an `eseal_bytes`.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_ofd_stamp(
    ofd: *const u8,
    ofd_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    signing_time: u64,
    page: usize,
    x_mm: f64,
    y_mm: f64,
    width_mm: f64,
    height_mm: f64,
    mode: u32,
    out: *mut eseal_bytes,
) -> eseal_result {
    let mut stamp = Stamp::on_page(PageSelector::Index(page), x_mm, y_mm);
    if width_mm != 0.0 || height_mm != 0.0 {
        stamp = stamp.size(width_mm, height_mm);
    }
    let stamp = Ok(stamp);
    // SAFETY: forwarded caller's contract.
    unsafe {
        stamp_ofd(
            ofd,
            ofd_len,
            seal,
            key,
            signer_certificate,
            signing_time,
            stamp,
            mode,
            out,
        )
    }
}

/// Stamps an OFD package with a riding seal (骑缝章) across every page: one appearance per
/// page at the `edge` (an [`eseal_edge`]) with its top at `y_mm`, each page showing its slice
/// of the seal (seal width ÷ page count). Otherwise as [`eseal_ofd_stamp`].
///
/// # Safety
/// As for [`eseal_ofd_stamp`].
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_ofd_stamp_riding(
    ofd: *const u8,
    ofd_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    signing_time: u64,
    edge: u32,
    y_mm: f64,
    width_mm: f64,
    height_mm: f64,
    mode: u32,
    out: *mut eseal_bytes,
) -> eseal_result {
    let stamp = self::edge(edge).map(|edge| {
        let stamp = Stamp::riding(PageRange::All, edge, y_mm);
        if width_mm != 0.0 || height_mm != 0.0 {
            stamp.size(width_mm, height_mm)
        } else {
            stamp
        }
    });
    // SAFETY: forwarded caller's contract.
    unsafe {
        stamp_ofd(
            ofd,
            ofd_len,
            seal,
            key,
            signer_certificate,
            signing_time,
            stamp,
            mode,
            out,
        )
    }
}

/// The body of [`eseal_ofd_stamp`] and [`eseal_ofd_stamp_riding`].
///
/// # Safety
/// As for [`eseal_ofd_stamp`].
#[allow(clippy::too_many_arguments)]
unsafe fn stamp_ofd(
    ofd: *const u8,
    ofd_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    signing_time: u64,
    stamp: Result<Stamp, Fail>,
    mode: u32,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        let stamp = stamp?;
        // SAFETY: caller's contract for the handles.
        let (seal, key, cert) = unsafe {
            (
                handle(seal, "seal")?,
                handle(key, "key")?,
                handle(signer_certificate, "signer_certificate")?,
            )
        };
        let request = SignRequest::seal(
            &seal.seal,
            &cert.cert,
            key.signer(),
            time_or_now(signing_time)?,
        )
        .stamp(stamp)
        .mode(sign_mode(mode)?);
        // SAFETY: caller's contract for ofd/ofd_len.
        unsafe { sign_ofd(ofd, ofd_len, &request) }
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// Signs the OFD package `ofd` with a plain digital signature (`Type="Sign"`, a GB/T 35275
/// SignedData embedding `certificate`, no seal and no appearance) by `key`, into a new package
/// in `*out` (free it with [`eseal_bytes_free`]). `mode` and `signing_time` as for
/// [`eseal_ofd_stamp`].
///
/// # Safety
/// `ofd` readable for `ofd_len` bytes; `key` and `certificate` live handles; `out` valid for
/// writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_ofd_sign_digital(
    ofd: *const u8,
    ofd_len: usize,
    key: *const eseal_key,
    certificate: *const eseal_certificate,
    signing_time: u64,
    mode: u32,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for the handles.
        let (key, cert) = unsafe { (handle(key, "key")?, handle(certificate, "certificate")?) };
        let request = SignRequest::digital(&cert.cert, key.signer(), time_or_now(signing_time)?)
            .mode(sign_mode(mode)?);
        // SAFETY: caller's contract for ofd/ofd_len.
        unsafe { sign_ofd(ofd, ofd_len, &request) }
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// Where and how [`eseal_ofd_sign`] signs an OFD document. All zero (`{0}` in C) is: signed
/// now, continue-sign mode, no appearance, no timestamp. Pass NULL for the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct eseal_ofd_options {
    /// Seconds since 1970 UTC; 0 for now.
    pub signing_time: u64,
    /// An [`eseal_sign_mode`].
    pub mode: u32,
    /// 0: no appearance; 1: a stamp on `page` at (`x_mm`, `y_mm`); 2: a riding seal across
    /// every page at `edge`, its top at `y_mm`.
    pub placement: u32,
    /// The page of a stamp, 0-based.
    pub page: usize,
    /// The [`eseal_edge`] of a riding seal.
    pub edge: u32,
    /// The stamp's left edge from the page's left edge, in mm.
    pub x_mm: f64,
    /// The stamp's top edge from the page's top edge, in mm.
    pub y_mm: f64,
    /// The appearance's width in mm; with `height_mm` both 0 for the seal picture's size.
    pub width_mm: f64,
    /// The appearance's height in mm.
    pub height_mm: f64,
    /// A TSA whose token timestamps the signature value, or NULL for none.
    pub tsa: *const crate::tsa::eseal_tsa,
}

/// Signs the OFD package `ofd` as `options` says, into a new package in `*out` (free it with
/// [`eseal_bytes_free`]): with `seal` a seal signature (`Type="Seal"`) by the holder of
/// `signer_certificate` and `key`, with `seal` NULL a digital signature (`Type="Sign"`). The
/// general form of [`eseal_ofd_stamp`], [`eseal_ofd_stamp_riding`] and
/// [`eseal_ofd_sign_digital`], with a timestamp. Refused as they are; an unknown placement,
/// mode or edge gives `ESEAL_INVALID_ARGUMENT`.
///
/// # Safety
/// `ofd` readable for `ofd_len` bytes; `seal` NULL or a live handle; `key` and
/// `signer_certificate` live handles; `options` NULL or valid for reading, its TSA NULL or
/// live; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_ofd_sign(
    ofd: *const u8,
    ofd_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    options: *const eseal_ofd_options,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for the handles and options.
        let (seal, key, cert, o) = unsafe {
            (
                seal.as_ref(),
                handle(key, "key")?,
                handle(signer_certificate, "signer_certificate")?,
                options.as_ref().copied(),
            )
        };
        let o = o.unwrap_or(eseal_ofd_options {
            signing_time: 0,
            mode: 0,
            placement: 0,
            page: 0,
            edge: 0,
            x_mm: 0.0,
            y_mm: 0.0,
            width_mm: 0.0,
            height_mm: 0.0,
            tsa: std::ptr::null(),
        });
        let sized = |stamp: Stamp| {
            if o.width_mm != 0.0 || o.height_mm != 0.0 {
                stamp.size(o.width_mm, o.height_mm)
            } else {
                stamp
            }
        };
        let stamp = match o.placement {
            0 => None,
            1 => Some(sized(Stamp::on_page(
                PageSelector::Index(o.page),
                o.x_mm,
                o.y_mm,
            ))),
            2 => Some(sized(Stamp::riding(PageRange::All, edge(o.edge)?, o.y_mm))),
            other => {
                return Err(Fail::new(
                    eseal_result::ESEAL_INVALID_ARGUMENT,
                    &format!("{other} is no placement (0 none, 1 stamp, 2 riding)"),
                ));
            }
        };
        let at = time_or_now(o.signing_time)?;
        let mut request = match seal {
            Some(seal) => SignRequest::seal(&seal.seal, &cert.cert, key.signer(), at),
            None => SignRequest::digital(&cert.cert, key.signer(), at),
        }
        .mode(sign_mode(o.mode)?);
        if let Some(stamp) = stamp {
            request = request.stamp(stamp);
        }
        // SAFETY: caller's contract for the TSA handle.
        let source = unsafe { crate::tsa::optional_source(o.tsa) };
        if let Some(source) = &source {
            request = request.timestamp(source);
        }
        // SAFETY: caller's contract for ofd/ofd_len.
        unsafe { sign_ofd(ofd, ofd_len, &request) }
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}
