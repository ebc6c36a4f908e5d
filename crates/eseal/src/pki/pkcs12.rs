//! PKCS#12 key stores (`.p12` / `.pfx`, RFC 7292): read the SM2 key and certificates of a
//! password-protected file, and write one.
//!
//! # Reading
//!
//! [`Pkcs12::from_der`] takes the file (DER or BER: Bouncy Castle and therefore ofdrw write
//! indefinite lengths) and its password, checks the password MAC, decrypts every bag and
//! returns the keys ([`KeyEntry`]) and certificates ([`CertificateEntry`]) with their
//! `friendlyName` and `localKeyId`, each key paired with the certificate holding its public key.
//!
//! | protection | read |
//! |---|---|
//! | MAC (RFC 7292 §5, Appendix B KDF) | HMAC with SHA-1, SHA-256 or SM3; PBMAC1 (RFC 9579) is reported as unsupported |
//! | `pkcs-12PbeIds` (Appendix C) | `pbeWithSHAAnd3-KeyTripleDES-CBC`, `…2-KeyTripleDES-CBC`, `…128BitRC2-CBC`, `…40BitRC2-CBC`; RC4 is refused by name |
//! | PBES2 (RFC 8018) | PBKDF2 with HMAC-SM3, HMAC-SHA-256 or HMAC-SHA-1; SM4-, AES-128- or AES-256-CBC (see [`crate::crypto::pbes2`]) |
//! | bags | `keyBag`, `pkcs8ShroudedKeyBag`, `certBag` (`x509Certificate`), nested `safeContentsBag`; others are listed in [`Pkcs12::skipped_bags`] |
//!
//! A file without a MAC is refused ([`Pkcs12Error::MacMissing`]) unless
//! [`ReadOptions::allow_missing_mac`] says otherwise, because nothing then shows that the
//! certificates were not swapped. Public-key integrity and privacy modes (`signedData`,
//! `envelopedData`) are reported as unsupported.
//!
//! A wrong password is [`Pkcs12Error::WrongPassword`], never garbage: the MAC fails, or (with no
//! MAC) the padding or structure of the decrypted data does.
//!
//! # Writing
//!
//! [`Pkcs12Builder`] writes an SM2 key, its certificate and a chain, with a `friendlyName`
//! and a `localKeyId` (SHA-1 of the certificate, as OpenSSL does), in OpenSSL 3's layout.
//! The protection is a [`Pkcs12Encryption`]:
//!
//! - [`Pkcs12Encryption::Aes256Sha256`] (default): PBES2 with PBKDF2-HMAC-SHA-256 and
//!   AES-256-CBC for the key and the certificates, MAC HMAC-SHA-256. This is what
//!   `openssl pkcs12 -export` writes by default, and every OpenSSL 3 reads it without `-legacy`.
//! - [`Pkcs12Encryption::Sm4Sm3`]: the national algorithms, PBES2 with PBKDF2-HMAC-SM3
//!   (`1.2.156.10197.1.401.2`, as GmSSL writes it) and SM4-CBC, MAC HMAC-SM3. OpenSSL 3.0 checks
//!   that MAC, but cannot decrypt the bags: it does not know that PRF OID.
//!
//! # Passwords
//!
//! Passwords are text. The Appendix B KDF (MAC and legacy PBE) takes them as a `BMPString`
//! (UTF-16BE and two zero bytes); PBES2 takes their UTF-8 bytes, as OpenSSL does. For an empty
//! password, some writers use no bytes at all instead of the encoded empty string; the reader
//! tries both, as OpenSSL does.
//!
//! # Limits
//!
//! Files over [`MAX_PKCS12_SIZE`] are refused before parsing; at most [`MAX_CONTENT_INFOS`]
//! content infos, [`MAX_BAGS`] bags and [`MAX_BAG_NESTING`] levels of nested bags are read.
//! Each iteration count is at most [`MAX_ITERATIONS`], and all key derivations of one file
//! together at most [`MAX_TOTAL_ITERATIONS`] hash iterations.
//!
//! ```
//! # #[cfg(feature = "getrandom")] {
//! use eseal::crypto::SecretKey;
//! use eseal::pki::{
//!     CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName, Pkcs12,
//!     Pkcs12Builder, SoftwareSigner, Time,
//! };
//! # let mut rng = eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng);
//! let template = CertificateTemplate::new(
//!     CertificateProfile::Root { path_len: None },
//!     DistinguishedName::new().common_name("Demo"),
//!     Time::from_unix_seconds(1_704_067_200),
//!     Time::from_unix_seconds(1_735_689_600),
//! );
//! let ca = CertificateAuthority::self_signed(SoftwareSigner::generate(&mut rng)?, &template, &mut rng)?;
//! let key = ca.signer().secret_key();
//! let p12 = Pkcs12Builder::new(key, ca.certificate())
//!     .friendly_name("demo")
//!     .iterations(2_048)
//!     .build("secret", &mut rng)?;
//!
//! let store = Pkcs12::from_der(&p12, "secret")?;
//! let (secret, certificate) = store.key_and_certificate().expect("one key with its certificate");
//! assert_eq!(certificate, ca.certificate());
//! assert_eq!(secret.public_key(), key.public_key());
//! assert!(Pkcs12::from_der(&p12, "wrong").is_err());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod asn1;
mod pbe;
mod read;
mod write;

