//! Password-encrypted private keys: PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5958 §3) under
//! PKCS#5 PBES2 (RFC 8018 §6.2) with PBKDF2.
//!
//! **Writing**: PBKDF2 with HMAC-SM3 (PRF OID `1.2.156.10197.1.401.2`, as GmSSL writes) and
//! SM4-CBC (`1.2.156.10197.1.104.2`, parameters an `OCTET STRING` IV), a 16-byte random salt and
//! IV, [`DEFAULT_ITERATIONS`] rounds unless [`EncryptOptions`] say otherwise. HMAC-SHA-256 can be
//! chosen instead for OpenSSL 3.0/3.1, which do not know any HMAC-SM3 PRF OID.
//!
//! **Reading**: PBES2 with
//! - PRF HMAC-SM3 (`1.2.156.10197.1.401.2`, or `1.2.156.10197.1.401.3.1` as in GM/T 0091-2020
//!   and OpenSSL's `hmacWithSM3`), HMAC-SHA-256, or HMAC-SHA-1 (the default when `prf` is absent);
//! - cipher SM4-CBC, AES-128-CBC or AES-256-CBC.
//!
//! That covers what eseal and GmSSL write, `openssl pkcs8 -topk8 -v2 sm4-cbc`, and OpenSSL 3's
//! default (`-v2 aes-256-cbc`, HMAC-SHA-256). The iteration count read from a file is capped at
//! [`MAX_ITERATIONS`] so a hostile file cannot stall the caller.
//!
//! The plaintext is the DER of a PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`; encryption checks
//! that it parses as one, and decryption uses the same check (with the CBC padding) to tell a
//! wrong password from success. Passwords are bytes: pass the UTF-8 encoding of a text
//! password, as OpenSSL does.
//!
//! ```
//! # #[cfg(feature = "getrandom")] {
//! use eseal::crypto::pbes2::{self, EncryptOptions};
//! # let pkcs8 = [0x30, 0x1b, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
//! #     0x02, 0x01, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x04, 0x01, 0x00];
//! let options = EncryptOptions::new().with_iterations(10_000);
//! let pem = pbes2::encrypt_pkcs8_pem_os(&pkcs8, b"correct horse", &options)?;
//! assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
//! let plain = pbes2::decrypt_pkcs8_pem(&pem, b"correct horse")?;
//! assert_eq!(plain.as_slice(), &pkcs8[..]);
//! assert!(pbes2::decrypt_pkcs8_pem(&pem, b"wrong").is_err());
//! # }
//! # Ok::<(), eseal::crypto::CryptoError>(())
//! ```

use der::asn1::{AnyRef, OctetStringRef, UintRef};
use der::{Decode as _, Encode as _, Sequence, Tag, Tagged as _};
use rand_core::TryCryptoRng;
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

use super::CryptoError;
use super::sm3::{PBKDF2_MAX_ITERATIONS, check_iterations, pbkdf2_with};
use super::sm4::{CbcNames, SM4_CBC, cbc_decrypt_with, cbc_encrypt_with};
use crate::oid;

/// Iterations eseal uses when the caller does not choose (600,000).
///
/// The OWASP 2023 recommendation for PBKDF2-HMAC-SHA-256, which costs about the same per
/// iteration as HMAC-SM3: a fraction of a second to unlock a key, but expensive to guess
/// passwords against. (OpenSSL writes 2,048 and GmSSL 65,536 by default.)
pub const DEFAULT_ITERATIONS: u32 = 600_000;

/// Largest iteration count eseal reads or writes (10,000,000, = [`PBKDF2_MAX_ITERATIONS`]).
pub const MAX_ITERATIONS: u32 = PBKDF2_MAX_ITERATIONS;

/// Length of the random salt eseal writes, in bytes.
pub const SALT_LEN: usize = 16;

/// PEM label of an `EncryptedPrivateKeyInfo` (RFC 7468 §11).
pub const PEM_LABEL: &str = "ENCRYPTED PRIVATE KEY";

