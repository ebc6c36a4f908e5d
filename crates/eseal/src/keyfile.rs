//! Signing keys from the contents of key files, whatever format they come in.
//!
//! [`read`] sniffs the format and returns the SM2 key; [`detect`] only names the format.
//! Formats read:
//!
//! | [`KeyFormat`] | what it is | written by |
//! |---|---|---|
//! | `Pkcs8Pem`, `Pkcs8Der` | PKCS#8 `PrivateKeyInfo` (RFC 5208), PEM label `PRIVATE KEY` | `openssl genpkey -algorithm SM2`, `eseal key gen` |
//! | `EncryptedPkcs8Pem`, `EncryptedPkcs8Der` | PKCS#8 `EncryptedPrivateKeyInfo` under PBES2 (RFC 5958 §3, RFC 8018), PEM label `ENCRYPTED PRIVATE KEY` | `openssl pkcs8 -topk8`, GmSSL, `eseal key gen --encrypt` |
//! | `Sec1Pem`, `Sec1Der` | SEC1 / RFC 5915 `ECPrivateKey`, PEM label `EC PRIVATE KEY` (or `SM2 PRIVATE KEY`, as OpenSSL 3 labels it) | `openssl ec`, GmSSL |
//! | `Pkcs12` | PKCS#12 `PFX` (RFC 7292), `.p12`/`.pfx` | Windows, Java keytool, most Chinese CAs |
//!
//! A PKCS#12 file yields its SM2 key and, in [`KeyFile::certificates`], the certificates it
//! carries (the key's own first), which is why [`read`] returns a [`KeyFile`] rather than a bare
//! key. Writing PKCS#12 needs the certificate too: use [`crate::pki::Pkcs12Builder`].
//!
//! An encrypted key read without a password is [`KeyFileError::PasswordRequired`], so a caller
//! can ask for a password only when one is needed:
//!
//! ```
//! # #[cfg(feature = "getrandom")] {
//! use eseal::crypto::SecretKey;
//! use eseal::crypto::pbes2::EncryptOptions;
//! use eseal::keyfile::{self, KeyFileError, KeyFormat};
//!
//! let key = SecretKey::generate()?;
//! let options = EncryptOptions::new().with_iterations(1_000);
//! let pem = keyfile::encode_os(&key, KeyFormat::EncryptedPkcs8Pem, Some(b"secret"), &options)?;
//!
//! let file = match keyfile::read(&pem, None) {
//!     Err(KeyFileError::PasswordRequired { .. }) => keyfile::read(&pem, Some(b"secret"))?,
//!     other => other?,
//! };
//! assert_eq!(file.format(), KeyFormat::EncryptedPkcs8Pem);
//! assert_eq!(file.secret_key().public_key(), key.public_key());
//! assert!(matches!(
//!     keyfile::read(&pem, Some(b"wrong")),
//!     Err(KeyFileError::WrongPassword { .. })
//! ));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here prints or serialises secret material: decoded key bytes live in zeroizing
//! buffers, and [`KeyFile`]'s `Debug` shows only the public key.

use std::borrow::Cow;
use std::fmt;

use der::asn1::AnyRef;
use der::{Decode as _, Reader as _, SliceReader, Tag, Tagged as _};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::certfile::pem;
use crate::crypto::pbes2::EncryptOptions;
use crate::crypto::{CryptoError, PublicKey, SecretKey};
use crate::pki::{Certificate, Pkcs12, Pkcs12Error, PrivateKey};

/// Largest key file read (1 MiB). An SM2 key file is a few hundred bytes; a PKCS#12 file with a
/// certificate chain a few kilobytes.
pub const MAX_KEY_FILE_SIZE: usize = 1024 * 1024;

/// Most PEM blocks looked at in one key file.
const MAX_PEM_BLOCKS: usize = 64;

