//! SM3 hashing (GB/T 32905-2016), HMAC-SM3 (RFC 2104 over SM3) and PBKDF2-HMAC-SM3
//! (RFC 8018 §5.2 with HMAC-SM3 as PRF, as in GM/T 0091-2020).
//!
//! The primitives are RustCrypto's `sm3`, `hmac` and `pbkdf2` crates; this module fixes the
//! output types, checks parameters and reports failures as [`CryptoError`].
//!
//! ```
//! use eseal::crypto::sm3::{sm3, hmac_sm3, Sm3Hasher};
//!
//! let one_shot = sm3(b"abc");
//! let mut hasher = Sm3Hasher::new();
//! hasher.update(b"a");
//! hasher.update(b"bc");
//! assert_eq!(hasher.finalize(), one_shot);
//!
//! let tag = hmac_sm3(b"key", b"message");
//! assert!(eseal::crypto::sm3::hmac_sm3_verify(b"key", b"message", &tag).is_ok());
//! ```

use core::fmt;

use ::sm3::Digest as _;
use hmac::{KeyInit as _, Mac as _};

use super::CryptoError;

/// Length of an SM3 digest and of an HMAC-SM3 tag, in bytes.
pub const DIGEST_LEN: usize = 32;

/// Largest PBKDF2 iteration count eseal computes (10,000,000).
///
/// About ten seconds of HMAC-SM3 on a desktop CPU: far above any sensible setting, low enough
/// that a hostile file or caller cannot stall a process indefinitely.
pub const PBKDF2_MAX_ITERATIONS: u32 = 10_000_000;

/// Largest PBKDF2 output eseal derives, in bytes (1,024 = 32 HMAC-SM3 blocks).
///
/// Keys for SM4 (16 bytes) or key-plus-IV layouts need far less; longer requests are a bug.
pub const PBKDF2_MAX_OUTPUT_LEN: usize = 1024;

type HmacSm3Inner = hmac::Hmac<::sm3::Sm3>;

/// SM3 digest of `data` (GB/T 32905-2016).
#[must_use]
pub fn sm3(data: &[u8]) -> [u8; DIGEST_LEN] {
    ::sm3::Sm3::digest(data).into()
}

/// Streaming SM3: feed data with [`update`](Self::update), then [`finalize`](Self::finalize).
#[derive(Clone, Default)]
pub struct Sm3Hasher {
    inner: ::sm3::Sm3,
}

impl Sm3Hasher {
    /// A hasher with no data absorbed yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Absorbs more data; calls may split the message anywhere.
    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        self.inner.update(data);
        self
    }

    /// The SM3 digest of everything absorbed.
    #[must_use]
    pub fn finalize(self) -> [u8; DIGEST_LEN] {
        self.inner.finalize().into()
    }
}

impl fmt::Debug for Sm3Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The state is derived from the (possibly secret) input; don't print it.
        f.write_str("Sm3Hasher { .. }")
    }
}

/// HMAC-SM3 of `data` under `key` (RFC 2104 with SM3, 64-byte block). Any key length works.
#[must_use]
pub fn hmac_sm3(key: &[u8], data: &[u8]) -> [u8; DIGEST_LEN] {
    let mut mac = HmacSm3::new(key);
    mac.update(data);
    mac.finalize()
}

/// Checks an HMAC-SM3 `tag` over `data` under `key` in constant time.
///
/// # Errors
/// [`CryptoError::InvalidLength`] when `tag` is not 32 bytes (truncated tags are not accepted);
/// [`CryptoError::MacInvalid`] when the tag does not match.
pub fn hmac_sm3_verify(key: &[u8], data: &[u8], tag: &[u8]) -> Result<(), CryptoError> {
    let mut mac = HmacSm3::new(key);
    mac.update(data);
    mac.verify(tag)
}

/// Streaming HMAC-SM3. The keyed state is zeroized on drop and never printed.
#[derive(Clone)]
pub struct HmacSm3 {
    inner: HmacSm3Inner,
}

impl HmacSm3 {
    /// Starts a MAC under `key` (any length; keys longer than 64 bytes are hashed first).
    #[must_use]
    pub fn new(key: &[u8]) -> Self {
        // HMAC accepts every key length, so `new_from_slice` cannot fail; the `Err` arm maps the
        // impossible case to an empty-key MAC rather than panicking.
        let inner = match HmacSm3Inner::new_from_slice(key) {
            Ok(mac) => mac,
            Err(_) => HmacSm3Inner::new(&Default::default()),
        };
        Self { inner }
    }

    /// Absorbs more data.
    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        self.inner.update(data);
        self
    }

    /// The 32-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; DIGEST_LEN] {
        self.inner.finalize().into_bytes().into()
    }

    /// Compares the tag with `tag` in constant time.
    ///
    /// # Errors
    /// [`CryptoError::InvalidLength`] when `tag` is not 32 bytes;
    /// [`CryptoError::MacInvalid`] when it does not match.
    pub fn verify(self, tag: &[u8]) -> Result<(), CryptoError> {
        if tag.len() != DIGEST_LEN {
            return Err(CryptoError::InvalidLength {
                what: "HMAC-SM3 tag",
                expected: "32 bytes",
                found: tag.len(),
            });
        }
        self.inner
            .verify_slice(tag)
            .map_err(|_| CryptoError::MacInvalid)
    }
}

impl fmt::Debug for HmacSm3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSm3 { .. }")
    }
}