const WHAT: &str = "EncryptedPrivateKeyInfo";

const AES_128_CBC: CbcNames = CbcNames {
    mode: "AES-128-CBC",
    iv: "AES-128-CBC IV",
};
const AES_256_CBC: CbcNames = CbcNames {
    mode: "AES-256-CBC",
    iv: "AES-256-CBC IV",
};

/// The PBKDF2 pseudo-random function eseal writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pbkdf2Prf {
    /// HMAC-SM3 (`1.2.156.10197.1.401.2`): the national-algorithm choice, read by GmSSL.
    #[default]
    HmacSm3,
    /// HMAC-SHA-256 (`1.2.840.113549.2.9`): readable by every OpenSSL 3 release.
    HmacSha256,
}

/// Settings for [`encrypt_pkcs8_der`]: iteration count and PRF. The cipher is always SM4-CBC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptOptions {
    iterations: u32,
    prf: Pbkdf2Prf,
}

impl Default for EncryptOptions {
    fn default() -> Self {
        Self {
            iterations: DEFAULT_ITERATIONS,
            prf: Pbkdf2Prf::HmacSm3,
        }
    }
}

impl EncryptOptions {
    /// [`DEFAULT_ITERATIONS`] rounds of PBKDF2-HMAC-SM3.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the PBKDF2 iteration count; encryption refuses 0 and counts above
    /// [`MAX_ITERATIONS`].
    #[must_use]
    pub fn with_iterations(mut self, iterations: u32) -> Self {
        self.iterations = iterations;
        self
    }

    /// Sets the PBKDF2 PRF.
    #[must_use]
    pub fn with_prf(mut self, prf: Pbkdf2Prf) -> Self {
        self.prf = prf;
        self
    }

    /// The PBKDF2 iteration count.
    #[must_use]
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The PBKDF2 PRF.
    #[must_use]
    pub fn prf(&self) -> Pbkdf2Prf {
        self.prf
    }
}

/// `EncryptedPrivateKeyInfo`, RFC 5958 §3:
///
/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm  EncryptionAlgorithmIdentifier,
///   encryptedData        EncryptedData }
/// EncryptionAlgorithmIdentifier ::= AlgorithmIdentifier
/// EncryptedData ::= OCTET STRING
/// ```
#[derive(Clone, Debug, Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    encryption_algorithm: AlgorithmIdentifierRef<'a>,
    encrypted_data: &'a OctetStringRef,
}

/// `PBES2-params`, RFC 8018 Appendix A.4:
///
/// ```text
/// PBES2-params ::= SEQUENCE {
///   keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
///   encryptionScheme  AlgorithmIdentifier {{PBES2-Encs}} }
/// ```
#[derive(Clone, Debug, Sequence)]
struct Pbes2Params<'a> {
    key_derivation_func: AlgorithmIdentifierRef<'a>,
    encryption_scheme: AlgorithmIdentifierRef<'a>,
}

/// `PBKDF2-params`, RFC 8018 Appendix A.2:
///
/// ```text
/// PBKDF2-params ::= SEQUENCE {
///   salt CHOICE {
///     specified OCTET STRING,
///     otherSource AlgorithmIdentifier {{PBKDF2-SaltSources}} },
///   iterationCount INTEGER (1..MAX),
///   keyLength INTEGER (1..MAX) OPTIONAL,
///   prf AlgorithmIdentifier {{PBKDF2-PRFs}} DEFAULT algid-hmacWithSHA1 }
/// ```
///
/// `salt` is kept as `ANY` so that `otherSource` (reserved by RFC 8018) is reported as
/// unsupported rather than malformed.
#[derive(Clone, Debug, Sequence)]
struct Pbkdf2Params<'a> {
    salt: AnyRef<'a>,
    iteration_count: UintRef<'a>,
    #[asn1(optional = "true")]
    key_length: Option<UintRef<'a>>,
    #[asn1(optional = "true")]
    prf: Option<AlgorithmIdentifierRef<'a>>,
}