/// The format of a key file, as [`detect`] recognises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#8 `PrivateKeyInfo`, PEM `PRIVATE KEY`.
    Pkcs8Pem,
    /// PKCS#8 `PrivateKeyInfo`, DER.
    Pkcs8Der,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (PBES2), PEM `ENCRYPTED PRIVATE KEY`.
    EncryptedPkcs8Pem,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (PBES2), DER.
    EncryptedPkcs8Der,
    /// SEC1 `ECPrivateKey`, PEM `EC PRIVATE KEY`.
    Sec1Pem,
    /// SEC1 `ECPrivateKey`, DER.
    Sec1Der,
    /// PKCS#12 `PFX` (always password-protected; recognised, not read yet).
    Pkcs12,
}

impl KeyFormat {
    /// Whether reading the key needs a password.
    #[must_use]
    pub fn is_encrypted(self) -> bool {
        matches!(
            self,
            Self::EncryptedPkcs8Pem | Self::EncryptedPkcs8Der | Self::Pkcs12
        )
    }

    /// Whether the format is PEM text (otherwise binary DER).
    #[must_use]
    pub fn is_pem(self) -> bool {
        matches!(
            self,
            Self::Pkcs8Pem | Self::EncryptedPkcs8Pem | Self::Sec1Pem
        )
    }

    /// A stable machine name, e.g. `pkcs8-pem`, `encrypted-pkcs8-der`, `pkcs12`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Self::Pkcs8Pem => "pkcs8-pem",
            Self::Pkcs8Der => "pkcs8-der",
            Self::EncryptedPkcs8Pem => "encrypted-pkcs8-pem",
            Self::EncryptedPkcs8Der => "encrypted-pkcs8-der",
            Self::Sec1Pem => "sec1-pem",
            Self::Sec1Der => "sec1-der",
            Self::Pkcs12 => "pkcs12",
        }
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pkcs8Pem => "PKCS#8 PEM (PRIVATE KEY)",
            Self::Pkcs8Der => "PKCS#8 DER",
            Self::EncryptedPkcs8Pem => "encrypted PKCS#8 PEM (ENCRYPTED PRIVATE KEY)",
            Self::EncryptedPkcs8Der => "encrypted PKCS#8 DER",
            Self::Sec1Pem => "SEC1 PEM (EC PRIVATE KEY)",
            Self::Sec1Der => "SEC1 DER",
            Self::Pkcs12 => "PKCS#12",
        })
    }
}

/// Why a key file could not be read. The messages say what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The input is over [`MAX_KEY_FILE_SIZE`].
    #[error("the key file is {found} bytes, over the limit of {limit} bytes (is it really a key?)")]
    TooLarge {
        /// The cap.
        limit: usize,
        /// The size found.
        found: usize,
    },
    /// The input is a recognisable object, but not a private key (a certificate, a public key).
    #[error("this file holds {found}, not a private key")]
    NotAKey {
        /// What it holds, e.g. "a certificate (PEM CERTIFICATE)".
        found: Cow<'static, str>,
    },
    /// The input is none of the formats eseal reads.
    #[error(
        "not a key file eseal recognises ({detail}); expected PKCS#8, encrypted PKCS#8 or SEC1 in PEM or DER, or PKCS#12"
    )]
    UnknownFormat {
        /// What was found instead.
        detail: Cow<'static, str>,
    },
    /// The key is encrypted and no password was given.
    #[error("this key is encrypted ({format}): give a password")]
    PasswordRequired {
        /// The format found.
        format: KeyFormat,
    },
    /// The password does not decrypt the key.
    #[error("wrong password: it does not decrypt this {format} key (or the file is corrupted)")]
    WrongPassword {
        /// The format found.
        format: KeyFormat,
    },
    /// A format, algorithm or option eseal recognises but does not read.
    #[error("unsupported key file: {detail}")]
    Unsupported {
        /// What is unsupported and, where possible, how to convert the file.
        detail: Cow<'static, str>,
    },
    /// The format was recognised but its content is broken or not an SM2 key.
    #[error("unreadable {format} key: {error}")]
    Invalid {
        /// The format found.
        format: KeyFormat,
        /// What is wrong.
        error: CryptoError,
    },
    /// A PKCS#12 file that could not be read (other than a wrong password).
    #[error("unreadable PKCS#12 file: {0}")]
    Pkcs12(Pkcs12Error),
    /// Writing a key in the requested format failed.
    #[error("cannot write the key as {format}: {error}")]
    Encode {
        /// The requested format.
        format: KeyFormat,
        /// Why.
        error: CryptoError,
    },
}

