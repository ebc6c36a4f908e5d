//! SM2 public-key encryption (GB/T 32918.4) and its three ciphertext layouts.

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use rand_core::{TryCryptoRng, TryRng};
use sm2::pke::{Cipher, DecryptingKey, EncryptingKey, Mode};
use zeroize::Zeroizing;

use super::curve::{self, FIELD_LEN};
use super::signature::integer_magnitude;
use super::{PublicKey, SecretKey};
use crate::crypto::CryptoError;

/// Bytes of the hash `C3 = SM3(x2 ‖ M ‖ y2)`.
const C3_LEN: usize = 32;
/// Bytes of an uncompressed `C1 = 04 ‖ x1 ‖ y1`.
const C1_LEN: usize = 1 + 2 * FIELD_LEN;
/// How many 32-byte draws encryption may take from the RNG: rejection sampling of `k` and the
/// retry on an all-zero key stream each need a new draw with probability about 2⁻³², so a
/// generator that exhausts this is broken, not unlucky.
const MAX_RNG_DRAWS: u32 = 64;

/// The layout of an SM2 ciphertext. `C1 = [k]G` is the ephemeral point, `C2 = M ⊕ t` the
/// masked message and `C3 = SM3(x2 ‖ M ‖ y2)` the check value (GB/T 32918.4 §6.1).
///
/// There is no default: the three layouts are mutually unreadable, so both sides must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CiphertextFormat {
    /// `C1 ‖ C3 ‖ C2` with `C1 = 04 ‖ x1 ‖ y1`: the raw layout of GB/T 32918.4-2016.
    C1C3C2,
    /// `C1 ‖ C2 ‖ C3`: the raw layout of the 2010 drafts, still used by older Java and
    /// JavaScript code.
    C1C2C3,
    /// The DER structure of GM/T 0009-2012 / GB/T 35276-2017 §7.2, which OpenSSL
    /// (`pkeyutl -encrypt`) and GmSSL write:
    ///
    /// ```text
    /// SM2Cipher ::= SEQUENCE {
    ///   XCoordinate INTEGER,                 -- x1 of C1
    ///   YCoordinate INTEGER,                 -- y1 of C1
    ///   HASH        OCTET STRING (SIZE(32)), -- C3
    ///   CipherText  OCTET STRING }           -- C2
    /// ```
    Asn1,
}

impl CiphertextFormat {
    fn name(self) -> &'static str {
        match self {
            Self::C1C3C2 => "SM2 ciphertext (C1||C3||C2)",
            Self::C1C2C3 => "SM2 ciphertext (C1||C2||C3)",
            Self::Asn1 => "SM2 ciphertext (ASN.1 SM2Cipher)",
        }
    }
}

