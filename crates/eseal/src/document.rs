//! Whole files as users hand them over: tell what a file is ([`sniff`]) and verify it with the
//! right verifier ([`verify`]), into one [`DocumentReport`].
//!
//! This is the entry point of the `eseal verify` and `eseal audit` commands, and the one the C
//! ABI and WebAssembly expose, so that every front end recognises the same formats the same way:
//!
//! | format | recognised by | verified with |
//! |---|---|---|
//! | OFD document | a ZIP local header (`PK\x03\x04`) and an `OFD.xml` entry name | [`ofd::verify_document`] |
//! | e-license (电子证照) | an OFD whose entry names include the metadata file `DZZZ.xml` ([`license::METADATA_FILE`]) | [`license::verify_license`] |
//! | e-license as PDF | a PDF whose `/EmbeddedFiles` name `DZZZ.xml` ([`license::is_pdf_license`]) | [`license::verify_pdf_license`] |
//! | 2D-code payload of a license | text starting with `DZZZ:` or an `http(s)://` URL carrying `DZZZ:` | [`license::verify_payload`], issuer certificates from [`DocumentVerifyOptions::signer_certificates`] |
//! | bare seal (SESeal, `.esl`) | parses as a seal of any version (leniently) | [`ses::verify_seal`] |
//! | detached signature (SES_Signature DER) | parses as a signature of any version (leniently) | [`ses::verify_signature`], over the detached data if given |
//! | PDF document | `%PDF-` in the first KiB (ISO 32000-1 §7.5.2 allows leading bytes) | [`pdf::verify_document`] |

//!
//! [`seals()`] lists the seals a file carries (with the signature each belongs to), for showing
//! their pictures beside the report.

pub mod limits;
mod seals;

pub use limits::{LimitsError, VerifyLimits};
pub use seals::{FoundSeal, seals};

use crate::license::{self, LicenseError};
use crate::ofd::{self, Limits, OfdError, OfdVerifyOptions};
use crate::pdf::{self, PdfError};
use crate::pki::Certificate;
use crate::ses::{self, DataRef, ParseMode, SesError, VerifyOptions};
use crate::verify::{DocumentFormat, DocumentReport};

/// How far into a ZIP file [`sniff`] looks for the `OFD.xml` entry name (the package's first
/// local header or its central directory normally names it well within this).
const OFD_NAME_SCAN: usize = 64 * 1024;

/// What kind of file `bytes` holds, judged from its content (never from a file name).
///
/// Returns `None` for anything eseal does not verify. A seal is told from a signature by parsing (leniently, so deviating
/// producers are still recognised); the work is bounded by [`ses::MAX_INPUT_LEN`].
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<DocumentFormat> {
    recognise(bytes).map(|r| r.format())
}

/// What [`recognise`] found: the format, with the seal or signature it parsed to tell them
/// apart, so that [`verify`] does not parse it again.
enum Recognised {
    /// A seal, parsed leniently.
    Seal(Box<ses::Seal>),
    /// A signature, parsed leniently.
    Signature(Box<ses::Signature>),
    /// Any other format (recognised without parsing).
    Other(DocumentFormat),
}

impl Recognised {
    fn format(&self) -> DocumentFormat {
        match self {
            Self::Seal(_) => DocumentFormat::Seal,
            Self::Signature(_) => DocumentFormat::SesSignature,
            Self::Other(format) => *format,
        }
    }
}

/// [`sniff`], keeping the parsed seal or signature.
fn recognise(bytes: &[u8]) -> Option<Recognised> {
    if is_pdf(bytes) {
        return Some(Recognised::Other(if license::is_pdf_license(bytes) {
            DocumentFormat::License
        } else {
            DocumentFormat::Pdf
        }));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if !is_ofd_zip(bytes) {
            return None;
        }
        return Some(Recognised::Other(
            if zip_names(bytes, license::METADATA_FILE.as_bytes()) {
                DocumentFormat::License
            } else {
                DocumentFormat::Ofd
            },
        ));
    }
    if is_payload(bytes) {
        return Some(Recognised::Other(DocumentFormat::LicensePayload));
    }
    // Every SES structure is a DER SEQUENCE.
    if bytes.first() != Some(&0x30) {
        return None;
    }
    if let Ok(seal) = ses::Seal::from_der(bytes, ParseMode::Lenient) {
        Some(Recognised::Seal(Box::new(seal)))
    } else if let Ok(signature) = ses::Signature::from_der(bytes, ParseMode::Lenient) {
        Some(Recognised::Signature(Box::new(signature)))
    } else {
        None
    }
}

/// `%PDF-` within the first KiB, as PDF readers accept.
fn is_pdf(bytes: &[u8]) -> bool {
    bytes
        .get(..bytes.len().min(1024))
        .is_some_and(|head| head.windows(5).any(|w| w == b"%PDF-"))
}

/// A ZIP whose entry names include `OFD.xml` (the package entry point, GB/T 33190 §7.4). The
/// name appears in the local header of that entry and in the central directory at the end;
/// both ends are scanned so that neither a large first entry nor a long archive hides it.
fn is_ofd_zip(bytes: &[u8]) -> bool {
    zip_names(bytes, b"OFD.xml")
}

