//! SM4 (GB/T 32907-2016): 128-bit key and block, and the modes eseal needs.
//!
//! | function | mode | used for |
//! |---|---|---|
//! | [`Sm4Key::encrypt_block`], [`ecb_encrypt`] | single block / ECB, no padding | GB/T 35276 `SM2EnvelopedKey`, known-answer tests |
//! | [`cbc_encrypt`], [`cbc_decrypt`] | CBC, PKCS#7 padding, 16-byte IV | encrypted PKCS#8 ([`super::pbes2`]), OpenSSL `-sm4-cbc` |
//! | [`ctr_encrypt`], [`ctr_decrypt`] | CTR, 16-byte initial counter block, 128-bit big-endian increment | OpenSSL `-sm4-ctr` |
//! | [`gcm_encrypt`], [`gcm_decrypt`] | GCM, 12-byte nonce, 16-byte tag (RFC 8998) | authenticated encryption |
//!
//! ECB, CBC and CTR do not authenticate: an attacker can alter ciphertexts undetected (and CBC
//! decryption errors can act as a padding oracle). Prefer GCM unless a standard prescribes
//! another mode.
//!
//! Decryption returns the plaintext in [`Zeroizing`] so it is wiped when dropped; on failure no
//! plaintext is returned and intermediate buffers are wiped.
//!
//! The block cipher is eseal's table-driven SM4 (`crypto/sm4/table.rs`: four blocks at a time
//! for CTR, GCM and CBC decryption; its cache-timing exposure and threat model are documented
//! there and in `docs/performance.md`), checked against RustCrypto's `sm4` by a differential
//! test; the modes come from `cbc`, `ctr` and `aes-gcm` (whose GCM is generic over any 128-bit
//! block cipher), except SM4-CBC encryption, which is serial and chains in registers
//! (`Sm4Tables::cbc_encrypt_blocks`, checked against `cbc` over the `sm4` crate). PBES2 key files keep the `sm4` crate: they are decrypted once per process.

mod table;

use core::fmt;

use aes_gcm::aead::AeadInOut as _;
use cipher::block_padding::Pkcs7;
use cipher::consts::{U12, U16};
use cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt as _, BlockSizeUser, KeyInit,
    KeyIvInit as _, StreamCipher as _,
};
use rand_core::TryCryptoRng;
use zeroize::{Zeroize as _, ZeroizeOnDrop, Zeroizing};

use super::CryptoError;

/// Length of an SM4 key in bytes.
pub const KEY_LEN: usize = 16;
/// Length of an SM4 block (and of the CBC IV and the CTR counter block) in bytes.
pub const BLOCK_LEN: usize = 16;
/// Length of an SM4-GCM nonce in bytes (the 96-bit nonce of RFC 8998 §4.1).
pub const GCM_NONCE_LEN: usize = 12;
/// Length of an SM4-GCM tag in bytes.
pub const GCM_TAG_LEN: usize = 16;

type Sm4Gcm = aes_gcm::AesGcm<Sm4Tables, U12, U16>;

use table::Sm4Tables;

/// How a CBC mode is named in error messages.
#[derive(Clone, Copy)]
pub(crate) struct CbcNames {
    /// The mode, e.g. "SM4-CBC" (used for the ciphertext).
    pub(crate) mode: &'static str,
    /// Its IV, e.g. "SM4-CBC IV".
    pub(crate) iv: &'static str,
}

pub(crate) const SM4_CBC: CbcNames = CbcNames {
    mode: "SM4-CBC",
    iv: "SM4-CBC IV",
};

/// An SM4 key. Wiped from memory when dropped; `Debug` does not print it.
#[derive(Clone)]
pub struct Sm4Key {
    bytes: [u8; KEY_LEN],
    /// The expanded round keys, kept so block operations don't redo the key schedule
    /// (zeroized on drop).
    cipher: Sm4Tables,
}