use std::borrow::Cow;

use der::asn1::ObjectIdentifier;
use rand_core::TryCryptoRng;

use crate::crypto::{CryptoError, SecretKey};
use crate::pki::{Certificate, PkiError};

/// Largest PKCS#12 file eseal reads (1 MiB); a key with a certificate chain takes a few KiB.
pub const MAX_PKCS12_SIZE: usize = 1024 * 1024;
/// Most `ContentInfo`s in the `AuthenticatedSafe` (64).
pub const MAX_CONTENT_INFOS: usize = 64;
/// Most `SafeBag`s in one file, nested ones included (1,024).
pub const MAX_BAGS: usize = 1024;
/// Deepest nesting of `safeContentsBag`s (4).
pub const MAX_BAG_NESTING: usize = 4;
/// Largest iteration count eseal reads or writes (10,000,000), as for PBES2 keys.
pub const MAX_ITERATIONS: u32 = crate::crypto::pbes2::MAX_ITERATIONS;
/// Most hash iterations all key derivations of one file may take together (50,000,000).
pub const MAX_TOTAL_ITERATIONS: u64 = 50_000_000;
/// Longest friendly name eseal writes, in UTF-16 code units.
pub const MAX_FRIENDLY_NAME: usize = 1024;
/// Iterations eseal writes unless told otherwise (600,000, as for encrypted PKCS#8 keys).
pub const DEFAULT_ITERATIONS: u32 = crate::crypto::pbes2::DEFAULT_ITERATIONS;

