//! Where [`crate::pki`] meets [`crate::crypto::sm2`]: SM2-with-SM3 verification over byte
//! slices, and the in-memory [`SoftwareSigner`].
//!
//! Certificates, CRLs and the rest of `pki` see only bytes (a SEC1 point, a DER `SM2Signature`,
//! an SPKI), so hardware signers plug in through [`Signer`] without touching this file.

use std::fmt;

use rand_core::TryCryptoRng;

use super::builder::Signer;
use super::error::PkiError;
use crate::crypto::{CryptoError, PublicKey, SecretKey, Signature};

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
/// `SEQUENCE { r INTEGER, s INTEGER }` from the signature BIT STRING (strict DER, as
/// RFC 5280 requires of certificates and CRLs).
pub(crate) fn verify_sm2_sm3(
    public_key: &[u8],
    message: &[u8],
    der_signature: &[u8],
) -> Result<(), VerifyError> {
    let key = PublicKey::from_sec1_bytes(public_key).map_err(|_| VerifyError::BadKey)?;
    let sig = Signature::from_der(der_signature).map_err(|_| VerifyError::BadEncoding)?;
    key.verify(message, &sig).map_err(|_| VerifyError::Invalid)
}

/// SM3 of `data`.
pub(crate) fn sm3(data: &[u8]) -> [u8; 32] {
    crate::crypto::sm3::sm3(data)
}

/// An SM2 private key held in memory, signing with SM3 and the default ID.
///
/// For tests, examples, demos and small offline CAs. Keys in USB tokens or HSMs implement
/// [`Signer`] themselves. The key is zeroized on drop and never printed by `Debug`.
pub struct SoftwareSigner {
    key: SecretKey,
    spki: Vec<u8>,
}

impl SoftwareSigner {
    /// A fresh key pair from `rng`.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, PkiError> {
        let key = SecretKey::generate_with_rng(rng).map_err(|e| match e {
            CryptoError::Rng => PkiError::Rng,
            other => PkiError::invalid("SM2 key generation", other.to_string()),
        })?;
        Ok(Self::from_secret_key(key))
    }

    /// A signer from a 32-byte big-endian private scalar in `[1, n-2]`.
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, PkiError> {
        let key = SecretKey::from_bytes(bytes)
            .map_err(|_| PkiError::invalid("SM2 private key", "must be 32 bytes in [1, n-2]"))?;
        Ok(Self::from_secret_key(key))
    }

    /// A signer over an existing key (e.g. one read from a key file).
    pub fn from_secret_key(key: SecretKey) -> Self {
        let spki = key.public_key().to_spki_der();
        Self { key, spki }
    }

    /// The key this signer signs with.
    pub fn secret_key(&self) -> &SecretKey {
        &self.key
    }
}

impl Signer for SoftwareSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.spki.clone())
    }

    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        self.key
            .sign(message)
            .map(|sig| sig.to_der())
            .map_err(|e| PkiError::Signing {
                detail: e.to_string().into(),
            })
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