impl Drop for Sm4Key {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for Sm4Key {}

impl Sm4Key {
    /// Wraps 16 key bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        let cipher = Sm4Tables::new_from_bytes(&bytes);
        Self { bytes, cipher }
    }

    /// Copies a key from a slice.
    ///
    /// # Errors
    /// [`CryptoError::InvalidLength`] unless `bytes` is 16 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let bytes = <[u8; KEY_LEN]>::try_from(bytes).map_err(|_| CryptoError::InvalidLength {
            what: "SM4 key",
            expected: "16 bytes",
            found: bytes.len(),
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// A fresh random key from `rng`.
    ///
    /// # Errors
    /// [`CryptoError::Rng`] when the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rng.try_fill_bytes(bytes.as_mut_slice())
            .map_err(|_| CryptoError::Rng)?;
        Ok(Self::from_bytes(*bytes))
    }

    /// A fresh random key from the operating system's generator.
    ///
    /// # Errors
    /// [`CryptoError::Rng`] when the operating system cannot supply randomness.
    #[cfg(feature = "getrandom")]
    pub fn generate_os() -> Result<Self, CryptoError> {
        Self::generate(&mut cipher::common::getrandom::SysRng)
    }

    /// The key bytes, e.g. to wrap them for a recipient (GB/T 35276 envelopes).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// Encrypts one 16-byte block (the raw SM4 permutation, GB/T 32907 §7.1).
    #[must_use]
    pub fn encrypt_block(&self, block: &[u8; BLOCK_LEN]) -> [u8; BLOCK_LEN] {
        let mut b = cipher::Block::<Sm4Tables>::from(*block);
        self.cipher.encrypt_block(&mut b);
        b.into()
    }

    /// Decrypts one 16-byte block (GB/T 32907 §7.2).
    #[must_use]
    pub fn decrypt_block(&self, block: &[u8; BLOCK_LEN]) -> [u8; BLOCK_LEN] {
        let mut b = cipher::Block::<Sm4Tables>::from(*block);
        self.cipher.decrypt_block(&mut b);
        b.into()
    }
}

impl fmt::Debug for Sm4Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sm4Key(..)")
    }
}

/// SM4-ECB encryption without padding: each 16-byte block encrypted independently.
///
/// Only for formats that prescribe it, such as the private key in a GB/T 35276
/// `SM2EnvelopedKey`; equal blocks give equal ciphertext.
///
/// # Errors
/// [`CryptoError::InvalidLength`] unless `data` is a multiple of 16 bytes.
pub fn ecb_encrypt(key: &Sm4Key, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut out = data.to_vec();
    let blocks = block_slices(&mut out, "SM4-ECB plaintext")?;
    key.cipher.encrypt_blocks(blocks);
    Ok(out)
}

/// SM4-ECB decryption without padding (the inverse of [`ecb_encrypt`]).
///
/// # Errors
/// [`CryptoError::InvalidLength`] unless `data` is a multiple of 16 bytes.
pub fn ecb_decrypt(key: &Sm4Key, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut out = Zeroizing::new(data.to_vec());
    let blocks = block_slices(&mut out, "SM4-ECB ciphertext")?;
    key.cipher.decrypt_blocks(blocks);
    Ok(out)
}

/// SM4-CBC encryption with PKCS#7 padding (as OpenSSL `enc -sm4-cbc`). The output is 1 to 16
/// bytes longer than `plaintext` (a whole block of padding when it is already a multiple of 16).
///
/// `iv` must be unpredictable and never reused with the same key.
///
/// # Errors
/// [`CryptoError::InvalidLength`] unless `iv` is 16 bytes.
pub fn cbc_encrypt(key: &Sm4Key, iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let iv = iv_block(iv, SM4_CBC)?;
    // PKCS#7: 1 to 16 bytes, each the padding's length.
    let pad = BLOCK_LEN - plaintext.len() % BLOCK_LEN;
    let mut out = Vec::with_capacity(plaintext.len() + pad);
    out.extend_from_slice(plaintext);
    out.resize(plaintext.len() + pad, pad as u8);
    let blocks = block_slices(&mut out, "SM4-CBC plaintext")?;
    key.cipher.cbc_encrypt_blocks(&iv.into(), blocks);
    Ok(out)
}

