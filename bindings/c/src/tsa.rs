//! Timestamp authorities for signing: the core's in-process `LocalTsa` (a TSA key and
//! certificate held by the caller, as `eseal sign --tsa-key/--tsa-cert` uses), or a callback
//! that obtains an RFC 3161 token from a real TSA (an HTTP request the department system makes).
//! Either is a `TimestampSource` of the core; raw, OFD and PDF signing take it.

use std::ffi::{c_int, c_void};

use eseal_core::crypto::sm3::sm3;
use eseal_core::ofd::{LocalTsaSource, TimestampSource};
use eseal_core::pki::tsp::{LocalTsa, TimestampError, TimestampResponse, TimestampToken, TstInfo};
use eseal_core::pki::{PkiError, Signer};
use eseal_core::ses::{ParseMode, Signature, attach_timestamp};

use crate::buffer::{bytes_output, eseal_bytes};
use crate::key::{eseal_certificate, eseal_key};
use crate::result::{
    Fail, bytes, core_error, eseal_result, free_handle, handle, new_handle, now, time_or_now,
};

/// The room a timestamp callback gets for its token: 64 KiB, the core's cap on a
/// TimeStampToken with its certificates.
pub const ESEAL_TIMESTAMP_CAPACITY: usize = 64 * 1024;

/// A callback that obtains an RFC 3161 timestamp from a TSA, given to
/// [`eseal_tsa_from_callback`].
///
/// It is called during a signing function, on the calling thread, with the `user_data` given
/// when the TSA handle was made, the bytes to stamp (`data`, `data_len`: the signature value)
/// and `digest`, their 32-byte SM3 hash: the message imprint to send to the TSA (a
/// `TimeStampReq` with hashAlgorithm SM3 `1.2.156.10197.1.401` and certReq true). It writes
/// the DER `TimeStampToken` (or the whole DER `TimeStampResp`) to `token` (room for
/// `token_capacity` bytes, [`ESEAL_TIMESTAMP_CAPACITY`]), its length to `*token_len`, and
/// returns 0; any other return value is a refusal (the signing function then fails with
/// `ESEAL_CRYPTO` and says so in its message). The library checks that what comes back is a
/// token over `digest`. The pointers are valid during the call only. The callback must return
/// normally (no `longjmp`, no C++ exception through the library).
pub type eseal_timestamp_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        data: *const u8,
        data_len: usize,
        digest: *const u8,
        token: *mut u8,
        token_capacity: usize,
        token_len: *mut usize,
    ) -> c_int,
>;

/// A source of RFC 3161 timestamp tokens for signing: an in-process TSA
/// ([`eseal_tsa_new_local`]) or a callback to a real TSA ([`eseal_tsa_from_callback`]).
/// Freed by [`eseal_tsa_free`]. Immutable: it may be shared read-only between threads, except
/// that a callback TSA (or a local TSA whose key is a callback key) runs its callback on
/// whatever thread signs.
pub struct eseal_tsa {
    kind: TsaKind,
}

enum TsaKind {
    /// genTime fixed (`Some`), or the clock at each token (`None`).
    Local(Box<LocalTsa<OwnedSigner>>, Option<u64>),
    Callback(CallbackTsa),
}

/// A copy of a key handle's signer, owned by a TSA handle (the key handle may be freed).
struct OwnedSigner(Box<dyn Signer>);

impl Signer for OwnedSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        self.0.public_key_spki()
    }

    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        self.0.sign_sm2_sm3(message)
    }
}

struct CallbackTsa {
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
}

fn refused(detail: String) -> TimestampError {
    TimestampError::InvalidArgument {
        what: "timestamp callback",
        detail: detail.into(),
    }
}

impl CallbackTsa {
    fn token(&self, data: &[u8]) -> Result<Vec<u8>, TimestampError> {
        let digest = sm3(data);
        let mut token = vec![0u8; ESEAL_TIMESTAMP_CAPACITY];
        let mut token_len = 0usize;
        // SAFETY: the callback's contract (eseal_timestamp_callback): it reads data_len bytes
        // at data and 32 at digest, writes at most token_capacity bytes to token and one usize
        // to token_len; all are live buffers of this call.
        let rc = unsafe {
            (self.callback)(
                self.user_data,
                data.as_ptr(),
                data.len(),
                digest.as_ptr(),
                token.as_mut_ptr(),
                token.len(),
                &mut token_len,
            )
        };
        if rc != 0 {
            return Err(refused(format!("the callback refused (returned {rc})")));
        }
        let raw = token.get(..token_len).ok_or_else(|| {
            refused(format!(
                "the callback returned a length of {token_len}, beyond the \
                 {ESEAL_TIMESTAMP_CAPACITY} bytes of the buffer"
            ))
        })?;
        // A bare token, or a whole TimeStampResp as a TSA answers over HTTP.
        let der = match TimestampToken::from_der(raw) {
            Ok(_) => raw.to_vec(),
            Err(token_err) => TimestampResponse::from_der(raw)
                .and_then(TimestampResponse::into_token)
                .map_err(|resp_err| {
                    refused(format!(
                        "the callback returned no TimeStampToken ({token_err}) and no granted \
                         TimeStampResp ({resp_err})"
                    ))
                })?,
        };
        let info: TstInfo = TimestampToken::from_der(&der)?.info().clone();
        if !info.imprint_covers(data) {
            return Err(refused(
                "the callback's token stamps other data (its message imprint is not the SM3 \
                 digest it was given)"
                    .to_owned(),
            ));
        }
        Ok(der)
    }
}

