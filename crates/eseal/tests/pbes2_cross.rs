//! Encrypted PKCS#8 against OpenSSL, both directions.
//!
//! OpenSSL 3.0 has no OID for an HMAC-SM3 PRF, so eseal's default files (PRF
//! `1.2.156.10197.1.401.2`) are checked with OpenSSL's primitives instead: `openssl asn1parse`
//! finds salt, iteration count and IV, `openssl kdf … PBKDF2` derives the key and
//! `openssl enc -d -sm4-cbc` decrypts. Files with PRF HMAC-SHA256 go through `openssl pkcs8`.
#![cfg(feature = "getrandom")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::crypto::CryptoError;
use eseal::crypto::pbes2::{self, EncryptOptions, Pbkdf2Prf};

const PASSWORD: &str = "pässwörd 口令";

/// A fresh SM2 key as plaintext PKCS#8 DER (OpenSSL 3.0's `genpkey -outform DER` writes SEC1,
/// hence the `pkcs8 -topk8 -nocrypt` step).
fn openssl_sm2_pkcs8(dir: &std::path::Path) -> Vec<u8> {
    let pem = dir.join("key.pem");
    let der = dir.join("key.der");
    cross::run(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "SM2",
            "-out",
            pem.to_str().unwrap(),
        ],
        None,
    );
    cross::run(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            pem.to_str().unwrap(),
            "-outform",
            "DER",
            "-out",
            der.to_str().unwrap(),
        ],
        None,
    );
    std::fs::read(der).unwrap()
}

#[test]
fn eseal_sha256_files_decrypt_with_openssl_pkcs8() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let plain = openssl_sm2_pkcs8(dir.path());
    // `openssl pkcs8` writes a decrypted SM2 key as SEC1; compare with OpenSSL's SEC1 of the input.
    let key_der = dir.path().join("key.der");
    let plain_sec1 = cross::run(
        "openssl",
        &[
            "pkcs8",
            "-inform",
            "DER",
            "-nocrypt",
            "-in",
            key_der.to_str().unwrap(),
            "-outform",
            "DER",
        ],
        None,
    );
    let options = EncryptOptions::new()
        .with_iterations(3000)
        .with_prf(Pbkdf2Prf::HmacSha256);
    for pem_form in [false, true] {
        let path = dir
            .path()
            .join(if pem_form { "enc.pem" } else { "enc.der" });
        if pem_form {
            std::fs::write(
                &path,
                pbes2::encrypt_pkcs8_pem_os(&plain, PASSWORD.as_bytes(), &options).unwrap(),
            )
            .unwrap();
        } else {
            std::fs::write(
                &path,
                pbes2::encrypt_pkcs8_der_os(&plain, PASSWORD.as_bytes(), &options).unwrap(),
            )
            .unwrap();
        }
        let pass = format!("pass:{PASSWORD}");
        let inform = if pem_form { "PEM" } else { "DER" };
        let out = cross::run(
            "openssl",
            &[
                "pkcs8",
                "-inform",
                inform,
                "-in",
                path.to_str().unwrap(),
                "-passin",
                &pass,
                "-outform",
                "DER",
            ],
            None,
        );
        assert_eq!(out, plain_sec1, "pem={pem_form}");
        let wrong = cross::try_run(
            "openssl",
            &[
                "pkcs8",
                "-inform",
                inform,
                "-in",
                path.to_str().unwrap(),
                "-passin",
                "pass:wrong",
                "-outform",
                "DER",
            ],
            None,
        );
        assert!(wrong.is_err());
    }
}

