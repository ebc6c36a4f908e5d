//! Password-based protection inside PKCS#12: the RFC 7292 Appendix B key derivation, the
//! legacy `pkcs-12PbeIds` ciphers (Appendix C), PBES2 (through [`crate::crypto::pbes2`]) and the
//! integrity MAC (§5, Appendix B.4).
//!
//! Passwords enter in two encodings. The Appendix B KDF (legacy PBE and the classic MAC) takes
//! the password as a `BMPString`: UTF-16 big-endian with a two-byte zero terminator. PBES2
//! takes its UTF-8 bytes, as OpenSSL does.

use cipher::block_padding::Pkcs7;
use cipher::{BlockCipherDecrypt, BlockModeDecrypt as _, BlockSizeUser, KeyInit, KeyIvInit as _};
use der::Sequence;
use der::asn1::{ObjectIdentifier, OctetStringRef, UintRef};
use sha2::Digest;
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

use super::{MAX_ITERATIONS, MAX_TOTAL_ITERATIONS, Pkcs12Error};
use crate::crypto::CryptoError;
use crate::crypto::pbes2::Pbes2Scheme;
use crate::oid;

/// The hash functions the Appendix B KDF and the MAC run on. All have 64-byte blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KdfHash {
    Sha1,
    Sha256,
    Sm3,
}

impl KdfHash {
    /// Output length `u` in bytes.
    pub(super) fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 | Self::Sm3 => 32,
        }
    }

    pub(super) fn from_digest_oid(oid: &ObjectIdentifier) -> Option<Self> {
        if *oid == oid::SHA1 {
            Some(Self::Sha1)
        } else if *oid == oid::SHA256 {
            Some(Self::Sha256)
        } else if *oid == oid::SM3 {
            Some(Self::Sm3)
        } else {
            None
        }
    }

    pub(super) fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oid::SHA1,
            Self::Sha256 => oid::SHA256,
            Self::Sm3 => oid::SM3,
        }
    }
}

/// The purpose byte `ID` of RFC 7292 Appendix B.3.
#[derive(Clone, Copy)]
pub(super) enum KdfPurpose {
    Key = 1,
    Iv = 2,
    Mac = 3,
}

/// The Appendix B block size `v` of the hashes above.
const BLOCK_LEN: usize = 64;

/// The password as the Appendix B KDF takes it: a `BMPString` (UTF-16BE) with a two-byte zero
/// terminator. `None` stands for an absent password (an empty octet string), which some writers
/// use instead of the encoded empty password.
pub(super) fn bmp_password(password: Option<&str>) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    if let Some(password) = password {
        for unit in password.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]);
    }
    out
}

/// Key derivation of RFC 7292 Appendix B.2, steps 1–7, producing `out.len()` bytes.
///
/// `iterations` must already be checked against [`MAX_ITERATIONS`].
pub(super) fn kdf(
    hash: KdfHash,
    purpose: KdfPurpose,
    bmp_password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) {
    match hash {
        KdfHash::Sha1 => kdf_with::<sha1::Sha1>(purpose, bmp_password, salt, iterations, out),
        KdfHash::Sha256 => kdf_with::<sha2::Sha256>(purpose, bmp_password, salt, iterations, out),
        KdfHash::Sm3 => kdf_with::<::sm3::Sm3>(purpose, bmp_password, salt, iterations, out),
    }
}

fn kdf_with<H: Digest>(
    purpose: KdfPurpose,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) {
    let v = BLOCK_LEN;
    // 1. D: v copies of the purpose byte.
    let diversifier = [purpose as u8; BLOCK_LEN];
    // 2.–4. I = S ‖ P, each the input repeated up to a whole number of v-byte blocks.
    let mut input = Zeroizing::new(Vec::new());
    repeat_to_blocks(&mut input, salt, v);
    repeat_to_blocks(&mut input, password, v);

    for chunk in out.chunks_mut(<H as Digest>::output_size()) {
        // 6a. A_i = H^r(D ‖ I).
        let mut hasher = H::new();
        hasher.update(diversifier);
        hasher.update(input.as_slice());
        let mut a = Zeroizing::new(hasher.finalize().to_vec());
        for _ in 1..iterations {
            let next = H::digest(a.as_slice());
            a.copy_from_slice(&next);
        }
        for (o, x) in chunk.iter_mut().zip(a.iter()) {
            *o = *x;
        }
        // 6b–c. B = A_i repeated to v bytes; every v-byte block I_j becomes I_j + B + 1
        // (mod 2^(8v)). Skipped after the last chunk, where it is not needed.
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for block in input.chunks_mut(v) {
            let mut carry: u16 = 1;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum.to_le_bytes()[0];
                carry = sum >> 8;
            }
        }
    }
}

