//! SM2 private and public keys and their encodings (SEC1, PKCS#8, SPKI, PEM).

use std::fmt;

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader, SliceReader, TagMode, TagNumber, Tagged};
use rand_core::TryCryptoRng;
use sm2::elliptic_curve::sec1::{FromSec1Point, ToSec1Point};
use sm2::elliptic_curve::subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{curve, pem};
use crate::crypto::CryptoError;
use crate::oid;

/// Bytes of an uncompressed SEC1 point `04 ‖ X ‖ Y`.
const UNCOMPRESSED_LEN: usize = 65;
/// Bytes of a compressed SEC1 point `02|03 ‖ X`.
const COMPRESSED_LEN: usize = 33;
/// How many 32-byte draws key generation makes before blaming the RNG. A uniform draw falls
/// outside `[1, n−2]` with probability about 2⁻³², so running out means the RNG is broken.
const MAX_GENERATE_ATTEMPTS: usize = 64;

/// `SEQUENCE { SEQUENCE { id-ecPublicKey, sm2 }, BIT STRING (66 bytes, 0 unused bits) ‖ …`:
/// everything of an SM2 `SubjectPublicKeyInfo` before the 65-byte point. The encoding is fixed
/// because the point always has the same length.
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, // SEQUENCE, 89 bytes
    0x30, 0x13, // AlgorithmIdentifier, 19 bytes
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // id-ecPublicKey
    0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, // sm2 (1.2.156.10197.1.301)
    0x03, 0x42, 0x00, // BIT STRING, 66 bytes, no unused bits
];

/// `ECPrivateKey` up to the private key: `SEQUENCE (119 bytes) { INTEGER 1, OCTET STRING (32)`.
const SEC1_PREFIX: [u8; 7] = [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
/// `[0] { sm2 }, [1] { BIT STRING (66 bytes, 0 unused bits)`, between key and point.
const SEC1_MIDDLE: [u8; 17] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, // [0] sm2
    0xa1, 0x44, 0x03, 0x42, 0x00, // [1] BIT STRING
];

/// PKCS#8 `PrivateKeyInfo` up to the private key: version 0, `{ id-ecPublicKey, sm2 }`, and
/// `OCTET STRING { ECPrivateKey { INTEGER 1, OCTET STRING (32)`. As OpenSSL does, the inner
/// `ECPrivateKey` omits the curve (it is in the AlgorithmIdentifier) and keeps the public key.
const PKCS8_PREFIX: [u8; 36] = [
    0x30, 0x81, 0x87, // SEQUENCE, 135 bytes
    0x02, 0x01, 0x00, // version 0
    0x30, 0x13, // AlgorithmIdentifier
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // id-ecPublicKey
    0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, // sm2
    0x04, 0x6d, // OCTET STRING, 109 bytes
    0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20, // ECPrivateKey { 1, OCTET STRING (32)
];
/// `[1] { BIT STRING (66 bytes, 0 unused bits)`, between key and point in the PKCS#8 form.
const PKCS8_MIDDLE: [u8; 5] = [0xa1, 0x44, 0x03, 0x42, 0x00];

/// An SM2 private key: a scalar `d ∈ [1, n−2]` (GB/T 32918.1 §6.1) with its public key `dG`.
///
/// The scalar is zeroized on drop and never printed: `Debug` shows only the public key.
/// What signing derives from the scalar (the public point, `(1 + d)⁻¹` and `Z` under the
/// default ID) is computed once, when the key is read, and kept for the life of the key, so a
/// signature costs one fixed-base scalar multiplication; the secret part of it is zeroized on
/// drop too. `SecretKey` is deliberately not `Clone`, so a key lives in one place; re-import it from
/// [`SecretKey::to_bytes`] if a copy is really needed.
///
/// Encodings read and written:
///
/// - raw: the 32-byte big-endian scalar ([`SecretKey::from_bytes`], [`SecretKey::to_bytes`]);
/// - SEC1 (RFC 5915) `ECPrivateKey`, as `openssl pkey -outform DER` writes it
///   ([`SecretKey::from_sec1_der`], [`SecretKey::to_sec1_der`], PEM label `EC PRIVATE KEY`);
/// - PKCS#8 (RFC 5208) `PrivateKeyInfo` with `id-ecPublicKey` and the `sm2` curve OID, as
///   `openssl genpkey -algorithm SM2` writes it ([`SecretKey::from_pkcs8_der`],
///   [`SecretKey::to_pkcs8_der`], PEM label `PRIVATE KEY`).
///
/// All outputs holding the scalar come in [`Zeroizing`] buffers.
pub struct SecretKey {
    /// `d`; the `sm2` crate zeroizes it on drop.
    inner: sm2::SecretKey,
    public: PublicKey,
    /// `(1 + d)⁻¹ mod n` (GB/T 32918.2 §6.1 A6): secret, zeroized on drop.
    d_plus_1_inv: Zeroizing<sm2::Scalar>,
    /// `Z` of the public key under [`DistId::DEFAULT`](super::DistId::DEFAULT), which nearly
    /// every signature uses. Public.
    z_default: [u8; 32],
}