/// A key read from a key file: the format found, the key, and the certificates the file
/// carried (only PKCS#12 files carry any).
pub struct KeyFile {
    format: KeyFormat,
    key: SecretKey,
    certificates: Vec<Certificate>,
}

impl KeyFile {
    /// The format the file was in.
    #[must_use]
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The SM2 private key.
    #[must_use]
    pub fn secret_key(&self) -> &SecretKey {
        &self.key
    }

    /// The SM2 private key, by value.
    #[must_use]
    pub fn into_secret_key(self) -> SecretKey {
        self.key
    }

    /// Certificates stored beside the key. Empty for PKCS#8 and SEC1 files, which hold none.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("format", &self.format)
            .field("public_key", self.key.public_key())
            .field("certificates", &self.certificates.len())
            .finish_non_exhaustive()
    }
}

/// Names the format of a key file without decrypting or parsing the key itself.
///
/// # Errors
///
/// [`KeyFileError::TooLarge`], [`KeyFileError::NotAKey`] (a certificate, public key or CRL),
/// [`KeyFileError::UnknownFormat`], or [`KeyFileError::Unsupported`] for OpenSSL's legacy
/// PEM encryption (`Proc-Type: 4,ENCRYPTED`).
pub fn detect(input: &[u8]) -> Result<KeyFormat, KeyFileError> {
    locate(input).map(|(format, _)| format)
}

/// Reads the SM2 private key of a key file in any [`KeyFormat`].
///
/// `password` is used only when the file is encrypted (pass the UTF-8 bytes of a text
/// password, as OpenSSL does); it is ignored for plain keys.
///
/// # Errors
///
/// As [`detect`], plus [`KeyFileError::PasswordRequired`] when the file is encrypted and
/// `password` is `None`, [`KeyFileError::WrongPassword`], [`KeyFileError::Pkcs12`] for an
/// unreadable PKCS#12 file, [`KeyFileError::Unsupported`] for encryption schemes eseal does not
/// implement or a PKCS#12 file without an SM2 key, and
/// [`KeyFileError::Invalid`] for a broken key or a key on another curve.
pub fn read(input: &[u8], password: Option<&[u8]>) -> Result<KeyFile, KeyFileError> {
    let (format, der) = locate(input)?;
    let invalid = |error: CryptoError| KeyFileError::Invalid { format, error };
    let key = match format {
        KeyFormat::Pkcs8Pem | KeyFormat::Pkcs8Der => {
            SecretKey::from_pkcs8_der(&der).map_err(invalid)?
        }
        KeyFormat::Sec1Pem | KeyFormat::Sec1Der => {
            SecretKey::from_sec1_der(&der).map_err(invalid)?
        }
        KeyFormat::EncryptedPkcs8Pem | KeyFormat::EncryptedPkcs8Der => {
            let password = password.ok_or(KeyFileError::PasswordRequired { format })?;
            SecretKey::from_encrypted_pkcs8_der(&der, password).map_err(|e| match e {
                CryptoError::WrongPassword => KeyFileError::WrongPassword { format },
                CryptoError::Unsupported { what, detail } => KeyFileError::Unsupported {
                    detail: format!("{what} {detail}").into(),
                },
                other => invalid(other),
            })?
        }
        KeyFormat::Pkcs12 => {
            let password = password.ok_or(KeyFileError::PasswordRequired { format })?;
            return read_pkcs12(&der, password);
        }
    };
    Ok(KeyFile {
        format,
        key,
        certificates: Vec::new(),
    })
}

