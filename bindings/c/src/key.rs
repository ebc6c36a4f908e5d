//! Signing keys (from key files, or held outside the library behind a callback) and
//! certificates.

use std::ffi::{CString, c_char, c_int, c_void};

use eseal_core::crypto::sm2::{DistId, PublicKey, Signature as Sm2Signature};
use eseal_core::keyfile;
use eseal_core::pki::{Certificate, PkiError, Signer, SoftwareSigner};

use crate::buffer::{bytes_output, c_string, eseal_bytes};
use crate::result::{
    Fail, bytes, core_error, eseal_result, free_handle, guard, handle, new_handle, optional_bytes,
    put,
};

/// The largest signature value a signing callback may return: a DER `SM2Signature` is at most
/// 72 bytes, a raw `r ‖ s` 64.
pub const ESEAL_SIGNATURE_CAPACITY: usize = 128;

/// A signing callback for a key held outside the library (a USB key, an HSM, a signing
/// server), given to [`eseal_key_from_callback`].
///
/// It is called during a signing function, on the calling thread, with the `user_data` given
/// when the key was made, the message to sign (`message`, `message_len` bytes) and
/// `digest`, the 32 bytes `e = SM3(Z ‖ message)` for the key's certificate and the ID in use
/// (the default `1234567812345678` except for [`eseal_sm2_sign`] with another ID): a device
/// that signs digests signs `digest`, one that hashes itself signs `message`. It writes the
/// SM2 signature (DER `SM2Signature` or raw 64-byte `r ‖ s`) to `signature` (room for
/// `signature_capacity` bytes, [`ESEAL_SIGNATURE_CAPACITY`]), its length to `*signature_len`,
/// and returns 0; any other return value is a refusal (the signing function then fails with
/// `ESEAL_CRYPTO`). The pointers are valid during the call only. The callback must return
/// normally (no `longjmp`, no C++ exception through the library); it may call other eseal
/// functions (that changes the thread's last error message).
pub type eseal_sign_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        message: *const u8,
        message_len: usize,
        digest: *const u8,
        signature: *mut u8,
        signature_capacity: usize,
        signature_len: *mut usize,
    ) -> c_int,
>;

/// An SM2 signing key: read from a key file by [`eseal_key_load`] (the secret stays inside the
/// library and is wiped when the key is freed), or an external key whose signatures come from
/// a callback ([`eseal_key_from_callback`]). Freed by [`eseal_key_free`]. Immutable: it may be
/// shared read-only between threads, except an external key, whose callback runs on whatever
/// thread signs (the callback must allow that).
pub struct eseal_key {
    pub(crate) kind: KeyKind,
    format: &'static [u8],
    certificates: Vec<Certificate>,
}

pub(crate) enum KeyKind {
    Software(SoftwareSigner),
    External(ExternalSigner),
}

impl eseal_key {
    /// The key as the core's signer (default ID, DER signatures).
    pub(crate) fn signer(&self) -> &dyn Signer {
        match &self.kind {
            KeyKind::Software(s) => s,
            KeyKind::External(e) => e,
        }
    }

    /// A copy of the key's signer that outlives the handle (for a TSA handle).
    pub(crate) fn owned_signer(&self) -> Result<Box<dyn Signer>, Fail> {
        Ok(match &self.kind {
            KeyKind::Software(s) => Box::new(
                SoftwareSigner::from_secret_bytes(&*s.secret_key().to_bytes())
                    .map_err(core_error)?,
            ),
            KeyKind::External(e) => Box::new(e.clone()),
        })
    }
}

/// A key whose signatures come from a C callback.
#[derive(Clone)]
pub(crate) struct ExternalSigner {
    callback: unsafe extern "C" fn(
        *mut c_void,
        *const u8,
        usize,
        *const u8,
        *mut u8,
        usize,
        *mut usize,
    ) -> c_int,
    user_data: *mut c_void,
    public_key: PublicKey,
    spki: Vec<u8>,
}

