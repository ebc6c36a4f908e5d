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
//! | [`pki`] | SM2 X.509 certificates (parse, build), path validation with a relaxable policy, CRLs |
//!
//! Later modules (`ses`, `ofd`, `pdf`, `license`, `verify`) build on these.
//!
//! ## Features
//!
//! | feature | default | what it enables |
//! |---|---|---|
//! | `std` | yes | `std::error::Error` impls |
//! | `getrandom` | yes | key generation and signing with the operating system's RNG |
#![forbid(unsafe_code)]

pub mod crypto;
pub mod oid;
pub mod pki;

pub use rand_core;