/// The SM2 key of a PKCS#12 file and its certificates (the key's own certificate first).
fn read_pkcs12(der: &[u8], password: &[u8]) -> Result<KeyFile, KeyFileError> {
    let format = KeyFormat::Pkcs12;
    // PKCS#12 passwords are text (BMPString for the legacy KDF, UTF-8 for PBES2).
    let password = core::str::from_utf8(password).map_err(|_| KeyFileError::Unsupported {
        detail: "PKCS#12 passwords must be UTF-8 text".into(),
    })?;
    let p12 = Pkcs12::from_der(der, password).map_err(|e| match e {
        Pkcs12Error::WrongPassword { .. } => KeyFileError::WrongPassword { format },
        other => KeyFileError::Pkcs12(other),
    })?;
    let Some((key, own)) = p12.key_and_certificate() else {
        let detail = match p12.keys().first().map(|k| k.key()) {
            Some(PrivateKey::Other { algorithm, .. }) => {
                format!("the PKCS#12 file holds a non-SM2 key (algorithm {algorithm})")
            }
            _ => "the PKCS#12 file holds no SM2 private key with its certificate".to_owned(),
        };
        return Err(KeyFileError::Unsupported {
            detail: detail.into(),
        });
    };
    // SecretKey is deliberately not Clone: copy the scalar through a zeroizing buffer.
    let key = SecretKey::from_bytes(key.to_bytes().as_ref())
        .map_err(|error| KeyFileError::Invalid { format, error })?;
    let mut certificates = vec![own.clone()];
    certificates.extend(
        p12.certificates()
            .iter()
            .map(|entry| entry.certificate())
            .filter(|c| c.as_der() != own.as_der())
            .cloned(),
    );
    Ok(KeyFile {
        format,
        key,
        certificates,
    })
}

/// Writes `key` in `format`. Encrypted formats need `password` (and use `options` and `rng`
/// for PBES2); plain formats refuse one, so a password is never silently dropped.
///
/// # Errors
///
/// [`KeyFileError::Unsupported`] for [`KeyFormat::Pkcs12`] (use [`crate::pki::Pkcs12Builder`],
/// which also takes the certificate) and for a password with a plain
/// format, [`KeyFileError::PasswordRequired`] for an encrypted format without a password,
/// [`KeyFileError::Encode`] when encryption fails (bad iteration count, RNG failure).
pub fn encode<R: TryCryptoRng + ?Sized>(
    key: &SecretKey,
    format: KeyFormat,
    password: Option<&[u8]>,
    options: &EncryptOptions,
    rng: &mut R,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    if password.is_some() && !format.is_encrypted() {
        return Err(KeyFileError::Unsupported {
            detail: format!("{format} keys are not encrypted; choose an encrypted format").into(),
        });
    }
    let encode_err = |error: CryptoError| KeyFileError::Encode { format, error };
    let needs_password = || KeyFileError::PasswordRequired { format };
    Ok(match format {
        KeyFormat::Pkcs8Pem => Zeroizing::new(key.to_pkcs8_pem().as_bytes().to_vec()),
        KeyFormat::Pkcs8Der => key.to_pkcs8_der(),
        KeyFormat::Sec1Pem => Zeroizing::new(key.to_sec1_pem().as_bytes().to_vec()),
        KeyFormat::Sec1Der => key.to_sec1_der(),
        KeyFormat::EncryptedPkcs8Pem => {
            let password = password.ok_or_else(needs_password)?;
            let pem = key
                .to_encrypted_pkcs8_pem(password, options, rng)
                .map_err(encode_err)?;
            Zeroizing::new(pem.into_bytes())
        }
        KeyFormat::EncryptedPkcs8Der => {
            let password = password.ok_or_else(needs_password)?;
            Zeroizing::new(
                key.to_encrypted_pkcs8_der(password, options, rng)
                    .map_err(encode_err)?,
            )
        }
        KeyFormat::Pkcs12 => {
            return Err(KeyFileError::Unsupported {
                detail: "writing PKCS#12 files is not supported yet".into(),
            });
        }
    })
}

/// [`encode`] with salt and IV from the operating system's generator.
///
/// # Errors
///
/// As [`encode`].
#[cfg(feature = "getrandom")]
pub fn encode_os(
    key: &SecretKey,
    format: KeyFormat,
    password: Option<&[u8]>,
    options: &EncryptOptions,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    encode(
        key,
        format,
        password,
        options,
        &mut sm2::elliptic_curve::common::getrandom::SysRng,
    )
}

