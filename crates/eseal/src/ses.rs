//! Electronic seals (电子印章, `SESeal`) and seal signatures (电子签章, `SES_Signature`):
//! typed ASN.1 for GM/T 0031-2014 ("v1"), GB/T 38540-2020 ("v4") and GM/T 0031-2025 ("v5").
//!
//! This module reads, writes, makes, signs and verifies the structures:
//!
//! - making a seal (制章): [`SealBuilder`] (or [`SealBuilder::prepare`] and
//!   [`PreparedSeal::finish`] for a maker key held elsewhere);
//! - signing with a seal (签章): [`SignatureBuilder`] (or [`PreparedSignature`]), then
//!   optionally [`attach_timestamp`];
//! - verifying (验章): [`verify_seal`] and [`verify_signature`] return a
//!   [`Report`](crate::verify::Report) with one named check per step of the procedure; what each
//!   signature covers and the verdict rules are described in `docs/ses.md`.
//!
//! Reading and writing:
//!
//! - [`Seal::from_der`] and [`Signature::from_der`] parse any version, telling versions apart by
//!   the shape of the structure (standards notes §3.6), and keep the original bytes: verify the
//!   maker signature over [`Seal::maker_signed_bytes`] and the signer signature over
//!   [`Signature::tbs_der`], never over a re-encoding.
//! - Real seals deviate from the standards (UTCTime for GeneralizedTime, OCTET STRING for
//!   BIT STRING, `critical` FALSE written out, `[0]` tagged IMPLICIT or not at all, …).
//!   [`ParseMode::Lenient`] reads each known deviation into the types and records a
//!   [`Deviation`]; [`ParseMode::Strict`] rejects it. Either way [`Seal::to_der`] and
//!   [`Signature::to_der`] reproduce the parsed input byte for byte.
//! - Below the builders, the typed structures ([`v1`], [`v4`], [`SesSealInfo`], …) have
//!   constructors and encode to DER; [`Seal::from_structure`] and [`Signature::from_structure`]
//!   assemble the final objects from their parts and signature bytes (no checks: for tests and
//!   unusual structures).
//!
//! Certificates are kept as DER bytes and signatures as the bytes found (DER or raw `r‖s`); the
//! PKI and crypto modules interpret them.
//!
//! Limits on hostile input: at most [`MAX_INPUT_LEN`] bytes and [`MAX_LIST_ENTRIES`] entries per
//! list; the structures have a fixed depth, so nesting is bounded by construction.

mod common;
mod describe;
mod deviation;
mod error;
mod io;
mod make;
mod seal;
mod seal_info;
mod sign;
mod signature;
mod time;
pub mod v1;
pub mod v4;
pub(crate) mod verify;
mod version;

pub use common::{
    BitOrOctetString, ExtData, ExtDataEntry, ExtDatasEncoding, ExtensionDatas, PictureFormat,
    PictureTypeCheck, SesEsPictrueInfo, SesHeader, TimeStamp,
};
pub use describe::{ExtensionDescription, HeaderDescription, SealDescription, SignerDescription};
pub use deviation::{Deviation, DeviationKind, ParseMode, Tagging, Wrapper};
pub use error::SesError;
pub use make::{PreparedSeal, SealBuilder, SealPicture, SealType, SealValidity};
// The verification context lives in `verify`; re-exported here where SES callers look for it.
pub use crate::verify::{DataRef, VerifyOptions};
pub use seal::{MakerSignedForm, Seal, SealStructure};
pub use seal_info::{
    CertDigestAlgorithm, CertDigestObj, CertList, CertListMatch, SesEsPropertyInfo, SesSealInfo,
};
pub use sign::{
    DataToSign, PreparedSignature, SignatureBuilder, attach_timestamp, timestamp_imprint,
};
pub use signature::{Signature, SignatureStructure, TimeInfo};
pub use time::{SesTime, TimeKind, parse_v1_time_info};
pub use verify::{verify_parsed_seal, verify_parsed_signature, verify_seal, verify_signature};
pub use version::SesVersion;

/// The largest seal or signature accepted, in bytes (32 MiB: room for vector "ofd" pictures).
pub const MAX_INPUT_LEN: usize = 32 * 1024 * 1024;

/// The most entries accepted in one list (`certList`, `ExtensionDatas`).
pub const MAX_LIST_ENTRIES: usize = 1024;
