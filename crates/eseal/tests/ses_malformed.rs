//! Hostile and broken input: truncations and bit flips of every sample never panic, and any
//! input that is accepted re-encodes byte for byte; specific breakages give typed errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::ses::{MAX_INPUT_LEN, ParseMode, Seal, SesError, Signature};

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(cross::shared_vectors().join("ofdrw").join(name)).unwrap()
}

const SAMPLES: [&str; 5] = [
    "UserV1.esl",
    "UserV4.esl",
    "UserV5.esl",
    "SESealData.DER",
    "SignedValueV4.dat",
];

/// Parses `data` both ways in both modes; whatever is accepted must re-encode identically.
fn parse_all(data: &[u8]) {
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        if let Ok(seal) = Seal::from_der(data, mode) {
            assert_eq!(seal.to_der().unwrap(), data);
        }
        if let Ok(sig) = Signature::from_der(data, mode) {
            assert_eq!(sig.to_der().unwrap(), data);
            assert_eq!(sig.seal().to_der().unwrap(), sig.seal().as_der());
        }
    }
}

#[test]
fn truncations_never_panic() {
    for name in SAMPLES {
        let data = vector(name);
        // Every prefix of the headers and the small fields, then a stride through the picture.
        let cuts = (0..data.len().min(800)).chain((800..data.len()).step_by(97));
        for cut in cuts {
            let prefix = &data[..cut];
            assert!(
                Seal::from_der(prefix, ParseMode::Lenient).is_err(),
                "{name}[..{cut}]"
            );
            assert!(
                Signature::from_der(prefix, ParseMode::Lenient).is_err(),
                "{name}[..{cut}]"
            );
        }
    }
}

#[test]
fn bit_flips_never_panic_and_accepted_input_round_trips() {
    for name in SAMPLES {
        let data = vector(name);
        let positions = (0..data.len().min(1500)).chain((1500..data.len()).step_by(61));
        for pos in positions {
            for mask in [0x01u8, 0x80, 0xFF] {
                let mut flipped = data.clone();
                flipped[pos] ^= mask;
                parse_all(&flipped);
            }
        }
    }
}

#[test]
fn wrong_outer_tag() {
    let mut data = vector("UserV4.esl");
    data[0] = 0x31; // SET
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert!(matches!(err, SesError::NotSes { .. }), "{err:?}");
    assert!(err.to_string().contains("not a SEQUENCE"), "{err}");
}

#[test]
fn trailing_bytes() {
    let mut data = vector("SignedValueV4.dat");
    let len = data.len();
    data.extend_from_slice(&[0, 0]);
    let err = Signature::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert_eq!(
        err,
        SesError::TrailingData {
            what: "SES_Signature",
            offset: len,
            remaining: 2
        }
    );
}

#[test]
fn unknown_layout() {
    // SEQUENCE { SEQUENCE {}, OCTET STRING, NULL }: three elements fit no version.
    let data = [0x30, 0x06, 0x30, 0x00, 0x04, 0x00, 0x05, 0x00];
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    match &err {
        SesError::NotSes { reason, .. } => {
            assert!(
                reason.contains("SEQUENCE { SEQUENCE, OCTET STRING, NULL }"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn huge_length_field() {
    // SEQUENCE claiming 4 GiB - 1 bytes.
    let data = [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert!(matches!(err, SesError::Malformed { .. }), "{err:?}");
    // A field inside claiming more than its parent holds.
    let mut data = vector("UserV4.esl");
    data[683] = 0x84; // the picture SEQUENCE's length (30 82 3D 5C) becomes 4 bytes long
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert!(matches!(err, SesError::Malformed { .. }), "{err:?}");
}

#[test]
fn input_too_large() {
    let data = vec![0u8; MAX_INPUT_LEN + 1];
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert_eq!(
        err,
        SesError::TooLarge {
            len: MAX_INPUT_LEN + 1,
            max: MAX_INPUT_LEN
        }
    );
}

#[test]
fn wrong_type_names_field_and_offset() {
    // UserV4.esl: validEnd GeneralizedTime at offset 668; make it a PrintableString (0x13).
    let mut data = vector("UserV4.esl");
    assert_eq!(data[668], 0x18);
    data[668] = 0x13;
    let err = Seal::from_der(&data, ParseMode::Lenient).unwrap_err();
    assert_eq!(
        err.to_string(),
        "SESeal.eSealInfo.property.validEnd: expected GeneralizedTime, found PrintableString \
         (at byte offset 668)"
    );
}

#[test]
fn non_minimal_length_is_rejected() {
    // esID IA5String at offset 29, length 32 written as 81 20 instead of 20.
    let data = vector("UserV4.esl");
    let mut bad = data[..29].to_vec();
    bad.extend_from_slice(&[0x16, 0x81, 0x20]);
    bad.extend_from_slice(&data[31..]);
    // Fix the enclosing lengths (outer 30 82 xx xx and eSealInfo 30 82 xx xx) by one.
    let bump = |b: &mut Vec<u8>, at: usize| {
        let v = u16::from_be_bytes([b[at], b[at + 1]]) + 1;
        b[at..at + 2].copy_from_slice(&v.to_be_bytes());
    };
    bump(&mut bad, 2);
    bump(&mut bad, 6);
    let err = Seal::from_der(&bad, ParseMode::Lenient).unwrap_err();
    match &err {
        SesError::Malformed {
            field,
            offset,
            problem,
        } => {
            assert_eq!(field, "SESeal.eSealInfo.esID");
            // der reports the position where it noticed: just after the length octets.
            assert!((29..=32).contains(offset), "{offset}");
            assert!(problem.contains("length"), "{problem}");
        }
        other => panic!("{other:?}"),
    }
}