fn repeat_to_blocks(out: &mut Vec<u8>, data: &[u8], v: usize) {
    if data.is_empty() {
        return;
    }
    let len = data.len().div_ceil(v) * v;
    out.extend(data.iter().copied().cycle().take(len));
}

/// Counts key-derivation work across one file so that many expensive entries cannot add up to
/// an unbounded amount of work (each count alone is capped at [`MAX_ITERATIONS`]).
pub(super) struct Budget {
    spent: u64,
}

impl Budget {
    pub(super) fn new() -> Self {
        Self { spent: 0 }
    }

    /// Checks one iteration count and charges it `blocks` times.
    pub(super) fn charge(
        &mut self,
        what: &'static str,
        iterations: u64,
        blocks: u64,
    ) -> Result<u32, Pkcs12Error> {
        let count = check_iterations(what, iterations)?;
        self.spent = self.spent.saturating_add(iterations.saturating_mul(blocks));
        if self.spent > MAX_TOTAL_ITERATIONS {
            return Err(Pkcs12Error::WorkLimit {
                limit: MAX_TOTAL_ITERATIONS,
            });
        }
        Ok(count)
    }
}

/// Rejects 0 and counts above [`MAX_ITERATIONS`].
pub(super) fn check_iterations(what: &'static str, iterations: u64) -> Result<u32, Pkcs12Error> {
    if iterations == 0 {
        return Err(Pkcs12Error::InvalidParameter {
            what,
            detail: "the iteration count must be at least 1".into(),
        });
    }
    if iterations > u64::from(MAX_ITERATIONS) {
        return Err(Pkcs12Error::InvalidParameter {
            what,
            detail: format!(
                "{iterations} iterations exceed eseal's limit of {MAX_ITERATIONS}; \
                 re-export the file with a lower count"
            )
            .into(),
        });
    }
    u32::try_from(iterations).map_err(|_| Pkcs12Error::InvalidParameter {
        what,
        detail: "out of range".into(),
    })
}

/// The value of a DER unsigned integer, saturating at `u64::MAX`.
pub(super) fn uint_value(n: UintRef<'_>) -> u64 {
    let bytes = n.as_bytes();
    if bytes.len() > 8 {
        return u64::MAX;
    }
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// `pkcs-12PbeParams`, RFC 7292 Appendix C:
///
/// ```text
/// pkcs-12PbeParams ::= SEQUENCE {
///   salt       OCTET STRING,
///   iterations INTEGER }
/// ```
#[derive(Clone, Debug, Sequence)]
struct Pkcs12PbeParams<'a> {
    salt: &'a OctetStringRef,
    iterations: UintRef<'a>,
}

/// The legacy `pkcs-12PbeIds` eseal reads (all with SHA-1 in the KDF).
#[derive(Clone, Copy)]
enum LegacyCipher {
    TripleDes3Key,
    TripleDes2Key,
    Rc2_128,
    Rc2_40,
}

impl LegacyCipher {
    fn key_len(self) -> usize {
        match self {
            Self::TripleDes3Key => 24,
            Self::TripleDes2Key | Self::Rc2_128 => 16,
            Self::Rc2_40 => 5,
        }
    }
}