/// The PRFs eseal reads.
#[derive(Clone, Copy)]
enum Prf {
    HmacSm3,
    HmacSha256,
    HmacSha1,
}

/// The ciphers eseal reads.
#[derive(Clone, Copy)]
enum CbcCipher {
    Sm4,
    Aes128,
    Aes256,
}

impl CbcCipher {
    fn key_len(self) -> usize {
        match self {
            Self::Sm4 | Self::Aes128 => 16,
            Self::Aes256 => 32,
        }
    }
}

/// Encrypts the DER of a PKCS#8 `PrivateKeyInfo` under `password` and returns the DER of an
/// `EncryptedPrivateKeyInfo` (PBES2: PBKDF2 with the PRF from `options`, SM4-CBC). Salt and IV
/// (16 bytes each) come from `rng`.
///
/// # Errors
/// [`CryptoError::Malformed`] when `private_key_info` is not a DER `PrivateKeyInfo`;
/// [`CryptoError::InvalidParameter`] when the iteration count is 0 or above
/// [`MAX_ITERATIONS`]; [`CryptoError::Rng`] when `rng` fails.
pub fn encrypt_pkcs8_der<R: TryCryptoRng + ?Sized>(
    private_key_info: &[u8],
    password: &[u8],
    options: &EncryptOptions,
    rng: &mut R,
) -> Result<Vec<u8>, CryptoError> {
    pkcs8::PrivateKeyInfoRef::from_der(private_key_info).map_err(|e| {
        CryptoError::malformed("PKCS#8 PrivateKeyInfo", format!("cannot encrypt it: {e}"))
    })?;
    let (alg, encrypted) = pbes2_encrypt(
        private_key_info,
        password,
        options.prf,
        Pbes2Cipher::Sm4Cbc,
        options.iterations,
        rng,
    )?;
    encode_encrypted_private_key_info(&alg, &encrypted)
        .map_err(|e| CryptoError::malformed(WHAT, format!("cannot encode: {e}")))
}

/// [`encrypt_pkcs8_der`], PEM-armoured with the label `ENCRYPTED PRIVATE KEY` (LF line ends).
///
/// # Errors
/// As [`encrypt_pkcs8_der`].
pub fn encrypt_pkcs8_pem<R: TryCryptoRng + ?Sized>(
    private_key_info: &[u8],
    password: &[u8],
    options: &EncryptOptions,
    rng: &mut R,
) -> Result<String, CryptoError> {
    let der = encrypt_pkcs8_der(private_key_info, password, options, rng)?;
    der::pem::encode_string(PEM_LABEL, der::pem::LineEnding::LF, &der)
        .map_err(|e| CryptoError::malformed(WHAT, format!("cannot PEM-encode: {e}")))
}

/// [`encrypt_pkcs8_der`] with salt and IV from the operating system's generator.
///
/// # Errors
/// As [`encrypt_pkcs8_der`].
#[cfg(feature = "getrandom")]
pub fn encrypt_pkcs8_der_os(
    private_key_info: &[u8],
    password: &[u8],
    options: &EncryptOptions,
) -> Result<Vec<u8>, CryptoError> {
    encrypt_pkcs8_der(
        private_key_info,
        password,
        options,
        &mut cipher::common::getrandom::SysRng,
    )
}

/// [`encrypt_pkcs8_pem`] with salt and IV from the operating system's generator.
///
/// # Errors
/// As [`encrypt_pkcs8_der`].
#[cfg(feature = "getrandom")]
pub fn encrypt_pkcs8_pem_os(
    private_key_info: &[u8],
    password: &[u8],
    options: &EncryptOptions,
) -> Result<String, CryptoError> {
    encrypt_pkcs8_pem(
        private_key_info,
        password,
        options,
        &mut cipher::common::getrandom::SysRng,
    )
}