/// Whether `name` appears within [`OFD_NAME_SCAN`] of either end (see [`is_ofd_zip`]).
fn zip_names(bytes: &[u8], name: &[u8]) -> bool {
    let head = bytes.get(..OFD_NAME_SCAN.min(bytes.len())).unwrap_or(bytes);
    let tail = bytes
        .get(bytes.len().saturating_sub(OFD_NAME_SCAN)..)
        .unwrap_or(bytes);
    let has = |hay: &[u8]| {
        hay.windows(name.len())
            .any(|w| w.eq_ignore_ascii_case(name))
    };
    has(head) || has(tail)
}

/// Text that starts (after white space) with the payload prefix, or an `http(s)://` URL that
/// carries it; at most [`license::MAX_PAYLOAD_URL`] bytes.
fn is_payload(bytes: &[u8]) -> bool {
    if bytes.len() > license::MAX_PAYLOAD_URL {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.trim();
    let prefix = license::PAYLOAD_PREFIX;
    text.starts_with(prefix)
        || ((text.starts_with("https://") || text.starts_with("http://")) && text.contains(prefix))
}

/// What [`verify`] needs besides the file: the SES verification options (trust anchors,
/// intermediates, CRLs, policy, parse mode, validation time) and, for a detached signature, the
/// data it signs.
#[derive(Debug, Clone, Default)]
pub struct DocumentVerifyOptions<'a> {
    ses: VerifyOptions<'a>,
    detached: Option<DataRef<'a>>,
    signer_certificates: &'a [Certificate],
    max_input_len: Option<usize>,
    ofd_limits: Limits,
    pdf_limits: pdf::Limits,
}

impl<'a> DocumentVerifyOptions<'a> {
    /// Verification with `ses` options; any data set in them is ignored (use
    /// [`DocumentVerifyOptions::detached_data`]; an OFD document carries its own).
    #[must_use]
    pub fn new(ses: VerifyOptions<'a>) -> Self {
        Self {
            ses,
            detached: None,
            signer_certificates: &[],
            max_input_len: None,
            ofd_limits: Limits::default(),
            pdf_limits: pdf::Limits::default(),
        }
    }

    /// Refuse files larger than `max` bytes before reading them ([`DocumentError::TooLarge`]),
    /// whatever their format. Default: only each format's own limits ([`ses::MAX_INPUT_LEN`],
    /// [`Limits::max_package_size`]); a browser page sets a few tens of MiB.
    #[must_use]
    pub fn max_input_len(mut self, max: usize) -> Self {
        self.max_input_len = Some(max);
        self
    }

    /// The limits OFD packages are read with (default [`Limits::default`]); tighten them for
    /// memory-constrained hosts such as a browser tab.
    #[must_use]
    pub fn ofd_limits(mut self, limits: Limits) -> Self {
        self.ofd_limits = limits;
        self
    }

    /// The limits PDF files are read with (default [`pdf::Limits::default`]).
    #[must_use]
    pub fn pdf_limits(mut self, limits: pdf::Limits) -> Self {
        self.pdf_limits = limits;
        self
    }

    /// Certificates to try for OFD `Type="Sign"` signatures that embed none (see
    /// [`OfdVerifyOptions::signer_certificates`]).
    #[must_use]
    pub fn signer_certificates(mut self, certificates: &'a [Certificate]) -> Self {
        self.signer_certificates = certificates;
        self
    }

    /// The data a detached SES_Signature signs (ignored for seals and documents).
    #[must_use]
    pub fn detached_data(mut self, data: DataRef<'a>) -> Self {
        self.detached = Some(data);
        self
    }

    /// The whole-file cap set with [`DocumentVerifyOptions::max_input_len`].
    #[must_use]
    pub fn max_input(&self) -> Option<usize> {
        self.max_input_len
    }

    /// The SES options.
    #[must_use]
    pub fn ses(&self) -> &VerifyOptions<'a> {
        &self.ses
    }
}

/// Why a file could not be verified at all (anything readable gets a report instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The content is none of the formats eseal verifies.
    #[error(
        "not a PDF or OFD document, an electronic seal (SESeal) or an electronic signature \
         (SES_Signature DER){}",
        describe_start(.start)
    )]
    Unrecognised {
        /// The first bytes of the input (at most 8), to tell the user what it looks like.
        start: Vec<u8>,
    },
    /// The file is larger than [`DocumentVerifyOptions::max_input_len`] allows.
    #[error("the file is {len} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The file's size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The file looks like an OFD package but cannot be read as one (not a ZIP within the
    /// limits, no readable `OFD.xml`).
    #[error("unreadable OFD document: {source}")]
    Ofd {
        /// Why it cannot be read.
        source: OfdError,
    },
    /// The file looks like a PDF (`%PDF-`) but cannot be read as one (broken cross-reference
    /// chain, encrypted, beyond the limits).
    #[error("unreadable PDF document: {source}")]
    Pdf {
        /// Why it cannot be read.
        source: PdfError,
    },
    /// The file was recognised as a license 2D-code payload but cannot be read.
    #[error("unreadable license 2D-code payload: {source}")]
    LicensePayload {
        /// Why it cannot be read.
        source: LicenseError,
    },
    /// The file was recognised as a seal or signature but cannot be read even leniently.
    #[error("unreadable {}: {source}", format_name(*.format))]
    Ses {
        /// What the file was taken for.
        format: DocumentFormat,
        /// Why it cannot be read.
        source: SesError,
    },
}

