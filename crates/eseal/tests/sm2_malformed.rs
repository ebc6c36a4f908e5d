//! Malformed input to every SM2 parser: one test per class showing the typed error, and a
//! mutation sweep (every truncation, low- and high-bit flips of every byte) showing no parser
//! panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::TestRng;

use eseal::crypto::{CiphertextFormat, CryptoError, DistId, PublicKey, SecretKey, Signature};

fn key() -> SecretKey {
    SecretKey::generate_with_rng(&mut TestRng(3)).unwrap()
}

fn is_malformed(e: &CryptoError) -> bool {
    matches!(e, CryptoError::Malformed { .. })
}

// ---- keys ----

#[test]
fn private_key_wrong_length() {
    for len in [0, 1, 31, 33, 64] {
        let err = SecretKey::from_bytes(&vec![1; len]).unwrap_err();
        assert!(
            matches!(err, CryptoError::InvalidLength { found, .. } if found == len),
            "{err}"
        );
    }
}

#[test]
fn private_key_out_of_range() {
    assert_eq!(
        SecretKey::from_bytes(&[0; 32]).unwrap_err(),
        CryptoError::InvalidPrivateKey
    );
    assert_eq!(
        SecretKey::from_bytes(&[0xff; 32]).unwrap_err(),
        CryptoError::InvalidPrivateKey
    );
}

#[test]
fn sec1_and_pkcs8_with_zero_scalar() {
    let der = key().to_sec1_der();
    let mut zero = der.to_vec();
    zero[7..39].fill(0);
    assert_eq!(
        SecretKey::from_sec1_der(&zero).unwrap_err(),
        CryptoError::InvalidPrivateKey
    );
    let der = key().to_pkcs8_der();
    let mut zero = der.to_vec();
    zero[36..68].fill(0);
    assert_eq!(
        SecretKey::from_pkcs8_der(&zero).unwrap_err(),
        CryptoError::InvalidPrivateKey
    );
}

#[test]
fn sec1_with_foreign_public_key() {
    let mut der = key().to_sec1_der().to_vec();
    let other = SecretKey::generate_with_rng(&mut TestRng(9)).unwrap();
    let n = der.len();
    der[n - 65..].copy_from_slice(&other.public_key().to_sec1_bytes());
    let err = SecretKey::from_sec1_der(&der).unwrap_err();
    assert!(is_malformed(&err), "{err}");
}

#[test]
fn pkcs8_with_wrong_algorithm_or_version() {
    let der = key().to_pkcs8_der();
    // id-ecPublicKey 1.2.840.10045.2.1 -> 1.2.840.10045.2.2 (not an EC key algorithm)
    let mut other_alg = der.to_vec();
    other_alg[16] = 0x02;
    let err = SecretKey::from_pkcs8_der(&other_alg).unwrap_err();
    assert!(matches!(err, CryptoError::Unsupported { .. }), "{err}");
    // ECPrivateKey version 1 -> 2
    let mut bad_version = der.to_vec();
    bad_version[33] = 0x02;
    let err = SecretKey::from_pkcs8_der(&bad_version).unwrap_err();
    assert!(is_malformed(&err), "{err}");
}

#[test]
fn public_key_classes() {
    let good = key().public_key().to_sec1_bytes();
    let mut off_curve = good;
    off_curve[64] ^= 1;
    assert!(matches!(
        PublicKey::from_sec1_bytes(&off_curve).unwrap_err(),
        CryptoError::InvalidPublicKey(_)
    ));
    assert!(matches!(
        PublicKey::from_sec1_bytes(&[0]).unwrap_err(),
        CryptoError::InvalidPublicKey(_)
    ));
    assert!(matches!(
        PublicKey::from_sec1_bytes(&good[..64]).unwrap_err(),
        CryptoError::InvalidLength { .. }
    ));
    assert!(is_malformed(
        &PublicKey::from_sec1_bytes(&good[1..]).unwrap_err()
    ));
    let mut spki = key().public_key().to_spki_der();
    spki.push(0);
    assert!(is_malformed(&PublicKey::from_spki_der(&spki).unwrap_err()));
    let err = PublicKey::from_spki_pem(&key().to_pkcs8_pem()).unwrap_err();
    assert!(
        is_malformed(&err),
        "a private key PEM is not a public key: {err}"
    );
}

// ---- signatures ----