/// Decrypts a DER `EncryptedPrivateKeyInfo` and returns the DER of the PKCS#8
/// `PrivateKeyInfo` inside, wiped from memory when dropped.
///
/// # Errors
/// - [`CryptoError::Malformed`]: not DER, or PBES2 parameters that break RFC 8018 (IV not 16
///   bytes, `keyLength` not the cipher's, encrypted data not whole blocks, …);
/// - [`CryptoError::Unsupported`]: another scheme (PBES1, PKCS#12 PBE, scrypt), PRF or cipher;
///   the message names the OID;
/// - [`CryptoError::InvalidParameter`]: an iteration count of 0 or above [`MAX_ITERATIONS`];
/// - [`CryptoError::WrongPassword`]: the padding or the decrypted `PrivateKeyInfo` is invalid,
///   meaning a wrong password or a corrupted file.
pub fn decrypt_pkcs8_der(
    encrypted: &[u8],
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let info = EncryptedPrivateKeyInfo::from_der(encrypted)
        .map_err(|e| CryptoError::malformed(WHAT, e.to_string()))?;
    let alg = info.encryption_algorithm;
    if alg.oid != oid::PBES2 {
        return Err(unsupported_scheme(alg.oid));
    }
    let scheme = Pbes2Scheme::parse(&alg, WHAT)?;
    let plain = scheme.decrypt(password, info.encrypted_data.as_bytes())?;

    // Valid padding happens by chance about once in 256 wrong passwords; the structure check
    // catches those.
    if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
        return Err(CryptoError::WrongPassword);
    }
    Ok(plain)
}

/// [`decrypt_pkcs8_der`] for PEM text labelled `ENCRYPTED PRIVATE KEY`.
///
/// # Errors
/// [`CryptoError::Malformed`] when the text is not PEM or has another label (an unencrypted
/// `PRIVATE KEY` included); otherwise as [`decrypt_pkcs8_der`].
pub fn decrypt_pkcs8_pem(pem: &str, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (label, der) = der::pem::decode_vec(pem.as_bytes())
        .map_err(|e| CryptoError::malformed("PEM encrypted private key", e.to_string()))?;
    if label != PEM_LABEL {
        let hint = if label == "PRIVATE KEY" {
            "; this key is not encrypted"
        } else {
            ""
        };
        return Err(CryptoError::malformed(
            "PEM encrypted private key",
            format!("label is {label:?}, expected {PEM_LABEL:?}{hint}"),
        ));
    }
    decrypt_pkcs8_der(&der, password)
}

/// A parsed PBES2 `AlgorithmIdentifier` (RFC 8018 §6.2, Appendix A.4): PBKDF2 parameters and
/// the CBC cipher with its IV. Shared with the PKCS#12 reader, whose bags and encrypted
/// `SafeContents` use the same scheme.
pub(crate) struct Pbes2Scheme<'a> {
    prf: Prf,
    cipher: CbcCipher,
    salt: &'a [u8],
    iv: &'a [u8],
    iterations: u32,
    what: &'static str,
}

