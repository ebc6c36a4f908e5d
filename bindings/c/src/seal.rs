//! Electronic seals (印章): making one with the core's `ses::SealBuilder`, loading one, and
//! reading its fields.

use std::ffi::{CString, c_char};

use eseal_core::pki::Time;
use eseal_core::ses::{
    CertList, CertListMatch, ParseMode, PictureFormat, Seal, SealBuilder, SealPicture, SealType,
    SealValidity, SesVersion,
};

use crate::buffer::{bytes_output, c_string, clear_bytes, eseal_bytes, put_bytes};
use crate::key::{eseal_certificate, eseal_key};
use crate::result::{
    Fail, bytes, core_error, eseal_result, free_handle, guard, handle, new_handle, put, text,
};
use crate::sign::eseal_prepared;

/// A seal being made: made by [`eseal_seal_builder_new`], completed by the
/// `eseal_seal_builder_*` setters, turned into a seal by [`eseal_seal_builder_build`] (which
/// may be called more than once), freed by [`eseal_seal_builder_free`]. Not synchronised: one
/// thread at a time.
pub struct eseal_seal_builder {
    builder: SealBuilder,
}

/// An electronic seal (SESeal of GM/T 0031-2014 "v1", GB/T 38540-2020 "v4" or GM/T 0031-2025
/// "v5"), made by [`eseal_seal_builder_build`] or [`eseal_seal_load`], freed by
/// [`eseal_seal_free`]. Immutable: it may be shared read-only between threads. Its strings live
/// until it is freed.
pub struct eseal_seal {
    pub(crate) seal: Seal,
    es_id: CString,
    name: CString,
    picture_type: CString,
}

impl eseal_seal {
    pub(crate) fn new(seal: Seal) -> Self {
        Self {
            es_id: c_string(seal.es_id()),
            name: c_string(seal.name()),
            picture_type: c_string(&seal.picture().picture_type),
            seal,
        }
    }
}

/// Starts a seal into `*out`: a v4 (GB/T 38540) seal with identifier `es_id` (ASCII) and
/// `name` (UTF-8; pointer and length, no NUL needed), type `seal_type` (1 organisation seal,
/// 2 personal seal, other business-defined codes as given), made at `created`, valid from
/// `valid_from` to `valid_to` inclusive (seconds since 1970 UTC), and the picture `picture`
/// (PNG, JPEG, GIF, BMP, SVG or OFD bytes, recognised by content) shown `width_mm` ×
/// `height_mm`. Add at least one signer ([`eseal_seal_builder_add_signer`]) before building.
///
/// An empty validity window, a creation after it ends, an empty picture, a zero size or a
/// picture of no recognised format give `ESEAL_INVALID_ARGUMENT` or `ESEAL_MALFORMED`.
///
/// # Safety
/// Every (pointer, length) pair must be readable; `out` valid for writing a pointer.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_new(
    es_id: *const c_char,
    es_id_len: usize,
    name: *const c_char,
    name_len: usize,
    seal_type: i64,
    created: u64,
    valid_from: u64,
    valid_to: u64,
    picture: *const u8,
    picture_len: usize,
    width_mm: u32,
    height_mm: u32,
    out: *mut *mut eseal_seal_builder,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for every pair.
        let (es_id, name, picture) = unsafe {
            (
                text(es_id, es_id_len, "es_id")?,
                text(name, name_len, "name")?,
                bytes(picture, picture_len, "picture")?,
            )
        };
        let validity = SealValidity::new(
            Time::from_unix_seconds(created),
            Time::from_unix_seconds(valid_from),
            Time::from_unix_seconds(valid_to),
        )
        .map_err(core_error)?;
        let format = PictureFormat::sniff(picture).ok_or_else(|| {
            Fail::new(
                eseal_result::ESEAL_MALFORMED,
                "the picture is none of PNG, JPEG, GIF, BMP, SVG or OFD (judged by its first bytes)",
            )
        })?;
        let picture =
            SealPicture::new(format, picture.to_vec(), width_mm, height_mm).map_err(core_error)?;
        let seal_type = match seal_type {
            1 => SealType::Official,
            2 => SealType::Personal,
            other => SealType::Other(other),
        };
        Ok(eseal_seal_builder {
            builder: SealBuilder::new(es_id, name, seal_type, validity, picture),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// A version number (1, 4 or 5) as the core's version.
pub(crate) fn version(number: u32) -> Result<SesVersion, Fail> {
    match number {
        1 => Ok(SesVersion::V1),
        4 => Ok(SesVersion::V4),
        5 => Ok(SesVersion::V5),
        other => Err(Fail::new(
            eseal_result::ESEAL_INVALID_ARGUMENT,
            &format!("{other} is no seal version (1, 4 or 5)"),
        )),
    }
}

/// The structure version to write: 1 (GM/T 0031-2014), 4 (GB/T 38540-2020, the default) or 5
/// (GM/T 0031-2025); anything else gives `ESEAL_INVALID_ARGUMENT`.
///
/// # Safety
/// `builder` must be a live builder not used by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_set_version(
    builder: *mut eseal_seal_builder,
    version_number: u32,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract: live and exclusively ours for this call.
        let builder = unsafe { builder.as_mut() }.ok_or_else(|| Fail::null("builder"))?;
        builder.builder.version(version(version_number)?);
        Ok(())
    })
}

