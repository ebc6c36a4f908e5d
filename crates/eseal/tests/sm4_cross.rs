//! SM4 against independent implementations, both directions:
//! `openssl enc -sm4-{ecb,cbc,ctr}` and Python `cryptography` for SM4-GCM.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::crypto::sm3::sm3;
use eseal::crypto::sm4::{self, Sm4Key};

const LENGTHS: [usize; 11] = [0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 1000];

/// Pseudo-random bytes from a seed (SM3 in counter mode); the seed changes every run and is
/// printed so a failure can be replayed.
fn bytes(seed: &str, label: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0u32;
    while out.len() < n {
        out.extend(sm3(format!("{seed}/{label}/{i}").as_bytes()));
        i += 1;
    }
    out.truncate(n);
    out
}

fn seed() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let seed = format!("{nanos}");
    eprintln!("seed = {seed}");
    seed
}

fn openssl_enc(
    mode: &str,
    key: &[u8],
    iv: Option<&[u8]>,
    decrypt: bool,
    nopad: bool,
    data: &[u8],
) -> Vec<u8> {
    let key_hex = hex::encode(key);
    let iv_hex = iv.map(hex::encode);
    let cipher = format!("-sm4-{mode}");
    let mut args = vec!["enc", cipher.as_str(), "-K", key_hex.as_str()];
    if let Some(iv) = &iv_hex {
        args.extend(["-iv", iv.as_str()]);
    }
    if decrypt {
        args.push("-d");
    }
    if nopad {
        args.push("-nopad");
    }
    cross::run("openssl", &args, Some(data))
}

#[test]
fn cbc_against_openssl_both_directions() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for n in LENGTHS {
        let key = bytes(&seed, &format!("cbc-key-{n}"), 16);
        let iv = bytes(&seed, &format!("cbc-iv-{n}"), 16);
        let msg = bytes(&seed, &format!("cbc-msg-{n}"), n);
        let k = Sm4Key::from_slice(&key).unwrap();

        let ours = sm4::cbc_encrypt(&k, &iv, &msg).unwrap();
        assert_eq!(
            openssl_enc("cbc", &key, Some(&iv), true, false, &ours),
            msg,
            "openssl decrypts eseal, n={n}"
        );

        let theirs = openssl_enc("cbc", &key, Some(&iv), false, false, &msg);
        assert_eq!(
            *sm4::cbc_decrypt(&k, &iv, &theirs).unwrap(),
            msg,
            "eseal decrypts openssl, n={n}"
        );
        assert_eq!(ours, theirs, "n={n}");
    }
}

#[test]
fn ctr_against_openssl_both_directions() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for n in LENGTHS {
        let key = bytes(&seed, &format!("ctr-key-{n}"), 16);
        let mut iv = bytes(&seed, &format!("ctr-iv-{n}"), 16);
        if n == 1000 {
            // Force a carry through all 128 bits within the message.
            iv = vec![0xff; 16];
            iv[0] = 0x7f;
        }
        let msg = bytes(&seed, &format!("ctr-msg-{n}"), n);
        let k = Sm4Key::from_slice(&key).unwrap();

        let ours = sm4::ctr_encrypt(&k, &iv, &msg).unwrap();
        assert_eq!(
            openssl_enc("ctr", &key, Some(&iv), true, false, &ours),
            msg,
            "openssl decrypts eseal, n={n}"
        );

        let theirs = openssl_enc("ctr", &key, Some(&iv), false, false, &msg);
        assert_eq!(
            *sm4::ctr_decrypt(&k, &iv, &theirs).unwrap(),
            msg,
            "eseal decrypts openssl, n={n}"
        );
    }
}

#[test]
fn ecb_against_openssl_both_directions() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for n in [0usize, 16, 32, 48, 160] {
        let key = bytes(&seed, &format!("ecb-key-{n}"), 16);
        let msg = bytes(&seed, &format!("ecb-msg-{n}"), n);
        let k = Sm4Key::from_slice(&key).unwrap();
        let ours = sm4::ecb_encrypt(&k, &msg).unwrap();
        assert_eq!(
            openssl_enc("ecb", &key, None, true, true, &ours),
            msg,
            "n={n}"
        );
        let theirs = openssl_enc("ecb", &key, None, false, true, &msg);
        assert_eq!(*sm4::ecb_decrypt(&k, &theirs).unwrap(), msg, "n={n}");
    }
}

const PY_GCM: &str = r#"
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
op, key, iv, aad, data = sys.argv[1], *(bytes.fromhex(a) for a in sys.argv[2:6])
if op == "enc":
    e = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
    e.authenticate_additional_data(aad)
    out = e.update(data) + e.finalize() + e.tag
else:
    d = Cipher(algorithms.SM4(key), modes.GCM(iv, data[-16:])).decryptor()
    d.authenticate_additional_data(aad)
    out = d.update(data[:-16]) + d.finalize()
sys.stdout.write(out.hex())
"#;

fn py_gcm(op: &str, key: &[u8], iv: &[u8], aad: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let args = [
        "-c",
        PY_GCM,
        op,
        &hex::encode(key),
        &hex::encode(iv),
        &hex::encode(aad),
        &hex::encode(data),
    ];
    cross::try_run("python3", &args, None).map(|out| hex::decode(out).unwrap())
}

#[test]
fn gcm_against_python_cryptography_both_directions() {
    let probe = "from cryptography.hazmat.primitives.ciphers import algorithms; algorithms.SM4";
    if !cross::tool_available("python3 cryptography (SM4)", &["python3", "-c", probe]) {
        return;
    }
    let seed = seed();
    for (n, a) in [
        (0usize, 0usize),
        (0, 17),
        (1, 0),
        (15, 1),
        (16, 16),
        (17, 20),
        (100, 3),
        (1000, 64),
    ] {
        let key = bytes(&seed, &format!("gcm-key-{n}-{a}"), 16);
        let iv = bytes(&seed, &format!("gcm-iv-{n}-{a}"), 12);
        let aad = bytes(&seed, &format!("gcm-aad-{n}-{a}"), a);
        let msg = bytes(&seed, &format!("gcm-msg-{n}-{a}"), n);
        let k = Sm4Key::from_slice(&key).unwrap();

        let ours = sm4::gcm_encrypt(&k, &iv, &aad, &msg).unwrap();
        assert_eq!(
            py_gcm("dec", &key, &iv, &aad, &ours).unwrap(),
            msg,
            "python decrypts eseal, n={n}"
        );

        let theirs = py_gcm("enc", &key, &iv, &aad, &msg).unwrap();
        assert_eq!(
            *sm4::gcm_decrypt(&k, &iv, &aad, &theirs).unwrap(),
            msg,
            "eseal decrypts python, n={n}"
        );
        assert_eq!(ours, theirs, "n={n}");

        // Python also refuses what eseal refuses.
        let mut bad = ours.clone();
        bad[0] ^= 1;
        assert!(
            py_gcm("dec", &key, &iv, &aad, &bad).is_err(),
            "python accepts a forged tag, n={n}"
        );
        assert!(sm4::gcm_decrypt(&k, &iv, &aad, &bad).is_err());
    }
}