/// Everything that can go wrong reading or writing a PKCS#12 file.
///
/// Kept apart as elsewhere in eseal: input that breaks RFC 7292 or its encodings (`Malformed`,
/// `TooLarge`, `TooMany`, `TooDeep`), a password that does not open the file
/// (`WrongPassword`), valid input eseal does not implement (`Unsupported`), limits on work
/// (`InvalidParameter`, `WorkLimit`), and caller mistakes when writing (`InvalidArgument`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// Bytes that should be a PKCS#12 structure are not.
    #[error("malformed PKCS#12 {what}: {detail}")]
    Malformed {
        /// What was being read, e.g. "SafeContents".
        what: &'static str,
        /// What is wrong, with the byte offset where the decoder reported one.
        detail: Cow<'static, str>,
    },
    /// The file is over [`MAX_PKCS12_SIZE`]; refused before parsing.
    #[error("the PKCS#12 file is {found} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
        /// The size found.
        found: usize,
    },
    /// More entries than eseal reads.
    #[error("the {what} holds more than {limit} entries")]
    TooMany {
        /// What was refused.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// `safeContentsBag`s nested deeper than [`MAX_BAG_NESTING`].
    #[error("PKCS#12 bags are nested more than {limit} levels deep")]
    TooDeep {
        /// The cap.
        limit: usize,
    },
    /// The password does not open the file, or the file was altered: the MAC does not match,
    /// or decrypted data has bad padding or structure.
    #[error("wrong password, or the PKCS#12 file was altered: the {what} does not check out")]
    WrongPassword {
        /// What failed: "integrity MAC", "pkcs8ShroudedKeyBag", "encrypted SafeContents".
        what: &'static str,
    },
    /// The file has no MAC, so neither the password nor the certificates can be checked.
    #[error(
        "the PKCS#12 file has no integrity MAC, so its contents cannot be checked; \
         re-export it with a MAC, or read it with ReadOptions::allow_missing_mac"
    )]
    MacMissing,
    /// Something valid that eseal does not implement; the message names the OID.
    #[error("unsupported {what}: {detail}")]
    Unsupported {
        /// What kind of thing, e.g. "PKCS#12 encryption algorithm".
        what: &'static str,
        /// Which one.
        detail: Cow<'static, str>,
    },
    /// A parameter read from the file is out of range (an iteration count of 0 or above
    /// [`MAX_ITERATIONS`]).
    #[error("invalid {what}: {detail}")]
    InvalidParameter {
        /// Which parameter.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
    /// The file asks for more key-derivation work in total than [`MAX_TOTAL_ITERATIONS`].
    #[error(
        "the PKCS#12 file asks for more than {limit} key-derivation iterations in total; \
         refused as too expensive"
    )]
    WorkLimit {
        /// The cap.
        limit: u64,
    },
    /// A certificate bag does not hold a readable certificate.
    #[error("certificate {index} of the PKCS#12 file: {error}")]
    Certificate {
        /// Position among the file's certificates (0-based).
        index: usize,
        /// Why it cannot be read.
        error: PkiError,
    },
    /// An SM2 private key that cannot be read (a scalar out of range, a broken `ECPrivateKey`).
    #[error("private key {index} of the PKCS#12 file: {error}")]
    PrivateKey {
        /// Position among the file's keys (0-based).
        index: usize,
        /// Why it cannot be read.
        error: CryptoError,
    },
    /// Another cryptographic failure.
    #[error("{what}: {error}")]
    Crypto {
        /// What was being processed.
        what: &'static str,
        /// The failure.
        error: CryptoError,
    },
    /// A value passed to [`Pkcs12Builder`] is unusable.
    #[error("invalid {what}: {detail}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
    /// The random number generator failed.
    #[error("the random number generator failed")]
    Rng,
}

impl Pkcs12Error {
    pub(crate) fn malformed(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }
}

/// Options for [`Pkcs12::from_der_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Accept a file without a MAC (`openssl pkcs12 -export -nomac`). Off by default.
    pub allow_missing_mac: bool,
}

impl ReadOptions {
    /// The defaults: a MAC is required.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a file without a MAC is accepted.
    #[must_use]
    pub fn allow_missing_mac(mut self, allow: bool) -> Self {
        self.allow_missing_mac = allow;
        self
    }
}

/// A private key from a key bag.
#[derive(Debug)]
#[non_exhaustive]
pub enum PrivateKey {
    /// An SM2 key (`id-ecPublicKey` with the `sm2` curve, or the `sm2` algorithm OID).
    Sm2(SecretKey),
    /// A key of another algorithm (RSA, another curve…), not decoded further.
    Other {
        /// The `PrivateKeyInfo` algorithm OID, e.g. `1.2.840.113549.1.1.1` for RSA.
        algorithm: ObjectIdentifier,
        /// The algorithm parameter when it is an OID (the curve of an EC key).
        parameter: Option<ObjectIdentifier>,
    },
}

/// A private key found in the file, with its bag attributes.
#[derive(Debug)]
pub struct KeyEntry {
    key: PrivateKey,
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    certificate: Option<usize>,
    encrypted: bool,
}

impl KeyEntry {
    /// The key.
    #[must_use]
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The key when it is SM2.
    #[must_use]
    pub fn sm2_key(&self) -> Option<&SecretKey> {
        match &self.key {
            PrivateKey::Sm2(key) => Some(key),
            PrivateKey::Other { .. } => None,
        }
    }

    /// The `friendlyName` attribute (the "alias"), if present.
    #[must_use]
    pub fn friendly_name(&self) -> Option<&str> {
        self.friendly_name.as_deref()
    }

    /// The `localKeyId` attribute, if present.
    #[must_use]
    pub fn local_key_id(&self) -> Option<&[u8]> {
        self.local_key_id.as_deref()
    }

    /// Index into [`Pkcs12::certificates`] of this key's certificate: for an SM2 key the one
    /// holding its public key (preferring the same `localKeyId`), for other keys the one with
    /// the same `localKeyId`.
    #[must_use]
    pub fn certificate_index(&self) -> Option<usize> {
        self.certificate
    }