impl PublicKey {
    /// Encrypts `plaintext` to this key, drawing the ephemeral `k` from `rng`
    /// (GB/T 32918.4 §6.1).
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidParameter`] for an empty plaintext (the standard needs
    /// `klen > 0`) or one too long for the ASN.1 length fields; [`CryptoError::Rng`] when
    /// `rng` fails.
    pub fn encrypt_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        plaintext: &[u8],
        format: CiphertextFormat,
    ) -> Result<Vec<u8>, CryptoError> {
        if plaintext.is_empty() {
            return Err(CryptoError::InvalidParameter {
                what: "SM2 plaintext",
                detail: "it is empty; SM2 encryption needs at least one byte (klen > 0, \
                         GB/T 32918.4 §6.1)"
                    .into(),
            });
        }
        let mode = match format {
            CiphertextFormat::C1C2C3 => Mode::C1C2C3,
            CiphertextFormat::C1C3C2 | CiphertextFormat::Asn1 => Mode::C1C3C2,
        };
        let mut bounded = BoundedRng {
            inner: rng,
            draws_left: MAX_RNG_DRAWS,
            failed: false,
        };
        let cipher = EncryptingKey::new_with_mode(*self.as_inner(), mode)
            .encrypt_cipher::<_, sm3::Sm3>(&mut bounded, plaintext)
            // The plaintext is non-empty and the key valid, so only the RNG can fail here.
            .map_err(|_| CryptoError::Rng)?;
        let too_long = || CryptoError::InvalidParameter {
            what: "SM2 plaintext",
            detail: "too long to encode as a ciphertext".into(),
        };
        match format {
            CiphertextFormat::Asn1 => cipher.to_der().map_err(|_| too_long()),
            CiphertextFormat::C1C3C2 | CiphertextFormat::C1C2C3 => {
                cipher.to_vec(mode, false).map_err(|_| too_long())
            }
        }
    }

    /// Encrypts `plaintext` to this key with the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// As [`PublicKey::encrypt_with_rng`].
    #[cfg(feature = "getrandom")]
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        format: CiphertextFormat,
    ) -> Result<Vec<u8>, CryptoError> {
        self.encrypt_with_rng(
            &mut sm2::elliptic_curve::common::getrandom::SysRng,
            plaintext,
            format,
        )
    }
}

impl SecretKey {
    /// Decrypts an SM2 ciphertext in the given layout (GB/T 32918.4 §7.1). The plaintext is
    /// zeroized when dropped, since SM2 usually carries keys.
    ///
    /// Raw layouts take `C1` uncompressed (`04 ‖ x1 ‖ y1`) or compressed (`02|03 ‖ x1`).
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`] when the bytes do not follow `format` (too short, bad DER,
    /// `HASH` not 32 bytes, empty `C2`, trailing bytes) or `C1` is not a point on the curve;
    /// [`CryptoError::DecryptionFailed`] when the `C3` check fails: the ciphertext was
    /// altered, or it was encrypted to another key.
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        format: CiphertextFormat,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let what = format.name();
        let normalized;
        let (raw, mode) = match format {
            CiphertextFormat::C1C3C2 => (ciphertext, Mode::C1C3C2),
            CiphertextFormat::C1C2C3 => (ciphertext, Mode::C1C2C3),
            CiphertextFormat::Asn1 => {
                normalized = asn1_to_c1c3c2(ciphertext)?;
                (normalized.as_slice(), Mode::C1C3C2)
            }
        };
        let c1_len = match raw.first() {
            Some(0x04) => C1_LEN,
            Some(0x02 | 0x03) => 1 + FIELD_LEN,
            Some(other) => {
                return Err(CryptoError::malformed(
                    what,
                    format!(
                        "C1 starts with 0x{other:02x}; expected 0x04 (uncompressed point) or \
                         0x02/0x03 (compressed)"
                    ),
                ));
            }
            None => return Err(CryptoError::malformed(what, "the ciphertext is empty")),
        };
        if raw.len() <= c1_len + C3_LEN {
            return Err(CryptoError::malformed(
                what,
                format!(
                    "{} bytes is too short: C1 ({c1_len}) + C3 ({C3_LEN}) + at least one byte of C2",
                    raw.len()
                ),
            ));
        }
        let cipher = Cipher::<sm2::Sm2, sm3::Sm3>::from_slice(raw, mode)
            .map_err(|_| CryptoError::malformed(what, "C1 is not a point on the SM2 curve"))?;
        let mut plaintext = Zeroizing::new(vec![0u8; cipher.c2().len()]);
        DecryptingKey::new_with_mode(self.nonzero_scalar(), mode)
            .decrypt_cipher_with_buf::<sm3::Sm3>(&cipher, &mut plaintext)
            .map_err(|_| CryptoError::DecryptionFailed)?;
        Ok(plaintext)
    }
}