/// SM4-CBC decryption, removing and checking PKCS#7 padding.
///
/// # Errors
/// [`CryptoError::InvalidLength`] when `iv` is not 16 bytes or `ciphertext` is empty or not a
/// multiple of 16 bytes; [`CryptoError::BadPadding`] when the padding is invalid (wrong key or
/// IV, or altered data).
pub fn cbc_decrypt(
    key: &Sm4Key,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    cbc_decrypt_with::<Sm4Tables>(&key.bytes, iv, ciphertext, SM4_CBC)
}

/// SM4-CTR encryption: XORs `data` with the keystream SM4(`initial_counter`),
/// SM4(`initial_counter` + 1), …, the counter block being one 128-bit big-endian integer that
/// wraps modulo 2¹²⁸ (as OpenSSL `enc -sm4-ctr -iv`). Output length equals input length.
///
/// Never reuse a counter block with the same key.
///
/// # Errors
/// [`CryptoError::InvalidLength`] unless `initial_counter` is 16 bytes.
pub fn ctr_encrypt(
    key: &Sm4Key,
    initial_counter: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut out = data.to_vec();
    ctr_apply(key, initial_counter, &mut out)?;
    Ok(out)
}

/// SM4-CTR decryption: the same keystream XOR as [`ctr_encrypt`], returning zeroizing output.
///
/// # Errors
/// [`CryptoError::InvalidLength`] unless `initial_counter` is 16 bytes.
pub fn ctr_decrypt(
    key: &Sm4Key,
    initial_counter: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut out = Zeroizing::new(data.to_vec());
    ctr_apply(key, initial_counter, &mut out)?;
    Ok(out)
}

fn ctr_apply(key: &Sm4Key, initial_counter: &[u8], buf: &mut [u8]) -> Result<(), CryptoError> {
    let counter =
        <&[u8; BLOCK_LEN]>::try_from(initial_counter).map_err(|_| CryptoError::InvalidLength {
            what: "SM4-CTR initial counter block",
            expected: "16 bytes",
            found: initial_counter.len(),
        })?;
    let mut ctr = ctr::Ctr128BE::<Sm4Tables>::new(&key.bytes.into(), &(*counter).into());
    // A 128-bit counter cannot run out for any buffer that fits in memory; map the error anyway.
    ctr.try_apply_keystream(buf)
        .map_err(|_| CryptoError::InvalidParameter {
            what: "SM4-CTR data length",
            detail: "longer than the counter space".into(),
        })
}

/// SM4-GCM authenticated encryption (NIST SP 800-38D with SM4, as RFC 8998): returns the
/// ciphertext followed by the 16-byte tag, which covers both the ciphertext and `aad`.
///
/// A nonce must never repeat under the same key: doing so reveals the authentication key.
///
/// # Errors
/// [`CryptoError::InvalidLength`] when `nonce` is not 12 bytes, or `plaintext` or `aad` exceeds
/// GCM's limits (about 64 GiB and 2 EiB).
pub fn gcm_encrypt(
    key: &Sm4Key,
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let nonce = gcm_nonce(nonce)?;
    let gcm = Sm4Gcm::from(key.cipher.clone());
    let mut out = Vec::with_capacity(plaintext.len().saturating_add(GCM_TAG_LEN));
    out.extend_from_slice(plaintext);
    match gcm.encrypt_inout_detached(&nonce.into(), aad, out.as_mut_slice().into()) {
        Ok(tag) => {
            out.extend_from_slice(&tag);
            Ok(out)
        }
        Err(_) => {
            out.zeroize();
            Err(CryptoError::InvalidLength {
                what: "SM4-GCM plaintext or associated data",
                expected: "within GCM's limits (2^36 - 32 bytes of plaintext)",
                found: plaintext.len(),
            })
        }
    }
}