    /// Whether the key came from a `pkcs8ShroudedKeyBag` (encrypted) rather than a `keyBag`.
    #[must_use]
    pub fn was_encrypted(&self) -> bool {
        self.encrypted
    }
}

/// A certificate found in the file, with its bag attributes.
#[derive(Debug, Clone)]
pub struct CertificateEntry {
    certificate: Certificate,
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
}

impl CertificateEntry {
    /// The certificate.
    #[must_use]
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The `friendlyName` attribute, if present.
    #[must_use]
    pub fn friendly_name(&self) -> Option<&str> {
        self.friendly_name.as_deref()
    }

    /// The `localKeyId` attribute, if present.
    #[must_use]
    pub fn local_key_id(&self) -> Option<&[u8]> {
        self.local_key_id.as_deref()
    }
}

/// How the file's MAC was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MacInfo {
    /// The digest OID of the HMAC (SHA-1 `1.3.14.3.2.26`, SHA-256, or SM3).
    pub digest: ObjectIdentifier,
    /// The iteration count of the MAC key derivation.
    pub iterations: u32,
}

/// The contents of a PKCS#12 file whose password was checked.
///
/// Secret keys are wiped from memory when this value is dropped.
#[derive(Debug)]
pub struct Pkcs12 {
    keys: Vec<KeyEntry>,
    certificates: Vec<CertificateEntry>,
    mac: Option<MacInfo>,
    skipped: Vec<ObjectIdentifier>,
}

impl Pkcs12 {
    /// Reads a PKCS#12 file (DER or BER) protected by `password`; a MAC is required.
    ///
    /// # Errors
    /// [`Pkcs12Error::WrongPassword`] when the password does not open the file; the other
    /// variants for files that are malformed, too large or too expensive, or use something
    /// eseal does not read (the message names the OID).
    pub fn from_der(input: &[u8], password: &str) -> Result<Self, Pkcs12Error> {
        read::read(input, password, &ReadOptions::default())
    }

    /// As [`Pkcs12::from_der`], with options.
    ///
    /// # Errors
    /// As [`Pkcs12::from_der`].
    pub fn from_der_with(
        input: &[u8],
        password: &str,
        options: &ReadOptions,
    ) -> Result<Self, Pkcs12Error> {
        read::read(input, password, options)
    }

    /// The private keys, in file order.
    #[must_use]
    pub fn keys(&self) -> &[KeyEntry] {
        &self.keys
    }

    /// The certificates, in file order.
    #[must_use]
    pub fn certificates(&self) -> &[CertificateEntry] {
        &self.certificates
    }

    /// The MAC that was checked, or `None` for a file read with
    /// [`ReadOptions::allow_missing_mac`] that has none.
    #[must_use]
    pub fn mac(&self) -> Option<MacInfo> {
        self.mac
    }

    /// Bag types (and certificate types) that were present but not read, e.g. `crlBag`,
    /// `secretBag`, `sdsiCertificate`.
    #[must_use]
    pub fn skipped_bags(&self) -> &[ObjectIdentifier] {
        &self.skipped
    }

    /// The first SM2 key that has a certificate, with that certificate: the usual content of a
    /// signing key store.
    #[must_use]
    pub fn key_and_certificate(&self) -> Option<(&SecretKey, &Certificate)> {
        self.keys.iter().find_map(|entry| {
            let key = entry.sm2_key()?;
            let certificate = self.certificates.get(entry.certificate?)?;
            Some((key, &certificate.certificate))
        })
    }

    /// The certificate chain of `entry` as far as the file holds it: the key's certificate,
    /// then repeatedly a certificate whose subject is the previous one's issuer, until a
    /// self-issued one or none is found. Names are compared, signatures are not checked (use
    /// [`crate::pki::verify_path`] for that).
    #[must_use]
    pub fn chain(&self, entry: &KeyEntry) -> Vec<&Certificate> {
        let mut chain: Vec<&Certificate> = Vec::new();
        let Some(first) = entry
            .certificate
            .and_then(|i| self.certificates.get(i))
            .map(|c| &c.certificate)
        else {
            return chain;
        };
        chain.push(first);
        let mut current = first;
        while !current.is_self_issued() && chain.len() < self.certificates.len() {
            let next =
                self.certificates.iter().map(|c| &c.certificate).find(|c| {
                    c.subject() == current.issuer() && !chain.iter().any(|seen| seen == c)
                });
            match next {
                Some(next) => {
                    chain.push(next);
                    current = next;
                }
                None => break,
            }
        }
        chain
    }
}

