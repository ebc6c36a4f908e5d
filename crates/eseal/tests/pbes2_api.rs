//! Encrypted PKCS#8 through the public API: round trips, options, misuse and PEM errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use eseal::crypto::CryptoError;
use eseal::crypto::pbes2::{self, EncryptOptions, Pbkdf2Prf};
use eseal::rand_core::{TryCryptoRng, TryRng};

/// PKCS#8 of a throwaway SM2 key (`openssl genpkey -algorithm SM2 | openssl pkcs8 -topk8 -nocrypt -outform DER`).
const SM2_PKCS8: &str = "308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420\
4add6b5bfce627977473b06fd85a05b9ea8db42a3d6a228263de4100c7f929d7a144034200\
04d809ba9193bb40c1de37cda57681b3d9b3f64d468de2653fdb76d7ccb2dd965d180d74a7\
9fe30ec248c3b0fd4593fdb03516ccf53c1cad5dfee9e13a86cd17ff";

fn plain() -> Vec<u8> {
    hex::decode(SM2_PKCS8).unwrap()
}

/// A deterministic "RNG" for reproducible output (tests only).
struct CountingRng(u8);
impl TryRng for CountingRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}
impl TryCryptoRng for CountingRng {}

/// An RNG that always fails.
struct BrokenRng;
#[derive(Debug)]
struct Broken;
impl core::fmt::Display for Broken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("broken")
    }
}
impl core::error::Error for Broken {}
impl TryRng for BrokenRng {
    type Error = Broken;
    fn try_next_u32(&mut self) -> Result<u32, Broken> {
        Err(Broken)
    }
    fn try_next_u64(&mut self) -> Result<u64, Broken> {
        Err(Broken)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Broken> {
        Err(Broken)
    }
}
impl TryCryptoRng for BrokenRng {}

#[test]
fn round_trips_with_both_prfs_in_der_and_pem() {
    for prf in [Pbkdf2Prf::HmacSm3, Pbkdf2Prf::HmacSha256] {
        let options = EncryptOptions::new().with_iterations(1000).with_prf(prf);
        let der = pbes2::encrypt_pkcs8_der(&plain(), b"pw", &options, &mut CountingRng(1)).unwrap();
        assert_eq!(*pbes2::decrypt_pkcs8_der(&der, b"pw").unwrap(), plain());
        assert_eq!(
            pbes2::decrypt_pkcs8_der(&der, b"pW").unwrap_err(),
            CryptoError::WrongPassword
        );
        let pem = pbes2::encrypt_pkcs8_pem(&plain(), b"pw", &options, &mut CountingRng(2)).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        assert_eq!(*pbes2::decrypt_pkcs8_pem(&pem, b"pw").unwrap(), plain());
    }
}

#[test]
fn default_options_write_hmac_sm3_and_sm4_cbc_with_default_iterations() {
    let options = EncryptOptions::default();
    assert_eq!(options.iterations(), pbes2::DEFAULT_ITERATIONS);
    assert_eq!(options.prf(), Pbkdf2Prf::HmacSm3);
    let der = pbes2::encrypt_pkcs8_der(&plain(), b"pw", &options, &mut CountingRng(0)).unwrap();
    let contains = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
    // PRF HMAC-SM3 with NULL parameters, SM4-CBC with a 16-byte IV, salt 01..10, 600,000 = 0x0927c0.
    assert!(contains(&[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x02, 0x05, 0x00
    ]));
    assert!(contains(&[
        0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x68, 0x02, 0x04, 0x10, 17
    ]));
    assert!(contains(&[
        0x04, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
    ]));
    assert!(contains(&[0x02, 0x03, 0x09, 0x27, 0xc0]));
    // Same RNG, same output (checked at a low count to keep the test fast).
    let fast = options.with_iterations(10);
    let one = pbes2::encrypt_pkcs8_der(&plain(), b"pw", &fast, &mut CountingRng(0)).unwrap();
    let two = pbes2::encrypt_pkcs8_der(&plain(), b"pw", &fast, &mut CountingRng(0)).unwrap();
    assert_eq!(one, two);
    assert_eq!(*pbes2::decrypt_pkcs8_der(&one, b"pw").unwrap(), plain());
}

#[test]
fn encryption_refuses_bad_iteration_counts() {
    for n in [0, pbes2::MAX_ITERATIONS + 1, u32::MAX] {
        let options = EncryptOptions::new().with_iterations(n);
        let err =
            pbes2::encrypt_pkcs8_der(&plain(), b"pw", &options, &mut CountingRng(0)).unwrap_err();
        assert!(
            matches!(
                err,
                CryptoError::InvalidParameter {
                    what: "PBKDF2 iteration count",
                    ..
                }
            ),
            "{n}: {err}"
        );
    }
}

#[test]
fn encryption_refuses_input_that_is_not_pkcs8() {
    let options = EncryptOptions::new().with_iterations(1);
    for bad in [&b""[..], b"\x30\x00", b"not der", &plain()[..40]] {
        let err = pbes2::encrypt_pkcs8_der(bad, b"pw", &options, &mut CountingRng(0)).unwrap_err();
        assert!(
            matches!(
                err,
                CryptoError::Malformed {
                    what: "PKCS#8 PrivateKeyInfo",
                    ..
                }
            ),
            "{err}"
        );
    }
    // SEC1 ECPrivateKey (what `openssl genpkey -outform DER` writes) is not PKCS#8 either.
    let sec1 = &plain()[28..];
    assert!(matches!(
        pbes2::encrypt_pkcs8_der(sec1, b"pw", &options, &mut CountingRng(0)),
        Err(CryptoError::Malformed { .. })
    ));
}

#[test]
fn rng_failure_is_reported() {
    let options = EncryptOptions::new().with_iterations(1);
    assert_eq!(
        pbes2::encrypt_pkcs8_der(&plain(), b"pw", &options, &mut BrokenRng).unwrap_err(),
        CryptoError::Rng
    );
}

#[test]
fn pem_errors() {
    let options = EncryptOptions::new().with_iterations(1);
    let pem = pbes2::encrypt_pkcs8_pem(&plain(), b"pw", &options, &mut CountingRng(2)).unwrap();
    let relabelled = pem.replace("ENCRYPTED PRIVATE KEY", "PRIVATE KEY");
    let err = pbes2::decrypt_pkcs8_pem(&relabelled, b"pw").unwrap_err();
    assert!(err.to_string().contains("not encrypted"), "{err}");
    let other = pem.replace("ENCRYPTED PRIVATE KEY", "CERTIFICATE");
    assert!(matches!(
        pbes2::decrypt_pkcs8_pem(&other, b"pw"),
        Err(CryptoError::Malformed { .. })
    ));
    for garbage in [
        "",
        "hello",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n!!!\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ] {
        assert!(
            matches!(
                pbes2::decrypt_pkcs8_pem(garbage, b"pw"),
                Err(CryptoError::Malformed { .. })
            ),
            "{garbage:?}"
        );
    }
    let cut = &pem[..pem.len() / 2];
    assert!(pbes2::decrypt_pkcs8_pem(cut, b"pw").is_err());
}

#[test]
fn error_messages_tell_the_user_what_to_do() {
    let options = EncryptOptions::new().with_iterations(0);
    let err = pbes2::encrypt_pkcs8_der(&plain(), b"pw", &options, &mut CountingRng(0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter PBKDF2 iteration count: must be at least 1"
    );
    assert_eq!(
        CryptoError::WrongPassword.to_string(),
        "cannot decrypt the key: wrong password or corrupted file"
    );
}

/// The `SecretKey` wrappers round-trip through an encrypted PKCS#8 file and refuse a wrong password.
#[test]
fn secret_key_encrypted_pkcs8_round_trip() {
    use eseal::crypto::SecretKey;
    use eseal::crypto::pbes2::EncryptOptions;
    let mut rng = eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng);
    let key = SecretKey::generate_with_rng(&mut rng).unwrap();
    let options = EncryptOptions::new().with_iterations(1_000);
    let der = key
        .to_encrypted_pkcs8_der(b"correct horse", &options, &mut rng)
        .unwrap();
    let back = SecretKey::from_encrypted_pkcs8_der(&der, b"correct horse").unwrap();
    assert_eq!(back.public_key(), key.public_key());
    let pem = key
        .to_encrypted_pkcs8_pem(b"pw", &options, &mut rng)
        .unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let back = SecretKey::from_encrypted_pkcs8_pem(&pem, b"pw").unwrap();
    assert_eq!(back.public_key(), key.public_key());
    assert_eq!(
        SecretKey::from_encrypted_pkcs8_pem(&pem, b"wrong").unwrap_err(),
        eseal::crypto::CryptoError::WrongPassword
    );
}
