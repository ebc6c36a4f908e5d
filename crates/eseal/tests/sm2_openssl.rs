//! Cross-checks eseal's SM2 against the OpenSSL 3 command line, in both directions: keys (PKCS#8,
//! SEC1, SPKI), signatures with the default, an empty and a non-UTF-8 distinguishing ID, and
//! ASN.1 `SM2Cipher` encryption.
//!
//! OpenSSL's CLI signs and verifies SM2 with an **empty** ID unless `distid:` / `hexdistid:` is
//! given, so every call here names the ID explicitly except the one test about that default.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::TestRng;

use std::fs;
use std::path::Path;

use eseal::crypto::{CiphertextFormat, CryptoError, DistId, PublicKey, SecretKey, Signature};

const DEFAULT_ID: &str = "distid:1234567812345678";

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Writes an eseal key pair as PEM files and returns (private PKCS#8, public SPKI) paths.
fn write_key(dir: &Path, key: &SecretKey) -> (String, String) {
    let sk = dir.join("key.pem");
    let pk = dir.join("pub.pem");
    fs::write(&sk, key.to_pkcs8_pem().as_bytes()).unwrap();
    fs::write(&pk, key.public_key().to_spki_pem()).unwrap();
    (path_str(&sk).to_owned(), path_str(&pk).to_owned())
}

fn openssl_sign(dir: &Path, key: &str, msg: &[u8], id_opt: Option<&str>) -> Vec<u8> {
    let m = dir.join("msg");
    fs::write(&m, msg).unwrap();
    let mut args = vec![
        "pkeyutl",
        "-sign",
        "-rawin",
        "-digest",
        "sm3",
        "-inkey",
        key,
        "-in",
        path_str(&m),
    ];
    if let Some(opt) = id_opt {
        args.extend(["-pkeyopt", opt]);
    }
    cross::run("openssl", &args, None)
}

fn openssl_verify(dir: &Path, public: &str, msg: &[u8], sig: &[u8], id_opt: &str) -> bool {
    let m = dir.join("msg");
    let s = dir.join("sig");
    fs::write(&m, msg).unwrap();
    fs::write(&s, sig).unwrap();
    let args = [
        "pkeyutl",
        "-verify",
        "-rawin",
        "-digest",
        "sm3",
        "-pubin",
        "-inkey",
        public,
        "-in",
        path_str(&m),
        "-sigfile",
        path_str(&s),
        "-pkeyopt",
        id_opt,
    ];
    cross::try_run("openssl", &args, None).is_ok()
}

#[test]
fn openssl_signs_eseal_verifies() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (sk, _) = write_key(dir.path(), &key);
    for msg in [&b"message digest"[..], b"", &[0xa5; 1000]] {
        let der = openssl_sign(dir.path(), &sk, msg, Some(DEFAULT_ID));
        let sig = Signature::from_der(&der).unwrap();
        key.public_key().verify(msg, &sig).unwrap();
        assert_eq!(
            sig.to_der(),
            der,
            "eseal re-encodes OpenSSL's DER identically"
        );
    }

    // The same through `openssl dgst -sigopt`.
    let m = dir.path().join("msg");
    fs::write(&m, b"dgst path").unwrap();
    let der = cross::run(
        "openssl",
        &[
            "dgst",
            "-sm3",
            "-sign",
            &sk,
            "-sigopt",
            DEFAULT_ID,
            path_str(&m),
        ],
        None,
    );
    let sig = Signature::from_der(&der).unwrap();
    key.public_key().verify(b"dgst path", &sig).unwrap();
}