fn format_name(format: DocumentFormat) -> &'static str {
    match format {
        DocumentFormat::Ofd | DocumentFormat::License => "OFD document",
        DocumentFormat::Pdf => "PDF document",
        DocumentFormat::Seal => "electronic seal (SESeal)",
        _ => "electronic signature (SES_Signature)",
    }
}

fn describe_start(start: &[u8]) -> String {
    if start.is_empty() {
        return ": the file is empty".to_owned();
    }
    let hex: Vec<String> = start.iter().map(|b| format!("{b:02x}")).collect();
    format!(" (it starts with bytes {})", hex.join(" "))
}

/// Verifies a file of any supported format (see the module docs) into a [`DocumentReport`].
///
/// # Errors
/// [`DocumentError::Unrecognised`] for content of no supported format,
/// [`DocumentError::Pdf`] when a PDF cannot be read at all (encrypted included),
/// [`DocumentError::Ofd`] when an OFD package cannot be read at all and
/// [`DocumentError::LicensePayload`] for an unreadable 2D-code payload. A readable file always
/// gets a report, however broken its signatures; a seal or signature is recognised by parsing
/// it, so it is always readable here ([`DocumentError::Ses`] comes from [`seals()`]).
pub fn verify(
    bytes: &[u8],
    options: &DocumentVerifyOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
    if let Some(limit) = options.max_input_len.filter(|&limit| bytes.len() > limit) {
        return Err(DocumentError::TooLarge {
            len: bytes.len(),
            limit,
        });
    }
    let Some(recognised) = recognise(bytes) else {
        return Err(DocumentError::Unrecognised {
            start: bytes.iter().take(8).copied().collect(),
        });
    };
    // A seal or signature is verified as parsed to recognise it (parsing once).
    let format = match recognised {
        Recognised::Seal(seal) => {
            let mut ses = options.ses.clone();
            ses.data = None;
            let report = ses::verify_parsed_seal(&seal, &ses);
            return Ok(DocumentReport::single(DocumentFormat::Seal, report));
        }
        Recognised::Signature(signature) => {
            let mut ses = options.ses.clone();
            ses.data = options.detached;
            let report = ses::verify_parsed_signature(&signature, &ses);
            return Ok(DocumentReport::single(DocumentFormat::SesSignature, report));
        }
        Recognised::Other(format) => format,
    };
    match format {
        DocumentFormat::Pdf => {
            pdf::verify_document_with_limits(bytes, &options.ses, &options.pdf_limits)
                .map_err(|source| DocumentError::Pdf { source })
        }
        DocumentFormat::LicensePayload => {
            let text = String::from_utf8_lossy(bytes);
            license::verify_payload(&text, &options.ses, options.signer_certificates)
                .map_err(|source| DocumentError::LicensePayload { source })
        }
        DocumentFormat::License if is_pdf(bytes) => {
            license::verify_pdf_license(bytes, &options.ses, &options.pdf_limits)
                .map_err(|source| DocumentError::Pdf { source })
        }
        DocumentFormat::License => {
            let ofd_options = OfdVerifyOptions::new(options.ses.clone())
                .signer_certificates(options.signer_certificates)
                .limits(options.ofd_limits.clone());
            license::verify_license(bytes, &ofd_options)
                .map_err(|source| DocumentError::Ofd { source })
        }
        _ => {
            let ofd_options = OfdVerifyOptions::new(options.ses.clone())
                .signer_certificates(options.signer_certificates)
                .limits(options.ofd_limits.clone());
            ofd::verify_document(bytes, &ofd_options)
                .map_err(|source| DocumentError::Ofd { source })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PDF-1.7"), Some(DocumentFormat::Pdf));
        assert_eq!(sniff(b"PK\x03\x04 no package name"), None);
        assert_eq!(
            sniff(b"PK\x03\x04\x14\x00\x00\x00OFD.xml<ofd:OFD/>"),
            Some(DocumentFormat::Ofd)
        );
        assert_eq!(sniff(&[0x30, 0x03, 0x02, 0x01, 0x01]), None);
    }

    #[test]
    fn errors_name_the_problem() {
        let opts = DocumentVerifyOptions::default();
        let err = verify(b"hello", &opts).unwrap_err();
        assert!(err.to_string().contains("68 65 6c 6c 6f"), "{err}");
        let err = verify(b"", &opts).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let err = verify(b"%PDF-1.4\n", &opts).unwrap_err();
        assert!(matches!(err, DocumentError::Pdf { .. }), "{err}");
    }
}