impl SecretKey {
    /// Generates a key with the caller's random number generator.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Rng`] when the generator fails, or keeps producing values outside
    /// `[1, n−2]` (which a working generator does with probability about 2⁻²⁰⁴⁸).
    pub fn generate_with_rng<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, CryptoError> {
        let mut candidate = Zeroizing::new([0u8; curve::FIELD_LEN]);
        for _ in 0..MAX_GENERATE_ATTEMPTS {
            rng.try_fill_bytes(candidate.as_mut())
                .map_err(|_| CryptoError::Rng)?;
            if let Ok(key) = Self::from_bytes(candidate.as_ref()) {
                return Ok(key);
            }
        }
        Err(CryptoError::Rng)
    }

    /// Generates a key with the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Rng`] when the operating system cannot supply randomness.
    #[cfg(feature = "getrandom")]
    pub fn generate() -> Result<Self, CryptoError> {
        Self::generate_with_rng(&mut sm2::elliptic_curve::common::getrandom::SysRng)
    }

    /// Reads the raw private key: exactly 32 big-endian bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidLength`] unless `bytes` has 32 bytes;
    /// [`CryptoError::InvalidPrivateKey`] when the value is 0 or at least `n − 1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != curve::FIELD_LEN {
            return Err(CryptoError::InvalidLength {
                what: "SM2 private key",
                expected: "32 bytes",
                found: bytes.len(),
            });
        }
        // `from_slice` rejects 0 and values ≥ n in constant time; n − 1 is checked here, because
        // signing computes (1 + d)⁻¹ (GB/T 32918.1 §6.1 requires d ∈ [1, n−2]).
        let inner =
            sm2::SecretKey::from_slice(bytes).map_err(|_| CryptoError::InvalidPrivateKey)?;
        if bool::from(bytes.ct_eq(&curve::N_MINUS_1[..])) {
            return Err(CryptoError::InvalidPrivateKey);
        }
        let public = PublicKey {
            inner: inner.public_key(),
        };
        // d ≤ n − 2, so 1 + d is not 0 mod n and the inversion cannot fail.
        let d = Zeroizing::new(*inner.to_nonzero_scalar());
        let d_plus_1_inv = Zeroizing::new(
            Option::<sm2::Scalar>::from((*d + sm2::Scalar::ONE).invert())
                .ok_or(CryptoError::InvalidPrivateKey)?,
        );
        let z_default = public.z(&super::DistId::DEFAULT);
        Ok(Self {
            inner,
            public,
            d_plus_1_inv,
            z_default,
        })
    }

    /// The raw private key: 32 big-endian bytes.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; curve::FIELD_LEN]);
        let bytes = Zeroizing::new(self.inner.to_bytes());
        out.copy_from_slice(&bytes);
        out
    }

    /// The public key `P = dG`.
    #[must_use]
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Reads a SEC1 / RFC 5915 `ECPrivateKey`:
    ///
    /// ```text
    /// ECPrivateKey ::= SEQUENCE {
    ///   version        INTEGER { ecPrivkeyVer1(1) },
    ///   privateKey     OCTET STRING,
    ///   parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
    ///   publicKey  [1] BIT STRING OPTIONAL }
    /// ```
    ///
    /// `parameters`, when present, must name the `sm2` curve; `publicKey`, when present, must
    /// match the private key. A `privateKey` shorter than 32 bytes (leading zeros dropped by some
    /// encoders) is accepted.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`] for broken DER or an inconsistent public key,
    /// [`CryptoError::Unsupported`] for another curve, [`CryptoError::InvalidPrivateKey`] for a
    /// scalar outside `[1, n−2]`.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_ec_private_key(der, "SEC1 SM2 private key (ECPrivateKey)")
    }

    /// Reads a PEM `EC PRIVATE KEY` (see [`SecretKey::from_sec1_der`]).
    ///
    /// # Errors
    ///
    /// As [`SecretKey::from_sec1_der`], plus [`CryptoError::Malformed`] for bad PEM or another
    /// label.
    pub fn from_sec1_pem(pem: &str) -> Result<Self, CryptoError> {
        let der = pem::decode(pem, pem::SEC1_LABEL, "SEC1 SM2 private key PEM")?;
        Self::from_sec1_der(&der)
    }

    /// Writes the SEC1 `ECPrivateKey` with the `sm2` curve OID and the public key, byte for byte
    /// what `openssl pkey -outform DER` writes for an SM2 key.
    #[must_use]
    pub fn to_sec1_der(&self) -> Zeroizing<Vec<u8>> {
        let d = self.to_bytes();
        let point = self.public.to_sec1_bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(121));
        out.extend_from_slice(&SEC1_PREFIX);
        out.extend_from_slice(d.as_ref());
        out.extend_from_slice(&SEC1_MIDDLE);
        out.extend_from_slice(&point);
        out
    }

    /// Writes the SEC1 `ECPrivateKey` as PEM (`EC PRIVATE KEY`).
    #[must_use]
    pub fn to_sec1_pem(&self) -> Zeroizing<String> {
        pem::encode(pem::SEC1_LABEL, &self.to_sec1_der())
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` (RFC 5208 §5, or a v2 `OneAsymmetricKey` of RFC 5958)
    /// whose algorithm is `id-ecPublicKey` with the `sm2` curve OID as parameter, holding an
    /// `ECPrivateKey` (see [`SecretKey::from_sec1_der`]).
    ///
    /// ```text
    /// PrivateKeyInfo ::= SEQUENCE {
    ///   version             Version,
    ///   privateKeyAlgorithm AlgorithmIdentifier,
    ///   privateKey          OCTET STRING,
    ///   attributes      [0] IMPLICIT Attributes OPTIONAL }
    /// ```
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`] for broken DER, [`CryptoError::Unsupported`] for another
    /// algorithm or curve, [`CryptoError::InvalidPrivateKey`] for a scalar outside `[1, n−2]`.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        const WHAT: &str = "PKCS#8 SM2 private key";
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| CryptoError::malformed(WHAT, e.to_string()))?;
        let alg = &info.algorithm;
        if alg.oid != oid::EC_PUBLIC_KEY && alg.oid != oid::SM2 {
            return Err(CryptoError::Unsupported {
                what: "PKCS#8 private key algorithm",
                detail: format!(
                    "{} (expected id-ecPublicKey {})",
                    alg.oid,
                    oid::EC_PUBLIC_KEY
                )
                .into(),
            });
        }
        check_curve_parameter(alg.oid, alg.parameters, WHAT)?;
        Self::from_ec_private_key(
            info.private_key.as_bytes(),
            "PKCS#8 SM2 private key (inner ECPrivateKey)",
        )
    }

    /// Reads a PEM `PRIVATE KEY` (see [`SecretKey::from_pkcs8_der`]), as written by
    /// `openssl genpkey -algorithm SM2`.
    ///
    /// # Errors
    ///
    /// As [`SecretKey::from_pkcs8_der`], plus [`CryptoError::Malformed`] for bad PEM or another
    /// label, and [`CryptoError::Unsupported`] for an `ENCRYPTED PRIVATE KEY`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, CryptoError> {
        let der = pem::decode(pem, pem::PKCS8_LABEL, "PKCS#8 SM2 private key PEM")?;
        Self::from_pkcs8_der(&der)
    }

    /// Writes the PKCS#8 `PrivateKeyInfo` (version 0, `id-ecPublicKey` + `sm2`, an
    /// `ECPrivateKey` with the public key and without the repeated curve), byte for byte what
    /// OpenSSL 3 writes for an SM2 key.
    #[must_use]
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        let d = self.to_bytes();
        let point = self.public.to_sec1_bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(138));
        out.extend_from_slice(&PKCS8_PREFIX);
        out.extend_from_slice(d.as_ref());
        out.extend_from_slice(&PKCS8_MIDDLE);
        out.extend_from_slice(&point);
        out
    }

    /// Writes the PKCS#8 `PrivateKeyInfo` as PEM (`PRIVATE KEY`), readable by
    /// `openssl pkey`.
    #[must_use]
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem::encode(pem::PKCS8_LABEL, &self.to_pkcs8_der())
    }

    /// The secret scalar, for the signing and decryption code of this module.
    pub(crate) fn nonzero_scalar(&self) -> sm2::NonZeroScalar {
        self.inner.to_nonzero_scalar()
    }

    /// `(1 + d)⁻¹ mod n`, precomputed for signing.
    pub(crate) fn d_plus_1_inv(&self) -> &sm2::Scalar {
        &self.d_plus_1_inv
    }

    /// `Z` of this key's public key under `id`, from the precomputed value for the default ID.
    pub(crate) fn z(&self, id: &super::DistId) -> [u8; 32] {
        if *id == super::DistId::DEFAULT {
            self.z_default
        } else {
            self.public.z(id)
        }
    }

    /// The wrapped `sm2` crate key.
    #[cfg(test)]
    pub(crate) fn as_inner(&self) -> &sm2::SecretKey {
        &self.inner
    }

    fn from_ec_private_key(der: &[u8], what: &'static str) -> Result<Self, CryptoError> {
        let malformed = |e: der::Error| CryptoError::malformed(what, e.to_string());
        let mut reader = SliceReader::new(der).map_err(malformed)?;
        let (version, private_key, parameters, public_key) = reader
            .sequence(|r| {
                let version = u8::decode(r)?;
                let private_key = <&OctetStringRef>::decode(r)?.as_bytes();
                let parameters: Option<ObjectIdentifier> =
                    r.context_specific(TagNumber(0), TagMode::Explicit)?;
                let public_key: Option<BitStringRef<'_>> =
                    r.context_specific(TagNumber(1), TagMode::Explicit)?;
                Ok::<_, der::Error>((version, private_key, parameters, public_key))
            })
            .map_err(malformed)?;
        reader.finish().map_err(malformed)?;

        if version != 1 {
            return Err(CryptoError::malformed(
                what,
                format!("version is {version}, expected 1 (ecPrivkeyVer1)"),
            ));
        }
        if let Some(curve) = parameters {
            if curve != oid::SM2 {
                return Err(CryptoError::Unsupported {
                    what: "elliptic curve",
                    detail: format!("{curve} (only sm2 {} is supported)", oid::SM2).into(),
                });
            }
        }
        // Some encoders drop leading zero bytes; RFC 5915 wants the full 32, so pad.
        if private_key.is_empty() {
            return Err(CryptoError::InvalidPrivateKey);
        }
        let padded = Zeroizing::new(curve::left_pad(private_key).ok_or(
            CryptoError::InvalidLength {
                what: "SM2 private key in ECPrivateKey",
                expected: "at most 32 bytes",
                found: private_key.len(),
            },
        )?);
        let key = Self::from_bytes(padded.as_ref())?;

        if let Some(public_key) = public_key {
            let bytes = public_key.as_bytes().ok_or_else(|| {
                CryptoError::malformed(what, "publicKey BIT STRING has unused bits")
            })?;
            let embedded = PublicKey::from_sec1_bytes(bytes)?;
            if embedded != key.public {
                return Err(CryptoError::malformed(
                    what,
                    "publicKey does not belong to privateKey",
                ));
            }
        }
        Ok(key)
    }
}

/// Encrypted PKCS#8 (PBES2), with the key stores (`keystore` feature).
#[cfg(feature = "keystore")]
impl SecretKey {
    /// Writes the key as a password-encrypted PKCS#8 `EncryptedPrivateKeyInfo` (DER), PBES2 with
    /// PBKDF2 and SM4-CBC as `options` say (default: HMAC-SM3, 600,000 iterations); salt and
    /// IV come from `rng`. See [`crate::crypto::pbes2`].
    pub fn to_encrypted_pkcs8_der<R: TryCryptoRng + ?Sized>(
        &self,
        password: &[u8],
        options: &crate::crypto::pbes2::EncryptOptions,
        rng: &mut R,
    ) -> Result<Vec<u8>, CryptoError> {
        crate::crypto::pbes2::encrypt_pkcs8_der(&self.to_pkcs8_der(), password, options, rng)
    }

    /// As [`to_encrypted_pkcs8_der`](Self::to_encrypted_pkcs8_der), PEM
    /// (`-----BEGIN ENCRYPTED PRIVATE KEY-----`).
    pub fn to_encrypted_pkcs8_pem<R: TryCryptoRng + ?Sized>(
        &self,
        password: &[u8],
        options: &crate::crypto::pbes2::EncryptOptions,
        rng: &mut R,
    ) -> Result<String, CryptoError> {
        crate::crypto::pbes2::encrypt_pkcs8_pem(&self.to_pkcs8_der(), password, options, rng)
    }

    /// Reads a password-encrypted PKCS#8 key (DER): what eseal writes, and OpenSSL's
    /// `pkcs8 -topk8` output (PBES2 with AES or SM4). A wrong password is
    /// [`CryptoError::WrongPassword`].
    pub fn from_encrypted_pkcs8_der(der: &[u8], password: &[u8]) -> Result<Self, CryptoError> {
        let plain = crate::crypto::pbes2::decrypt_pkcs8_der(der, password)?;
        Self::from_pkcs8_der(&plain)
    }

    /// As [`from_encrypted_pkcs8_der`](Self::from_encrypted_pkcs8_der), PEM.
    pub fn from_encrypted_pkcs8_pem(pem: &str, password: &[u8]) -> Result<Self, CryptoError> {
        let plain = crate::crypto::pbes2::decrypt_pkcs8_pem(pem, password)?;
        Self::from_pkcs8_der(&plain)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public_key", &self.public)
            .finish_non_exhaustive()
    }
}

/// Checks the parameters of an EC AlgorithmIdentifier (or `[0] ECParameters`) name SM2.
///
/// With `id-ecPublicKey` the parameter must be the `sm2` OID. Some older software puts the
/// `sm2` OID in place of `id-ecPublicKey`; then the parameter may be absent, NULL or `sm2`.
fn check_curve_parameter(
    algorithm: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    what: &'static str,
) -> Result<(), CryptoError> {
    if algorithm == oid::SM2 && parameters.is_none_or(|p| p.is_null()) {
        return Ok(());
    }
    let Some(p) = parameters else {
        return Err(CryptoError::malformed(
            what,
            "the curve parameter is missing (expected the sm2 OID 1.2.156.10197.1.301)",
        ));
    };
    let curve = p
        .decode_as::<ObjectIdentifier>()
        .map_err(|_| CryptoError::Unsupported {
            what: "EC domain parameters",
            detail: format!(
                "{} instead of a named curve; only the sm2 curve is supported",
                p.tag()
            )
            .into(),
        })?;
    if curve == oid::SM2 {
        Ok(())
    } else {
        Err(CryptoError::Unsupported {
            what: "elliptic curve",
            detail: format!("{curve} (only sm2 {} is supported)", oid::SM2).into(),
        })
    }
}

/// An SM2 public key: a point `P` on the recommended curve, never the point at infinity.
///
/// Encodings read and written:
///
/// - SEC1 points: uncompressed `04 ‖ X ‖ Y` (65 bytes, the form GM/T 0009 prescribes and the
///   one written) and, on input only, compressed `02|03 ‖ X` (33 bytes);
/// - `SubjectPublicKeyInfo` (RFC 5280 §4.1) with `id-ecPublicKey` and the `sm2` curve OID
///   ([`PublicKey::from_spki_der`], [`PublicKey::to_spki_der`], PEM label `PUBLIC KEY`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    inner: sm2::PublicKey,
}

impl PublicKey {
    /// Reads a SEC1 point: `04 ‖ X ‖ Y` (65 bytes) or compressed `02|03 ‖ X` (33 bytes).
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidLength`] for another length, [`CryptoError::Malformed`] for an
    /// unknown prefix byte, [`CryptoError::InvalidPublicKey`] for the point at infinity (`00`),
    /// a coordinate ≥ p, or a point that is not on the curve.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        const WHAT: &str = "SM2 public key point";
        let expected_len = match bytes.first() {
            None => {
                return Err(CryptoError::InvalidLength {
                    what: WHAT,
                    expected: "65 bytes (04‖X‖Y) or 33 bytes (02|03‖X)",
                    found: 0,
                });
            }
            Some(0x00) => {
                return Err(CryptoError::InvalidPublicKey("the point at infinity"));
            }
            Some(0x04) => UNCOMPRESSED_LEN,
            Some(0x02 | 0x03) => COMPRESSED_LEN,
            Some(other) => {
                return Err(CryptoError::malformed(
                    WHAT,
                    format!(
                        "first byte is 0x{other:02x}; expected 0x04 (uncompressed) or 0x02/0x03 \
                         (compressed)"
                    ),
                ));
            }
        };
        if bytes.len() != expected_len {
            return Err(CryptoError::InvalidLength {
                what: WHAT,
                expected: if expected_len == UNCOMPRESSED_LEN {
                    "65 bytes for an uncompressed point (04‖X‖Y)"
                } else {
                    "33 bytes for a compressed point (02|03‖X)"
                },
                found: bytes.len(),
            });
        }
        let encoded = sm2::Sec1Point::from_bytes(bytes)
            .map_err(|_| CryptoError::malformed(WHAT, "not a SEC1 point encoding"))?;
        let affine = Option::<sm2::AffinePoint>::from(sm2::AffinePoint::from_sec1_point(&encoded))
            .ok_or(CryptoError::InvalidPublicKey(
                "the point is not on the SM2 curve (or a coordinate is not below p)",
            ))?;
        let inner = sm2::PublicKey::from_affine(affine)
            .map_err(|_| CryptoError::InvalidPublicKey("the point at infinity"))?;
        Ok(Self { inner })
    }

    /// The uncompressed SEC1 point `04 ‖ X ‖ Y`.
    #[must_use]
    pub fn to_sec1_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; UNCOMPRESSED_LEN];
        let (x, y) = self.coordinates();
        if let Some((prefix, rest)) = out.split_first_mut() {
            *prefix = 0x04;
            let (ox, oy) = rest.split_at_mut(curve::FIELD_LEN);
            ox.copy_from_slice(&x);
            oy.copy_from_slice(&y);
        }
        out
    }

    /// Reads a `SubjectPublicKeyInfo`:
    ///
    /// ```text
    /// SubjectPublicKeyInfo ::= SEQUENCE {
    ///   algorithm        AlgorithmIdentifier,   -- id-ecPublicKey, parameters sm2
    ///   subjectPublicKey BIT STRING }           -- 04 ‖ X ‖ Y
    /// ```
    ///
    /// The `sm2` OID in place of `id-ecPublicKey` (with absent, NULL or `sm2` parameters), which
    /// some older software writes, is accepted too.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`] for broken DER, [`CryptoError::Unsupported`] for another
    /// algorithm or curve, and the errors of [`PublicKey::from_sec1_bytes`] for the point.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        const WHAT: &str = "SM2 SubjectPublicKeyInfo";
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| CryptoError::malformed(WHAT, e.to_string()))?;
        let alg = &spki.algorithm;
        if alg.oid != oid::EC_PUBLIC_KEY && alg.oid != oid::SM2 {
            return Err(CryptoError::Unsupported {
                what: "public key algorithm",
                detail: format!(
                    "{} (expected id-ecPublicKey {})",
                    alg.oid,
                    oid::EC_PUBLIC_KEY
                )
                .into(),
            });
        }
        check_curve_parameter(alg.oid, alg.parameters, WHAT)?;
        let point = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| CryptoError::malformed(WHAT, "subjectPublicKey has unused bits"))?;
        Self::from_sec1_bytes(point)
    }

    /// Reads a PEM `PUBLIC KEY` (see [`PublicKey::from_spki_der`]).
    ///
    /// # Errors
    ///
    /// As [`PublicKey::from_spki_der`], plus [`CryptoError::Malformed`] for bad PEM or another
    /// label.
    pub fn from_spki_pem(pem: &str) -> Result<Self, CryptoError> {
        let der = pem::decode(pem, pem::SPKI_LABEL, "SM2 public key PEM")?;
        Self::from_spki_der(&der)
    }

    /// Writes the `SubjectPublicKeyInfo` (`id-ecPublicKey`, `sm2`, uncompressed point), byte for
    /// byte what OpenSSL 3 writes.
    #[must_use]
    pub fn to_spki_der(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(SPKI_PREFIX.len() + UNCOMPRESSED_LEN);
        out.extend_from_slice(&SPKI_PREFIX);
        out.extend_from_slice(&self.to_sec1_bytes());
        out
    }

    /// Writes the `SubjectPublicKeyInfo` as PEM (`PUBLIC KEY`).
    #[must_use]
    pub fn to_spki_pem(&self) -> String {
        let pem = pem::encode(pem::SPKI_LABEL, &self.to_spki_der());
        String::from(pem.as_str())
    }

    /// The affine coordinates `(x, y)` as 32-byte big-endian values.
    pub(crate) fn coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.inner.as_affine().to_sec1_point(false);
        let mut x = [0u8; curve::FIELD_LEN];
        let mut y = [0u8; curve::FIELD_LEN];
        // A valid public key is never the identity, so both coordinates exist.
        if let (Some(px), Some(py)) = (point.x(), point.y()) {
            x.copy_from_slice(px);
            y.copy_from_slice(py);
        }
        (x, y)
    }

    /// The wrapped `sm2` crate key.
    pub(crate) fn as_inner(&self) -> &sm2::PublicKey {
        &self.inner
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(")?;
        for b in self.to_sec1_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use sm2::pkcs8::{EncodePrivateKey, EncodePublicKey};

    fn key() -> SecretKey {
        let mut d = [0x11u8; 32];
        d[0] = 0x39;
        SecretKey::from_bytes(&d).unwrap()
    }

    #[test]
    fn templates_match_the_crate_encoders() {
        let k = key();
        assert_eq!(
            k.to_pkcs8_der().as_slice(),
            k.inner.to_pkcs8_der().unwrap().as_bytes()
        );
        assert_eq!(
            k.to_sec1_der().as_slice(),
            k.inner.to_sec1_der().unwrap().as_slice()
        );
        assert_eq!(
            k.public.to_spki_der(),
            k.inner.public_key().to_public_key_der().unwrap().as_bytes()
        );
    }

    #[test]
    fn round_trips() {
        let k = key();
        let p = *k.public_key();
        assert_eq!(
            SecretKey::from_sec1_der(&k.to_sec1_der()).unwrap().public,
            p
        );
        assert_eq!(
            SecretKey::from_pkcs8_der(&k.to_pkcs8_der()).unwrap().public,
            p
        );
        assert_eq!(
            SecretKey::from_pkcs8_pem(&k.to_pkcs8_pem()).unwrap().public,
            p
        );
        assert_eq!(
            SecretKey::from_sec1_pem(&k.to_sec1_pem()).unwrap().public,
            p
        );
        assert_eq!(PublicKey::from_spki_der(&p.to_spki_der()).unwrap(), p);
        assert_eq!(PublicKey::from_spki_pem(&p.to_spki_pem()).unwrap(), p);
        assert_eq!(PublicKey::from_sec1_bytes(&p.to_sec1_bytes()).unwrap(), p);
        assert_eq!(
            *k.to_bytes(),
            *SecretKey::from_bytes(&*k.to_bytes()).unwrap().to_bytes()
        );
    }

    #[test]
    fn compressed_points_are_accepted() {
        let p = *key().public_key();
        let compressed = p.as_inner().as_affine().to_sec1_point(true);
        assert_eq!(
            PublicKey::from_sec1_bytes(compressed.as_bytes()).unwrap(),
            p
        );
    }

    #[test]
    fn sm2_oid_in_place_of_id_ec_public_key() {
        // SEQUENCE { SEQUENCE { sm2 }, BIT STRING point }
        let p = *key().public_key();
        let mut der = vec![0x30, 0x50, 0x30, 0x0a];
        der.extend_from_slice(&[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d]);
        der.extend_from_slice(&[0x03, 0x42, 0x00]);
        der.extend_from_slice(&p.to_sec1_bytes());
        assert_eq!(PublicKey::from_spki_der(&der).unwrap(), p);
    }

    #[test]
    fn other_curves_are_unsupported() {
        let mut der = key().public_key().to_spki_der();
        // prime256v1 is 1.2.840.10045.3.1.7 (06 08 2a 86 48 ce 3d 03 01 07).
        der[15..23].copy_from_slice(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
        let err = PublicKey::from_spki_der(&der).unwrap_err();
        assert!(matches!(err, CryptoError::Unsupported { .. }), "{err}");
    }

    #[test]
    fn debug_hides_the_scalar() {
        let k = key();
        let text = format!("{k:?}");
        assert!(
            text.starts_with("SecretKey { public_key: PublicKey(04"),
            "{text}"
        );
        assert!(!text.contains("3911111111"), "{text}");
    }
}
