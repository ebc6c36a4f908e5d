//! Object identifiers of the national algorithms and of the structures eseal reads and writes.
//!
//! Sources: GM/T 0006 / GB/T 33560 (the `1.2.156.10197` arc), RFC 5652 / 5911 / 3161 for the
//! PKCS and CMS arcs. Where public implementations disagree, the doc comment says so.

use der::asn1::ObjectIdentifier as Oid;

/// SM2 curve / key algorithm parameter (`1.2.156.10197.1.301`).
pub const SM2: Oid = Oid::new_unwrap("1.2.156.10197.1.301");
/// SM2-1 digital signature (`1.2.156.10197.1.301.1`); the `digestEncryptionAlgorithm` of GB/T 35275.
pub const SM2_SIGN: Oid = Oid::new_unwrap("1.2.156.10197.1.301.1");
/// SM2-3 public-key encryption (`1.2.156.10197.1.301.3`).
pub const SM2_ENCRYPT: Oid = Oid::new_unwrap("1.2.156.10197.1.301.3");
/// SM2 signature with SM3 (`1.2.156.10197.1.501`): X.509, SES `signAlgID`, OFD `SignatureMethod`.
pub const SM2_WITH_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");
/// SM3 hash (`1.2.156.10197.1.401`).
pub const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
/// HMAC-SM3, "SM3 with key" (`1.2.156.10197.1.401.2`); the PBKDF2 PRF for SM3.
pub const HMAC_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401.2");
/// HMAC-SM3 as numbered by GM/T 0091-2020 Table A.1 and OpenSSL's `hmacWithSM3`
/// (`1.2.156.10197.1.401.3.1`). GmSSL and BouncyCastle use [`HMAC_SM3`]; eseal writes that one and
/// reads both.
pub const HMAC_SM3_GMT0091: Oid = Oid::new_unwrap("1.2.156.10197.1.401.3.1");
/// SM4 block cipher (`1.2.156.10197.1.104`).
pub const SM4: Oid = Oid::new_unwrap("1.2.156.10197.1.104");
/// SM4 in ECB mode (`1.2.156.10197.1.104.1`).
pub const SM4_ECB: Oid = Oid::new_unwrap("1.2.156.10197.1.104.1");
/// SM4 in CBC mode (`1.2.156.10197.1.104.2`).
pub const SM4_CBC: Oid = Oid::new_unwrap("1.2.156.10197.1.104.2");
/// SM4 in CTR mode (`1.2.156.10197.1.104.7`).
pub const SM4_CTR: Oid = Oid::new_unwrap("1.2.156.10197.1.104.7");
/// SM4 in GCM mode (`1.2.156.10197.1.104.8`; BouncyCastle's numbering, not confirmed in GB/T 33560).
pub const SM4_GCM: Oid = Oid::new_unwrap("1.2.156.10197.1.104.8");

/// `id-ecPublicKey` (`1.2.840.10045.2.1`): the SPKI algorithm of SM2 keys.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");

/// PKCS#5 PBES2 (`1.2.840.113549.1.5.13`).
pub const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
/// PKCS#5 PBKDF2 (`1.2.840.113549.1.5.12`).
pub const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
/// HMAC-SHA-1 as a PBKDF2 PRF (`1.2.840.113549.2.7`); the PRF when PBKDF2-params omit `prf`.
pub const HMAC_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.2.7");
/// HMAC-SHA-256 as a PBKDF2 PRF (`1.2.840.113549.2.9`).
pub const HMAC_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
/// AES-128-CBC (`2.16.840.1.101.3.4.1.2`).
pub const AES_128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
/// AES-256-CBC (`2.16.840.1.101.3.4.1.42`).
pub const AES_256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");

/// GM/T 0010 / GB/T 35275 `data` content type (`1.2.156.10197.6.1.4.2.1`).
pub const GM_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.1");
/// GM/T 0010 / GB/T 35275 `signedData` content type (`1.2.156.10197.6.1.4.2.2`).
pub const GM_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.2");
/// PKCS#7 `data` (`1.2.840.113549.1.7.1`).
pub const PKCS7_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// PKCS#7 `signedData` (`1.2.840.113549.1.7.2`).
pub const PKCS7_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// CMS `contentType` attribute (`1.2.840.113549.1.9.3`).
pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// CMS `messageDigest` attribute (`1.2.840.113549.1.9.4`).
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// CMS `signingTime` attribute (`1.2.840.113549.1.9.5`).
pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// `signingCertificate` attribute (`1.2.840.113549.1.9.16.2.12`).
pub const ATTR_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// `signingCertificateV2` attribute (`1.2.840.113549.1.9.16.2.47`).
pub const ATTR_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// `signatureTimeStampToken` unsigned attribute (`1.2.840.113549.1.9.16.2.14`).
pub const ATTR_TIMESTAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// `id-ct-TSTInfo` (`1.2.840.113549.1.9.16.1.4`).
pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// `id-kp-timeStamping` extended key usage (`1.3.6.1.5.5.7.3.8`).
pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
