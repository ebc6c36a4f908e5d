//! Known-answer tests for SM3, HMAC-SM3 and PBKDF2-HMAC-SM3 from `test-vectors/`.
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
use eseal::crypto::sm3::{HmacSm3, Sm3Hasher, hmac_sm3, hmac_sm3_verify, pbkdf2_hmac_sm3, sm3};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashTest {
    tc_id: u32,
    msg: String,
    digest: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HmacTest {
    tc_id: u32,
    key: String,
    msg: String,
    tag: String,
    result: String,
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pbkdf2Test {
    tc_id: u32,
    password: String,
    salt: String,
    iterations: u32,
    dk_len: usize,
    dk: String,
    result: String,
    #[serde(default)]
    error: String,
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

/// The variant name of an error, e.g. "InvalidLength".
fn variant(e: &CryptoError) -> String {
    format!("{e:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect()
}

fn check_hash_file(name: &str) -> usize {
    let file: File<HashTest> = cross::load_vectors(name);
    assert!(!file.source.is_empty());
    for t in &file.tests {
        let msg = h(&t.msg);
        let want = h(&t.digest);
        assert_eq!(sm3(&msg).to_vec(), want, "{name} tc {}", t.tc_id);
        // Streaming, fed in uneven chunks.
        let mut hasher = Sm3Hasher::new();
        for chunk in msg.chunks(7) {
            hasher.update(chunk);
        }
        assert_eq!(
            hasher.finalize().to_vec(),
            want,
            "{name} tc {} streaming",
            t.tc_id
        );
    }
    file.tests.len()
}

#[test]
fn sm3_gbt32905_examples() {
    assert_eq!(check_hash_file("sm3/gbt32905.json"), 2);
}

#[test]
fn sm3_openssl_vectors() {
    assert!(check_hash_file("sm3/openssl.json") >= 10);
}

#[test]
fn hmac_sm3_vectors() {
    let file: File<HmacTest> = cross::load_vectors("hmac-sm3/openssl.json");
    let mut valid = 0;
    for t in &file.tests {
        let (key, msg, tag) = (h(&t.key), h(&t.msg), h(&t.tag));
        match t.result.as_str() {
            "valid" => {
                assert_eq!(hmac_sm3(&key, &msg).to_vec(), tag, "tc {}", t.tc_id);
                let mut mac = HmacSm3::new(&key);
                for chunk in msg.chunks(5) {
                    mac.update(chunk);
                }
                assert_eq!(mac.verify(&tag), Ok(()), "tc {}", t.tc_id);
                assert_eq!(hmac_sm3_verify(&key, &msg, &tag), Ok(()), "tc {}", t.tc_id);
                valid += 1;
            }
            "invalid" => {
                let err = hmac_sm3_verify(&key, &msg, &tag).expect_err("must be rejected");
                assert_eq!(variant(&err), t.error, "tc {}: {err}", t.tc_id);
            }
            other => panic!("unexpected result {other}"),
        }
    }
    assert!(valid >= 8);
}

#[test]
fn pbkdf2_hmac_sm3_vectors() {
    let file: File<Pbkdf2Test> = cross::load_vectors("pbkdf2-sm3/openssl.json");
    let mut valid = 0;
    for t in &file.tests {
        let mut out = vec![0u8; t.dk_len];
        let res = pbkdf2_hmac_sm3(&h(&t.password), &h(&t.salt), t.iterations, &mut out);
        match t.result.as_str() {
            "valid" => {
                assert_eq!(res, Ok(()), "tc {}", t.tc_id);
                assert_eq!(out, h(&t.dk), "tc {}", t.tc_id);
                valid += 1;
            }
            "invalid" => {
                let err = res.expect_err("must be rejected");
                assert_eq!(variant(&err), t.error, "tc {}: {err}", t.tc_id);
            }
            other => panic!("unexpected result {other}"),
        }
    }
    assert!(valid >= 8);
}