#[test]
fn signature_der_strictness() {
    // Each rule has its own vector in test-vectors/sm2/signature_encoding.json; here the message
    // of each error names the rule.
    let sig = key().sign(b"m").unwrap();
    let der = sig.to_der();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        ([der.clone(), vec![0]].concat(), "trailing"),
        (der[..der.len() - 1].to_vec(), ""),
        ([&[0x31][..], &der[1..]].concat(), "SEQUENCE"),
        (
            vec![0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01],
            "r is 0",
        ),
        (
            vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x81],
            "negative",
        ),
        (
            vec![0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01],
            "minimally",
        ),
        (
            vec![0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01],
            "INTEGER",
        ),
        (vec![0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01], "no content"),
    ];
    for (bytes, needle) in cases {
        match Signature::from_der(&bytes) {
            Err(CryptoError::Malformed { detail, .. }) => {
                assert!(detail.contains(needle), "{needle:?} not in {detail:?}")
            }
            other => panic!("{}: {other:?}", hex::encode(&bytes)),
        }
    }
    assert!(matches!(
        Signature::from_raw(&[1; 63]).unwrap_err(),
        CryptoError::InvalidLength { .. }
    ));
    assert!(is_malformed(&Signature::from_raw(&[0xff; 64]).unwrap_err()));
    assert!(is_malformed(&Signature::new([0; 32], [1; 32]).unwrap_err()));
}

#[test]
fn verification_failure_is_signature_invalid() {
    let k = key();
    let sig = k.sign(b"m").unwrap();
    let other = SecretKey::generate_with_rng(&mut TestRng(8)).unwrap();
    assert_eq!(
        other.public_key().verify(b"m", &sig),
        Err(CryptoError::SignatureInvalid)
    );
    let mut raw = sig.to_raw();
    raw[40] ^= 0x10;
    let tampered = Signature::from_raw(&raw).unwrap();
    assert_eq!(
        k.public_key().verify(b"m", &tampered),
        Err(CryptoError::SignatureInvalid)
    );
    // r + s = n makes t = 0: rejected, not a panic.
    let mut s = [0u8; 32];
    let n: [u8; 32] =
        hex::decode("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123")
            .unwrap()
            .try_into()
            .unwrap();
    let mut r = [0u8; 32];
    r[31] = 1;
    s.copy_from_slice(&n);
    s[31] -= 1;
    let t_zero = Signature::new(r, s).unwrap();
    assert_eq!(
        k.public_key().verify_digest(&[0; 32], &t_zero),
        Err(CryptoError::SignatureInvalid)
    );
}

// ---- encryption ----

#[test]
fn empty_plaintext_is_refused() {
    for format in [
        CiphertextFormat::C1C3C2,
        CiphertextFormat::C1C2C3,
        CiphertextFormat::Asn1,
    ] {
        let err = key()
            .public_key()
            .encrypt_with_rng(&mut TestRng(1), b"", format)
            .unwrap_err();
        assert!(matches!(err, CryptoError::InvalidParameter { .. }), "{err}");
    }
}

#[test]
fn corrupt_ciphertexts() {
    let k = key();
    let rng = &mut TestRng(5);
    for format in [CiphertextFormat::C1C3C2, CiphertextFormat::C1C2C3] {
        let ct = k
            .public_key()
            .encrypt_with_rng(rng, b"secret", format)
            .unwrap();
        assert_eq!(ct.len(), 65 + 32 + 6);
        // Altered C2 or C3: the check value fails.
        for i in [65, 80, 100] {
            let mut bad = ct.clone();
            bad[i] ^= 1;
            assert_eq!(
                k.decrypt(&bad, format).unwrap_err(),
                CryptoError::DecryptionFailed,
                "{format:?} byte {i}"
            );
        }
        // C1 off the curve.
        let mut bad = ct.clone();
        bad[64] ^= 1;
        let err = k.decrypt(&bad, format).unwrap_err();
        assert!(is_malformed(&err), "{err}");
        // Too short: no C2 byte.
        assert!(is_malformed(&k.decrypt(&ct[..97], format).unwrap_err()));
        assert!(is_malformed(&k.decrypt(&[], format).unwrap_err()));
        // Unknown point prefix.
        let mut bad = ct.clone();
        bad[0] = 0x05;
        assert!(is_malformed(&k.decrypt(&bad, format).unwrap_err()));
        // Another recipient.
        let other = SecretKey::generate_with_rng(&mut TestRng(77)).unwrap();
        assert_eq!(
            other.decrypt(&ct, format).unwrap_err(),
            CryptoError::DecryptionFailed
        );
    }

    let ct = k
        .public_key()
        .encrypt_with_rng(rng, b"secret", CiphertextFormat::Asn1)
        .unwrap();
    let n = ct.len();
    let mut bad = ct.clone();
    bad[n - 1] ^= 1;
    assert_eq!(
        k.decrypt(&bad, CiphertextFormat::Asn1).unwrap_err(),
        CryptoError::DecryptionFailed
    );
    let cases = [
        [ct.clone(), vec![0]].concat(),
        ct[..n - 1].to_vec(),
        [&[0x31][..], &ct[1..]].concat(),
    ];
    for bad in cases {
        assert!(is_malformed(
            &k.decrypt(&bad, CiphertextFormat::Asn1).unwrap_err()
        ));
    }
    // A raw ciphertext is not ASN.1 and vice versa.
    let raw = k
        .public_key()
        .encrypt_with_rng(rng, b"secret", CiphertextFormat::C1C3C2)
        .unwrap();
    assert!(is_malformed(
        &k.decrypt(&raw, CiphertextFormat::Asn1).unwrap_err()
    ));
    assert!(is_malformed(
        &k.decrypt(&ct, CiphertextFormat::C1C3C2).unwrap_err()
    ));
}