/// The source the core's signers take.
pub(crate) struct Source<'a>(&'a eseal_tsa);

impl TimestampSource for Source<'_> {
    fn timestamp(&self, data: &[u8]) -> Result<Vec<u8>, TimestampError> {
        match &self.0.kind {
            TsaKind::Local(tsa, gen_time) => {
                let at = match gen_time {
                    Some(t) => eseal_core::pki::Time::from_unix_seconds(*t),
                    None => now().map_err(|_| TimestampError::InvalidArgument {
                        what: "genTime",
                        detail: "the system clock is before 1970".into(),
                    })?,
                };
                LocalTsaSource::new(tsa, at).timestamp(data)
            }
            TsaKind::Callback(c) => c.token(data),
        }
    }
}

impl eseal_tsa {
    /// The TSA as the core's timestamp source.
    pub(crate) fn source(&self) -> Source<'_> {
        Source(self)
    }
}

/// An optional TSA handle argument as a source.
///
/// # Safety
/// `tsa` must be NULL or a live TSA handle.
pub(crate) unsafe fn optional_source<'a>(tsa: *const eseal_tsa) -> Option<Source<'a>> {
    // SAFETY: caller's contract.
    unsafe { tsa.as_ref() }.map(eseal_tsa::source)
}

/// An in-process TSA into `*out`: tokens signed by `key` under `certificate` (which must carry
/// the critical id-kp-timeStamping extended key usage, else `ESEAL_UNTRUSTED`), policy
/// `1.3.6.1.4.1.32473.1` (eseal's local TSA policy), genTime `gen_time` (seconds since 1970
/// UTC) or, with 0, the system clock at each token. The key and certificate are copied (their
/// handles may be freed afterwards); a callback key keeps calling its callback. The
/// verifier trusts the tokens when the certificate chains to an anchor of its trust store.
///
/// # Safety
/// `key` and `certificate` must be live handles; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_tsa_new_local(
    key: *const eseal_key,
    certificate: *const eseal_certificate,
    gen_time: u64,
    out: *mut *mut eseal_tsa,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let (key, cert) = unsafe { (handle(key, "key")?, handle(certificate, "certificate")?) };
        // Checks gen_time now rather than at the first token.
        time_or_now(gen_time)?;
        let tsa = LocalTsa::new(
            cert.cert.clone(),
            OwnedSigner(key.owned_signer()?),
            eseal_core::oid::ESEAL_LOCAL_TSA_POLICY,
        )
        .map_err(core_error)?;
        Ok(eseal_tsa {
            kind: TsaKind::Local(Box::new(tsa), (gen_time != 0).then_some(gen_time)),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// A TSA whose tokens come from `callback` (see [`eseal_timestamp_callback`]), called with
/// `user_data`, which the library never reads and which must stay valid as long as the
/// handle is used.
///
/// # Safety
/// `callback` must be a function of the documented type; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_tsa_from_callback(
    callback: eseal_timestamp_callback,
    user_data: *mut c_void,
    out: *mut *mut eseal_tsa,
) -> eseal_result {
    let make = || {
        let callback = callback.ok_or_else(|| Fail::null("callback"))?;
        Ok(eseal_tsa {
            kind: TsaKind::Callback(CallbackTsa {
                callback,
                user_data,
            }),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// A DER TimeStampToken from `tsa` over `data` (its imprint is SM3 of `data`) into `*token`
/// (free it with [`eseal_bytes_free`]): for a callback TSA, what its callback returned, checked.
///
/// # Safety
/// `tsa` must be a live handle; `data` readable for `data_len` bytes; `token` valid for
/// writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_tsa_timestamp(
    tsa: *const eseal_tsa,
    data: *const u8,
    data_len: usize,
    token: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let (tsa, data) = unsafe { (handle(tsa, "tsa")?, bytes(data, data_len, "data")?) };
        tsa.source().timestamp(data).map_err(core_error)
    };
    // SAFETY: caller's contract for token.
    unsafe { bytes_output(token, "token", make) }
}

/// Timestamps a detached SES_Signature (from [`eseal_sign_data`] or
/// [`eseal_prepared_finish_signature`]): asks `tsa` for a token over the signature value and
/// writes the signature with it in `SES_Signature.timeStamp` to `*out` (free it with
/// [`eseal_bytes_free`]). A GM/T 0031-2014 (v1) signature has no timestamp field
/// (`ESEAL_UNSUPPORTED`); a token from a callback that is not one over the value fails with
/// `ESEAL_INVALID_ARGUMENT`.
///
/// # Safety
/// `signature` readable for `signature_len` bytes; `tsa` a live handle; `out` valid for
/// writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_signature_add_timestamp(
    signature: *const u8,
    signature_len: usize,
    tsa: *const eseal_tsa,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract.
        let (der, tsa) = unsafe {
            (
                bytes(signature, signature_len, "signature")?,
                handle(tsa, "tsa")?,
            )
        };
        let signature = Signature::from_der(der, ParseMode::Strict).map_err(core_error)?;
        let token = tsa
            .source()
            .timestamp(signature.signature_value())
            .map_err(core_error)?;
        let stamped = attach_timestamp(&signature, &token).map_err(core_error)?;
        Ok(stamped.as_der().to_vec())
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// Frees a TSA handle; NULL is ignored.
///
/// # Safety
/// `tsa` must be NULL or from this library, not freed before and not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_tsa_free(tsa: *mut eseal_tsa) {
    // SAFETY: caller's contract.
    unsafe { free_handle(tsa) }
}
