//! The national cryptographic algorithms: SM2 (GB/T 32918), SM3 (GB/T 32905) and
//! SM4 (GB/T 32907), plus the encodings eseal needs around them.
//!
//! Every primitive comes from the RustCrypto crates (`sm2`, `sm3`, `sm4`, `cipher` modes,
//! `hmac`, `pbkdf2`); this module adds the encodings and conventions of the Chinese
//! standards (GM/T 0009 / GB/T 35276: default distinguishing ID, DER signatures, ASN.1
//! ciphertexts) and turns every failure into a [`CryptoError`].
//!
//! | module | what it holds |
//! |---|---|
//! | [`sm2`] | SM2 keys ([`SecretKey`], [`PublicKey`]), distinguishing IDs ([`DistId`]), signatures ([`Signature`]) and encryption ([`CiphertextFormat`]) |

mod error;
pub mod sm2;

pub use error::CryptoError;
pub use sm2::{CiphertextFormat, DistId, PublicKey, SecretKey, Signature, SignatureEncoding};
