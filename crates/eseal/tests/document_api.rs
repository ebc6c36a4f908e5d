//! `document::verify` and `document::seals` as the WebAssembly page uses them: the limits a
//! caller tightens (a size cap on any file, the OFD package limits passed through to the OFD
//! reader), and the seals a file carries, matched to the report's signatures.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/cross.rs"]
mod cross;

use eseal::ErrorCode;
use eseal::document::{DocumentError, DocumentVerifyOptions, seals, verify};
use eseal::ofd::{Limits, OfdError};
use eseal::verify::DocumentFormat;

fn sample(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn max_input_len_refuses_any_format_before_reading() {
    for name in ["SESV4SignDoc.ofd", "UserV4.esl", "SignedValueV4.dat"] {
        let bytes = sample(name);
        let exact = DocumentVerifyOptions::default().max_input_len(bytes.len());
        assert!(verify(&bytes, &exact).is_ok(), "{name} at its own size");
        let tight = DocumentVerifyOptions::default().max_input_len(bytes.len() - 1);
        let err = verify(&bytes, &tight).unwrap_err();
        assert_eq!(
            err,
            DocumentError::TooLarge {
                len: bytes.len(),
                limit: bytes.len() - 1
            },
            "{name}"
        );
        assert_eq!(err.code(), ErrorCode::LimitExceeded);
        assert_eq!(eseal::Error::from(err).code(), ErrorCode::LimitExceeded);
    }
    // Garbage over the cap is refused for its size, not for its content.
    let err = verify(
        b"garbage",
        &DocumentVerifyOptions::default().max_input_len(3),
    )
    .unwrap_err();
    assert!(matches!(err, DocumentError::TooLarge { len: 7, limit: 3 }));
}

#[test]
fn ofd_limits_reach_the_package_reader() {
    let bytes = sample("SESV4SignDoc.ofd");
    let report = verify(&bytes, &DocumentVerifyOptions::default()).unwrap();
    assert_eq!(report.format(), DocumentFormat::Ofd);

    let mut limits = Limits::default();
    limits.max_entries = 2;
    let err = verify(&bytes, &DocumentVerifyOptions::default().ofd_limits(limits)).unwrap_err();
    assert!(
        matches!(
            err,
            DocumentError::Ofd {
                source: OfdError::LimitExceeded { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::LimitExceeded);

    let mut limits = Limits::default();
    limits.max_package_size = bytes.len() - 1;
    let err = verify(&bytes, &DocumentVerifyOptions::default().ofd_limits(limits)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitExceeded);
}

#[test]
fn ofd_seals_follow_the_reports_signatures() {
    let options = DocumentVerifyOptions::default();
    for name in [
        "SESV4SignDoc.ofd",
        "allprotected.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
    ] {
        let bytes = sample(name);
        let found = seals(&bytes, &options).unwrap();
        let report = verify(&bytes, &options).unwrap();
        let ids: Vec<Option<String>> = report
            .signatures()
            .iter()
            .map(|s| s.id().map(str::to_owned))
            .collect();
        assert!(!found.is_empty(), "{name}");
        assert_eq!(
            found
                .iter()
                .map(|f| f.signature_id.clone())
                .collect::<Vec<_>>(),
            ids,
            "{name}"
        );
        for (f, s) in found.iter().zip(report.signatures()) {
            let facts = s.report().seal().unwrap();
            assert_eq!(f.seal.es_id(), facts.es_id, "{name}");
            assert_eq!(
                f.seal.picture().data.len(),
                facts.picture.as_ref().unwrap().size_bytes
            );
        }
    }
    // A digital signature (Type="Sign") carries no seal; an unsigned document none either.
    assert!(
        seals(&sample("DigitalSign.ofd"), &options)
            .unwrap()
            .is_empty()
    );
    assert!(
        seals(&sample("helloworld.ofd"), &options)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bare_seals_and_signatures_give_their_seal() {
    let options = DocumentVerifyOptions::default();
    for name in [
        "UserV1.esl",
        "UserV4.esl",
        "UserV5.esl",
        "SignedValueV4.dat",
    ] {
        let found = seals(&sample(name), &options).unwrap();
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(found[0].signature_id, None);
        assert!(!found[0].seal.picture().data.is_empty());
    }
}

#[test]
fn unreadable_and_oversized_input_is_refused_as_by_verify() {
    let options = DocumentVerifyOptions::default();
    let err = seals(b"garbage", &options).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Malformed);
    let bytes = sample("allprotected.ofd");
    let tight = DocumentVerifyOptions::default().max_input_len(100);
    assert_eq!(
        seals(&bytes, &tight).unwrap_err().code(),
        ErrorCode::LimitExceeded
    );
    let truncated = bytes.get(..300).unwrap();
    assert_eq!(
        seals(truncated, &options).unwrap_err(),
        verify(truncated, &options).unwrap_err()
    );
}

/// `verify` hands the seal or signature it parsed to recognise the file to the SES verifier
/// (parsing once): the report is the one `ses::verify_seal` / `verify_signature` give.
#[test]
fn seals_and_signatures_get_the_ses_verifiers_report() {
    use eseal::ses::{self, VerifyOptions};
    let ses_opts = VerifyOptions::new();
    let options = DocumentVerifyOptions::new(ses_opts.clone());
    for (name, format) in [
        ("UserV1.esl", DocumentFormat::Seal),
        ("UserV4.esl", DocumentFormat::Seal),
        ("SignedValueV4.dat", DocumentFormat::SesSignature),
    ] {
        let bytes = sample(name);
        let doc = verify(&bytes, &options).unwrap();
        assert_eq!(doc.format(), format, "{name}");
        let direct = if format == DocumentFormat::Seal {
            ses::verify_seal(&bytes, &ses_opts).unwrap()
        } else {
            ses::verify_signature(&bytes, &ses_opts).unwrap()
        };
        assert_eq!(doc.signatures().len(), 1, "{name}");
        assert_eq!(doc.signatures()[0].report(), &direct, "{name}");
        // A byte flipped inside the structure still parses but no longer verifies the same.
        let mut tampered = bytes.clone();
        let at = tampered.len() - 40;
        tampered[at] ^= 0x01;
        if let Ok(doc) = verify(&tampered, &options) {
            assert_ne!(doc.signatures()[0].report(), &direct, "{name} tampered");
        }
    }
}
