//! Known-answer and negative tests for SM4 (block, ECB, CBC, CTR, GCM) from `test-vectors/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::VectorFile as File;

use eseal::crypto::CryptoError;
use eseal::crypto::sm4::{self, Sm4Key};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockTest {
    tc_id: u32,
    key: String,
    plaintext: String,
    iterations: u32,
    ciphertext: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ModeTest {
    tc_id: u32,
    comment: String,
    key: String,
    #[serde(default)]
    iv: String,
    #[serde(default)]
    aad: String,
    msg: String,
    ct: String,
    #[serde(default)]
    tag: String,
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

fn load(name: &str) -> Vec<ModeTest> {
    let file: File<ModeTest> = cross::load_vectors(name);
    assert!(!file.source.is_empty());
    file.tests
}

fn expect_error<T: std::fmt::Debug>(t: &ModeTest, res: Result<T, CryptoError>) {
    let err = res.expect_err(&format!("tc {} ({}) must be rejected", t.tc_id, t.comment));
    assert_eq!(
        variant(&err),
        t.error,
        "tc {} ({}): {err}",
        t.tc_id,
        t.comment
    );
}

#[test]
fn gbt32907_examples_including_one_million_iterations() {
    let file: File<BlockTest> = cross::load_vectors("sm4/gbt32907.json");
    assert_eq!(file.tests.len(), 3);
    for t in &file.tests {
        let key = Sm4Key::from_slice(&h(&t.key)).unwrap();
        let plain: [u8; 16] = h(&t.plaintext).try_into().unwrap();
        let mut block = plain;
        for _ in 0..t.iterations {
            block = key.encrypt_block(&block);
        }
        assert_eq!(block.to_vec(), h(&t.ciphertext), "tc {}", t.tc_id);
        if t.iterations <= 1000 {
            for _ in 0..t.iterations {
                block = key.decrypt_block(&block);
            }
            assert_eq!(block, plain, "tc {} decrypt", t.tc_id);
        }
    }
}

#[test]
fn ecb_vectors() {
    for t in load("sm4/ecb-openssl.json") {
        let key = Sm4Key::from_slice(&h(&t.key)).unwrap();
        match t.result.as_str() {
            "valid" => {
                assert_eq!(
                    sm4::ecb_encrypt(&key, &h(&t.msg)).unwrap(),
                    h(&t.ct),
                    "tc {}",
                    t.tc_id
                );
                assert_eq!(
                    *sm4::ecb_decrypt(&key, &h(&t.ct)).unwrap(),
                    h(&t.msg),
                    "tc {}",
                    t.tc_id
                );
            }
            _ => {
                expect_error(&t, sm4::ecb_encrypt(&key, &h(&t.msg)));
                expect_error(&t, sm4::ecb_decrypt(&key, &h(&t.msg)));
            }
        }
    }
}

#[test]
fn cbc_vectors() {
    let tests = load("sm4/cbc-openssl.json");
    assert!(tests.iter().filter(|t| t.result == "valid").count() >= 9);
    for t in tests {
        let key = Sm4Key::from_slice(&h(&t.key));
        match t.result.as_str() {
            "valid" => {
                let key = key.unwrap();
                let ct = sm4::cbc_encrypt(&key, &h(&t.iv), &h(&t.msg)).unwrap();
                assert_eq!(ct, h(&t.ct), "tc {}", t.tc_id);
                let pt = sm4::cbc_decrypt(&key, &h(&t.iv), &ct).unwrap();
                assert_eq!(*pt, h(&t.msg), "tc {}", t.tc_id);
            }
            _ => expect_error(
                &t,
                key.and_then(|key| sm4::cbc_decrypt(&key, &h(&t.iv), &h(&t.ct))),
            ),
        }
    }
}

#[test]
fn ctr_vectors() {
    let tests = load("sm4/ctr-openssl.json");
    assert!(tests.iter().filter(|t| t.result == "valid").count() >= 12);
    for t in tests {
        let key = Sm4Key::from_slice(&h(&t.key)).unwrap();
        match t.result.as_str() {
            "valid" => {
                assert_eq!(
                    sm4::ctr_encrypt(&key, &h(&t.iv), &h(&t.msg)).unwrap(),
                    h(&t.ct),
                    "tc {}",
                    t.tc_id
                );
                assert_eq!(
                    *sm4::ctr_decrypt(&key, &h(&t.iv), &h(&t.ct)).unwrap(),
                    h(&t.msg),
                    "tc {}",
                    t.tc_id
                );
            }
            _ => {
                expect_error(&t, sm4::ctr_encrypt(&key, &h(&t.iv), &h(&t.msg)));
                expect_error(&t, sm4::ctr_decrypt(&key, &h(&t.iv), &h(&t.msg)));
            }
        }
    }
}

fn check_gcm_file(name: &str) -> usize {
    let tests = load(name);
    let mut valid = 0;
    for t in &tests {
        let key = Sm4Key::from_slice(&h(&t.key));
        let mut sealed = h(&t.ct);
        sealed.extend(h(&t.tag));
        match t.result.as_str() {
            "valid" => {
                let key = key.unwrap();
                let out = sm4::gcm_encrypt(&key, &h(&t.iv), &h(&t.aad), &h(&t.msg)).unwrap();
                assert_eq!(out, sealed, "tc {}", t.tc_id);
                let pt = sm4::gcm_decrypt(&key, &h(&t.iv), &h(&t.aad), &sealed).unwrap();
                assert_eq!(*pt, h(&t.msg), "tc {}", t.tc_id);
                valid += 1;
            }
            _ => expect_error(
                t,
                key.and_then(|key| sm4::gcm_decrypt(&key, &h(&t.iv), &h(&t.aad), &sealed)),
            ),
        }
    }
    valid
}

#[test]
fn gcm_rfc8998() {
    assert_eq!(check_gcm_file("sm4-gcm/rfc8998.json"), 1);
}

#[test]
fn gcm_cryptography_vectors() {
    assert!(check_gcm_file("sm4-gcm/cryptography.json") >= 8);
}

#[test]
fn gcm_encrypt_rejects_bad_nonce_lengths() {
    let key = Sm4Key::from_bytes([9; 16]);
    for len in [0usize, 8, 11, 13, 16] {
        assert_eq!(
            sm4::gcm_encrypt(&key, &vec![0; len], b"", b"x").unwrap_err(),
            CryptoError::InvalidLength {
                what: "SM4-GCM nonce",
                expected: "12 bytes",
                found: len
            }
        );
    }
}

#[test]
fn ctr_rejects_bad_counter_lengths() {
    let key = Sm4Key::from_bytes([9; 16]);
    for len in [0usize, 12, 15, 17] {
        assert!(matches!(
            sm4::ctr_encrypt(&key, &vec![0; len], b"x"),
            Err(CryptoError::InvalidLength { what: "SM4-CTR initial counter block", found, .. }) if found == len
        ));
    }
}

#[test]
fn every_bit_flip_of_a_gcm_message_fails_closed() {
    let key = Sm4Key::from_bytes([3; 16]);
    let sealed = sm4::gcm_encrypt(&key, &[4; 12], b"header", b"secret payload!!x").unwrap();
    for i in 0..sealed.len() * 8 {
        let mut bad = sealed.clone();
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(
            sm4::gcm_decrypt(&key, &[4; 12], b"header", &bad).unwrap_err(),
            CryptoError::AuthenticationFailed,
            "bit {i}"
        );
    }
    for len in 0..sealed.len() {
        assert!(
            sm4::gcm_decrypt(&key, &[4; 12], b"header", &sealed[..len]).is_err(),
            "len {len}"
        );
    }
}

#[cfg(feature = "getrandom")]
#[test]
fn generated_keys_differ() {
    let a = Sm4Key::generate_os().unwrap();
    let b = Sm4Key::generate_os().unwrap();
    assert_ne!(a.as_bytes(), b.as_bytes());
}
