//! The distinguishing ID (用户可辨别标识) and the user hash `Z` (GB/T 32918.2 §5.5).

use std::borrow::Cow;
use std::fmt;

use sm3::{Digest, Sm3};

use super::curve;
use crate::crypto::CryptoError;

/// A signer's distinguishing identifier `ID`, hashed into `Z` before every SM2 signature.
///
/// GB/T 32918.2 §5.5: `Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)`, where `ENTL` is the
/// **bit** length of `ID` as two big-endian bytes. So an ID is any byte string of at most
/// 8191 bytes (65528 bits); it need not be text.
///
/// - [`DistId::default()`] is `1234567812345678`, the ID of GM/T 0009 / GB/T 35276 §10 that
///   applications use unless they agreed on another. Chinese CAs, seals and GB/T 35275 messages
///   use it.
/// - [`DistId::empty()`] is the zero-length ID that the OpenSSL 3 command line uses when no
///   `distid` option is given.
/// - [`DistId::new`] takes any other byte string.
///
/// Signer and verifier must use the same ID, or a valid signature fails to verify.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DistId(Cow<'static, [u8]>);

impl DistId {
    /// The default ID of GM/T 0009 / GB/T 35276: the 16 ASCII bytes `1234567812345678`.
    pub const DEFAULT: DistId = DistId(Cow::Borrowed(b"1234567812345678"));

    /// The longest accepted ID in bytes: its bit length must fit `ENTL`'s 16 bits.
    pub const MAX_LEN: usize = 8191;

    /// An ID from arbitrary bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidParameter`] when `id` is longer than [`DistId::MAX_LEN`] bytes.
    pub fn new(id: impl Into<Vec<u8>>) -> Result<Self, CryptoError> {
        let id = id.into();
        if id.len() > Self::MAX_LEN {
            return Err(CryptoError::InvalidParameter {
                what: "SM2 distinguishing ID",
                detail: format!(
                    "{} bytes is too long: ENTL holds the bit length in 16 bits, so at most {} bytes",
                    id.len(),
                    Self::MAX_LEN
                )
                .into(),
            });
        }
        Ok(Self(Cow::Owned(id)))
    }

    /// The empty ID (`ENTL = 0`), which OpenSSL 3 uses by default.
    #[must_use]
    pub const fn empty() -> Self {
        Self(Cow::Borrowed(b""))
    }

    /// The ID's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `Z` for a public key given as its affine coordinates.
    pub(crate) fn z(&self, x: &[u8; curve::FIELD_LEN], y: &[u8; curve::FIELD_LEN]) -> [u8; 32] {
        // MAX_LEN * 8 < 2^16 is enforced by every constructor.
        let entl = u16::try_from(self.0.len().saturating_mul(8)).unwrap_or(u16::MAX);
        let mut h = Sm3::new();
        h.update(entl.to_be_bytes());
        h.update(&self.0);
        h.update(curve::A);
        h.update(curve::B);
        h.update(curve::GX);
        h.update(curve::GY);
        h.update(x);
        h.update(y);
        h.finalize().into()
    }
}

impl Default for DistId {
    /// [`DistId::DEFAULT`], `1234567812345678`.
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<&[u8]> for DistId {
    type Error = CryptoError;

    fn try_from(id: &[u8]) -> Result<Self, CryptoError> {
        Self::new(id)
    }
}

impl TryFrom<Vec<u8>> for DistId {
    type Error = CryptoError;

    fn try_from(id: Vec<u8>) -> Result<Self, CryptoError> {
        Self::new(id)
    }
}

impl TryFrom<&str> for DistId {
    type Error = CryptoError;

    fn try_from(id: &str) -> Result<Self, CryptoError> {
        Self::new(id.as_bytes())
    }
}

impl fmt::Debug for DistId {
    /// Printable ASCII IDs show as text, others as hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.iter().all(|b| (0x20..0x7f).contains(b)) {
            let text = String::from_utf8_lossy(&self.0);
            write!(f, "DistId({text:?})")
        } else {
            f.write_str("DistId(0x")?;
            for b in self.0.iter() {
                write!(f, "{b:02x}")?;
            }
            f.write_str(")")
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(DistId::default().as_bytes(), b"1234567812345678");
        assert!(DistId::empty().as_bytes().is_empty());
        assert!(DistId::new(vec![0xff; DistId::MAX_LEN]).is_ok());
        let err = DistId::new(vec![0; DistId::MAX_LEN + 1]).unwrap_err();
        assert!(
            matches!(err, CryptoError::InvalidParameter { .. }),
            "{err:?}"
        );
        assert!(DistId::try_from(&[0x80, 0xff][..]).is_ok());
    }

    #[test]
    fn debug_output() {
        assert_eq!(
            format!("{:?}", DistId::default()),
            "DistId(\"1234567812345678\")"
        );
        assert_eq!(
            format!("{:?}", DistId::new([0xff, 0]).unwrap()),
            "DistId(0xff00)"
        );
    }
}