#[test]
fn eseal_signs_openssl_verifies() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (_, pk) = write_key(dir.path(), &key);
    for msg in [&b"message digest"[..], b"", &[0x5a; 1000]] {
        let sig = key.sign(msg).unwrap();
        assert!(openssl_verify(
            dir.path(),
            &pk,
            msg,
            &sig.to_der(),
            DEFAULT_ID
        ));
        let hedged = key
            .sign_with_rng(&mut TestRng(1), &DistId::DEFAULT, msg)
            .unwrap();
        assert!(openssl_verify(
            dir.path(),
            &pk,
            msg,
            &hedged.to_der(),
            DEFAULT_ID
        ));
    }
    // Under another ID, OpenSSL must refuse: the ID is really part of what is signed.
    let sig = key.sign(b"abc").unwrap();
    assert!(!openssl_verify(
        dir.path(),
        &pk,
        b"abc",
        &sig.to_der(),
        "distid:someone-else"
    ));
}

#[test]
fn non_utf8_distinguishing_id() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (sk, pk) = write_key(dir.path(), &key);
    let raw_id = [0xff, 0x00, 0x80, 0x41];
    let id = DistId::new(raw_id).unwrap();
    let opt = format!("hexdistid:{}", hex::encode(raw_id));

    let sig = key.sign_with_id(&id, b"payload").unwrap();
    assert!(openssl_verify(
        dir.path(),
        &pk,
        b"payload",
        &sig.to_der(),
        &opt
    ));

    let der = openssl_sign(dir.path(), &sk, b"payload", Some(&opt));
    let sig = Signature::from_der(&der).unwrap();
    key.public_key()
        .verify_with_id(&id, b"payload", &sig)
        .unwrap();
    assert_eq!(
        key.public_key().verify(b"payload", &sig),
        Err(CryptoError::SignatureInvalid)
    );
}

#[test]
fn openssl_default_empty_id_is_not_the_standard_default() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (sk, _) = write_key(dir.path(), &key);
    // No -pkeyopt distid: OpenSSL 3 uses the empty ID.
    let der = openssl_sign(dir.path(), &sk, b"no id given", None);
    let sig = Signature::from_der(&der).unwrap();
    assert_eq!(
        key.public_key().verify(b"no id given", &sig),
        Err(CryptoError::SignatureInvalid),
        "an OpenSSL default signature must not verify under 1234567812345678"
    );
    key.public_key()
        .verify_with_id(&DistId::empty(), b"no id given", &sig)
        .unwrap();
}

#[test]
fn openssl_keys_load_in_eseal_byte_for_byte() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let pem_path = dir.path().join("openssl.pem");
    let pem_file = path_str(&pem_path);
    cross::run(
        "openssl",
        &["genpkey", "-algorithm", "SM2", "-out", pem_file],
        None,
    );
    let pem = fs::read_to_string(&pem_path).unwrap();
    let key = SecretKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(
        key.to_pkcs8_pem().as_str(),
        pem,
        "PKCS#8 PEM identical to OpenSSL's"
    );

    // `openssl pkey -outform DER` writes SEC1 ECPrivateKey.
    let sec1 = cross::run(
        "openssl",
        &["pkey", "-in", pem_file, "-outform", "DER"],
        None,
    );
    let from_sec1 = SecretKey::from_sec1_der(&sec1).unwrap();
    assert_eq!(from_sec1.to_bytes(), key.to_bytes());
    assert_eq!(
        key.to_sec1_der().as_slice(),
        sec1.as_slice(),
        "SEC1 DER identical"
    );

    let pkcs8 = cross::run(
        "openssl",
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", pem_file, "-outform", "DER",
        ],
        None,
    );
    assert_eq!(
        key.to_pkcs8_der().as_slice(),
        pkcs8.as_slice(),
        "PKCS#8 DER identical"
    );
    assert_eq!(
        SecretKey::from_pkcs8_der(&pkcs8).unwrap().to_bytes(),
        key.to_bytes()
    );

    let spki = cross::run(
        "openssl",
        &["pkey", "-in", pem_file, "-pubout", "-outform", "DER"],
        None,
    );
    let public = PublicKey::from_spki_der(&spki).unwrap();
    assert_eq!(&public, key.public_key());
    assert_eq!(public.to_spki_der(), spki, "SPKI DER identical");
    let spki_pem = cross::run("openssl", &["pkey", "-in", pem_file, "-pubout"], None);
    assert_eq!(
        public.to_spki_pem().as_bytes(),
        spki_pem.as_slice(),
        "SPKI PEM identical"
    );
}