/// The protection [`Pkcs12Builder`] writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs12Encryption {
    /// PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC for the key and the certificates, MAC
    /// HMAC-SHA-256 with the RFC 7292 KDF: OpenSSL 3's default, read by every OpenSSL 3
    /// without `-legacy`. The default, for interoperability.
    #[default]
    Aes256Sha256,
    /// PBES2 with PBKDF2-HMAC-SM3 (PRF `1.2.156.10197.1.401.2`) and SM4-CBC, MAC HMAC-SM3 with
    /// the RFC 7292 KDF over SM3. Read by eseal and GmSSL-style tools; OpenSSL 3.0 verifies the
    /// MAC but cannot decrypt the bags.
    Sm4Sm3,
}

/// Writes a PKCS#12 file holding one SM2 key, its certificate and optionally a chain.
///
/// ```
/// # fn demo(key: &eseal::crypto::SecretKey, cert: &eseal::pki::Certificate,
/// #         ca: &eseal::pki::Certificate) -> Result<(), eseal::pki::Pkcs12Error> {
/// use eseal::pki::{Pkcs12Builder, Pkcs12Encryption};
/// let mut builder = Pkcs12Builder::new(key, cert);
/// builder
///     .add_chain_certificate(ca)
///     .friendly_name("seal key")
///     .encryption(Pkcs12Encryption::Sm4Sm3);
/// # #[cfg(feature = "getrandom")]
/// let p12: Vec<u8> = builder.build_os("password")?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Pkcs12Builder<'a> {
    key: &'a SecretKey,
    certificate: &'a Certificate,
    chain: Vec<&'a Certificate>,
    friendly_name: Option<String>,
    encryption: Pkcs12Encryption,
    iterations: u32,
}

impl<'a> Pkcs12Builder<'a> {
    /// A file for `key` and its `certificate`, with [`Pkcs12Encryption::Aes256Sha256`] and
    /// [`DEFAULT_ITERATIONS`].
    #[must_use]
    pub fn new(key: &'a SecretKey, certificate: &'a Certificate) -> Self {
        Self {
            key,
            certificate,
            chain: Vec::new(),
            friendly_name: None,
            encryption: Pkcs12Encryption::default(),
            iterations: DEFAULT_ITERATIONS,
        }
    }

    /// Adds a certificate of the chain (issuer, then its issuer, …), written without
    /// attributes after the key's certificate.
    pub fn add_chain_certificate(&mut self, certificate: &'a Certificate) -> &mut Self {
        self.chain.push(certificate);
        self
    }

    /// Sets the `friendlyName` (alias) of the key and its certificate.
    pub fn friendly_name(&mut self, name: &str) -> &mut Self {
        self.friendly_name = Some(name.to_owned());
        self
    }

    /// Chooses the protection.
    pub fn encryption(&mut self, encryption: Pkcs12Encryption) -> &mut Self {
        self.encryption = encryption;
        self
    }

    /// Sets the iteration count of the key derivations (both PBES2 and the MAC), 1 to
    /// [`MAX_ITERATIONS`].
    pub fn iterations(&mut self, iterations: u32) -> &mut Self {
        self.iterations = iterations;
        self
    }

    /// Writes the file (DER); salts and IVs come from `rng`.
    ///
    /// # Errors
    /// [`Pkcs12Error::InvalidArgument`] when the certificate does not hold the key's public key,
    /// the iteration count is out of range or the friendly name is empty or too long;
    /// [`Pkcs12Error::Rng`] when `rng` fails.
    pub fn build<R: TryCryptoRng + ?Sized>(
        &self,
        password: &str,
        rng: &mut R,
    ) -> Result<Vec<u8>, Pkcs12Error> {
        write::build(self, password, rng)
    }

    /// [`build`](Self::build) with the operating system's random number generator.
    ///
    /// # Errors
    /// As [`build`](Self::build).
    #[cfg(feature = "getrandom")]
    pub fn build_os(&self, password: &str) -> Result<Vec<u8>, Pkcs12Error> {
        write::build(self, password, &mut cipher::common::getrandom::SysRng)
    }
}
