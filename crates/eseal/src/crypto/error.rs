//! The error type of [`crate::crypto`].

use std::borrow::Cow;

/// Everything that can go wrong in [`crate::crypto`].
///
/// The variants keep three kinds of failure apart, because callers react differently:
/// input that breaks its encoding (`Malformed…`, `InvalidLength`, `Invalid…Key`),
/// a cryptographic check that did not pass (`SignatureInvalid`, `DecryptionFailed`,
/// `BadPadding`, `AuthenticationFailed`, `MacInvalid`, `WrongPassword`), and something valid that eseal
/// does not implement (`Unsupported`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Bytes that should follow an encoding (DER, PEM, SEC1, a ciphertext layout) do not.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read, e.g. "DER SM2 signature".
        what: &'static str,
        /// What is wrong, with a byte offset where one is known.
        detail: Cow<'static, str>,
    },
    /// An input has the wrong length.
    #[error("{what} must be {expected}, got {found} bytes")]
    InvalidLength {
        /// What was being read, e.g. "SM2 private key".
        what: &'static str,
        /// The accepted length(s), e.g. "32 bytes".
        expected: &'static str,
        /// The length found.
        found: usize,
    },
    /// An SM2 private key outside `[1, n-2]` (zero, or too large).
    #[error("invalid SM2 private key: the scalar must lie in [1, n-2]")]
    InvalidPrivateKey,
    /// An SM2 public key that is not a point on the curve, or is the point at infinity.
    #[error("invalid SM2 public key: {0}")]
    InvalidPublicKey(&'static str),
    /// A well-formed signature that does not verify for this key, message and ID.
    #[error("SM2 signature does not verify for this key, data and distinguishing ID")]
    SignatureInvalid,
    /// SM2 decryption failed: the C3 hash does not match, or the key is not the recipient's.
    #[error("SM2 decryption failed: wrong key or corrupted ciphertext")]
    DecryptionFailed,
    /// CBC decryption produced invalid PKCS#7 padding (wrong key or corrupted data).
    #[error("bad PKCS#7 padding after SM4-CBC decryption: wrong key or corrupted data")]
    BadPadding,
    /// An AEAD tag did not verify; no plaintext is released.
    #[error(
        "SM4-GCM authentication failed: wrong key, nonce or associated data, or the data was altered"
    )]
    AuthenticationFailed,
    /// A MAC (HMAC-SM3) tag does not match the data under this key.
    #[error("HMAC-SM3 tag does not match: wrong key, or the data or tag was altered")]
    MacInvalid,
    /// Decrypting a password-protected key failed.
    #[error("cannot decrypt the key: wrong password or corrupted file")]
    WrongPassword,
    /// A caller-supplied parameter is out of range (IV length, iteration count, ID length, …).
    #[error("invalid parameter {what}: {detail}")]
    InvalidParameter {
        /// Which parameter.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
    /// A valid input that uses an algorithm or option eseal does not implement.
    #[error("unsupported {what}: {detail}")]
    Unsupported {
        /// What kind of thing, e.g. "PBES2 cipher".
        what: &'static str,
        /// Which one, e.g. its OID.
        detail: Cow<'static, str>,
    },
    /// The random number generator failed.
    #[error("the random number generator failed")]
    Rng,
}

impl CryptoError {
    /// Shorthand for [`CryptoError::Malformed`].
    pub(crate) fn malformed(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }
}
