//! Real failures map to the documented stable error codes (docs/error-codes.md), both through
//! the module errors' `code()` and through the crate-level `eseal::Error`.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Write};

use eseal::crypto::SecretKey;
use eseal::crypto::pbes2::EncryptOptions;
use eseal::document::{self, DocumentVerifyOptions};
use eseal::keyfile::{self, KeyFormat};
use eseal::ofd::{Limits, OfdPackage};
use eseal::ses::{ParseMode, Seal, Signature};
use eseal::time::Time;
use eseal::verify::ValidationPolicy;
use eseal::{Error, ErrorCode};

/// The code of the crate-level error, after checking that it agrees with the module error's.
fn code_of<E>(err: E) -> ErrorCode
where
    E: Into<Error> + Clone + std::fmt::Display,
{
    let message = err.to_string();
    let err: Error = err.into();
    assert_eq!(err.to_string(), message, "the message is kept unchanged");
    err.code()
}

#[test]
fn garbage_seal_is_malformed() {
    let err = Seal::from_der(b"garbage", ParseMode::Lenient).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Malformed);
    assert_eq!(code_of(err), ErrorCode::Malformed);
    let err = Signature::from_der(&[0x30, 0x03, 0x02, 0x01], ParseMode::Strict).unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
}

#[test]
fn oversized_seal_is_a_limit() {
    let big = vec![0u8; eseal::ses::MAX_INPUT_LEN + 1];
    let err = Seal::from_der(&big, ParseMode::Lenient).unwrap_err();
    assert_eq!(code_of(err), ErrorCode::LimitExceeded);
}

fn encrypted_key() -> Vec<u8> {
    let key = SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let options = EncryptOptions::new().with_iterations(1000);
    keyfile::encode_os(
        &key,
        KeyFormat::EncryptedPkcs8Pem,
        Some(b"right password"),
        &options,
    )
    .unwrap()
    .to_vec()
}

#[test]
fn keyfile_passwords_have_their_own_codes() {
    let file = encrypted_key();
    let wrong = keyfile::read(&file, Some(b"wrong password")).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPassword);
    assert_eq!(code_of(wrong), ErrorCode::WrongPassword);
    let missing = keyfile::read(&file, None).unwrap_err();
    assert_eq!(code_of(missing), ErrorCode::PasswordRequired);
    assert!(keyfile::read(&file, Some(b"right password")).is_ok());
}

#[test]
fn keyfile_of_another_kind_is_malformed() {
    let err = keyfile::read(b"not a key at all", None).unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
}

fn zip_of(names: &[&str]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for name in names {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"<x/>").unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn ofd_budget_refusal_is_a_limit() {
    let mut limits = Limits::default();
    limits.max_entries = 2;
    let package = zip_of(&["OFD.xml", "a.xml", "b.xml"]);
    let err = OfdPackage::from_bytes(&package, &limits).unwrap_err();
    assert!(
        matches!(err, eseal::ofd::OfdError::LimitExceeded { .. }),
        "{err:?}"
    );
    assert_eq!(code_of(err), ErrorCode::LimitExceeded);
}

#[test]
fn ofd_that_is_no_zip_is_malformed() {
    let err = OfdPackage::from_bytes(b"PK\x03\x04 truncated", &Limits::default()).unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
}

#[test]
fn documents_classify_by_format() {
    let options = DocumentVerifyOptions::default();
    // A PDF header without a cross-reference section: recognised, unreadable.
    let pdf = document::verify(b"%PDF-1.7\n", &options).unwrap_err();
    assert_eq!(code_of(pdf), ErrorCode::Malformed);
    let unknown = document::verify(b"hello", &options).unwrap_err();
    assert_eq!(code_of(unknown), ErrorCode::Malformed);
}

#[test]
fn times_and_policies() {
    let err = "yesterday".parse::<Time>().unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
    let err = ValidationPolicy::from_json("not json").unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
    let err =
        ValidationPolicy::from_json(r#"{"schema_version":1,"no_such_key":true}"#).unwrap_err();
    assert_eq!(code_of(err), ErrorCode::InvalidArgument);
}

/// `?` converts every module error; the C ABI reads the number.
#[test]
fn question_mark_collects_module_errors() {
    fn open_seal(bytes: &[u8]) -> Result<Seal, Error> {
        let _at: Time = "2024-05-01T08:00:00Z".parse()?;
        Ok(Seal::from_der(bytes, ParseMode::Lenient)?)
    }
    let err = open_seal(b"\x30\x80").unwrap_err();
    assert!(matches!(err, Error::Ses(_)));
    assert_eq!(err.code().as_u32(), 1);
    assert_eq!(ErrorCode::from_u32(err.code().as_u32()), Some(err.code()));
}

#[test]
fn license_identifiers_and_codes_are_malformed() {
    let err = eseal::license::LicenseId::parse("1.2.156.3005.2.x").unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
    // One check character changed.
    let err = eseal::license::Uscc::parse("91350100M000100Y44").unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
    let err = eseal::license::CitizenId::parse("110105194912310021").unwrap_err();
    assert_eq!(code_of(err), ErrorCode::Malformed);
}

#[test]
fn code_of_finds_the_code_through_wrappers_and_sources() {
    let ses = Seal::from_der(b"garbage", ParseMode::Lenient).unwrap_err();
    assert_eq!(eseal::error::code_of(&ses), Some(ErrorCode::Malformed));
    let crate_level: Error = ses.into();
    assert_eq!(
        eseal::error::code_of(&crate_level),
        Some(ErrorCode::Malformed)
    );
    // An error of another library whose source is one of eseal's.
    #[derive(Debug)]
    struct Wrapper(Error);
    impl std::fmt::Display for Wrapper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("while loading")
        }
    }
    impl std::error::Error for Wrapper {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    assert_eq!(
        eseal::error::code_of(&Wrapper(crate_level)),
        Some(ErrorCode::Malformed)
    );
    let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
    assert_eq!(eseal::error::code_of(&io), Some(ErrorCode::Io));
    let other = std::fmt::Error;
    assert_eq!(eseal::error::code_of(&other), None);
}