/// The vendor identifier written in the seal header (ASCII; default `eseal`).
///
/// # Safety
/// `builder` must be a live builder not used by another thread; `vendor_id` readable for
/// `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_set_vendor_id(
    builder: *mut eseal_seal_builder,
    vendor_id: *const c_char,
    len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract: live and exclusively ours for this call.
        let builder = unsafe { builder.as_mut() }.ok_or_else(|| Fail::null("builder"))?;
        // SAFETY: caller's contract for vendor_id/len.
        let vendor_id = unsafe { text(vendor_id, len, "vendor_id") }?;
        builder.builder.vendor_id(vendor_id);
        Ok(())
    })
}

/// Authorises a signer by its certificate (copied; the handle may be freed afterwards). Call
/// it once per signer.
///
/// # Safety
/// `builder` must be a live builder not used by another thread; `certificate` a live
/// certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_add_signer(
    builder: *mut eseal_seal_builder,
    certificate: *const eseal_certificate,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe { add_signer(builder, certificate, SealBuilder::add_signer_certificate) }
}

/// Authorises a signer by the SM3 digest of its certificate (`certListType` 2; v4 and v5
/// seals only, and not mixed with [`eseal_seal_builder_add_signer`]: building refuses both
/// with `ESEAL_INVALID_ARGUMENT`).
///
/// # Safety
/// As for [`eseal_seal_builder_add_signer`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_add_signer_digest(
    builder: *mut eseal_seal_builder,
    certificate: *const eseal_certificate,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        add_signer(
            builder,
            certificate,
            SealBuilder::add_signer_certificate_digest,
        )
    }
}

/// The body of the two `eseal_seal_builder_add_signer*` functions.
///
/// # Safety
/// `builder` must be NULL or a live builder not used by another thread; `certificate` NULL or
/// a live certificate.
unsafe fn add_signer(
    builder: *mut eseal_seal_builder,
    certificate: *const eseal_certificate,
    add: for<'b> fn(&'b mut SealBuilder, &eseal_core::pki::Certificate) -> &'b mut SealBuilder,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract: live and exclusively ours for this call.
        let builder = unsafe { builder.as_mut() }.ok_or_else(|| Fail::null("builder"))?;
        // SAFETY: caller's contract.
        let certificate = unsafe { handle(certificate, "certificate") }?;
        add(&mut builder.builder, &certificate.cert);
        Ok(())
    })
}

/// Makes the seal into `*out`, signed by the maker's `maker_key` (a key file or an external
/// key) whose certificate is `maker_certificate`. Refused, with the core's code and message:
/// no signer (`ESEAL_INVALID_ARGUMENT`), a validity outside the maker certificate's
/// (`ESEAL_OUTSIDE_VALIDITY`), a key that does not match the certificate
/// (`ESEAL_VERIFICATION_FAILED`), a failing callback (`ESEAL_CRYPTO`).
///
/// # Safety
/// `builder`, `maker_key` and `maker_certificate` must be live handles; `out` valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_build(
    builder: *const eseal_seal_builder,
    maker_key: *const eseal_key,
    maker_certificate: *const eseal_certificate,
    out: *mut *mut eseal_seal,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for the three handles.
        let (builder, key, cert) = unsafe {
            (
                handle(builder, "builder")?,
                handle(maker_key, "maker_key")?,
                handle(maker_certificate, "maker_certificate")?,
            )
        };
        let seal = builder
            .builder
            .build(key.signer(), &cert.cert)
            .map_err(core_error)?;
        Ok(eseal_seal::new(seal))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The first half of [`eseal_seal_builder_build`] for a maker key the library cannot call