/// Decrypts data protected with a PKCS#12 PBE or PBES2 `AlgorithmIdentifier`. `what` names the
/// protected thing (for errors). Wrong padding becomes [`Pkcs12Error::WrongPassword`]; callers
/// also check that the plaintext parses.
pub(super) fn decrypt(
    alg: &AlgorithmIdentifierRef<'_>,
    ciphertext: &[u8],
    password: Option<&str>,
    budget: &mut Budget,
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    if alg.oid == oid::PBES2 {
        let scheme = Pbes2Scheme::parse(alg, what).map_err(|e| crypto_error(e, what))?;
        // PBKDF2 derives at most two hash blocks for a 32-byte key.
        budget.charge("PBKDF2 iteration count", u64::from(scheme.iterations()), 2)?;
        // PBES2 takes the password's UTF-8 bytes (OpenSSL's convention); absent means empty.
        let bytes = password.unwrap_or_default().as_bytes();
        return scheme
            .decrypt(bytes, ciphertext)
            .map_err(|e| crypto_error(e, what));
    }
    let cipher = if alg.oid == oid::PKCS12_PBE_SHA1_3DES {
        LegacyCipher::TripleDes3Key
    } else if alg.oid == oid::PKCS12_PBE_SHA1_2DES {
        LegacyCipher::TripleDes2Key
    } else if alg.oid == oid::PKCS12_PBE_SHA1_RC2_128 {
        LegacyCipher::Rc2_128
    } else if alg.oid == oid::PKCS12_PBE_SHA1_RC2_40 {
        LegacyCipher::Rc2_40
    } else {
        return Err(unsupported_encryption(&alg.oid));
    };
    let params: Pkcs12PbeParams<'_> = alg
        .parameters
        .ok_or_else(|| Pkcs12Error::malformed(what, "the PBE parameters are missing"))?
        .decode_as()
        .map_err(|e| Pkcs12Error::malformed(what, format!("pkcs-12PbeParams: {e}")))?;
    // Key and IV: one SHA-1 block each, two for the 24-byte 3DES key.
    let blocks = if cipher.key_len() > 20 { 3 } else { 2 };
    let iterations = budget.charge(
        "PKCS#12 PBE iteration count",
        uint_value(params.iterations),
        blocks,
    )?;
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(8) {
        return Err(Pkcs12Error::malformed(
            what,
            format!(
                "the encrypted data is {} bytes, not a non-zero multiple of the 8-byte block",
                ciphertext.len()
            ),
        ));
    }
    let bmp = bmp_password(password);
    let salt = params.salt.as_bytes();
    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    kdf(
        KdfHash::Sha1,
        KdfPurpose::Key,
        &bmp,
        salt,
        iterations,
        &mut key,
    );
    let mut iv = [0u8; 8];
    kdf(
        KdfHash::Sha1,
        KdfPurpose::Iv,
        &bmp,
        salt,
        iterations,
        &mut iv,
    );
    let plain = match cipher {
        LegacyCipher::TripleDes3Key => cbc_decrypt::<des::TdesEde3>(&key, &iv, ciphertext),
        LegacyCipher::TripleDes2Key => cbc_decrypt::<des::TdesEde2>(&key, &iv, ciphertext),
        // The PKCS#12 RC2 variants use as many effective key bits as key bits, which is what
        // `KeyInit` gives for a 5- or 16-byte key.
        LegacyCipher::Rc2_128 | LegacyCipher::Rc2_40 => {
            cbc_decrypt::<rc2::Rc2>(&key, &iv, ciphertext)
        }
    };
    plain.ok_or(Pkcs12Error::WrongPassword { what })
}

/// The hash iterations decrypting with `alg` would cost, as [`decrypt`] charges them; 0 when
/// the algorithm or its parameters cannot be read (`decrypt` then reports why). Lets the reader
/// refuse a file whose encrypted parts add up to too much work before doing any of it.
pub(super) fn cost(alg: &AlgorithmIdentifierRef<'_>) -> u64 {
    if alg.oid == oid::PBES2 {
        return Pbes2Scheme::parse(alg, "PBES2")
            .map_or(0, |scheme| u64::from(scheme.iterations()).saturating_mul(2));
    }
    let blocks = if alg.oid == oid::PKCS12_PBE_SHA1_3DES {
        3
    } else if alg.oid == oid::PKCS12_PBE_SHA1_2DES
        || alg.oid == oid::PKCS12_PBE_SHA1_RC2_128
        || alg.oid == oid::PKCS12_PBE_SHA1_RC2_40
    {
        2
    } else {
        return 0;
    };
    alg.parameters
        .and_then(|p| p.decode_as::<Pkcs12PbeParams<'_>>().ok())
        .map_or(0, |params| {
            uint_value(params.iterations).saturating_mul(blocks)
        })
}

/// CBC decryption with PKCS#7 unpadding under a 64-bit block cipher; `None` on bad padding.
fn cbc_decrypt<C>(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>>
where
    C: BlockCipherDecrypt + BlockSizeUser + KeyInit,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = dec.decrypt_padded::<Pkcs7>(&mut buf).ok()?.len();
    buf.truncate(len);
    Some(buf)
}

/// Names an encryption OID eseal does not read.
fn unsupported_encryption(oid: &ObjectIdentifier) -> Pkcs12Error {
    let name = if *oid == oid::PKCS12_PBE_SHA1_RC4_128 {
        " (pbeWithSHAAnd128BitRC4)"
    } else if *oid == oid::PKCS12_PBE_SHA1_RC4_40 {
        " (pbeWithSHAAnd40BitRC4)"
    } else if oid.to_string().starts_with("1.2.840.113549.1.5.") {
        " (PKCS#5 v1.5 PBES1)"
    } else {
        ""
    };
    Pkcs12Error::Unsupported {
        what: "PKCS#12 encryption algorithm",
        detail: format!(
            "{oid}{name}; eseal reads PBES2 and the pkcs-12PbeIds with 3DES or RC2 \
             (1.2.840.113549.1.12.1.3 to .6)"
        )
        .into(),
    }
}

/// Maps an error of the PBES2 code into this module's error, keeping its kind.
pub(super) fn crypto_error(e: CryptoError, what: &'static str) -> Pkcs12Error {
    match e {
        CryptoError::WrongPassword | CryptoError::BadPadding => Pkcs12Error::WrongPassword { what },
        CryptoError::Malformed {
            what: inner,
            detail,
        } => Pkcs12Error::malformed(what, format!("{inner}: {detail}")),
        CryptoError::Unsupported { what, detail } => Pkcs12Error::Unsupported { what, detail },
        CryptoError::InvalidParameter { what, detail } => {
            Pkcs12Error::InvalidParameter { what, detail }
        }
        CryptoError::Rng => Pkcs12Error::Rng,
        other => Pkcs12Error::Crypto { what, error: other },
    }
}

/// `MacData` as read, RFC 7292 §4:
///
/// ```text
/// MacData ::= SEQUENCE {
///   mac        DigestInfo,
///   macSalt    OCTET STRING,
///   iterations INTEGER DEFAULT 1 }
/// ```
pub(super) struct MacCheck<'a> {
    pub(super) digest_algorithm: AlgorithmIdentifierRef<'a>,
    pub(super) digest: &'a [u8],
    pub(super) salt: &'a [u8],
    pub(super) iterations: u64,
}

