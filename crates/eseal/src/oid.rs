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

// X.509 / RFC 5280 (used by `crate::pki`).

/// `id-at-commonName` (`2.5.4.3`).
pub const AT_COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
/// `id-at-countryName` (`2.5.4.6`).
pub const AT_COUNTRY_NAME: Oid = Oid::new_unwrap("2.5.4.6");
/// `id-at-localityName` (`2.5.4.7`).
pub const AT_LOCALITY_NAME: Oid = Oid::new_unwrap("2.5.4.7");
/// `id-at-stateOrProvinceName` (`2.5.4.8`).
pub const AT_STATE_OR_PROVINCE_NAME: Oid = Oid::new_unwrap("2.5.4.8");
/// `id-at-organizationName` (`2.5.4.10`).
pub const AT_ORGANIZATION_NAME: Oid = Oid::new_unwrap("2.5.4.10");
/// `id-at-organizationalUnitName` (`2.5.4.11`).
pub const AT_ORGANIZATIONAL_UNIT_NAME: Oid = Oid::new_unwrap("2.5.4.11");
/// `id-ce-subjectKeyIdentifier` (`2.5.29.14`).
pub const CE_SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
/// `id-ce-keyUsage` (`2.5.29.15`).
pub const CE_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// `id-ce-subjectAltName` (`2.5.29.17`).
pub const CE_SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
/// `id-ce-issuerAltName` (`2.5.29.18`).
pub const CE_ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
/// `id-ce-basicConstraints` (`2.5.29.19`).
pub const CE_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// `id-ce-cRLNumber` (`2.5.29.20`).
pub const CE_CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
/// `id-ce-cRLReasons` (`2.5.29.21`), a CRL entry extension.
pub const CE_CRL_REASON: Oid = Oid::new_unwrap("2.5.29.21");
/// `id-ce-invalidityDate` (`2.5.29.24`), a CRL entry extension.
pub const CE_INVALIDITY_DATE: Oid = Oid::new_unwrap("2.5.29.24");
/// `id-ce-deltaCRLIndicator` (`2.5.29.27`).
pub const CE_DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
/// `id-ce-issuingDistributionPoint` (`2.5.29.28`).
pub const CE_ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");
/// `id-ce-certificateIssuer` (`2.5.29.29`), a CRL entry extension (indirect CRLs).
pub const CE_CERTIFICATE_ISSUER: Oid = Oid::new_unwrap("2.5.29.29");
/// `id-ce-nameConstraints` (`2.5.29.30`).
pub const CE_NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
/// `id-ce-cRLDistributionPoints` (`2.5.29.31`).
pub const CE_CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
/// `id-ce-certificatePolicies` (`2.5.29.32`).
pub const CE_CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
/// `id-ce-authorityKeyIdentifier` (`2.5.29.35`).
pub const CE_AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.35");
/// `id-ce-extKeyUsage` (`2.5.29.37`).
pub const CE_EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// `anyExtendedKeyUsage` (`2.5.29.37.0`).
pub const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");
/// `id-pe-authorityInfoAccess` (`1.3.6.1.5.5.7.1.1`).
pub const PE_AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");

// PKCS#12 (RFC 7292), used by `crate::pki` key stores.

/// PKCS#7 `encryptedData` (`1.2.840.113549.1.7.6`): an encrypted `SafeContents` in a PKCS#12 file.
pub const PKCS7_ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
/// PKCS#7 `envelopedData` (`1.2.840.113549.1.7.3`): public-key privacy mode of PKCS#12.
pub const PKCS7_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
/// `pbeWithSHAAnd128BitRC4` (`1.2.840.113549.1.12.1.1`), RFC 7292 Appendix C; eseal does not read it.
pub const PKCS12_PBE_SHA1_RC4_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.1");
/// `pbeWithSHAAnd40BitRC4` (`1.2.840.113549.1.12.1.2`); eseal does not read it.
pub const PKCS12_PBE_SHA1_RC4_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.2");
/// `pbeWithSHAAnd3-KeyTripleDES-CBC` (`1.2.840.113549.1.12.1.3`): legacy key-bag encryption.
pub const PKCS12_PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
/// `pbeWithSHAAnd2-KeyTripleDES-CBC` (`1.2.840.113549.1.12.1.4`).
pub const PKCS12_PBE_SHA1_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
/// `pbeWithSHAAnd128BitRC2-CBC` (`1.2.840.113549.1.12.1.5`).
pub const PKCS12_PBE_SHA1_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
/// `pbeWithSHAAnd40BitRC2-CBC` (`1.2.840.113549.1.12.1.6`): legacy certificate-bag encryption.
pub const PKCS12_PBE_SHA1_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");
/// PKCS#12 `keyBag` (`1.2.840.113549.1.12.10.1.1`): an unencrypted `PrivateKeyInfo`.
pub const PKCS12_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.1");
/// PKCS#12 `pkcs8ShroudedKeyBag` (`1.2.840.113549.1.12.10.1.2`): an `EncryptedPrivateKeyInfo`.
pub const PKCS12_SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
/// PKCS#12 `certBag` (`1.2.840.113549.1.12.10.1.3`).
pub const PKCS12_CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
/// PKCS#12 `crlBag` (`1.2.840.113549.1.12.10.1.4`).
pub const PKCS12_CRL_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.4");
/// PKCS#12 `secretBag` (`1.2.840.113549.1.12.10.1.5`).
pub const PKCS12_SECRET_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.5");
/// PKCS#12 `safeContentsBag` (`1.2.840.113549.1.12.10.1.6`): a nested `SafeContents`.
pub const PKCS12_SAFE_CONTENTS_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.6");
/// PKCS#9 `x509Certificate` certificate type (`1.2.840.113549.1.9.22.1`) of a `certBag`.
pub const PKCS9_X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
/// PKCS#9 `friendlyName` attribute (`1.2.840.113549.1.9.20`), a `BMPString`.
pub const PKCS9_FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
/// PKCS#9 `localKeyId` attribute (`1.2.840.113549.1.9.21`), an `OCTET STRING` pairing a key with
/// its certificate.
pub const PKCS9_LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
/// PKCS#5 PBMAC1 (`1.2.840.113549.1.5.14`), the PKCS#12 MAC of RFC 9579.
pub const PBMAC1: Oid = Oid::new_unwrap("1.2.840.113549.1.5.14");

// Hash algorithms other than SM3, read in PKCS#12 MACs, timestamps and ESS attributes.

/// SHA-1 (`1.3.14.3.2.26`): the legacy PKCS#12 MAC digest and the hash of ESS
/// `signingCertificate` (RFC 2634); read only.
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// SHA-256 (`2.16.840.1.101.3.4.2.1`): PKCS#12 MACs, the default hash of ESS
/// `signingCertificateV2` (RFC 5035) and an accepted timestamp imprint algorithm.
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");

// Policies of eseal's own test and demo services.

/// The TSA policy of the `eseal` command's local (demo and offline) time-stamping authority
/// (`1.3.6.1.4.1.32473.1`): under IANA enterprise number 32473, which RFC 5612 reserves for
/// examples, so it can never collide with a real TSA policy.
pub const ESEAL_LOCAL_TSA_POLICY: Oid = Oid::new_unwrap("1.3.6.1.4.1.32473.1");
