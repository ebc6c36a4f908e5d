//! The only place in [`crate::pki`] that touches the `sm2` and `sm3` crates directly.
//!
//! Everything else in `pki` sees byte slices: a SEC1 public-key point, a DER `SM2Signature`, an
//! SPKI. When `crate::crypto::sm2` lands, the bodies here become calls into it and the rest of
//! `pki` does not change.

use std::fmt;

use rand_core::CryptoRng;
use sm2::dsa::signature::{Signer as _, Verifier as _};
use sm2::pkcs8::EncodePublicKey as _;
use sm3::Digest as _;

use super::builder::Signer;
use super::error::PkiError;

/// The default distinguishing ID of GM/T 0009 / GB/T 35276 (`1234567812345678`).
pub(crate) const DEFAULT_ID: &str = "1234567812345678";

/// Why an SM2 verification did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerifyError {
    /// The public key is not a point on the SM2 curve.
    BadKey,
    /// The signature is not a DER `SM2Signature` with `r`, `s` in range.
    BadEncoding,
    /// A well-formed signature that does not verify.
    Invalid,
}

/// Verifies an SM2-with-SM3 signature (default ID) over `message`.
///
/// `public_key` is the SEC1 point from the SPKI BIT STRING; `der_signature` the DER
/// `SEQUENCE { r INTEGER, s INTEGER }` from the signature BIT STRING.
pub(crate) fn verify_sm2_sm3(
    public_key: &[u8],
    message: &[u8],
    der_signature: &[u8],
) -> Result<(), VerifyError> {
    let key = sm2::dsa::VerifyingKey::from_sec1_bytes(DEFAULT_ID, public_key)
        .map_err(|_| VerifyError::BadKey)?;
    let sig = sm2::dsa::Signature::from_der(der_signature).map_err(|_| VerifyError::BadEncoding)?;
    key.verify(message, &sig).map_err(|_| VerifyError::Invalid)
}

/// SM3 of `data`.
pub(crate) fn sm3(data: &[u8]) -> [u8; 32] {
    sm3::Sm3::digest(data).into()
}

/// An SM2 private key held in memory, signing with SM3 and the default ID.
///
/// For tests, examples, demos and small offline CAs. Keys in USB tokens or HSMs implement
/// [`Signer`] themselves. The key is zeroized on drop and never printed by `Debug`.
pub struct SoftwareSigner {
    key: sm2::SecretKey,
    spki: Vec<u8>,
}

impl SoftwareSigner {
    /// A fresh key pair from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self, PkiError> {
        Self::from_key(<sm2::SecretKey as sm2::elliptic_curve::Generate>::generate_from_rng(rng))
    }

    /// A signer from a 32-byte big-endian private scalar in `[1, n-2]`.
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, PkiError> {
        let key = sm2::SecretKey::from_slice(bytes)
            .map_err(|_| PkiError::invalid("SM2 private key", "must be 32 bytes in [1, n-2]"))?;
        Self::from_key(key)
    }

    fn from_key(key: sm2::SecretKey) -> Result<Self, PkiError> {
        // Signing needs (1 + d) invertible: d = n - 1 cannot sign at all.
        sm2::dsa::SigningKey::new(DEFAULT_ID, &key)
            .map_err(|_| PkiError::invalid("SM2 private key", "must lie in [1, n-2]"))?;
        let spki = key
            .public_key()
            .to_public_key_der()
            .map_err(|e| PkiError::invalid("SM2 public key", e.to_string()))?
            .into_vec();
        Ok(Self { key, spki })
    }
}

impl Signer for SoftwareSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.spki.clone())
    }

    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        let key =
            sm2::dsa::SigningKey::new(DEFAULT_ID, &self.key).map_err(|_| PkiError::Signing {
                detail: "invalid SM2 private key".into(),
            })?;
        let sig: sm2::dsa::Signature = key.try_sign(message).map_err(|_| PkiError::Signing {
            detail: "SM2 signing failed".into(),
        })?;
        Ok(sig.to_der().to_vec())
    }
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field(
                "public_key_spki_sm3",
                &super::certificate::hex(&sm3(&self.spki)),
            )
            .finish_non_exhaustive()
    }
}
