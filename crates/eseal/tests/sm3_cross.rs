//! SM3, HMAC-SM3 and PBKDF2-HMAC-SM3 against independent implementations computed live:
//! `openssl dgst -sm3`, Python `gmssl.sm3.sm3_hash`, `openssl mac … HMAC`, `openssl kdf … PBKDF2`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::crypto::sm3::{hmac_sm3, pbkdf2_hmac_sm3, sm3};

/// Pseudo-random bytes: SM3 in counter mode over a per-run seed (printed, to replay failures).
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
    eprintln!("seed = {nanos}");
    nanos.to_string()
}

#[test]
fn sm3_matches_openssl_dgst() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for n in [0usize, 1, 55, 56, 63, 64, 65, 333, 4096] {
        let msg = bytes(&seed, &format!("dgst-{n}"), n);
        let theirs = cross::run("openssl", &["dgst", "-sm3", "-binary"], Some(&msg));
        assert_eq!(sm3(&msg).to_vec(), theirs, "n={n}");
    }
}

#[test]
fn sm3_matches_python_gmssl() {
    if !cross::have_gmssl() {
        return;
    }
    let seed = seed();
    let script = "import sys; from gmssl import sm3, func; \
                  sys.stdout.write(sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(sys.argv[1]))))";
    for n in [0usize, 3, 64, 100, 1000] {
        let msg = bytes(&seed, &format!("gmssl-{n}"), n);
        let out = cross::run("python3", &["-c", script, &hex::encode(&msg)], None);
        assert_eq!(
            hex::encode(sm3(&msg)),
            String::from_utf8(out).unwrap(),
            "n={n}"
        );
    }
}

#[test]
fn hmac_sm3_matches_openssl_mac() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for (klen, mlen) in [
        (1usize, 0usize),
        (16, 1),
        (32, 64),
        (64, 64),
        (65, 200),
        (200, 1000),
    ] {
        let key = bytes(&seed, &format!("hk-{klen}-{mlen}"), klen);
        let msg = bytes(&seed, &format!("hm-{klen}-{mlen}"), mlen);
        let macopt = format!("hexkey:{}", hex::encode(&key));
        let theirs = cross::run(
            "openssl",
            &[
                "mac", "-digest", "SM3", "-macopt", &macopt, "-binary", "HMAC",
            ],
            Some(&msg),
        );
        assert_eq!(
            hmac_sm3(&key, &msg).to_vec(),
            theirs,
            "klen={klen} mlen={mlen}"
        );
    }
}

#[test]
fn pbkdf2_sm3_matches_openssl_kdf() {
    if !cross::have_openssl() {
        return;
    }
    let seed = seed();
    for (plen, slen, iter, dklen) in [
        (8usize, 16usize, 1u32, 16usize),
        (0, 8, 3, 32),
        (70, 16, 1000, 48),
        (12, 32, 20000, 16),
    ] {
        let pw = bytes(&seed, &format!("pw-{plen}"), plen);
        let salt = bytes(&seed, &format!("salt-{slen}"), slen);
        let (keylen, pass, salt_opt, iter_opt) = (
            dklen.to_string(),
            format!("hexpass:{}", hex::encode(&pw)),
            format!("hexsalt:{}", hex::encode(&salt)),
            format!("iter:{iter}"),
        );
        let theirs = cross::run(
            "openssl",
            &[
                "kdf",
                "-keylen",
                &keylen,
                "-kdfopt",
                "digest:SM3",
                "-kdfopt",
                &pass,
                "-kdfopt",
                &salt_opt,
                "-kdfopt",
                &iter_opt,
                "-binary",
                "PBKDF2",
            ],
            None,
        );
        let mut ours = vec![0u8; dklen];
        pbkdf2_hmac_sm3(&pw, &salt, iter, &mut ours).unwrap();
        assert_eq!(ours, theirs, "plen={plen} iter={iter}");
    }
}