impl ExternalSigner {
    /// Has the callback sign `message` whose digest with `id` is `digest`; returns the
    /// signature checked against the public key.
    pub(crate) fn sign_with_id(
        &self,
        id: &DistId,
        message: &[u8],
    ) -> Result<Sm2Signature, PkiError> {
        let digest = self.public_key.digest(id, message);
        let mut signature = [0u8; ESEAL_SIGNATURE_CAPACITY];
        let mut signature_len = 0usize;
        // SAFETY: the callback's contract (eseal_sign_callback): it reads message_len bytes at
        // message and 32 at digest, writes at most signature_capacity bytes to signature and
        // one usize to signature_len, all valid local or borrowed memory for the call.
        let rc = unsafe {
            (self.callback)(
                self.user_data,
                message.as_ptr(),
                message.len(),
                digest.as_ptr(),
                signature.as_mut_ptr(),
                signature.len(),
                &mut signature_len,
            )
        };
        let refused = |detail: String| PkiError::Signing {
            detail: detail.into(),
        };
        if rc != 0 {
            return Err(refused(format!(
                "the signing callback refused (returned {rc})"
            )));
        }
        let value = signature.get(..signature_len).ok_or_else(|| {
            refused(format!(
                "the signing callback returned a length of {signature_len}, beyond the \
                 {ESEAL_SIGNATURE_CAPACITY} bytes of the buffer"
            ))
        })?;
        let (value, _) = Sm2Signature::from_der_or_raw(value).map_err(|e| {
            refused(format!(
                "the signing callback returned no SM2 signature: {e}"
            ))
        })?;
        self.public_key
            .verify_digest(&digest, &value)
            .map_err(|_| {
                refused(
                    "the signing callback's signature does not verify with the certificate's key"
                        .to_owned(),
                )
            })?;
        Ok(value)
    }
}

impl Signer for ExternalSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.spki.clone())
    }

    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        self.sign_with_id(&DistId::DEFAULT, message)
            .map(|s| s.to_der())
    }
}

/// An X.509 certificate with an SM2 key, made by [`eseal_certificate_load`] or handed out by
/// other functions, freed by [`eseal_certificate_free`]. Immutable: it may be shared read-only
/// between threads. Its strings live until it is freed.
pub struct eseal_certificate {
    pub(crate) cert: Certificate,
    subject: CString,
    issuer: CString,
    serial: CString,
}

impl eseal_certificate {
    pub(crate) fn new(cert: Certificate) -> Self {
        Self {
            subject: c_string(&cert.subject_string()),
            issuer: c_string(&cert.issuer_string()),
            serial: c_string(&cert.serial_hex()),
            cert,
        }
    }
}

/// An SM2 public key given as a DER `SubjectPublicKeyInfo` or a SEC1 point (`04 ‖ x ‖ y`, or
/// compressed).
pub(crate) fn public_key(input: &[u8]) -> Result<PublicKey, Fail> {
    let key = if input.first() == Some(&0x30) {
        PublicKey::from_spki_der(input)
    } else {
        PublicKey::from_sec1_bytes(input)
    };
    key.map_err(core_error)
}

