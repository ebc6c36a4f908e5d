//! # eseal
//!
//! Chinese electronic seals (电子印章, GB/T 38540 / GM/T 0031), electronic licenses
//! (电子证照, GB/T 36901–36905) and the PKI beneath them, on the national algorithms
//! SM2, SM3 and SM4.
//!
//! The crate is pure computation: bytes in, bytes out. It opens no files, reads no clock
//! (validation times are arguments) and draws randomness only through [`rand_core`]
//! (or the operating system when the `getrandom` feature is on).
//!
//! | module | what it holds |
//! |---|---|
//! | [`crypto`] | SM2 keys, signatures and encryption; SM3, HMAC-SM3, PBKDF2; SM4 modes; encrypted PKCS#8 |
//! | [`pki`] | SM2 X.509 certificates (parse, build), path validation with a relaxable policy, CRLs, CMS SignedData, RFC 3161 timestamps, PKCS#12 |
//! | [`ses`] | electronic seals and seal signatures (GM/T 0031-2014, GB/T 38540-2020, GM/T 0031-2025): typed ASN.1, parsing with version detection and deviations; making seals, signing, verifying into a report |
//! | [`pdf`] | PDF documents: safe reading, signing by incremental update (CMS or SES_Signature), verifying every signature and what changed after it |
//! | [`ofd`] | OFD documents (GB/T 33190): safe reading, writing simple documents, signing (seals, riding seals, digital signatures) and verifying every signature |
//! | [`document`] | whole files: format sniffing (OFD, seal, signature) and one verification entry point into a `DocumentReport` |
//! | [`verify`] | the verification reports: checks, verdict, facts, JSON |
//! | [`license`] | e-licenses (GB/T 36901–36905): identifiers with their check characters, holder and issuer codes |
//! | [`keyfile`] | signing keys from key files: PKCS#8, encrypted PKCS#8, SEC1 and PKCS#12, format sniffing, password errors |
//! | [`certfile`] | certificates and CRLs from PEM bundles or DER, as users hand them over |
//! | [`time`] | UTC instants with one-second precision; RFC 3339 text |
//! | [`oid`] | object identifiers of the national algorithms and the CMS/PKCS structures |
//! | [`error`] | the crate-level [`Error`] wrapping every module error, and stable numeric [`ErrorCode`]s for the C ABI and WebAssembly |
//!
//! Later modules (`pdf`) build on these.
//!
//! ## Features
//!
//! | feature | default | what it enables |
//! |---|---|---|
//! | `std` | yes | `std::error::Error` impls |
//! | `getrandom` | yes | the operating system's RNG for key generation, hedged signing, salts, IVs and SM4 keys |
//! | `serde` | yes | `Serialize` for reports and `Report::to_json` |
//! | `keystore` | yes | key stores: [`keyfile`], [`pki::pkcs12`], [`crypto::pbes2`] (and the legacy ciphers DES, RC2, AES they need) |
//!
//! A verify-only build (WebAssembly, `wasm32-unknown-unknown`) turns off the defaults and keeps
//! `std` and `serde`: no key stores, no legacy ciphers, no operating-system RNG.
#![forbid(unsafe_code)]

pub mod certfile;
pub mod crypto;
pub mod document;
pub mod error;
#[doc(hidden)]
pub mod internal;
#[cfg(feature = "keystore")]
pub mod keyfile;
pub mod license;
pub mod ofd;
pub mod oid;
pub mod pdf;
pub mod pki;
pub mod ses;
pub mod time;
pub mod verify;

pub use error::{Error, ErrorCode};
pub use rand_core;