#[test]
fn asn1_ciphertext_field_rules() {
    let k = key();
    // SEQUENCE { x, y, HASH of 31 bytes, CipherText }
    let (x, y) = {
        let p = k.public_key().to_sec1_bytes();
        (p[1..33].to_vec(), p[33..].to_vec())
    };
    let int = |v: &[u8]| {
        let mut out = vec![0x02];
        if v[0] & 0x80 != 0 {
            out.push(33);
            out.push(0);
        } else {
            out.push(32);
        }
        out.extend_from_slice(v);
        out
    };
    let octets = |v: &[u8]| [&[0x04, v.len() as u8][..], v].concat();
    let seq = |body: Vec<u8>| [&[0x30, body.len() as u8][..], &body].concat();
    let short_hash = seq([int(&x), int(&y), octets(&[0; 31]), octets(b"abc")].concat());
    let empty_c2 = seq([int(&x), int(&y), octets(&[0; 32]), octets(b"")].concat());
    for (bad, needle) in [(short_hash, "HASH"), (empty_c2, "CipherText")] {
        match k.decrypt(&bad, CiphertextFormat::Asn1) {
            Err(CryptoError::Malformed { detail, .. }) => assert!(detail.contains(needle)),
            other => panic!("{other:?}"),
        }
    }
}

// ---- no panics: truncations and bit flips of valid encodings ----

/// Every prefix of `valid`, and flips of the lowest and the highest bit of every byte (these
/// reach tag, length, sign and point-prefix rules; flipping middle bits adds run time, not cases).
fn mutations(valid: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..valid.len()).map(|n| valid[..n].to_vec()).collect();
    for i in 0..valid.len() {
        for bit in [0, 7] {
            let mut m = valid.to_vec();
            m[i] ^= 1 << bit;
            out.push(m);
        }
    }
    out
}

#[test]
fn parsers_never_panic_on_mutations() {
    let k = key();
    let public = *k.public_key();
    let sig = k.sign(b"fuzz").unwrap();

    for m in mutations(&sig.to_der()) {
        let _ = Signature::from_der(&m);
        let _ = Signature::from_der_or_raw(&m);
    }
    for m in mutations(&sig.to_raw()) {
        if let Ok(s) = Signature::from_raw(&m) {
            let _ = public.verify(b"fuzz", &s);
        }
    }
    for m in mutations(&public.to_sec1_bytes()) {
        let _ = PublicKey::from_sec1_bytes(&m);
    }
    for m in mutations(&public.to_spki_der()) {
        let _ = PublicKey::from_spki_der(&m);
    }
    for m in mutations(&k.to_sec1_der()) {
        let _ = SecretKey::from_sec1_der(&m);
    }
    for m in mutations(&k.to_pkcs8_der()) {
        let _ = SecretKey::from_pkcs8_der(&m);
    }
    for m in mutations(k.to_pkcs8_pem().as_bytes()) {
        if let Ok(text) = std::str::from_utf8(&m) {
            let _ = SecretKey::from_pkcs8_pem(text);
        }
    }
    let mut rng = TestRng(11);
    for format in [
        CiphertextFormat::C1C3C2,
        CiphertextFormat::C1C2C3,
        CiphertextFormat::Asn1,
    ] {
        let ct = public.encrypt_with_rng(&mut rng, b"0123", format).unwrap();
        let mut accepted = 0;
        for m in mutations(&ct) {
            if k.decrypt(&m, format).is_ok() {
                accepted += 1;
            }
        }
        // No truncation or bit flip yields a plaintext: C3 or the point check catches it.
        assert_eq!(accepted, 0, "{format:?}");
    }
    let _ = DistId::new(vec![0; DistId::MAX_LEN + 1]);
}
