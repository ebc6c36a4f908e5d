//! Whole files as users hand them over: tell what a file is ([`sniff`]) and verify it with the
//! right verifier ([`verify`]), into one [`DocumentReport`].
//!
//! This is the entry point of the `eseal verify` and `eseal audit` commands, and the one the C
//! ABI and WebAssembly expose, so that every front end recognises the same formats the same way:
//!
//! | format | recognised by | verified with |
//! |---|---|---|
//! | OFD document | a ZIP local header (`PK\x03\x04`) and an `OFD.xml` entry name | [`ofd::verify_document`] |
//! | bare seal (SESeal, `.esl`) | parses as a seal of any version (leniently) | [`ses::verify_seal`] |
//! | detached signature (SES_Signature DER) | parses as a signature of any version (leniently) | [`ses::verify_signature`], over the detached data if given |
//!
//! PDF files are recognised (`%PDF-`) and refused with [`DocumentError::Unsupported`] until the
//! PDF module exists.

use crate::ofd::{self, OfdError, OfdVerifyOptions};
use crate::pki::Certificate;
use crate::ses::{self, DataRef, ParseMode, SesError, VerifyOptions};
use crate::verify::{DocumentFormat, DocumentReport};

/// How far into a ZIP file [`sniff`] looks for the `OFD.xml` entry name (the package's first
/// local header or its central directory normally names it well within this).
const OFD_NAME_SCAN: usize = 64 * 1024;

/// What kind of file `bytes` holds, judged from its content (never from a file name).
///
/// Returns `None` for anything eseal does not verify (PDF included: see [`verify`] for the
/// error that names it). A seal is told from a signature by parsing (leniently, so deviating
/// producers are still recognised); the work is bounded by [`ses::MAX_INPUT_LEN`].
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<DocumentFormat> {
    if bytes.starts_with(b"PK\x03\x04") {
        return is_ofd_zip(bytes).then_some(DocumentFormat::Ofd);
    }
    // Every SES structure is a DER SEQUENCE.
    if bytes.first() != Some(&0x30) {
        return None;
    }
    if ses::Seal::from_der(bytes, ParseMode::Lenient).is_ok() {
        Some(DocumentFormat::Seal)
    } else if ses::Signature::from_der(bytes, ParseMode::Lenient).is_ok() {
        Some(DocumentFormat::SesSignature)
    } else {
        None
    }
}

/// A ZIP whose entry names include `OFD.xml` (the package entry point, GB/T 33190 §7.4). The
/// name appears in the local header of that entry and in the central directory at the end;
/// both ends are scanned so that neither a large first entry nor a long archive hides it.
fn is_ofd_zip(bytes: &[u8]) -> bool {
    const NAME: &[u8] = b"OFD.xml";
    let head = bytes.get(..OFD_NAME_SCAN.min(bytes.len())).unwrap_or(bytes);
    let tail = bytes
        .get(bytes.len().saturating_sub(OFD_NAME_SCAN)..)
        .unwrap_or(bytes);
    let has = |hay: &[u8]| {
        hay.windows(NAME.len())
            .any(|w| w.eq_ignore_ascii_case(NAME))
    };
    has(head) || has(tail)
}

/// What [`verify`] needs besides the file: the SES verification options (trust anchors,
/// intermediates, CRLs, policy, parse mode, validation time) and, for a detached signature, the
/// data it signs.
#[derive(Debug, Clone, Default)]
pub struct DocumentVerifyOptions<'a> {
    ses: VerifyOptions<'a>,
    detached: Option<DataRef<'a>>,
    signer_certificates: &'a [Certificate],
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
        }
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
        "not an OFD document, an electronic seal (SESeal) or an electronic signature \
         (SES_Signature DER){}",
        describe_start(.start)
    )]
    Unrecognised {
        /// The first bytes of the input (at most 8), to tell the user what it looks like.
        start: Vec<u8>,
    },
    /// A format eseal recognises but cannot verify yet.
    #[error("{format} files are not supported yet")]
    Unsupported {
        /// The format's name, e.g. "PDF".
        format: &'static str,
    },
    /// The file looks like an OFD package but cannot be read as one (not a ZIP within the
    /// limits, no readable `OFD.xml`).
    #[error("unreadable OFD document: {source}")]
    Ofd {
        /// Why it cannot be read.
        source: OfdError,
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
        DocumentFormat::Ofd => "OFD document",
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
/// [`DocumentError::Unsupported`] for PDF, and [`DocumentError::Ofd`] when an OFD package cannot
/// be read at all (a seal or signature that cannot be read at all is content of no supported
/// format). A readable file always gets a report, however broken its signatures.
pub fn verify(
    bytes: &[u8],
    options: &DocumentVerifyOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
    if bytes.starts_with(b"%PDF-") {
        return Err(DocumentError::Unsupported { format: "PDF" });
    }
    let unrecognised = || DocumentError::Unrecognised {
        start: bytes.iter().take(8).copied().collect(),
    };
    if bytes.starts_with(b"PK\x03\x04") {
        if !is_ofd_zip(bytes) {
            return Err(unrecognised());
        }
        let ofd_options = OfdVerifyOptions::new(options.ses.clone())
            .signer_certificates(options.signer_certificates);
        return ofd::verify_document(bytes, &ofd_options)
            .map_err(|source| DocumentError::Ofd { source });
    }
    if bytes.first() != Some(&0x30) {
        return Err(unrecognised());
    }
    // As `sniff`, but the structure parsed to recognise it is the one verified: parsed once.
    if let Ok(seal) = ses::Seal::from_der(bytes, ParseMode::Lenient) {
        let mut ses = options.ses.clone();
        ses.data = None;
        let report = ses::verify_parsed_seal(&seal, &ses);
        return Ok(DocumentReport::single(DocumentFormat::Seal, report));
    }
    match ses::Signature::from_der(bytes, ParseMode::Lenient) {
        Ok(signature) => {
            let mut ses = options.ses.clone();
            ses.data = options.detached;
            let report = ses::verify_parsed_signature(&signature, &ses);
            Ok(DocumentReport::single(DocumentFormat::SesSignature, report))
        }
        Err(_) => Err(unrecognised()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
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
        assert_eq!(err, DocumentError::Unsupported { format: "PDF" });
    }
}
