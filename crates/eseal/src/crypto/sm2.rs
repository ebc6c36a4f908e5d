//! SM2 (GB/T 32918): keys, digital signatures and public-key encryption on the recommended
//! 256-bit curve, with the encodings of GM/T 0009 / GB/T 35276.
//!
//! | item | what it is |
//! |---|---|
//! | [`DistId`] | the signer's distinguishing ID that enters `Z` (default `1234567812345678`) |
//! | [`SecretKey`] | a private key `d ∈ [1, n−2]`: raw, SEC1, PKCS#8 (DER / PEM); signs and decrypts |
//! | [`PublicKey`] | a public key `P = dG`: SEC1 point, SPKI (DER / PEM); verifies and encrypts |
//! | [`Signature`] | `(r, s)`: DER `SM2Signature`, raw `r‖s`, lenient detection via [`SignatureEncoding`] |
//! | [`CiphertextFormat`] | `C1‖C3‖C2`, legacy `C1‖C2‖C3`, or the ASN.1 `SM2Cipher` |
//!
//! # Signing
//!
//! The signed value is `e = SM3(Z ‖ M)` with `Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xP ‖ yP)`
//! (GB/T 32918.2 §5.5, §6.1). eseal computes `Z` and `e` itself, so an ID may be any byte string
//! (the `sm2` crate only takes UTF-8), and runs the signing and verification equations over the
//! `sm2` crate's field and curve arithmetic: signing with the fixed-base table of `G`
//! (`precomputed-tables`) and the `(1 + d)⁻¹` and `Z` a [`SecretKey`] prepares once; verifying
//! with a variable-time joint multiplication `[s]G + [t]P`, since every input is public.
//!
//! [`SecretKey::sign`] is deterministic: the nonce `k` comes from RFC 6979 HMAC-DRBG (with SM3)
//! over the key and `e`, so no random number generator is needed and the same input gives the
//! same signature. [`SecretKey::sign_with_rng`] mixes fresh randomness into that derivation
//! (RFC 6979 §3.6 "additional data"), which keeps the nonce safe even against fault attacks on a
//! repeated input. Both are valid SM2 signatures; verifiers cannot tell them apart.
//!
//! # What this module does not do
//!
//! SM2 key exchange (GB/T 32918.3), other curves, and hardware keys (those plug in behind a
//! signer trait elsewhere). Encrypted PKCS#8 lives in the PBES2 module.

mod curve;
mod distid;
mod encryption;
mod field;
mod key;
mod pem;
pub(crate) mod signature;
mod verify_mul;

pub use distid::DistId;
pub use encryption::CiphertextFormat;
pub use key::{PublicKey, SecretKey};
pub use signature::{Signature, SignatureEncoding};
