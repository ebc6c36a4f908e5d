//! Hostile and broken PKCS#12 input: truncations and bit flips never panic, garbage and huge
//! inputs are refused, and the count, nesting and work limits hold.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use der::Encode as _;
use der::asn1::ObjectIdentifier;
use eseal::oid;
use eseal::pki::pkcs12::{MAX_BAG_NESTING, MAX_BAGS, MAX_CONTENT_INFOS, MAX_PKCS12_SIZE};
use eseal::pki::{Pkcs12, Pkcs12Error, ReadOptions};

fn allow() -> ReadOptions {
    ReadOptions::new().allow_missing_mac(true)
}

fn ofdrw(name: &str) -> Vec<u8> {
    std::fs::read(cross::shared_vectors().join("ofdrw").join(name)).unwrap()
}

/// A DER TLV (test-side encoder, independent of the library's).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid_der(oid: ObjectIdentifier) -> Vec<u8> {
    oid.to_der().unwrap()
}

fn explicit0(inner: Vec<u8>) -> Vec<u8> {
    tlv(0xa0, &inner)
}

/// A PFX without MAC whose authSafe holds `infos`.
fn pfx(infos: &[Vec<u8>]) -> Vec<u8> {
    seq(&[
        tlv(0x02, &[3]),
        seq(&[oid_der(oid::PKCS7_DATA), explicit0(tlv(0x04, &seq(infos)))]),
    ])
}

fn data_info(safe_contents: Vec<u8>) -> Vec<u8> {
    seq(&[
        oid_der(oid::PKCS7_DATA),
        explicit0(tlv(0x04, &safe_contents)),
    ])
}

fn secret_bag() -> Vec<u8> {
    seq(&[
        oid_der(oid::PKCS12_SECRET_BAG),
        explicit0(seq(&[
            oid_der(ObjectIdentifier::new_unwrap("1.2.3.4")),
            explicit0(tlv(0x04, &[0])),
        ])),
    ])
}

fn nested_bag(inner: Vec<u8>) -> Vec<u8> {
    seq(&[
        oid_der(oid::PKCS12_SAFE_CONTENTS_BAG),
        explicit0(seq(&[inner])),
    ])
}

/// An `encryptedData` ContentInfo under pbeWithSHAAnd3-KeyTripleDES-CBC with `iterations`
/// and 8 bytes of ciphertext.
fn encrypted_info(iterations: u32) -> Vec<u8> {
    let count = iterations.to_der().unwrap();
    seq(&[
        oid_der(oid::PKCS7_ENCRYPTED_DATA),
        explicit0(seq(&[
            tlv(0x02, &[0]),
            seq(&[
                oid_der(oid::PKCS7_DATA),
                seq(&[
                    oid_der(oid::PKCS12_PBE_SHA1_3DES),
                    seq(&[tlv(0x04, &[7; 8]), count]),
                ]),
                tlv(0x80, &[0; 8]),
            ]),
        ])),
    ])
}

#[test]
fn crafted_file_reads_and_lists_skipped_bags() {
    let p12 = pfx(&[data_info(seq(&[secret_bag(), nested_bag(secret_bag())]))]);
    let store = Pkcs12::from_der_with(&p12, "pw", &allow()).unwrap();
    assert!(store.keys().is_empty());
    assert_eq!(
        store.skipped_bags(),
        &[oid::PKCS12_SECRET_BAG, oid::PKCS12_SECRET_BAG]
    );
    assert_eq!(
        Pkcs12::from_der(&p12, "pw").unwrap_err(),
        Pkcs12Error::MacMissing
    );
}

#[test]
fn bag_count_limit() {
    let bags: Vec<Vec<u8>> = (0..=MAX_BAGS).map(|_| secret_bag()).collect();
    let p12 = pfx(&[data_info(seq(&bags))]);
    let err = Pkcs12::from_der_with(&p12, "pw", &allow()).unwrap_err();
    assert!(
        matches!(err, Pkcs12Error::TooMany { limit, .. } if limit == MAX_BAGS),
        "{err:?}"
    );
    // Exactly at the limit is fine.
    let p12 = pfx(&[data_info(seq(&bags[1..]))]);
    assert!(Pkcs12::from_der_with(&p12, "pw", &allow()).is_ok());
}

#[test]
fn content_info_count_limit() {
    let infos: Vec<Vec<u8>> = (0..=MAX_CONTENT_INFOS)
        .map(|_| data_info(seq(&[])))
        .collect();
    let err = Pkcs12::from_der_with(&pfx(&infos), "pw", &allow()).unwrap_err();
    assert!(matches!(err, Pkcs12Error::TooMany { limit, .. } if limit == MAX_CONTENT_INFOS));
}

#[test]
fn nesting_limit() {
    let mut bag = secret_bag();
    for _ in 0..=MAX_BAG_NESTING {
        bag = nested_bag(bag);
    }
    let err = Pkcs12::from_der_with(&pfx(&[data_info(seq(&[bag]))]), "pw", &allow()).unwrap_err();
    assert_eq!(
        err,
        Pkcs12Error::TooDeep {
            limit: MAX_BAG_NESTING
        }
    );
}