impl<'a> Pbes2Scheme<'a> {
    /// Reads the parameters of a PBES2 `AlgorithmIdentifier` (the caller has checked the OID).
    /// `what` names the enclosing structure in error messages.
    pub(crate) fn parse(
        alg: &AlgorithmIdentifierRef<'a>,
        what: &'static str,
    ) -> Result<Self, CryptoError> {
        let params: Pbes2Params<'a> = alg
            .parameters
            .ok_or_else(|| CryptoError::malformed(what, "PBES2 parameters are missing"))?
            .decode_as()
            .map_err(|e| CryptoError::malformed(what, format!("PBES2-params: {e}")))?;

        let kdf = params.key_derivation_func;
        if kdf.oid != oid::PBKDF2 {
            return Err(CryptoError::Unsupported {
                what: "PBES2 key derivation function",
                detail: format!("{} (eseal supports PBKDF2 only)", kdf.oid).into(),
            });
        }
        let kdf_params: Pbkdf2Params<'a> = kdf
            .parameters
            .ok_or_else(|| CryptoError::malformed(what, "PBKDF2 parameters are missing"))?
            .decode_as()
            .map_err(|e| CryptoError::malformed(what, format!("PBKDF2-params: {e}")))?;

        let (cipher, iv) = read_cipher(&params.encryption_scheme, what)?;
        let salt = read_salt(kdf_params.salt, what)?;
        let iterations = read_iterations(kdf_params.iteration_count)?;
        if let Some(key_length) = kdf_params.key_length {
            let matches = small_uint(key_length).is_some_and(|n| n == cipher.key_len() as u64);
            if !matches {
                return Err(CryptoError::malformed(
                    what,
                    format!(
                        "PBKDF2 keyLength does not match the cipher's {}-byte key",
                        cipher.key_len()
                    ),
                ));
            }
        }
        let prf = read_prf(kdf_params.prf.as_ref(), what)?;
        Ok(Self {
            prf,
            cipher,
            salt,
            iv,
            iterations,
            what,
        })
    }

    /// The PBKDF2 iteration count (already checked against [`MAX_ITERATIONS`]).
    pub(crate) fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Derives the key and decrypts `ciphertext`. Bad padding is reported as
    /// [`CryptoError::WrongPassword`]; the caller should also check the plaintext's structure.
    pub(crate) fn decrypt(
        &self,
        password: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
            return Err(CryptoError::malformed(
                self.what,
                format!(
                    "the encrypted data is {} bytes, not a non-zero multiple of the 16-byte block",
                    ciphertext.len()
                ),
            ));
        }
        let key = derive_key(self.prf, password, self.salt, self.iterations, self.cipher)?;
        let iv = self.iv;
        match self.cipher {
            CbcCipher::Sm4 => cbc_decrypt_with::<::sm4::Sm4>(&key, iv, ciphertext, SM4_CBC),
            CbcCipher::Aes128 => cbc_decrypt_with::<aes::Aes128>(&key, iv, ciphertext, AES_128_CBC),
            CbcCipher::Aes256 => cbc_decrypt_with::<aes::Aes256>(&key, iv, ciphertext, AES_256_CBC),
        }
        .map_err(|e| match e {
            CryptoError::BadPadding => CryptoError::WrongPassword,
            other => other,
        })
    }
}

/// The ciphers [`pbes2_encrypt`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pbes2Cipher {
    /// SM4-CBC (`1.2.156.10197.1.104.2`).
    Sm4Cbc,
    /// AES-256-CBC (`2.16.840.1.101.3.4.1.42`), OpenSSL 3's default.
    Aes256Cbc,
}

/// Encrypts `plaintext` with PBES2 (PBKDF2 with `prf`, then `cipher` in CBC mode with PKCS#7
/// padding) and returns the DER of the PBES2 `AlgorithmIdentifier` and the ciphertext. Salt
/// ([`SALT_LEN`] bytes) and IV come from `rng`.
pub(crate) fn pbes2_encrypt<R: TryCryptoRng + ?Sized>(
    plaintext: &[u8],
    password: &[u8],
    prf: Pbkdf2Prf,
    cipher: Pbes2Cipher,
    iterations: u32,
    rng: &mut R,
) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    check_iterations(u64::from(iterations))?;
    let mut salt = [0u8; SALT_LEN];
    let mut iv = [0u8; 16];
    rng.try_fill_bytes(&mut salt)
        .map_err(|_| CryptoError::Rng)?;
    rng.try_fill_bytes(&mut iv).map_err(|_| CryptoError::Rng)?;

    let (prf, prf_oid) = match prf {
        Pbkdf2Prf::HmacSm3 => (Prf::HmacSm3, oid::HMAC_SM3),
        Pbkdf2Prf::HmacSha256 => (Prf::HmacSha256, oid::HMAC_SHA256),
    };
    let (cbc, cipher_oid) = match cipher {
        Pbes2Cipher::Sm4Cbc => (CbcCipher::Sm4, oid::SM4_CBC),
        Pbes2Cipher::Aes256Cbc => (CbcCipher::Aes256, oid::AES_256_CBC),
    };
    let key = derive_key(prf, password, &salt, iterations, cbc)?;
    let encrypted = match cipher {
        Pbes2Cipher::Sm4Cbc => cbc_encrypt_with::<::sm4::Sm4>(&key, &iv, plaintext, SM4_CBC),
        Pbes2Cipher::Aes256Cbc => {
            cbc_encrypt_with::<aes::Aes256>(&key, &iv, plaintext, AES_256_CBC)
        }
    }?;
    let alg = encode_pbes2_algorithm(&salt, iterations, prf_oid, cipher_oid, &iv).map_err(|e| {
        CryptoError::malformed("PBES2 AlgorithmIdentifier", format!("cannot encode: {e}"))
    })?;
    Ok((alg, encrypted))
}