/// Reads the SM2 private key of a key file into `*out`: PKCS#8 (PEM or DER), password-encrypted
/// PKCS#8 (PBES2), SEC1 `EC PRIVATE KEY`, or PKCS#12 (`.p12`/`.pfx`, whose certificates
/// [`eseal_key_certificate`] hands out).
///
/// `password` (UTF-8 bytes, no NUL needed) is used for encrypted files only. NULL (with
/// `password_len` 0) means no password: an encrypted file then gives
/// `ESEAL_PASSWORD_REQUIRED`; a password that does not decrypt it gives
/// `ESEAL_WRONG_PASSWORD`. An empty password is a non-NULL pointer with length 0.
///
/// # Safety
/// `data` must be valid for reading `len` bytes, `password` for `password_len` bytes (or
/// NULL); `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_load(
    data: *const u8,
    len: usize,
    password: *const u8,
    password_len: usize,
    out: *mut *mut eseal_key,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for data/len and password/password_len.
        let (data, password) = unsafe {
            (
                bytes(data, len, "data")?,
                optional_bytes(password, password_len, "password")?,
            )
        };
        let file = keyfile::read(data, password).map_err(core_error)?;
        let format = format_name(file.format().id());
        let certificates = file.certificates().to_vec();
        Ok(eseal_key {
            kind: KeyKind::Software(SoftwareSigner::from_secret_key(file.into_secret_key())),
            format,
            certificates,
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The NUL-terminated static form of a key format's stable name.
fn format_name(id: &str) -> &'static [u8] {
    match id {
        "pkcs8-pem" => b"pkcs8-pem\0",
        "pkcs8-der" => b"pkcs8-der\0",
        "encrypted-pkcs8-pem" => b"encrypted-pkcs8-pem\0",
        "encrypted-pkcs8-der" => b"encrypted-pkcs8-der\0",
        "sec1-pem" => b"sec1-pem\0",
        "sec1-der" => b"sec1-der\0",
        "pkcs12" => b"pkcs12\0",
        _ => b"other\0",
    }
}

/// An external key into `*out`: its public key is that of `certificate` (copied; the
/// certificate handle may be freed afterwards), and every signature it makes comes from
/// `callback` (see [`eseal_sign_callback`]), called with `user_data`, which the library never
/// reads. The library checks each returned signature against the certificate's key before
/// using it. `user_data` must stay valid as long as the key is used.
///
/// # Safety
/// `certificate` must be a live certificate; `callback` a function of the documented type;
/// `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_from_callback(
    certificate: *const eseal_certificate,
    callback: eseal_sign_callback,
    user_data: *mut c_void,
    out: *mut *mut eseal_key,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let certificate = unsafe { handle(certificate, "certificate") }?;
        let callback = callback.ok_or_else(|| Fail::null("callback"))?;
        let point = certificate.cert.sm2_public_key().map_err(core_error)?;
        let public_key = public_key(point)?;
        Ok(eseal_key {
            kind: KeyKind::External(ExternalSigner {
                callback,
                user_data,
                spki: public_key.to_spki_der(),
                public_key,
            }),
            format: b"external\0",
            certificates: vec![certificate.cert.clone()],
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The stable name of the format the key was read from (`pkcs8-pem`, `pkcs8-der`,
/// `encrypted-pkcs8-pem`, `encrypted-pkcs8-der`, `sec1-pem`, `sec1-der`, `pkcs12`), or
/// `external` for a callback key: a static NUL-terminated string into `*name`.
///
/// # Safety
/// `key` must be a live key; `name` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_format(
    key: *const eseal_key,
    name: *mut *const c_char,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let key = unsafe { handle(key, "key") }?;
        // SAFETY: caller's contract for name; the text is static.
        unsafe { put(name, key.format.as_ptr().cast::<c_char>(), "name") }
    })
}

/// The key's public key as a DER `SubjectPublicKeyInfo` into `*out` (free it with
/// [`eseal_bytes_free`]); never any secret.
///
/// # Safety
/// `key` must be a live key; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_public_key(
    key: *const eseal_key,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let key = unsafe { handle(key, "key") }?;
        key.signer().public_key_spki().map_err(core_error)
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// The number of certificates that came with the key: those of a PKCS#12 file (the key's own
/// first), the certificate of an external key, none for other files.
///
/// # Safety
/// `key` must be a live key; `count` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_certificate_count(
    key: *const eseal_key,
    count: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let key = unsafe { handle(key, "key") }?;
        // SAFETY: caller's contract for count.
        unsafe { put(count, key.certificates.len(), "count") }
    })
}

/// Certificate number `index` (below [`eseal_key_certificate_count`]) as a new handle in
/// `*out`, owned by the caller (free it with [`eseal_certificate_free`]).
///
/// # Safety
/// `key` must be a live key; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_certificate(
    key: *const eseal_key,
    index: usize,
    out: *mut *mut eseal_certificate,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let key = unsafe { handle(key, "key") }?;
        let cert = key.certificates.get(index).ok_or_else(|| {
            Fail::new(
                eseal_result::ESEAL_INDEX_OUT_OF_RANGE,
                &format!(
                    "certificate {index} asked for; the key has {}",
                    key.certificates.len()
                ),
            )
        })?;
        Ok(eseal_certificate::new(cert.clone()))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// Frees a key, wiping its secret; NULL is ignored.