/// Checks the MAC over `data` (the authSafe content octets). Returns the hash used and the
/// iteration count, or [`Pkcs12Error::WrongPassword`] when the MAC does not match.
pub(super) fn verify_mac(
    mac: &MacCheck<'_>,
    data: &[u8],
    password: Option<&str>,
    budget: &mut Budget,
) -> Result<(KdfHash, u32), Pkcs12Error> {
    let alg = &mac.digest_algorithm;
    if alg.oid == oid::PBMAC1 {
        return Err(Pkcs12Error::Unsupported {
            what: "PKCS#12 MAC algorithm",
            detail: "PBMAC1 (RFC 9579, 1.2.840.113549.1.5.14); eseal checks the RFC 7292 \
                     HMAC with SHA-1, SHA-256 or SM3"
                .into(),
        });
    }
    if alg.parameters.is_some_and(|p| !p.is_null()) {
        return Err(Pkcs12Error::malformed(
            "MacData",
            format!(
                "the digest algorithm {} has parameters other than NULL",
                alg.oid
            ),
        ));
    }
    let hash = KdfHash::from_digest_oid(&alg.oid).ok_or_else(|| Pkcs12Error::Unsupported {
        what: "PKCS#12 MAC digest",
        detail: format!("{} (eseal checks SHA-1, SHA-256 and SM3)", alg.oid).into(),
    })?;
    let iterations = budget.charge("PKCS#12 MAC iteration count", mac.iterations, 1)?;
    if mac.digest.len() != hash.output_len() {
        return Err(Pkcs12Error::malformed(
            "MacData",
            format!(
                "the MAC is {} bytes, expected {} for {:?}",
                mac.digest.len(),
                hash.output_len(),
                hash
            ),
        ));
    }
    let key = mac_key(hash, password, mac.salt, iterations);
    let ok = match hash {
        KdfHash::Sha1 => hmac_verify::<hmac::Hmac<sha1::Sha1>>(&key, data, mac.digest),
        KdfHash::Sha256 => hmac_verify::<hmac::Hmac<sha2::Sha256>>(&key, data, mac.digest),
        KdfHash::Sm3 => hmac_verify::<hmac::Hmac<::sm3::Sm3>>(&key, data, mac.digest),
    };
    if ok {
        Ok((hash, iterations))
    } else {
        Err(Pkcs12Error::WrongPassword {
            what: "integrity MAC",
        })
    }
}