fn derive_key(
    prf: Prf,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    cipher: CbcCipher,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    match prf {
        Prf::HmacSm3 => pbkdf2_with::<hmac::Hmac<::sm3::Sm3>>(password, salt, iterations, &mut key),
        Prf::HmacSha256 => {
            pbkdf2_with::<hmac::Hmac<sha2::Sha256>>(password, salt, iterations, &mut key)
        }
        Prf::HmacSha1 => {
            pbkdf2_with::<hmac::Hmac<sha1::Sha1>>(password, salt, iterations, &mut key)
        }
    }?;
    Ok(key)
}

fn unsupported_scheme(scheme: der::asn1::ObjectIdentifier) -> CryptoError {
    let text = scheme.to_string();
    let kind = if text.starts_with("1.2.840.113549.1.5.") {
        "PKCS#5 v1.5 PBES1, which eseal does not read"
    } else if text.starts_with("1.2.840.113549.1.12.1.") {
        "PKCS#12 password-based encryption, which eseal does not read"
    } else {
        "not PBES2"
    };
    CryptoError::Unsupported {
        what: "private-key encryption scheme",
        detail: format!(
            "{text} ({kind}); re-encrypt the key with PBES2, e.g. `openssl pkcs8 -topk8 -v2 sm4-cbc`"
        )
        .into(),
    }
}

fn read_cipher<'a>(
    alg: &AlgorithmIdentifierRef<'a>,
    what: &'static str,
) -> Result<(CbcCipher, &'a [u8]), CryptoError> {
    let cipher = if alg.oid == oid::SM4_CBC {
        CbcCipher::Sm4
    } else if alg.oid == oid::AES_128_CBC {
        CbcCipher::Aes128
    } else if alg.oid == oid::AES_256_CBC {
        CbcCipher::Aes256
    } else {
        return Err(CryptoError::Unsupported {
            what: "PBES2 cipher",
            detail: format!(
                "{} (eseal reads SM4-CBC, AES-128-CBC and AES-256-CBC)",
                alg.oid
            )
            .into(),
        });
    };
    let iv = alg
        .parameters
        .filter(|p| p.tag() == Tag::OctetString)
        .map(AnyRef::value)
        .ok_or_else(|| {
            CryptoError::malformed(what, "the cipher's parameters must be an OCTET STRING IV")
        })?;
    if iv.len() != 16 {
        return Err(CryptoError::malformed(
            what,
            format!("the cipher's IV is {} bytes, expected 16", iv.len()),
        ));
    }
    Ok((cipher, iv))
}

fn read_salt<'a>(salt: AnyRef<'a>, what: &'static str) -> Result<&'a [u8], CryptoError> {
    match salt.tag() {
        Tag::OctetString => Ok(salt.value()),
        Tag::Sequence => Err(CryptoError::Unsupported {
            what: "PBKDF2 salt",
            detail: "otherSource (an AlgorithmIdentifier) instead of an OCTET STRING".into(),
        }),
        other => Err(CryptoError::malformed(
            what,
            format!("PBKDF2 salt must be an OCTET STRING, found {other}"),
        )),
    }
}

