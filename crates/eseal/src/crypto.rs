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
//! | [`sm3`] | SM3 hashing, HMAC-SM3, PBKDF2-HMAC-SM3 |
//! | [`sm4`] | SM4 keys, single blocks, ECB, CBC (PKCS#7), CTR, GCM |
//! | [`pbes2`] | password-encrypted PKCS#8 (`EncryptedPrivateKeyInfo`, PBES2) |

mod error;
#[cfg(feature = "keystore")]
pub mod pbes2;
pub mod sm2;
pub mod sm3;
pub mod sm4;

pub use error::CryptoError;
pub use sm2::{CiphertextFormat, DistId, PublicKey, SecretKey, Signature, SignatureEncoding};