/// (a signing server, a device used asynchronously): checks the seal against
/// `maker_certificate` as building would and makes `*prepared`. Have the maker key sign
/// [`eseal_prepared_message`] (or its digest [`eseal_prepared_digest`]) and pass the value to
/// [`eseal_prepared_finish_seal`]. Free `*prepared` with [`eseal_prepared_free`].
///
/// # Safety
/// `builder` and `maker_certificate` must be live handles; `prepared` valid for writing a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_prepare(
    builder: *const eseal_seal_builder,
    maker_certificate: *const eseal_certificate,
    prepared: *mut *mut eseal_prepared,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for the two handles.
        let (builder, cert) = unsafe {
            (
                handle(builder, "builder")?,
                handle(maker_certificate, "maker_certificate")?,
            )
        };
        let seal = builder.builder.prepare(&cert.cert).map_err(core_error)?;
        Ok(eseal_prepared::seal(seal))
    };
    // SAFETY: caller's contract for prepared.
    unsafe { new_handle(prepared, make) }
}

/// Frees a seal builder; NULL is ignored.
///
/// # Safety
/// `builder` must be NULL or a builder from this library not freed before and not in use
/// elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_builder_free(builder: *mut eseal_seal_builder) {
    // SAFETY: caller's contract.
    unsafe { free_handle(builder) }
}

/// Reads a seal (DER SESeal of any version, tolerating the known producer deviations) into
/// `*out`. Reading checks the structure only: verify it with [`eseal_verify`].
///
/// # Safety
/// `der` must be readable for `len` bytes; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_load(
    der: *const u8,
    len: usize,
    out: *mut *mut eseal_seal,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for der/len.
        let der = unsafe { bytes(der, len, "der") }?;
        let seal = Seal::from_der(der, ParseMode::Lenient).map_err(core_error)?;
        Ok(eseal_seal::new(seal))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The seal's DER encoding (exactly the bytes read or made) into `*out` (free it with
/// [`eseal_bytes_free`]).
///
/// # Safety
/// `seal` must be a live seal; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_der(
    seal: *const eseal_seal,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        Ok(seal.seal.as_der().to_vec())
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// The structure version: 1 (GM/T 0031-2014), 4 (GB/T 38540-2020) or 5 (GM/T 0031-2025).
///
/// # Safety
/// `seal` must be a live seal; `version` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_version(
    seal: *const eseal_seal,
    version: *mut u32,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        let number = match seal.seal.version() {
            SesVersion::V1 => 1,
            SesVersion::V4 => 4,
            _ => 5,
        };
        // SAFETY: caller's contract for version.
        unsafe { put(version, number, "version") }
    })
}

/// The seal identifier (`esID`) and name, NUL-terminated UTF-8 owned by the seal.
///
/// # Safety
/// `seal` must be a live seal; `es_id` and `name` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_identity(
    seal: *const eseal_seal,
    es_id: *mut *const c_char,
    name: *mut *const c_char,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        if es_id.is_null() || name.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        // SAFETY: both valid for writes (caller's contract); the strings live with the handle.
        unsafe {
            put(es_id, seal.es_id.as_ptr(), "es_id")?;
            put(name, seal.name.as_ptr(), "name")
        }
    })
}

/// The seal type code (1 organisation seal, 2 personal seal, others business-defined).
///
/// # Safety
/// `seal` must be a live seal; `seal_type` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_type(
    seal: *const eseal_seal,
    seal_type: *mut i64,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        // SAFETY: caller's contract for seal_type.
        unsafe { put(seal_type, seal.seal.seal_type(), "seal_type") }
    })
}

/// The creation date and validity window (inclusive), in seconds since 1970 UTC.
///
/// # Safety
/// `seal` must be a live seal; the three out-pointers valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_validity(
    seal: *const eseal_seal,
    created: *mut u64,
    valid_from: *mut u64,
    valid_to: *mut u64,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        if created.is_null() || valid_from.is_null() || valid_to.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        let s = &seal.seal;
        // SAFETY: all three valid for writes (caller's contract).
        unsafe {
            put(created, s.create_date().unix_seconds(), "created")?;
            put(valid_from, s.valid_start().unix_seconds(), "valid_from")?;
            put(valid_to, s.valid_end().unix_seconds(), "valid_to")
        }
    })
}

/// The maker's certificate as a new handle in `*out` (free it with
/// [`eseal_certificate_free`]). A seal whose maker certificate cannot be read gives its error.
///
/// # Safety
/// `seal` must be a live seal; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_maker_certificate(
    seal: *const eseal_seal,
    out: *mut *mut eseal_certificate,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        let cert = eseal_core::pki::Certificate::from_der(seal.seal.maker_cert_der())
            .map_err(core_error)?;
        Ok(eseal_certificate::new(cert))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The seal picture: its bytes copied into `*data` (free them with [`eseal_bytes_free`]), its
