//! Electronic licenses (电子证照, GB/T 36901–36905): the license identifier (GB/T 36904), the
//! holder and issuer codes, the metadata (GB/T 36903), the verification 2D code, issuing a
//! license as a stamped OFD (GB/T 36905) and verifying license files and 2D codes.
//!
//! | item | what it is |
//! |---|---|
//! | [`LicenseId`], [`IdError`], [`IdPart`] | `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`, built and validated |
//! | [`Uscc`], [`CitizenId`], [`CodeError`] | unified social credit code (GB 32100) and citizen ID number (GB 11643) |
//! | [`mod37_36_check`] | the ISO/IEC 7064 MOD 37,36 check character of the identifier |
//! | [`Date`] | calendar dates as licenses carry them |
//! | [`LicenseMetadata`], [`Field`], [`LicenseError`] | the metadata elements, face items and annotations; XML and JSON forms; errors naming the element |
//! | [`Payload`], [`QrMatrix`] | the 2D code's signed compact payload (text and URL forms) and its QR symbol (OFD squares, PNG) |
//! | [`issue_ofd`], [`IssueRequest`], [`FaceTemplate`] | a license as OFD: face, 2D code, metadata as a custom tag, the issuer's seal |
//! | [`verify_license`], [`verify_payload`] | a license file or a bare payload into a [`DocumentReport`](crate::verify::DocumentReport) with the `license.*` checks |
//!
//! What the standards' texts say could not all be checked; `docs/license.md` lists which rules
//! are inferred from deployed data (the type code split, the serial alphabet and length, the
//! metadata element names and their OFD binding) and documents the payload's byte layout.
//!
//! ```
//! use eseal::license::{IdError, IdPart, LicenseId};
//!
//! let id = LicenseId::parse(
//!     "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
//! )?;
//! assert_eq!(id.issuer().as_str(), "11430000006122244L");
//! assert_eq!(id.serial(), "20230000403");
//!
//! // Building computes the check character.
//! let built = LicenseId::new("11100000000013338W011", "11430000006122244L", "20230000403", "002")?;
//! assert_eq!(built, id);
//!
//! // Errors name the part that is wrong.
//! let err = LicenseId::parse(
//!     "1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023000040.002.S",
//! )
//! .unwrap_err();
//! assert!(matches!(err, IdError::CheckCharacter { found: 'S', .. }));
//! let err = LicenseId::new("11100000000013338W011", "11430000006122244L", "2023-1", "002")
//!     .unwrap_err();
//! assert!(matches!(err, IdError::Character { part: IdPart::Serial, position: 5, .. }));
//! # Ok::<(), IdError>(())
//! ```

mod code;
mod error;
mod identifier;
mod issue;
mod metadata;
mod payload;
mod pdf_license;
mod qr;
mod verify;

pub use code::{CitizenId, CodeError, CodeKind, Date, Uscc, mod37_36_check};
pub use error::LicenseError;
pub use identifier::{IdError, IdPart, LicenseId, MAX_LEN, MAX_SERIAL_LEN, PREFIX};
pub use issue::{
    Area, CODE_FILE, CODE_NAMESPACE, FaceTemplate, FieldSource, IssueRequest, IssuedLicense,
    MAX_TEMPLATE_FIELDS, MAX_TEMPLATE_LEN, METADATA_FILE, TemplateField, TextBox, issue_ofd,
};
pub use metadata::{
    Annotation, FaceItem, Field, HolderCodeType, LONG_TERM, LicenseMetadata, MAX_ANNOTATIONS,
    MAX_FACE_ITEMS, MAX_METADATA_LEN, MAX_NAME_LEN, MAX_VALUE_LEN, ValidUntil, XML_NAMESPACE,
};
pub use payload::{MAX_PAYLOAD_TEXT, MAX_PAYLOAD_URL, PAYLOAD_PREFIX, PAYLOAD_VERSION, Payload};
pub use pdf_license::{IssuedPdfLicense, is_pdf_license, issue_pdf, verify_pdf_license};
pub use qr::{QUIET_ZONE, QrMatrix};
pub use verify::{LicenseContainer, LicenseFile, read_license, verify_license, verify_payload};