/// Decrypts an eseal HMAC-SM3 file with OpenSSL primitives only.
fn openssl_decrypt_sm3_file(encrypted: &[u8], password: &str, dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join("sm3.der");
    std::fs::write(&path, encrypted).unwrap();
    let dump = cross::run(
        "openssl",
        &["asn1parse", "-inform", "DER", "-in", path.to_str().unwrap()],
        None,
    );
    let dump = String::from_utf8(dump).unwrap();
    let lines: Vec<&str> = dump.lines().collect();
    // Structure (see pbes2 module docs): OIDs PBES2, PBKDF2; salt; iterations; PRF OID + NULL;
    // cipher OID; IV; encryptedData.
    let hexdump = |l: &str| {
        l.rsplit("[HEX DUMP]:")
            .next()
            .unwrap()
            .trim()
            .to_lowercase()
    };
    let salt = hexdump(lines.iter().find(|l| l.contains("OCTET STRING")).unwrap());
    let iter_line = lines.iter().find(|l| l.contains("INTEGER")).unwrap();
    let iterations = u64::from_str_radix(iter_line.rsplit(':').next().unwrap().trim(), 16).unwrap();
    assert!(
        lines.iter().any(|l| l.contains(":1.2.156.10197.1.401.2")),
        "PRF OID missing:\n{dump}"
    );
    let octets: Vec<String> = lines
        .iter()
        .filter(|l| l.contains("OCTET STRING"))
        .map(|l| hexdump(l))
        .collect();
    let (iv, ciphertext) = (&octets[1], hex::decode(&octets[2]).unwrap());
    let key = cross::run(
        "openssl",
        &[
            "kdf",
            "-keylen",
            "16",
            "-kdfopt",
            "digest:SM3",
            "-kdfopt",
            &format!("pass:{password}"),
            "-kdfopt",
            &format!("hexsalt:{salt}"),
            "-kdfopt",
            &format!("iter:{iterations}"),
            "-binary",
            "PBKDF2",
        ],
        None,
    );
    cross::run(
        "openssl",
        &["enc", "-d", "-sm4-cbc", "-K", &hex::encode(key), "-iv", iv],
        Some(&ciphertext),
    )
}

#[test]
fn eseal_sm3_files_decrypt_with_openssl_primitives() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let plain = openssl_sm2_pkcs8(dir.path());
    let options = EncryptOptions::new().with_iterations(4096);
    let encrypted = pbes2::encrypt_pkcs8_der_os(&plain, PASSWORD.as_bytes(), &options).unwrap();
    assert_eq!(
        openssl_decrypt_sm3_file(&encrypted, PASSWORD, dir.path()),
        plain
    );
}

#[test]
fn openssl_files_decrypt_in_eseal() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let plain = openssl_sm2_pkcs8(dir.path());
    let input = dir.path().join("key.der");
    let pass = format!("pass:{PASSWORD}");
    for extra in [
        vec![],                 // OpenSSL 3 default: AES-256-CBC, HMAC-SHA256
        vec!["-v2", "sm4-cbc"], // SM4-CBC, HMAC-SHA256
        vec!["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
    ] {
        for outform in ["DER", "PEM"] {
            let mut args = vec![
                "pkcs8",
                "-topk8",
                "-inform",
                "DER",
                "-in",
                input.to_str().unwrap(),
                "-passout",
                &pass,
                "-outform",
                outform,
                "-iter",
                "5000",
            ];
            args.extend(&extra);
            let encrypted = cross::run("openssl", &args, None);
            let got = if outform == "PEM" {
                pbes2::decrypt_pkcs8_pem(
                    std::str::from_utf8(&encrypted).unwrap(),
                    PASSWORD.as_bytes(),
                )
            } else {
                pbes2::decrypt_pkcs8_der(&encrypted, PASSWORD.as_bytes())
            };
            assert_eq!(*got.unwrap(), plain, "{extra:?} {outform}");
            let wrong = if outform == "PEM" {
                pbes2::decrypt_pkcs8_pem(std::str::from_utf8(&encrypted).unwrap(), b"wrong")
            } else {
                pbes2::decrypt_pkcs8_der(&encrypted, b"wrong")
            };
            assert_eq!(
                wrong.unwrap_err(),
                CryptoError::WrongPassword,
                "{extra:?} {outform}"
            );
        }
    }
}
