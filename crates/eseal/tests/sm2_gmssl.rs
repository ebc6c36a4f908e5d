//! Cross-checks eseal's SM2 against Python `gmssl` 3.2.2, in both directions: raw `r‖s`
//! signatures with the default ID (`sign_with_sm3` hard-codes `1234567812345678` in Z) and raw
//! ciphertexts (`mode` 1 = C1C3C2, 0 = C1C2C3).
//!
//! gmssl quirks worked around here: keys and C1 are hex without the `04` prefix (its constructor
//! strips a `04` prefix with `str.lstrip`, which also eats leading `0`/`4` digits of X, so the
//! tests never pass one), and its `decrypt` does not check C3, so it is only fed valid input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::TestRng;

use eseal::crypto::{CiphertextFormat, SecretKey, Signature};

/// Runs `body` under python3 with `sm2`, `sys` and `CryptSM2(d, p, mode)` available; the
/// arguments are `sys.argv[1:]`. Returns stdout, trimmed.
fn python(body: &str, args: &[&str]) -> String {
    let script = format!("import sys\nfrom gmssl import sm2\n{body}");
    let mut argv = vec!["-c", script.as_str()];
    argv.extend_from_slice(args);
    String::from_utf8(cross::run("python3", &argv, None))
        .unwrap()
        .trim()
        .to_owned()
}

/// (private key hex, public key hex without 04) for gmssl.
fn gmssl_key(key: &SecretKey) -> (String, String) {
    (
        hex::encode(*key.to_bytes()),
        hex::encode(&key.public_key().to_sec1_bytes()[1..]),
    )
}

fn keys() -> Vec<SecretKey> {
    (0..2)
        .map(|i| SecretKey::generate_with_rng(&mut TestRng(i * 40 + 7)).unwrap())
        .collect()
}

const MESSAGES: [&[u8]; 3] = [b"message digest", b"\x00\xff binary \x80", &[0x62; 200]];

#[test]
fn gmssl_reproduces_the_standard_signature_too() {
    if !cross::have_gmssl() {
        return;
    }
    // GB/T 32918 Annex A key, message and k (test-vectors/sm2/sign_gbt32918.json).
    let d = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
    let k = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21";
    let key = SecretKey::from_bytes(&hex::decode(d).unwrap()).unwrap();
    let (_, p) = gmssl_key(&key);
    let sig = python(
        "c = sm2.CryptSM2(private_key=sys.argv[1], public_key=sys.argv[2])
print(c.sign_with_sm3(b'message digest', sys.argv[3]))",
        &[d, &p, k],
    );
    let e = key
        .public_key()
        .digest(&Default::default(), b"message digest");
    let k: [u8; 32] = hex::decode(k).unwrap().try_into().unwrap();
    let ours = eseal::internal::sm2_sign_digest_with_fixed_k(&key, &e, &k).unwrap();
    assert_eq!(sig, hex::encode(ours.to_raw()));
}

#[test]
fn gmssl_signs_eseal_verifies() {
    if !cross::have_gmssl() {
        return;
    }
    for key in keys() {
        let (d, p) = gmssl_key(&key);
        for msg in MESSAGES {
            let raw = python(
                "c = sm2.CryptSM2(private_key=sys.argv[1], public_key=sys.argv[2])
print(c.sign_with_sm3(bytes.fromhex(sys.argv[3])))",
                &[&d, &p, &hex::encode(msg)],
            );
            let sig = Signature::from_raw(&hex::decode(raw).unwrap()).unwrap();
            key.public_key().verify(msg, &sig).unwrap();
        }
    }
}

#[test]
fn eseal_signs_gmssl_verifies() {
    if !cross::have_gmssl() {
        return;
    }
    let verify = "c = sm2.CryptSM2(private_key=None, public_key=sys.argv[1])
print(c.verify_with_sm3(sys.argv[2], bytes.fromhex(sys.argv[3])))";
    for key in keys() {
        let (_, p) = gmssl_key(&key);
        for msg in MESSAGES {
            let sig = key.sign(msg).unwrap();
            let raw = hex::encode(sig.to_raw());
            assert_eq!(python(verify, &[&p, &raw, &hex::encode(msg)]), "True");
            let mut other = msg.to_vec();
            other.push(1);
            assert_eq!(python(verify, &[&p, &raw, &hex::encode(other)]), "False");
        }
    }
}

#[test]
fn gmssl_encrypts_eseal_decrypts() {
    if !cross::have_gmssl() {
        return;
    }
    for key in keys() {
        let (_, p) = gmssl_key(&key);
        for msg in MESSAGES {
            for (mode, format) in [
                ("1", CiphertextFormat::C1C3C2),
                ("0", CiphertextFormat::C1C2C3),
            ] {
                let ct = python(
                    "c = sm2.CryptSM2(private_key=None, public_key=sys.argv[1], mode=int(sys.argv[3]))
print(c.encrypt(bytes.fromhex(sys.argv[2])).hex())",
                    &[&p, &hex::encode(msg), mode],
                );
                let ct = hex::decode(format!("04{ct}")).unwrap();
                assert_eq!(key.decrypt(&ct, format).unwrap().as_slice(), msg);
            }
        }
    }
}

#[test]
fn eseal_encrypts_gmssl_decrypts() {
    if !cross::have_gmssl() {
        return;
    }
    let mut rng = TestRng(5);
    for key in keys() {
        let (d, p) = gmssl_key(&key);
        for msg in MESSAGES {
            for (mode, format) in [
                ("1", CiphertextFormat::C1C3C2),
                ("0", CiphertextFormat::C1C2C3),
            ] {
                let ct = key
                    .public_key()
                    .encrypt_with_rng(&mut rng, msg, format)
                    .unwrap();
                let plain = python(
                    "c = sm2.CryptSM2(private_key=sys.argv[1], public_key=sys.argv[2], mode=int(sys.argv[4]))
print(c.decrypt(bytes.fromhex(sys.argv[3])).hex())",
                    &[&d, &p, &hex::encode(&ct[1..]), mode],
                );
                assert_eq!(plain, hex::encode(msg), "mode {mode}");
            }
        }
    }
}
