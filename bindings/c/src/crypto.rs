//! SM2, SM3 and SM4 over the core's `eseal::crypto`, so department systems need no second
//! crypto library.

use eseal_core::crypto::sm2::{CiphertextFormat, DistId, Signature as Sm2Signature};
use eseal_core::crypto::sm4::{self, Sm4Key};

use crate::buffer::{bytes_output, eseal_bytes};
use crate::key::{KeyKind, eseal_key, public_key};
use crate::result::{Fail, bytes, core_error, eseal_result, guard, handle, optional_bytes};

/// The layout of an SM2 ciphertext (GB/T 32918.4), for [`eseal_sm2_encrypt`] and
/// [`eseal_sm2_decrypt`]: both sides must agree.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_sm2_format {
    /// The DER `SM2Cipher` of GM/T 0009 / GB/T 35276 (what OpenSSL `pkeyutl -encrypt` and
    /// GmSSL write).
    ESEAL_SM2_ASN1 = 0,
    /// Raw `C1 ‖ C3 ‖ C2` (GB/T 32918.4-2016).
    ESEAL_SM2_C1C3C2 = 1,
    /// Raw `C1 ‖ C2 ‖ C3` (the 2010 drafts; older Java and JavaScript code).
    ESEAL_SM2_C1C2C3 = 2,
}

/// An SM4 mode for [`eseal_sm4_encrypt`] and [`eseal_sm4_decrypt`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_sm4_mode {
    /// CBC with PKCS#7 padding (as OpenSSL `enc -sm4-cbc`); a 16-byte IV, no AAD.
    ESEAL_SM4_CBC = 0,
    /// CTR with a 16-byte initial counter block, one 128-bit big-endian counter (as OpenSSL
    /// `enc -sm4-ctr`); no AAD.
    ESEAL_SM4_CTR = 1,
    /// GCM (RFC 8998) with a 12-byte nonce and optional AAD; the ciphertext is followed by
    /// its 16-byte tag.
    ESEAL_SM4_GCM = 2,
}

/// A distinguishing ID argument: NULL is the default `1234567812345678`; otherwise `len`
/// bytes (0 is the empty ID, OpenSSL 3's own default).
///
/// # Safety
/// As for [`bytes`].
unsafe fn dist_id(id: *const u8, len: usize) -> Result<DistId, Fail> {
    // SAFETY: forwarded caller's contract.
    match unsafe { optional_bytes(id, len, "id") }? {
        None => Ok(DistId::DEFAULT),
        Some(id) => DistId::new(id).map_err(core_error),
    }
}

/// Signs `message` with `key` (SM2 with SM3 and the distinguishing ID `id`, see below) into a
/// DER `SM2Signature` in `*signature` (free it with [`eseal_bytes_free`]). `id` NULL (with
/// `id_len` 0) is the default ID `1234567812345678`; a non-NULL `id` with `id_len` 0 is the
/// empty ID. Signatures of a key read from a file are deterministic (RFC 6979 style); an
/// external key signs through its callback.
///
/// # Safety
/// `key` must be a live key; `id` NULL or valid for `id_len` bytes; `message` valid for
/// `message_len` bytes; `signature` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm2_sign(
    key: *const eseal_key,
    id: *const u8,
    id_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for key, id/id_len and message/message_len.
        let (key, id, message) = unsafe {
            (
                handle(key, "key")?,
                dist_id(id, id_len)?,
                bytes(message, message_len, "message")?,
            )
        };
        let value = match &key.kind {
            KeyKind::Software(s) => s
                .secret_key()
                .sign_with_id(&id, message)
                .map_err(core_error)?,
            KeyKind::External(e) => e.sign_with_id(&id, message).map_err(core_error)?,
        };
        Ok(value.to_der())
    };
    // SAFETY: caller's contract for signature.
    unsafe { bytes_output(signature, "signature", make) }
}