/// The SM3 fingerprint of a public key: SM3 over the DER `SubjectPublicKeyInfo`
/// (`id-ecPublicKey`, `sm2`), the same bytes `openssl pkey -pubout -outform DER` writes, so
/// `openssl pkey -pubout -outform DER | openssl dgst -sm3` gives the same value.
#[must_use]
pub fn public_key_fingerprint_sm3(key: &PublicKey) -> [u8; 32] {
    crate::crypto::sm3::sm3(&key.to_spki_der())
}

/// Finds the format and the DER of the key inside `input`.
fn locate(input: &[u8]) -> Result<(KeyFormat, Zeroizing<Vec<u8>>), KeyFileError> {
    if input.len() > MAX_KEY_FILE_SIZE {
        return Err(KeyFileError::TooLarge {
            limit: MAX_KEY_FILE_SIZE,
            found: input.len(),
        });
    }
    if pem::looks_like_pem(input) {
        locate_pem(input)
    } else if looks_like_ber_pfx(input) {
        // Real PKCS#12 files are often BER (Java keytool, Windows, ofdrw): the DER sniffer below
        // refuses indefinite lengths, and PFX is the only BER key container, so hand it over.
        Ok((KeyFormat::Pkcs12, Zeroizing::new(input.to_vec())))
    } else {
        let format = detect_der(input)?;
        Ok((format, Zeroizing::new(input.to_vec())))
    }
}

/// `SEQUENCE` (indefinite length) `{ INTEGER 3, …`: the start of a BER-encoded PKCS#12 `PFX`.
fn looks_like_ber_pfx(input: &[u8]) -> bool {
    input.starts_with(&[0x30, 0x80, 0x02, 0x01, 0x03])
}

fn locate_pem(input: &[u8]) -> Result<(KeyFormat, Zeroizing<Vec<u8>>), KeyFileError> {
    let blocks = pem::blocks(input, MAX_PEM_BLOCKS).map_err(|e| KeyFileError::UnknownFormat {
        detail: e.to_string().into(),
    })?;
    let mut found: Option<(KeyFormat, Zeroizing<Vec<u8>>)> = None;
    for block in &blocks {
        let format = match block.label.as_str() {
            "PRIVATE KEY" => KeyFormat::Pkcs8Pem,
            "ENCRYPTED PRIVATE KEY" => KeyFormat::EncryptedPkcs8Pem,
            // OpenSSL 3 labels the SEC1 form of an SM2 key `SM2 PRIVATE KEY` (`openssl ec`).
            "EC PRIVATE KEY" | "SM2 PRIVATE KEY" => KeyFormat::Sec1Pem,
            _ => continue,
        };
        if block.legacy_encrypted {
            return Err(KeyFileError::Unsupported {
                detail: "OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert with \
                         `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out key.pem`"
                    .into(),
            });
        }
        if found.is_some() {
            return Err(KeyFileError::UnknownFormat {
                detail: "the PEM text holds more than one private key; give a file with one".into(),
            });
        }
        found = Some((format, Zeroizing::new(block.der.clone())));
    }
    if let Some(found) = found {
        return Ok(found);
    }
    let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
    match labels.first() {
        None => Err(KeyFileError::UnknownFormat {
            detail: "PEM text without a complete block".into(),
        }),
        Some(&"CERTIFICATE") => Err(not_a_key("a certificate (PEM CERTIFICATE)")),
        Some(&"PUBLIC KEY") => Err(not_a_key("a public key (PEM PUBLIC KEY)")),
        Some(&"X509 CRL") => Err(not_a_key("a CRL (PEM X509 CRL)")),
        Some(&"CERTIFICATE REQUEST") => {
            Err(not_a_key("a certificate request (PEM CERTIFICATE REQUEST)"))
        }
        Some(_) => Err(KeyFileError::UnknownFormat {
            detail: format!("PEM blocks {}", labels.join(", ")).into(),
        }),
    }
}

fn not_a_key(found: &'static str) -> KeyFileError {
    KeyFileError::NotAKey {
        found: found.into(),
    }
}