/// Computes the MAC over `data` (for writing).
pub(super) fn compute_mac(
    hash: KdfHash,
    password: &str,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Vec<u8> {
    let key = mac_key(hash, Some(password), salt, iterations);
    match hash {
        KdfHash::Sha1 => hmac_tag::<hmac::Hmac<sha1::Sha1>>(&key, data),
        KdfHash::Sha256 => hmac_tag::<hmac::Hmac<sha2::Sha256>>(&key, data),
        KdfHash::Sm3 => hmac_tag::<hmac::Hmac<::sm3::Sm3>>(&key, data),
    }
}

/// The MAC key: `u` bytes from the Appendix B KDF with ID 3 (Appendix B.4).
fn mac_key(
    hash: KdfHash,
    password: Option<&str>,
    salt: &[u8],
    iterations: u32,
) -> Zeroizing<Vec<u8>> {
    let bmp = bmp_password(password);
    let mut key = Zeroizing::new(vec![0u8; hash.output_len()]);
    kdf(hash, KdfPurpose::Mac, &bmp, salt, iterations, &mut key);
    key
}

fn hmac_verify<M: hmac::KeyInit + hmac::Mac>(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    let Ok(mut mac) = <M as hmac::KeyInit>::new_from_slice(key) else {
        return false;
    };
    mac.update(data);
    // Constant-time comparison.
    mac.verify_slice(tag).is_ok()
}

fn hmac_tag<M: hmac::KeyInit + hmac::Mac>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <M as hmac::KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length; this arm is unreachable.
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Appendix B KDF with SHA-1: the Bouncy Castle / OpenSSL PKCS#12 KDF test vector (password
    /// "smeg", salt 0A58CF64530D823F, 1 iteration), confirmed with
    /// `openssl kdf -keylen 24 -kdfopt digest:SHA1 -kdfopt hexpass:0073006d006500670000
    /// -kdfopt hexsalt:0A58CF64530D823F -kdfopt iter:1 -kdfopt id:1 PKCS12KDF`.
    #[test]
    fn kdf_sha1_known_answer() {
        let bmp = bmp_password(Some("smeg"));
        let salt = hex_bytes("0A58CF64530D823F");
        let mut key = [0u8; 24];
        kdf(KdfHash::Sha1, KdfPurpose::Key, &bmp, &salt, 1, &mut key);
        assert_eq!(
            key.to_vec(),
            hex_bytes("8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")
        );
        let mut iv = [0u8; 8];
        kdf(KdfHash::Sha1, KdfPurpose::Iv, &bmp, &salt, 1, &mut iv);
        assert_eq!(iv.to_vec(), hex_bytes("79993DFE048D3B76"));
    }

    #[test]
    fn kdf_multi_iteration_known_answer() {
        // Same source: password "queeg", salt 05DEC959ACFF72F7, 1000 iterations, ID 1.
        let bmp = bmp_password(Some("queeg"));
        let salt = hex_bytes("05DEC959ACFF72F7");
        let mut key = [0u8; 24];
        kdf(KdfHash::Sha1, KdfPurpose::Key, &bmp, &salt, 1000, &mut key);
        assert_eq!(
            key.to_vec(),
            hex_bytes("ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4")
        );
    }

    /// SM3, a non-ASCII password and 40 bytes (two output blocks), from
    /// `openssl kdf -keylen 40 -kdfopt digest:SM3 -kdfopt hexpass:53707ae00000
    /// -kdfopt hexsalt:05DEC959ACFF72F7 -kdfopt iter:3 -kdfopt id:3 PKCS12KDF`.
    #[test]
    fn kdf_sm3_known_answer() {
        let bmp = bmp_password(Some("印章"));
        let salt = hex_bytes("05DEC959ACFF72F7");
        let mut key = [0u8; 40];
        kdf(KdfHash::Sm3, KdfPurpose::Mac, &bmp, &salt, 3, &mut key);
        assert_eq!(
            key.to_vec(),
            hex_bytes(
                "CFDEF18650FBA35D4300D4917C688D972516B00CF8DD557D34C1CDE545F6AFEB4D9DC76485E00FB5"
            )
        );
    }

    #[test]
    fn bmp_password_encoding() {
        assert_eq!(
            bmp_password(Some("ab")).as_slice(),
            &[0, b'a', 0, b'b', 0, 0]
        );
        assert_eq!(bmp_password(Some("")).as_slice(), &[0, 0]);
        assert!(bmp_password(None).is_empty());
        assert_eq!(bmp_password(Some("印")).as_slice(), &[0x53, 0x70, 0, 0]);
    }

    #[test]
    fn iteration_bounds() {
        assert!(check_iterations("x", 0).is_err());
        assert!(check_iterations("x", u64::from(MAX_ITERATIONS) + 1).is_err());
        assert_eq!(check_iterations("x", 2048).unwrap(), 2048);
        let mut budget = Budget::new();
        let mut refused = false;
        for _ in 0..20 {
            if budget.charge("x", u64::from(MAX_ITERATIONS), 3).is_err() {
                refused = true;
                break;
            }
        }
        assert!(refused);
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