fn read_iterations(count: UintRef<'_>) -> Result<u32, CryptoError> {
    // Anything wider than 8 bytes is far above the limit; report it as such.
    let n = small_uint(count).unwrap_or(u64::MAX);
    check_iterations(n)?;
    u32::try_from(n).map_err(|_| CryptoError::InvalidParameter {
        what: "PBKDF2 iteration count",
        detail: "out of range".into(),
    })
}

/// The value of a DER unsigned integer of at most 8 significant bytes.
fn small_uint(n: UintRef<'_>) -> Option<u64> {
    let bytes = n.as_bytes();
    if bytes.len() > 8 {
        return None;
    }
    Some(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

fn read_prf(
    prf: Option<&AlgorithmIdentifierRef<'_>>,
    what: &'static str,
) -> Result<Prf, CryptoError> {
    let Some(prf) = prf else {
        return Ok(Prf::HmacSha1);
    };
    // RFC 8018 gives the HMAC PRFs NULL parameters; GmSSL and OpenSSL write NULL, some
    // writers omit them. Anything else is malformed.
    if prf.parameters.is_some_and(|p| !p.is_null()) {
        return Err(CryptoError::malformed(
            what,
            format!("PRF {} has parameters other than NULL", prf.oid),
        ));
    }
    if prf.oid == oid::HMAC_SM3 || prf.oid == oid::HMAC_SM3_GMT0091 {
        Ok(Prf::HmacSm3)
    } else if prf.oid == oid::HMAC_SHA256 {
        Ok(Prf::HmacSha256)
    } else if prf.oid == oid::HMAC_SHA1 {
        Ok(Prf::HmacSha1)
    } else {
        Err(CryptoError::Unsupported {
            what: "PBKDF2 PRF",
            detail: format!(
                "{} (eseal reads HMAC-SM3, HMAC-SHA-256 and HMAC-SHA-1)",
                prf.oid
            )
            .into(),
        })
    }
}

fn encode_pbes2_algorithm(
    salt: &[u8],
    iterations: u32,
    prf_oid: der::asn1::ObjectIdentifier,
    cipher_oid: der::asn1::ObjectIdentifier,
    iv: &[u8],
) -> der::Result<Vec<u8>> {
    let iteration_bytes = iterations.to_be_bytes();
    let kdf_params = Pbkdf2Params {
        salt: OctetStringRef::new(salt)?.into(),
        iteration_count: UintRef::new(&iteration_bytes)?,
        // Omitted: the cipher fixes the key length (RFC 8018 A.2 makes it optional).
        key_length: None,
        prf: Some(AlgorithmIdentifierRef {
            oid: prf_oid,
            parameters: Some(AnyRef::NULL),
        }),
    }
    .to_der()?;
    let kdf_params_any = AnyRef::from_der(&kdf_params)?;
    let pbes2_params = Pbes2Params {
        key_derivation_func: AlgorithmIdentifierRef {
            oid: oid::PBKDF2,
            parameters: Some(kdf_params_any),
        },
        encryption_scheme: AlgorithmIdentifierRef {
            oid: cipher_oid,
            parameters: Some(OctetStringRef::new(iv)?.into()),
        },
    }
    .to_der()?;
    AlgorithmIdentifierRef {
        oid: oid::PBES2,
        parameters: Some(AnyRef::from_der(&pbes2_params)?),
    }
    .to_der()
}

fn encode_encrypted_private_key_info(algorithm: &[u8], encrypted: &[u8]) -> der::Result<Vec<u8>> {
    EncryptedPrivateKeyInfo {
        encryption_algorithm: AlgorithmIdentifierRef::from_der(algorithm)?,
        encrypted_data: OctetStringRef::new(encrypted)?,
    }
    .to_der()
}