/// Tells the DER key formats apart by their first two elements:
///
/// ```text
/// PrivateKeyInfo          ::= SEQUENCE { INTEGER 0|1, SEQUENCE (algorithm), OCTET STRING, … }
/// ECPrivateKey            ::= SEQUENCE { INTEGER 1, OCTET STRING, … }
/// EncryptedPrivateKeyInfo ::= SEQUENCE { SEQUENCE (algorithm), OCTET STRING }
/// PFX                     ::= SEQUENCE { INTEGER 3, SEQUENCE (ContentInfo), … }
/// SubjectPublicKeyInfo    ::= SEQUENCE { SEQUENCE (algorithm), BIT STRING }
/// Certificate, CRL        ::= SEQUENCE { SEQUENCE (tbs), SEQUENCE (algorithm), BIT STRING }
/// ```
fn detect_der(input: &[u8]) -> Result<KeyFormat, KeyFileError> {
    let unknown = |detail: String| KeyFileError::UnknownFormat {
        detail: detail.into(),
    };
    let outer = AnyRef::from_der(input)
        .map_err(|e| unknown(format!("neither PEM text nor a DER object: {e}")))?;
    if outer.tag() != Tag::Sequence {
        return Err(unknown(format!(
            "a DER {} instead of a SEQUENCE",
            outer.tag()
        )));
    }
    let mut reader =
        SliceReader::new(outer.value()).map_err(|e| unknown(format!("DER SEQUENCE: {e}")))?;
    let first = AnyRef::decode(&mut reader)
        .map_err(|e| unknown(format!("DER SEQUENCE whose first element is broken: {e}")))?;
    if reader.is_finished() {
        return Err(unknown("a DER SEQUENCE of one element".to_owned()));
    }
    let second = AnyRef::decode(&mut reader)
        .map_err(|e| unknown(format!("DER SEQUENCE whose second element is broken: {e}")))?;
    let version = (first.tag() == Tag::Integer).then(|| first.value());
    match (first.tag(), second.tag(), version) {
        (Tag::Integer, Tag::Sequence, Some([0] | [1])) => Ok(KeyFormat::Pkcs8Der),
        (Tag::Integer, Tag::Sequence, Some([3])) => Ok(KeyFormat::Pkcs12),
        (Tag::Integer, Tag::OctetString, Some([1])) => Ok(KeyFormat::Sec1Der),
        (Tag::Sequence, Tag::OctetString, _) => Ok(KeyFormat::EncryptedPkcs8Der),
        (Tag::Sequence, Tag::BitString, _) => {
            Err(not_a_key("a public key (DER SubjectPublicKeyInfo)"))
        }
        (Tag::Sequence, Tag::Sequence, _) => Err(not_a_key("a certificate or CRL (DER)")),
        (a, b, _) => Err(unknown(format!("a DER SEQUENCE starting {a}, {b}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_bytes(&[7u8; 32]).unwrap()
    }

    fn quick() -> EncryptOptions {
        EncryptOptions::new().with_iterations(1000)
    }

    #[test]
    fn every_plain_format_round_trips() {
        let k = key();
        for format in [
            KeyFormat::Pkcs8Pem,
            KeyFormat::Pkcs8Der,
            KeyFormat::Sec1Pem,
            KeyFormat::Sec1Der,
        ] {
            let bytes = encode_os(&k, format, None, &quick()).unwrap();
            assert_eq!(detect(&bytes).unwrap(), format);
            let file = read(&bytes, Some(b"ignored")).unwrap();
            assert_eq!(file.format(), format);
            assert_eq!(file.secret_key().public_key(), k.public_key());
            assert!(file.certificates().is_empty());
            assert_eq!(format.is_pem(), bytes.starts_with(b"-----BEGIN"));
        }
    }

    #[test]
    fn encrypted_formats_need_the_right_password() {
        let k = key();
        for format in [KeyFormat::EncryptedPkcs8Pem, KeyFormat::EncryptedPkcs8Der] {
            let bytes = encode_os(&k, format, Some(b"pw"), &quick()).unwrap();
            assert_eq!(detect(&bytes).unwrap(), format);
            assert!(format.is_encrypted());
            assert_eq!(
                read(&bytes, None).unwrap_err(),
                KeyFileError::PasswordRequired { format }
            );
            assert_eq!(
                read(&bytes, Some(b"nope")).unwrap_err(),
                KeyFileError::WrongPassword { format }
            );
            let file = read(&bytes, Some(b"pw")).unwrap();
            assert_eq!(file.secret_key().public_key(), k.public_key());
            assert_eq!(
                encode_os(&k, format, None, &quick()).unwrap_err(),
                KeyFileError::PasswordRequired { format }
            );
        }
        assert!(matches!(
            encode_os(&k, KeyFormat::Pkcs8Pem, Some(b"pw"), &quick()),
            Err(KeyFileError::Unsupported { .. })
        ));
    }

    #[test]
    fn pem_with_other_blocks_and_text() {
        let k = key();
        let text = format!(
            "Bag Attributes\n-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n{}",
            k.to_sec1_pem().as_str()
        );
        let file = read(text.as_bytes(), None).unwrap();
        assert_eq!(file.format(), KeyFormat::Sec1Pem);
        let openssl3 = k.to_sec1_pem().replace("EC PRIVATE KEY", "SM2 PRIVATE KEY");
        let file = read(openssl3.as_bytes(), None).unwrap();
        assert_eq!(file.secret_key().public_key(), k.public_key());
        let two = format!("{}{}", k.to_pkcs8_pem().as_str(), k.to_pkcs8_pem().as_str());
        assert!(matches!(
            read(two.as_bytes(), None),
            Err(KeyFileError::UnknownFormat { .. })
        ));
    }

    #[test]
    fn not_keys_are_named() {
        let k = key();
        let spki_pem = k.public_key().to_spki_pem();
        assert!(matches!(
            detect(spki_pem.as_bytes()),
            Err(KeyFileError::NotAKey { .. })
        ));
        assert!(matches!(
            detect(&k.public_key().to_spki_der()),
            Err(KeyFileError::NotAKey { .. })
        ));
        for garbage in [
            &b""[..],
            b"hello",
            b"\x30\x03\x02\x01\x05",
            b"\x04\x00",
            &[0u8; 40],
        ] {
            assert!(
                matches!(detect(garbage), Err(KeyFileError::UnknownFormat { .. })),
                "{garbage:?}"
            );
        }
        let pfx = [0x30, 0x06, 0x02, 0x01, 0x03, 0x30, 0x01, 0x00];
        assert_eq!(detect(&pfx).unwrap(), KeyFormat::Pkcs12);
        assert!(matches!(
            read(&pfx, None),
            Err(KeyFileError::PasswordRequired { .. })
        ));
        assert!(matches!(
            read(&pfx, Some(b"x")),
            Err(KeyFileError::Pkcs12(_))
        ));
        assert!(matches!(
            read(&vec![b'a'; MAX_KEY_FILE_SIZE + 1], None),
            Err(KeyFileError::TooLarge { .. })
        ));
    }

    #[test]
    fn legacy_pem_encryption_is_refused_with_advice() {
        let text = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMAA=\n-----END EC PRIVATE KEY-----\n";
        let err = detect(text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");
    }

    #[test]
    fn corrupted_key_is_invalid_not_unknown() {
        let mut der = key().to_pkcs8_der().to_vec();
        if let Some(last) = der.last_mut() {
            *last ^= 1; // the embedded public key no longer matches
        }
        assert!(matches!(
            read(&der, None),
            Err(KeyFileError::Invalid {
                format: KeyFormat::Pkcs8Der,
                ..
            })
        ));
    }

    #[test]
    fn fingerprint_is_sm3_of_spki() {
        let k = key();
        assert_eq!(
            public_key_fingerprint_sm3(k.public_key()),
            crate::crypto::sm3::sm3(&k.public_key().to_spki_der())
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let k = key();
        let bytes = encode_os(&k, KeyFormat::Pkcs8Der, None, &quick()).unwrap();
        let file = read(&bytes, None).unwrap();
        let shown = format!("{file:?}");
        assert!(!shown.contains("0707070707"), "{shown}");
    }
}
