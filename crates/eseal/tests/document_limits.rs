//! The limits a caller tightens on `document::verify` (the WebAssembly page sets browser-sized
//! ones): a size cap on any file, and the OFD package limits passed through to the OFD reader.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/cross.rs"]
mod cross;

use eseal::ErrorCode;
use eseal::document::{DocumentError, DocumentVerifyOptions, verify};
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
