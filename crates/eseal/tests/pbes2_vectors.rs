//! Encrypted PKCS#8 files from `test-vectors/pbes2/`: OpenSSL-written files (AES-256-CBC and
//! SM4-CBC with HMAC-SHA256, AES-128-CBC with the default HMAC-SHA1), HMAC-SM3 files built with
//! Python `cryptography`, and one file per malformed or unsupported input class.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::crypto::CryptoError;
use eseal::crypto::pbes2;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    source: String,
    tests: Vec<Test>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Test {
    tc_id: u32,
    comment: String,
    source: String,
    password: String,
    encrypted: String,
    plaintext: String,
    result: String,
    #[serde(default)]
    error: String,
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

fn variant(e: &CryptoError) -> String {
    format!("{e:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect()
}

#[test]
fn every_pbes2_vector() {
    let file: File = cross::load_vectors("pbes2/pkcs8.json");
    assert!(!file.source.is_empty());
    let (mut valid, mut invalid) = (0, 0);
    for t in &file.tests {
        assert!(!t.source.is_empty(), "tc {} names no source", t.tc_id);
        let res = pbes2::decrypt_pkcs8_der(&h(&t.encrypted), &h(&t.password));
        match t.result.as_str() {
            "valid" => {
                let plain = res.unwrap_or_else(|e| panic!("tc {} ({}): {e}", t.tc_id, t.comment));
                assert_eq!(*plain, h(&t.plaintext), "tc {} ({})", t.tc_id, t.comment);
                valid += 1;
            }
            "invalid" => {
                let err = res.expect_err(&format!("tc {} ({}) must fail", t.tc_id, t.comment));
                assert_eq!(
                    variant(&err),
                    t.error,
                    "tc {} ({}): {err}",
                    t.tc_id,
                    t.comment
                );
                invalid += 1;
            }
            other => panic!("unexpected result {other}"),
        }
    }
    assert!(
        valid >= 7 && invalid >= 20,
        "valid {valid}, invalid {invalid}"
    );
}

#[test]
fn unsupported_errors_name_the_oid() {
    let file: File = cross::load_vectors("pbes2/pkcs8.json");
    let find = |comment: &str| {
        file.tests
            .iter()
            .find(|t| t.comment.contains(comment))
            .unwrap()
    };
    for (comment, oid) in [
        ("PRF HMAC-SHA512", "1.2.840.113549.2.11"),
        ("DES-EDE3-CBC", "1.2.840.113549.3.7"),
        ("misnumbered", "1.2.156.10197.1.401.1"),
        ("SM4-ECB", "1.2.156.10197.1.104.1"),
        ("scrypt", "1.3.6.1.4.1.11591.4.11"),
        ("PKCS#12 PBE", "1.2.840.113549.1.12.1.3"),
    ] {
        let t = find(comment);
        let err = pbes2::decrypt_pkcs8_der(&h(&t.encrypted), &h(&t.password)).unwrap_err();
        assert!(
            matches!(err, CryptoError::Unsupported { .. }),
            "{comment}: {err}"
        );
        assert!(err.to_string().contains(oid), "{comment}: {err}");
    }
}

#[test]
fn truncations_fail_and_bit_flips_never_panic() {
    let file: File = cross::load_vectors("pbes2/pkcs8.json");
    let t = file
        .tests
        .iter()
        .find(|t| {
            t.comment
                .starts_with("PBKDF2-HMAC-SM3 (1.2.156.10197.1.401.2)")
        })
        .unwrap();
    let (good, pw) = (h(&t.encrypted), h(&t.password));
    for len in 0..good.len() {
        assert!(
            pbes2::decrypt_pkcs8_der(&good[..len], &pw).is_err(),
            "truncated to {len}"
        );
    }
    // Flip one bit in every byte (a different bit position each time). PBES2 is not
    // authenticated, so a flip inside the encrypted key material can decrypt to another
    // well-formed PKCS#8; it must then differ from the original. Flips in the parameters before
    // the IV (structure, OIDs, salt, iteration count) must always fail.
    let iv_pos = good.windows(16).position(|w| w == iv_of(&good)).unwrap();
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 1 << (i % 8);
        if let Ok(plain) = pbes2::decrypt_pkcs8_der(&bad, &pw) {
            assert!(i >= iv_pos, "flip in byte {i} (parameters) accepted");
            assert_ne!(
                *plain,
                h(&t.plaintext),
                "byte {i} flipped but same plaintext"
            );
        }
    }
}

/// The 16-byte IV: the OCTET STRING right after the SM4-CBC OID (06 08 2a 81 1c cf 55 01 68 02).
fn iv_of(der: &[u8]) -> &[u8] {
    let sm4_cbc = [
        0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x68, 0x02, 0x04, 0x10,
    ];
    let at = der
        .windows(sm4_cbc.len())
        .position(|w| w == sm4_cbc)
        .unwrap()
        + sm4_cbc.len();
    &der[at..at + 16]
}