/// Verifies an SM2 signature (DER `SM2Signature` or raw 64-byte `r ‖ s`) over `message` with
/// the distinguishing ID `id` (as in [`eseal_sm2_sign`]) and `public_key` (a DER
/// `SubjectPublicKeyInfo`, e.g. from [`eseal_certificate_public_key`], or a SEC1 point
/// `04 ‖ x ‖ y`): `ESEAL_OK` when it verifies, `ESEAL_VERIFICATION_FAILED` when it does not,
/// `ESEAL_MALFORMED` for a signature or key that cannot be read.
///
/// # Safety
/// Every (pointer, length) pair must be readable (`id` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm2_verify(
    public_key_ptr: *const u8,
    public_key_len: usize,
    id: *const u8,
    id_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract for every pair.
        let (key, id, message, signature) = unsafe {
            (
                bytes(public_key_ptr, public_key_len, "public_key")?,
                dist_id(id, id_len)?,
                bytes(message, message_len, "message")?,
                bytes(signature, signature_len, "signature")?,
            )
        };
        let key = public_key(key)?;
        let (value, _) = Sm2Signature::from_der_or_raw(signature).map_err(core_error)?;
        key.verify_with_id(&id, message, &value).map_err(core_error)
    })
}

fn sm2_format(format: u32) -> Result<CiphertextFormat, Fail> {
    match format {
        0 => Ok(CiphertextFormat::Asn1),
        1 => Ok(CiphertextFormat::C1C3C2),
        2 => Ok(CiphertextFormat::C1C2C3),
        other => Err(Fail::new(
            eseal_result::ESEAL_INVALID_ARGUMENT,
            &format!("{other} is no eseal_sm2_format"),
        )),
    }
}

/// Encrypts `plaintext` (at least one byte) to `public_key` (as in [`eseal_sm2_verify`]) into
/// `*ciphertext` in the layout `format` (an [`eseal_sm2_format`]), with a fresh random
/// ephemeral key from the operating system.
///
/// # Safety
/// Every (pointer, length) pair must be readable; `ciphertext` valid for writing an
/// `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm2_encrypt(
    public_key_ptr: *const u8,
    public_key_len: usize,
    format: u32,
    plaintext: *const u8,
    plaintext_len: usize,
    ciphertext: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for both pairs.
        let (key, plaintext) = unsafe {
            (
                bytes(public_key_ptr, public_key_len, "public_key")?,
                bytes(plaintext, plaintext_len, "plaintext")?,
            )
        };
        let format = sm2_format(format)?;
        public_key(key)?
            .encrypt(plaintext, format)
            .map_err(core_error)
    };
    // SAFETY: caller's contract for ciphertext.
    unsafe { bytes_output(ciphertext, "ciphertext", make) }
}

/// Decrypts an SM2 `ciphertext` in the layout `format` with `key` (read from a key file; an
/// external key gives `ESEAL_UNSUPPORTED`) into `*plaintext`. A ciphertext altered or made for
/// another key gives `ESEAL_CRYPTO`; one that does not follow `format`, `ESEAL_MALFORMED`.
///
/// # Safety
/// `key` must be a live key; `ciphertext` readable for `ciphertext_len` bytes; `plaintext`
/// valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm2_decrypt(
    key: *const eseal_key,
    format: u32,
    ciphertext: *const u8,
    ciphertext_len: usize,
    plaintext: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for key and ciphertext/ciphertext_len.
        let (key, ciphertext) = unsafe {
            (
                handle(key, "key")?,
                bytes(ciphertext, ciphertext_len, "ciphertext")?,
            )
        };
        let format = sm2_format(format)?;
        let KeyKind::Software(signer) = &key.kind else {
            return Err(Fail::new(
                eseal_result::ESEAL_UNSUPPORTED,
                "an external (callback) key only signs; decrypt with the device holding it",
            ));
        };
        let out = signer
            .secret_key()
            .decrypt(ciphertext, format)
            .map_err(core_error)?;
        Ok(out.to_vec())
    };
    // SAFETY: caller's contract for plaintext.
    unsafe { bytes_output(plaintext, "plaintext", make) }
}

