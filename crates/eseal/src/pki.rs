//! X.509 certificates with SM2 keys, certification path validation and CRLs
//! (RFC 5280 with the GM/T 0015 / GB/T 20518 profile).
//!
//! - [`Certificate`]: read DER/PEM, keep the original bytes, expose names, validity, key usage,
//!   extended key usage, basic constraints, key identifiers and the SM3 fingerprint.
//! - [`CertificateAuthority`]: issue root, intermediate, seal-maker, signer and TSA certificates
//!   and CRLs, signing through the [`Signer`] trait (software keys: [`SoftwareSigner`]).
//! - [`verify_path`]: build and check a path to a [`TrustStore`] anchor at a given time under a
//!   [`Policy`], with revocation from caller-supplied [`Crl`]s; the result is a
//!   [`VerifiedPath`] (chain, relaxations used, revocation per certificate) or a [`PathError`]
//!   naming the certificate and the rule. [`verify_path_with_cache`] does the same, skipping
//!   certificate signatures a shared [`VerifiedCache`] has already seen verify.
//! - [`Pkcs12`]: read PKCS#12 key stores (`.p12`/`.pfx`, legacy 3DES/RC2 PBE and PBES2) into
//!   SM2 keys and certificates; [`Pkcs12Builder`] writes them (PBES2 with AES-256 + SHA-256 for
//!   OpenSSL 3, or SM4 + SM3).
//! - [`cms`]: CMS SignedData with SM2/SM3 (RFC 5652, GM/T 0010): make and check detached or
//!   attached signatures, PKCS#7 or GM/T 0010 OIDs, field deviations reported.
//! - [`tsp`]: RFC 3161 timestamps (GB/T 20520): check tokens against the stamped data, read
//!   responses and requests, issue tokens with a [`tsp::LocalTsa`].
//!
//! Every signature is SM2 with SM3 and the default distinguishing ID `1234567812345678`
//! (GM/T 0009), checked over the exact signed bytes. Nothing here reads a clock or the network:
//! the validation time and the CRLs are arguments.

mod builder;
mod certificate;
pub mod cms;
mod crl;
mod describe;
mod error;
mod name_text;
mod path;
#[cfg(feature = "keystore")]
pub mod pkcs12;
mod sm2_adapter;
mod trust;
pub mod tsp;
mod verified_cache;

pub use crate::time::Time;
pub use builder::{
    CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName, Signer,
};
pub(crate) use certificate::hex as certificate_hex;
pub use certificate::{
    BasicConstraints, Certificate, KeyUsage, MAX_CERTIFICATE_SIZE, MAX_PEM_CERTIFICATES,
    MAX_PEM_SIZE,
};
pub use crl::{Crl, CrlTemplate, MAX_CRL_SIZE, RevocationReason, RevokedEntry};
pub use describe::{
    BasicConstraintsInfo, CertificateDescription, CertificateSummary, ChainLink, ChainRole,
    PATH_REPORT_SCHEMA, PathProblem, PathReport, RelaxationInfo, RevocationCode, RevocationInfo,
    describe_revocation,
};
pub use error::PkiError;
pub use path::{
    ErrorClass, PathError, PathErrorKind, Policy, Relaxation, RevocationCheck, RevocationStatus,
    VerifiedPath, verify_path, verify_path_with_cache,
};
#[cfg(feature = "keystore")]
pub use pkcs12::{
    CertificateEntry, KeyEntry, MacInfo, Pkcs12, Pkcs12Builder, Pkcs12Encryption, Pkcs12Error,
    PrivateKey, ReadOptions,
};
pub use sm2_adapter::SoftwareSigner;
pub use trust::TrustStore;
pub use verified_cache::{CacheStats, VerifiedCache};