/// PBKDF2 (RFC 8018 §5.2) with HMAC-SM3 as PRF: fills `out` with key material derived from
/// `password` and `salt` in `iterations` rounds.
///
/// Bounds: `iterations` in `1..=`[`PBKDF2_MAX_ITERATIONS`], `out.len()` in
/// `1..=`[`PBKDF2_MAX_OUTPUT_LEN`]. Choose at least a 16-byte random salt and a high iteration
/// count (eseal's encrypted keys default to
/// [`pbes2::DEFAULT_ITERATIONS`](crate::crypto::pbes2::DEFAULT_ITERATIONS)).
///
/// # Errors
/// [`CryptoError::InvalidParameter`] when `iterations` or `out.len()` is out of bounds; `out` is
/// then left untouched.
pub fn pbkdf2_hmac_sm3(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Result<(), CryptoError> {
    pbkdf2_with::<HmacSm3Inner>(password, salt, iterations, out)
}

/// Checks the PBKDF2 bounds, then derives with the PRF `P`. Shared with the PBES2 decoder.
pub(crate) fn pbkdf2_with<P>(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Result<(), CryptoError>
where
    P: hmac::KeyInit + hmac::digest::Update + hmac::digest::FixedOutput + Clone,
{
    check_iterations(u64::from(iterations))?;
    if out.is_empty() || out.len() > PBKDF2_MAX_OUTPUT_LEN {
        return Err(CryptoError::InvalidParameter {
            what: "PBKDF2 output length",
            detail: format!(
                "{} bytes requested; eseal derives 1 to {PBKDF2_MAX_OUTPUT_LEN} bytes",
                out.len()
            )
            .into(),
        });
    }
    pbkdf2::pbkdf2::<P>(password, salt, iterations, out).map_err(|_| {
        CryptoError::InvalidParameter {
            what: "PBKDF2 password",
            detail: "the PRF refused the password length".into(),
        }
    })
}

/// Rejects 0 and counts above [`PBKDF2_MAX_ITERATIONS`].
pub(crate) fn check_iterations(iterations: u64) -> Result<(), CryptoError> {
    if iterations == 0 {
        return Err(CryptoError::InvalidParameter {
            what: "PBKDF2 iteration count",
            detail: "must be at least 1".into(),
        });
    }
    if iterations > u64::from(PBKDF2_MAX_ITERATIONS) {
        return Err(CryptoError::InvalidParameter {
            what: "PBKDF2 iteration count",
            detail: format!(
                "{iterations} exceeds eseal's limit of {PBKDF2_MAX_ITERATIONS}; \
                 re-encrypt the key with a lower count"
            )
            .into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn streaming_matches_one_shot_at_every_split() {
        let data: Vec<u8> = (0u8..200).collect();
        let expected = sm3(&data);
        for split in 0..data.len() {
            let mut h = Sm3Hasher::new();
            h.update(&data[..split]).update(&data[split..]);
            assert_eq!(h.finalize(), expected, "split at {split}");
        }
    }

    #[test]
    fn hmac_streaming_matches_one_shot() {
        let mut mac = HmacSm3::new(b"k");
        mac.update(b"hello ").update(b"world");
        assert_eq!(mac.finalize(), hmac_sm3(b"k", b"hello world"));
    }

    #[test]
    fn hmac_verify_rejects_wrong_and_short_tags() {
        let tag = hmac_sm3(b"k", b"m");
        assert_eq!(hmac_sm3_verify(b"k", b"m", &tag), Ok(()));
        let mut bad = tag;
        bad[31] ^= 1;
        assert_eq!(
            hmac_sm3_verify(b"k", b"m", &bad),
            Err(CryptoError::MacInvalid)
        );
        assert!(matches!(
            hmac_sm3_verify(b"k", b"m", &tag[..16]),
            Err(CryptoError::InvalidLength { found: 16, .. })
        ));
        assert!(matches!(
            hmac_sm3_verify(b"k", b"m", &[]),
            Err(CryptoError::InvalidLength { found: 0, .. })
        ));
    }

    #[test]
    fn pbkdf2_bounds() {
        let mut out = [0u8; 32];
        assert!(matches!(
            pbkdf2_hmac_sm3(b"p", b"s", 0, &mut out),
            Err(CryptoError::InvalidParameter {
                what: "PBKDF2 iteration count",
                ..
            })
        ));
        assert!(matches!(
            pbkdf2_hmac_sm3(b"p", b"s", PBKDF2_MAX_ITERATIONS + 1, &mut out),
            Err(CryptoError::InvalidParameter {
                what: "PBKDF2 iteration count",
                ..
            })
        ));
        assert_eq!(out, [0u8; 32], "output untouched on error");
        assert!(matches!(
            pbkdf2_hmac_sm3(b"p", b"s", 1, &mut []),
            Err(CryptoError::InvalidParameter {
                what: "PBKDF2 output length",
                ..
            })
        ));
        let mut big = vec![0u8; PBKDF2_MAX_OUTPUT_LEN + 1];
        assert!(matches!(
            pbkdf2_hmac_sm3(b"p", b"s", 1, &mut big),
            Err(CryptoError::InvalidParameter {
                what: "PBKDF2 output length",
                ..
            })
        ));
        let mut max = vec![0u8; PBKDF2_MAX_OUTPUT_LEN];
        assert_eq!(pbkdf2_hmac_sm3(b"p", b"s", 1, &mut max), Ok(()));
    }

    #[test]
    fn debug_hides_state() {
        assert_eq!(format!("{:?}", HmacSm3::new(b"secret")), "HmacSm3 { .. }");
        assert_eq!(format!("{:?}", Sm3Hasher::new()), "Sm3Hasher { .. }");
    }
}