/// One SM4 operation of [`eseal_sm4_encrypt`] or [`eseal_sm4_decrypt`] into `*output`.
///
/// # Safety
/// Every (pointer, length) pair must be readable; `output` NULL or valid for writing an
/// `eseal_bytes`.
#[allow(clippy::too_many_arguments)]
unsafe fn sm4(
    encrypt: bool,
    mode: u32,
    key: *const u8,
    key_len: usize,
    iv: *const u8,
    iv_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    input_len: usize,
    output: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: forwarded caller's contract for every pair.
        let (key, iv, aad, input) = unsafe {
            (
                bytes(key, key_len, "key")?,
                bytes(iv, iv_len, "iv")?,
                bytes(aad, aad_len, "aad")?,
                bytes(input, input_len, "input")?,
            )
        };
        if mode != eseal_sm4_mode::ESEAL_SM4_GCM as u32 && !aad.is_empty() {
            return Err(Fail::new(
                eseal_result::ESEAL_INVALID_ARGUMENT,
                "associated data (aad) is for GCM only",
            ));
        }
        let key = Sm4Key::from_slice(key).map_err(core_error)?;
        let out = match (mode, encrypt) {
            (0, true) => sm4::cbc_encrypt(&key, iv, input),
            (1, true) => sm4::ctr_encrypt(&key, iv, input),
            (2, true) => sm4::gcm_encrypt(&key, iv, aad, input),
            (0, false) => sm4::cbc_decrypt(&key, iv, input).map(|p| p.to_vec()),
            (1, false) => sm4::ctr_decrypt(&key, iv, input).map(|p| p.to_vec()),
            (2, false) => sm4::gcm_decrypt(&key, iv, aad, input).map(|p| p.to_vec()),
            _ => {
                return Err(Fail::new(
                    eseal_result::ESEAL_INVALID_ARGUMENT,
                    &format!("{mode} is no eseal_sm4_mode"),
                ));
            }
        };
        out.map_err(core_error)
    };
    // SAFETY: forwarded caller's contract for output.
    unsafe { bytes_output(output, "output", make) }
}

/// SM4-encrypts `input` in `mode` (an [`eseal_sm4_mode`]) with the 16-byte `key` and `iv`
/// (CBC: 16-byte IV; CTR: 16-byte initial counter; GCM: 12-byte nonce), into `*output`. `aad`
/// (GCM only; NULL/0 otherwise) is authenticated, not encrypted. Never reuse an IV, counter
/// or nonce with the same key. Wrong key, IV or nonce lengths give `ESEAL_MALFORMED`.
///
/// # Safety
/// Every (pointer, length) pair must be readable; `output` valid for writing an
/// `eseal_bytes`.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm4_encrypt(
    mode: u32,
    key: *const u8,
    key_len: usize,
    iv: *const u8,
    iv_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    input_len: usize,
    output: *mut eseal_bytes,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        sm4(
            true, mode, key, key_len, iv, iv_len, aad, aad_len, input, input_len, output,
        )
    }
}

/// SM4-decrypts `input` (the inverse of [`eseal_sm4_encrypt`], same arguments) into
/// `*output`. Bad CBC padding or a GCM tag that does not verify (wrong key, IV, AAD or altered
/// data) gives `ESEAL_CRYPTO`, and no plaintext is released.
///
/// # Safety
/// As for [`eseal_sm4_encrypt`].
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm4_decrypt(
    mode: u32,
    key: *const u8,
    key_len: usize,
    iv: *const u8,
    iv_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    input_len: usize,
    output: *mut eseal_bytes,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        sm4(
            false, mode, key, key_len, iv, iv_len, aad, aad_len, input, input_len, output,
        )
    }
}

/// The SM3 digest of `len` bytes at `data` into the 32 bytes at `out` (`out_len` must be at
/// least 32; `ESEAL_BUFFER_TOO_SMALL` otherwise).
///
/// # Safety
/// `data` must be valid for reading `len` bytes; `out` valid for writing `out_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_sm3(
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract for data/len.
        let data = unsafe { bytes(data, len, "data") }?;
        if out.is_null() {
            return Err(Fail::null("out"));
        }
        let digest = eseal_core::crypto::sm3::sm3(data);
        if out_len < digest.len() {
            return Err(Fail::new(
                eseal_result::ESEAL_BUFFER_TOO_SMALL,
                &format!(
                    "out_len {out_len}: an SM3 digest has {} bytes",
                    digest.len()
                ),
            ));
        }
        // SAFETY: out is non-NULL and valid for out_len >= 32 bytes (caller's contract); the
        // digest is a local array, so the regions do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), out, digest.len()) };
        Ok(())
    })
}