/// declared type (e.g. `PNG`, `ofd`; owned by the seal) in `*picture_type`, and its display
/// size in millimetres.
///
/// # Safety
/// `seal` must be a live seal; the out-pointers valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_picture(
    seal: *const eseal_seal,
    data: *mut eseal_bytes,
    picture_type: *mut *const c_char,
    width_mm: *mut i64,
    height_mm: *mut i64,
) -> eseal_result {
    // SAFETY: caller's contract for data.
    unsafe { clear_bytes(data) };
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        if data.is_null() || picture_type.is_null() || width_mm.is_null() || height_mm.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        let picture = seal.seal.picture();
        // SAFETY: all valid for writes (caller's contract); the type string lives with the
        // handle and the buffer passes to the caller.
        unsafe {
            put(picture_type, seal.picture_type.as_ptr(), "picture_type")?;
            put(width_mm, picture.width, "width_mm")?;
            put(height_mm, picture.height, "height_mm")?;
            put_bytes(data, picture.data.clone(), "data")
        }
    })
}

/// The signers the seal authorises (`certList`): `*count` entries, and `*by_digest` true when
/// they are certificate digests (GB/T 38540 `certListType` 2) rather than certificates.
///
/// # Safety
/// `seal` must be a live seal; `count` and `by_digest` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_signer_count(
    seal: *const eseal_seal,
    count: *mut usize,
    by_digest: *mut bool,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        if count.is_null() || by_digest.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        let (n, digests) = match seal.seal.cert_list() {
            CertList::Certs(certs) => (certs.len(), false),
            CertList::Digests(digests) => (digests.len(), true),
            // A list kind a newer core adds: neither certificates nor digests eseal reads.
            _ => {
                return Err(Fail::new(
                    eseal_result::ESEAL_UNSUPPORTED,
                    "the seal's certList is of a kind this binding does not know",
                ));
            }
        };
        // SAFETY: both valid for writes (caller's contract).
        unsafe {
            put(count, n, "count")?;
            put(by_digest, digests, "by_digest")
        }
    })
}

/// Authorised signer number `index` (below [`eseal_seal_signer_count`]) as a new certificate
/// handle in `*out`. A seal that lists digests gives `ESEAL_UNSUPPORTED` (use
/// [`eseal_seal_lists_signer`]); an entry that is no readable certificate, its error.
///
/// # Safety
/// `seal` must be a live seal; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_signer_certificate(
    seal: *const eseal_seal,
    index: usize,
    out: *mut *mut eseal_certificate,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let seal = unsafe { handle(seal, "seal") }?;
        let CertList::Certs(certs) = seal.seal.cert_list() else {
            return Err(Fail::new(
                eseal_result::ESEAL_UNSUPPORTED,
                "the seal lists its signers by certificate digest, not by certificate",
            ));
        };
        let der = certs.get(index).ok_or_else(|| {
            Fail::new(
                eseal_result::ESEAL_INDEX_OUT_OF_RANGE,
                &format!("signer {index} asked for; the seal lists {}", certs.len()),
            )
        })?;
        let cert = eseal_core::pki::Certificate::from_der(der).map_err(core_error)?;
        Ok(eseal_certificate::new(cert))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// Whether the seal authorises the holder of `certificate` (listed as that certificate or as
/// its digest) into `*listed`. A digest list naming only digest types eseal does not know
/// gives `ESEAL_UNSUPPORTED`.
///
/// # Safety
/// `seal` and `certificate` must be live handles; `listed` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_lists_signer(
    seal: *const eseal_seal,
    certificate: *const eseal_certificate,
    listed: *mut bool,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract for the two handles.
        let (seal, cert) = unsafe { (handle(seal, "seal")?, handle(certificate, "certificate")?) };
        let found = match seal.seal.cert_list().lists(cert.cert.as_der()) {
            CertListMatch::Certificate { .. } | CertListMatch::Digest { .. } => true,
            CertListMatch::Undecidable { unknown_types } => {
                return Err(Fail::new(
                    eseal_result::ESEAL_UNSUPPORTED,
                    &format!(
                        "the seal lists digests of types eseal does not know ({})",
                        unknown_types.join(", ")
                    ),
                ));
            }
            _ => false,
        };
        // SAFETY: caller's contract for listed.
        unsafe { put(listed, found, "listed") }
    })
}

/// Frees a seal; NULL is ignored. Its strings become invalid.
///
/// # Safety
/// `seal` must be NULL or a seal from this library not freed before and not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_seal_free(seal: *mut eseal_seal) {
    // SAFETY: caller's contract.
    unsafe { free_handle(seal) }
}