#[test]
fn total_work_is_bounded_before_any_decryption() {
    // Each 8,000,000 iterations is under the per-count cap; seven of them (×3 SHA-1 blocks)
    // are far over the file budget, and are refused at once.
    let infos: Vec<Vec<u8>> = (0..7).map(|_| encrypted_info(8_000_000)).collect();
    let err = Pkcs12::from_der_with(&pfx(&infos), "pw", &allow()).unwrap_err();
    assert!(matches!(err, Pkcs12Error::WorkLimit { .. }), "{err:?}");
}

#[test]
fn cheap_encrypted_garbage_is_a_wrong_password() {
    let err = Pkcs12::from_der_with(&pfx(&[encrypted_info(1)]), "pw", &allow()).unwrap_err();
    assert!(matches!(err, Pkcs12Error::WrongPassword { .. }), "{err:?}");
}

#[test]
fn other_integrity_modes_are_unsupported() {
    let signed = seq(&[
        tlv(0x02, &[3]),
        seq(&[oid_der(oid::PKCS7_SIGNED_DATA), explicit0(seq(&[]))]),
    ]);
    let err = Pkcs12::from_der(&signed, "pw").unwrap_err();
    assert!(
        matches!(&err, Pkcs12Error::Unsupported { detail, .. } if detail.contains("signedData")),
        "{err:?}"
    );
    let version4 = seq(&[tlv(0x02, &[4]), data_info(seq(&[]))]);
    assert!(matches!(
        Pkcs12::from_der(&version4, "pw"),
        Err(Pkcs12Error::Unsupported { .. })
    ));
}

#[test]
fn garbage_and_huge_inputs_are_refused() {
    assert!(matches!(
        Pkcs12::from_der(&[], "pw"),
        Err(Pkcs12Error::Malformed { .. })
    ));
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for len in [1usize, 2, 16, 100, 1000, 5000] {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        assert!(Pkcs12::from_der(&junk, "pw").is_err());
        assert!(Pkcs12::from_der_with(&junk, "pw", &allow()).is_err());
    }
    // Deeply nested indefinite lengths.
    let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100_000)
        .flatten()
        .collect();
    assert!(Pkcs12::from_der(&deep, "pw").is_err());
    // Over the size cap: refused without parsing.
    let huge = vec![0x30; MAX_PKCS12_SIZE + 1];
    assert_eq!(
        Pkcs12::from_der(&huge, "pw").unwrap_err(),
        Pkcs12Error::TooLarge {
            limit: MAX_PKCS12_SIZE,
            found: MAX_PKCS12_SIZE + 1
        }
    );
}

#[test]
fn truncations_of_the_ofdrw_files_never_panic() {
    for name in ["USER.p12", "ROOT.p12"] {
        let p12 = ofdrw(name);
        for len in 0..p12.len() {
            let result = Pkcs12::from_der(&p12[..len], "777777");
            assert!(
                result.is_err(),
                "{name} truncated to {len} bytes was accepted"
            );
        }
    }
}

#[test]
fn bit_flips_of_the_ofdrw_file_never_panic() {
    // Every flip inside the authSafe fails the MAC (one 102,400-round SHA-1 KDF each), so
    // sample the positions; the unprotected parts (headers, MacData) are all covered.
    let p12 = ofdrw("USER.p12");
    let positions: Vec<usize> = (0..p12.len())
        .filter(|i| *i < 40 || *i >= p12.len() - 70 || i % 29 == 0)
        .collect();
    for i in positions {
        let mut flipped = p12.clone();
        flipped[i] ^= 1 << (i % 8);
        if let Ok(store) = Pkcs12::from_der(&flipped, "777777") {
            // Only a flip the MAC does not cover and that keeps the meaning can pass.
            assert_eq!(store.keys().len(), 1, "flip at {i}");
        }
    }
}

/// Bit flips of an OpenSSL file without MAC or encryption reach every bag, certificate and key
/// parser with corrupted input.
#[test]
fn bit_flips_of_an_unprotected_file_never_panic() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let d = |f: &str| dir.path().join(f).to_str().unwrap().to_owned();
    let (k, c, out) = (d("k.pem"), d("c.pem"), d("p.p12"));
    cross::run(
        "openssl",
        &["genpkey", "-algorithm", "SM2", "-out", &k],
        None,
    );
    cross::run(
        "openssl",
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            &k,
            "-subj",
            "/CN=flip",
            "-days",
            "1",
            "-sm3",
            "-sigopt",
            "distid:1234567812345678",
            "-out",
            &c,
        ],
        None,
    );
    cross::run(
        "openssl",
        &[
            "pkcs12", "-export", "-inkey", &k, "-in", &c, "-name", "x", "-nomac", "-certpbe",
            "NONE", "-keypbe", "NONE", "-passout", "pass:", "-out", &out,
        ],
        None,
    );
    let p12 = std::fs::read(&out).unwrap();
    let store = Pkcs12::from_der_with(&p12, "", &allow()).unwrap();
    assert!(!store.keys()[0].was_encrypted());
    assert!(store.key_and_certificate().is_some());
    for i in 0..p12.len() {
        for bit in [0u8, 5] {
            let mut flipped = p12.clone();
            flipped[i] ^= 1 << bit;
            let _ = Pkcs12::from_der_with(&flipped, "", &allow());
        }
        let _ = Pkcs12::from_der_with(&p12[..i], "", &allow());
    }
}