/// SM4-GCM authenticated decryption of `ciphertext_and_tag` (ciphertext followed by its
/// 16-byte tag). The tag is checked, in constant time, before any plaintext is produced.
///
/// # Errors
/// [`CryptoError::InvalidLength`] when `nonce` is not 12 bytes or the input is shorter than a
/// tag; [`CryptoError::AuthenticationFailed`] when the tag does not verify (wrong key, nonce or
/// `aad`, or altered data). No plaintext is released on failure.
pub fn gcm_decrypt(
    key: &Sm4Key,
    nonce: &[u8],
    aad: &[u8],
    ciphertext_and_tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let nonce = gcm_nonce(nonce)?;
    let split =
        ciphertext_and_tag
            .len()
            .checked_sub(GCM_TAG_LEN)
            .ok_or(CryptoError::InvalidLength {
                what: "SM4-GCM ciphertext",
                expected: "at least 16 bytes (the tag)",
                found: ciphertext_and_tag.len(),
            })?;
    let (ciphertext, tag) = ciphertext_and_tag.split_at(split);
    let tag = <&[u8; GCM_TAG_LEN]>::try_from(tag).map_err(|_| CryptoError::AuthenticationFailed)?;
    let gcm = Sm4Gcm::from(key.cipher.clone());
    let mut out = Zeroizing::new(ciphertext.to_vec());
    // `aes-gcm` verifies the tag before it decrypts, so on error `out` still holds ciphertext.
    gcm.decrypt_inout_detached(
        &nonce.into(),
        aad,
        out.as_mut_slice().into(),
        &(*tag).into(),
    )
    .map_err(|_| CryptoError::AuthenticationFailed)?;
    Ok(out)
}

fn gcm_nonce(nonce: &[u8]) -> Result<[u8; GCM_NONCE_LEN], CryptoError> {
    <[u8; GCM_NONCE_LEN]>::try_from(nonce).map_err(|_| CryptoError::InvalidLength {
        what: "SM4-GCM nonce",
        expected: "12 bytes",
        found: nonce.len(),
    })
}

/// Views `buf` as whole 16-byte blocks, refusing a partial block.
fn block_slices<'a>(
    buf: &'a mut [u8],
    what: &'static str,
) -> Result<&'a mut [cipher::Block<Sm4Tables>], CryptoError> {
    let len = buf.len();
    let (blocks, rest) = cipher::Array::<u8, U16>::slice_as_chunks_mut(buf);
    if !rest.is_empty() {
        return Err(CryptoError::InvalidLength {
            what,
            expected: "a multiple of 16 bytes",
            found: len,
        });
    }
    Ok(blocks)
}

/// CBC with PKCS#7 padding under any 128-bit block cipher `C` (the `sm4` crate and AES for PBES2
/// files; SM4-CBC encryption itself chains in registers, see [`cbc_encrypt`]).
#[cfg(any(feature = "keystore", test))]
pub(crate) fn cbc_encrypt_with<C>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
    names: CbcNames,
) -> Result<Vec<u8>, CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    use cipher::BlockModeEncrypt as _;
    check_iv(iv, names)?;
    let enc =
        cbc::Encryptor::<C>::new_from_slices(key, iv).map_err(|_| CryptoError::InvalidLength {
            what: "block cipher key",
            expected: "the cipher's key length",
            found: key.len(),
        })?;
    Ok(enc.encrypt_padded_vec::<Pkcs7>(plaintext))
}

/// CBC decryption with PKCS#7 unpadding under `C`.
pub(crate) fn cbc_decrypt_with<C>(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    names: CbcNames,
) -> Result<Zeroizing<Vec<u8>>, CryptoError>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    check_iv(iv, names)?;
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_LEN) {
        return Err(CryptoError::InvalidLength {
            what: names.mode,
            expected: "a non-zero multiple of 16 bytes of ciphertext",
            found: ciphertext.len(),
        });
    }
    let dec =
        cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| CryptoError::InvalidLength {
            what: "block cipher key",
            expected: "the cipher's key length",
            found: key.len(),
        })?;
    // Decrypt in a zeroizing buffer so a padding failure leaves no plaintext behind.
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = dec
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| CryptoError::BadPadding)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