///
/// # Safety
/// `key` must be NULL or a key from this library not freed before and not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_key_free(key: *mut eseal_key) {
    // SAFETY: caller's contract. The core's SecretKey zeroizes itself on drop.
    unsafe { free_handle(key) }
}

/// Reads a certificate (PEM or DER; the first of a PEM bundle) into `*out`.
///
/// # Safety
/// `data` must be valid for reading `len` bytes; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_load(
    data: *const u8,
    len: usize,
    out: *mut *mut eseal_certificate,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for data/len.
        let data = unsafe { bytes(data, len, "data") }?;
        let cert = Certificate::from_der_or_pem(data).map_err(core_error)?;
        Ok(eseal_certificate::new(cert))
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// A string of a certificate handle.
///
/// # Safety
/// `cert` must be a live certificate; `out` valid for writing a pointer.
unsafe fn certificate_text(
    cert: *const eseal_certificate,
    out: *mut *const c_char,
    pick: fn(&eseal_certificate) -> &CString,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let cert = unsafe { handle(cert, "certificate") }?;
        // SAFETY: caller's contract for out; the string lives as long as the handle.
        unsafe { put(out, pick(cert).as_ptr(), "out") }
    })
}

/// The subject name (RFC 4514 text, e.g. `CN=张三,O=...`) into `*subject`: NUL-terminated
/// UTF-8 owned by the certificate, valid until it is freed.
///
/// # Safety
/// `cert` must be a live certificate; `subject` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_subject(
    cert: *const eseal_certificate,
    subject: *mut *const c_char,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe { certificate_text(cert, subject, |c| &c.subject) }
}

/// The issuer name, as [`eseal_certificate_subject`].
///
/// # Safety
/// `cert` must be a live certificate; `issuer` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_issuer(
    cert: *const eseal_certificate,
    issuer: *mut *const c_char,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe { certificate_text(cert, issuer, |c| &c.issuer) }
}

/// The serial number in lower-case hexadecimal into `*serial`, owned by the certificate.
///
/// # Safety
/// `cert` must be a live certificate; `serial` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_serial(
    cert: *const eseal_certificate,
    serial: *mut *const c_char,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe { certificate_text(cert, serial, |c| &c.serial) }
}

/// The validity period in seconds since 1970 UTC (`not_after` inclusive).
///
/// # Safety
/// `cert` must be a live certificate; `not_before` and `not_after` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_validity(
    cert: *const eseal_certificate,
    not_before: *mut u64,
    not_after: *mut u64,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let cert = unsafe { handle(cert, "certificate") }?;
        if not_before.is_null() || not_after.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        // SAFETY: both are non-NULL and valid for writes (caller's contract).
        unsafe {
            put(
                not_before,
                cert.cert.not_before().unix_seconds(),
                "not_before",
            )?;
            put(not_after, cert.cert.not_after().unix_seconds(), "not_after")
        }
    })
}

/// The certificate's DER encoding into `*out` (free it with [`eseal_bytes_free`]).
///
/// # Safety
/// `cert` must be a live certificate; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_der(
    cert: *const eseal_certificate,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let cert = unsafe { handle(cert, "certificate") }?;
        Ok(cert.cert.as_der().to_vec())
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// The certificate's public key as a DER `SubjectPublicKeyInfo` into `*out` (free it with
/// [`eseal_bytes_free`]), for [`eseal_sm2_verify`] and [`eseal_sm2_encrypt`].
///
/// # Safety
/// `cert` must be a live certificate; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_public_key(
    cert: *const eseal_certificate,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let cert = unsafe { handle(cert, "certificate") }?;
        let point = cert.cert.sm2_public_key().map_err(core_error)?;
        Ok(public_key(point)?.to_spki_der())
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// Frees a certificate; NULL is ignored. Its strings become invalid.
///
/// # Safety
/// `cert` must be NULL or a certificate from this library not freed before and not in use
/// elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_certificate_free(cert: *mut eseal_certificate) {
    // SAFETY: caller's contract.
    unsafe { free_handle(cert) }
}