#[test]
fn eseal_keys_load_in_openssl() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (sk, pk) = write_key(dir.path(), &key);
    let sec1_path = dir.path().join("sec1.pem");
    fs::write(&sec1_path, key.to_sec1_pem().as_bytes()).unwrap();

    // OpenSSL derives the same public key from eseal's PKCS#8 and SEC1 files.
    for file in [sk.as_str(), path_str(&sec1_path)] {
        let spki = cross::run(
            "openssl",
            &["pkey", "-in", file, "-pubout", "-outform", "DER"],
            None,
        );
        assert_eq!(spki, key.public_key().to_spki_der(), "{file}");
        let text = cross::run("openssl", &["pkey", "-in", file, "-noout", "-text"], None);
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("ASN1 OID: SM2"), "{text}");
    }
    let spki = cross::run(
        "openssl",
        &["pkey", "-pubin", "-in", &pk, "-outform", "DER"],
        None,
    );
    assert_eq!(spki, key.public_key().to_spki_der());
}

#[test]
fn openssl_encrypts_eseal_decrypts() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (_, pk) = write_key(dir.path(), &key);
    let m = dir.path().join("plain");
    for plaintext in [&b"x"[..], b"encryption standard", &[0x33; 300]] {
        fs::write(&m, plaintext).unwrap();
        let ct = cross::run(
            "openssl",
            &[
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-inkey",
                &pk,
                "-in",
                path_str(&m),
            ],
            None,
        );
        let back = key.decrypt(&ct, CiphertextFormat::Asn1).unwrap();
        assert_eq!(back.as_slice(), plaintext);
    }
}

#[test]
fn eseal_encrypts_openssl_decrypts() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let key = SecretKey::generate().unwrap();
    let (sk, _) = write_key(dir.path(), &key);
    let c = dir.path().join("ct");
    let decrypt = |ct: &[u8]| {
        fs::write(&c, ct).unwrap();
        cross::run(
            "openssl",
            &["pkeyutl", "-decrypt", "-inkey", &sk, "-in", path_str(&c)],
            None,
        )
    };
    for plaintext in [&b"y"[..], b"encryption standard", &[0x44; 300]] {
        let ct = key
            .public_key()
            .encrypt(plaintext, CiphertextFormat::Asn1)
            .unwrap();
        assert_eq!(decrypt(&ct), plaintext);
    }

    // A ciphertext whose C1 has a coordinate shorter than 32 bytes (a minimal INTEGER with no
    // leading 00): about one in 128 encryptions. OpenSSL must accept it and eseal read it back.
    let short = (0..4000)
        .map(|_| {
            key.public_key()
                .encrypt(b"short", CiphertextFormat::Asn1)
                .unwrap()
        })
        .find(|ct| has_short_coordinate(ct))
        .expect("a short coordinate within 4000 tries");
    assert_eq!(decrypt(&short), b"short");
    assert_eq!(
        key.decrypt(&short, CiphertextFormat::Asn1)
            .unwrap()
            .as_slice(),
        b"short"
    );
}

/// Whether XCoordinate or YCoordinate of an `SM2Cipher` has fewer than 32 value bytes.
fn has_short_coordinate(ct: &[u8]) -> bool {
    // 30 len (1 or 2 length bytes), then 02 lx x, 02 ly y.
    let mut i = if ct[1] & 0x80 != 0 {
        2 + usize::from(ct[1] & 0x7f)
    } else {
        2
    };
    let mut short = false;
    for _ in 0..2 {
        assert_eq!(ct[i], 0x02);
        let len = usize::from(ct[i + 1]);
        let value = &ct[i + 2..i + 2 + len];
        let magnitude = if value[0] == 0 { &value[1..] } else { value };
        short |= magnitude.len() < 32;
        i += 2 + len;
    }
    short
}