fn check_iv(iv: &[u8], names: CbcNames) -> Result<(), CryptoError> {
    iv_block(iv, names).map(drop)
}

/// The IV as a block, refusing another length.
fn iv_block(iv: &[u8], names: CbcNames) -> Result<[u8; BLOCK_LEN], CryptoError> {
    iv.try_into().map_err(|_| CryptoError::InvalidLength {
        what: names.iv,
        expected: "16 bytes",
        found: iv.len(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn key_debug_is_redacted() {
        let key = Sm4Key::from_bytes([0x42; 16]);
        assert_eq!(format!("{key:?}"), "Sm4Key(..)");
    }

    /// `cbc_encrypt` (eseal's CBC loop and padding) against the `cbc` crate's padded CBC over
    /// the `sm4` crate, at every length from 0 to 64 bytes; and it decrypts back.
    #[test]
    fn cbc_encrypt_agrees_with_the_generic_mode() {
        let key = Sm4Key::from_bytes(*b"0123456789abcdef");
        let iv = [0x5c; 16];
        let data: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37)).collect();
        for len in 0..=data.len() {
            let ours = cbc_encrypt(&key, &iv, &data[..len]).unwrap();
            let theirs =
                cbc_encrypt_with::<::sm4::Sm4>(key.as_bytes(), &iv, &data[..len], SM4_CBC).unwrap();
            assert_eq!(ours, theirs, "length {len}");
            assert_eq!(
                cbc_decrypt(&key, &iv, &ours).unwrap().as_slice(),
                &data[..len]
            );
        }
    }

    #[test]
    fn key_from_slice_checks_length() {
        for len in [0usize, 15, 17, 32] {
            assert_eq!(
                Sm4Key::from_slice(&vec![0; len]).err(),
                Some(CryptoError::InvalidLength {
                    what: "SM4 key",
                    expected: "16 bytes",
                    found: len
                })
            );
        }
        assert!(Sm4Key::from_slice(&[0; 16]).is_ok());
    }

    #[test]
    fn cbc_truncated_and_unaligned_ciphertexts() {
        let key = Sm4Key::from_bytes([1; 16]);
        let ct = cbc_encrypt(&key, &[2; 16], b"some plaintext that spans blocks").unwrap();
        for len in [0, 1, 15, 17, ct.len() - 1] {
            assert!(matches!(
                cbc_decrypt(&key, &[2; 16], &ct[..len]),
                Err(CryptoError::InvalidLength { what: "SM4-CBC", found, .. }) if found == len
            ));
        }
    }

    #[test]
    fn iv_names() {
        let key = Sm4Key::from_bytes([1; 16]);
        assert!(matches!(
            cbc_encrypt(&key, &[0; 8], b""),
            Err(CryptoError::InvalidLength {
                what: "SM4-CBC IV",
                found: 8,
                ..
            })
        ));
        assert!(matches!(
            cbc_decrypt(&key, &[0; 17], &[0; 16]),
            Err(CryptoError::InvalidLength {
                what: "SM4-CBC IV",
                found: 17,
                ..
            })
        ));
    }

    #[test]
    fn ctr_counter_wraps_like_openssl() {
        // Counter block all-ones: the second block uses counter 0 (wrap modulo 2^128).
        let key = Sm4Key::from_bytes([7; 16]);
        let ks = ctr_encrypt(&key, &[0xff; 16], &[0; 32]).unwrap();
        assert_eq!(ks[..16], key.encrypt_block(&[0xff; 16]));
        assert_eq!(ks[16..], key.encrypt_block(&[0; 16]));
    }
}