/// Parses a DER `SM2Cipher` strictly and lays it out as `04 ‖ x1 ‖ y1 ‖ C3 ‖ C2`.
fn asn1_to_c1c3c2(der: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let what = CiphertextFormat::Asn1.name();
    let malformed = |e: der::Error| CryptoError::malformed(what, e.to_string());
    let mut reader = SliceReader::new(der).map_err(malformed)?;
    let (x, y, hash, c2) = reader
        .sequence(|seq| {
            let x = AnyRef::decode(seq)?;
            let y = AnyRef::decode(seq)?;
            let hash = <&OctetStringRef>::decode(seq)?.as_bytes();
            let c2 = <&OctetStringRef>::decode(seq)?.as_bytes();
            Ok::<_, der::Error>((x, y, hash, c2))
        })
        .map_err(malformed)?;
    reader.finish().map_err(malformed)?;

    let coordinate = |any: AnyRef<'_>, name: &str| -> Result<[u8; FIELD_LEN], CryptoError> {
        if any.tag() != Tag::Integer {
            return Err(CryptoError::malformed(
                what,
                format!("{name}: expected an INTEGER, found {}", any.tag()),
            ));
        }
        let magnitude = integer_magnitude(any.value())
            .map_err(|rule| CryptoError::malformed(what, format!("{name}: {rule}")))?;
        curve::left_pad(magnitude).ok_or_else(|| {
            CryptoError::malformed(
                what,
                format!(
                    "{name} is {} bytes long, at most 32 allowed",
                    magnitude.len()
                ),
            )
        })
    };
    let x = coordinate(x, "XCoordinate")?;
    let y = coordinate(y, "YCoordinate")?;
    if hash.len() != C3_LEN {
        return Err(CryptoError::malformed(
            what,
            format!("HASH is {} bytes, expected 32 (SM3)", hash.len()),
        ));
    }
    if c2.is_empty() {
        return Err(CryptoError::malformed(what, "CipherText is empty"));
    }
    let mut out = Vec::with_capacity(C1_LEN + C3_LEN + c2.len());
    out.push(0x04);
    out.extend_from_slice(&x);
    out.extend_from_slice(&y);
    out.extend_from_slice(hash);
    out.extend_from_slice(c2);
    Ok(out)
}

/// Wraps the caller's RNG so that a generator stuck on out-of-range values ends in an error
/// instead of looping forever inside the `sm2` crate's rejection sampling.
struct BoundedRng<'a, R: ?Sized> {
    inner: &'a mut R,
    draws_left: u32,
    failed: bool,
}

/// The error of [`BoundedRng`]: the inner RNG failed or the draw budget ran out.
#[derive(Debug)]
struct RngExhausted;

impl std::fmt::Display for RngExhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("random number generator failed or exhausted")
    }
}

impl std::error::Error for RngExhausted {}

impl<R: TryCryptoRng + ?Sized> TryRng for BoundedRng<'_, R> {
    type Error = RngExhausted;

    fn try_next_u32(&mut self) -> Result<u32, RngExhausted> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, RngExhausted> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngExhausted> {
        if self.failed || self.draws_left == 0 {
            self.failed = true;
            return Err(RngExhausted);
        }
        self.draws_left -= 1;
        self.inner.try_fill_bytes(dst).map_err(|_| {
            self.failed = true;
            RngExhausted
        })
    }
}

impl<R: TryCryptoRng + ?Sized> TryCryptoRng for BoundedRng<'_, R> {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// An RNG stuck on `n`, which is never a valid `k`.
    struct StuckRng;

    impl TryRng for StuckRng {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(u32::MAX)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(u64::MAX)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for (d, s) in dst.iter_mut().zip(curve::N.iter()) {
                *d = *s;
            }
            Ok(())
        }
    }
    impl TryCryptoRng for StuckRng {}

    #[test]
    fn a_stuck_rng_ends_in_an_error() {
        let key = SecretKey::from_bytes(&[0x42; 32]).unwrap();
        let err = key
            .public_key()
            .encrypt_with_rng(&mut StuckRng, b"x", CiphertextFormat::C1C3C2)
            .unwrap_err();
        assert_eq!(err, CryptoError::Rng);
        assert_eq!(
            SecretKey::generate_with_rng(&mut StuckRng).unwrap_err(),
            CryptoError::Rng
        );
    }
}
