//! PDF documents (ISO 32000-1): reading untrusted files, signing them with SM2 seals by
//! incremental update, and verifying every signature into a [`DocumentReport`].
//!
//! - reading: [`PdfDocument::parse`] — classic cross-reference tables, xref streams, hybrid
//!   files, object streams, incremental updates with `/Prev` chains (loops refused), bounded by
//!   [`Limits`]; encrypted files are refused ([`PdfError::Encrypted`]);
//! - signing: [`sign_document`] (or [`prepare`] then [`PreparedSignature::finish`] for a value
//!   made elsewhere) appends an incremental update with a signature field, its widget and
//!   appearance (the seal picture), and the signature value in `/Contents`: a CMS SignedData
//!   (`/SubFilter /adbe.pkcs7.detached`, SM2/SM3, GM/T 0010 OIDs) or a GB/T 38540
//!   SES_Signature (`/SubFilter /GB.SES_Signature`), see `docs/pdf.md`;
//! - rendering simple documents: [`render`];
//! - verifying: [`verify_document`] checks each signature's `/ByteRange`, digest and value
//!   through the shared trust engine, and what every later incremental update changed.
//!
//! The reader is hand-written (see `docs/pdf.md` for why not `lopdf`); objects of the
//! increment are written with `pdf-writer`.
//!
//! [`DocumentReport`]: crate::verify::DocumentReport

mod embedded;
mod file;
mod modification;
pub mod object;
pub mod render;
mod sign;
mod verify;

use crate::error::ErrorCode;

pub use embedded::{EmbeddedFileInfo, MAX_EMBEDDED_FILES_READ, SignedField};
pub use object::{Dict, ObjRef, Object};
pub use sign::{
    LocalTsaSource, PageSelector, PreparedSignature, SignKind, SignRequest, Stamp, TimestampSource,
    prepare, sign_document,
};
pub use verify::{verify_document, verify_document_with_limits};

/// Bounds on the work and memory spent on one untrusted file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest file read, in bytes.
    pub max_file_len: u64,
    /// The most objects the cross-reference state may list.
    pub max_objects: usize,
    /// The most revisions (`startxref … %%EOF`) and, twice that, cross-reference sections.
    pub max_revisions: usize,
    /// The largest decoded stream, in bytes.
    pub max_stream_len: u64,
    /// The largest ratio of decoded to encoded size of a stream (small streams may always
    /// decode to 64 KiB). Flate reaches about 1032:1 on runs of one byte; the cross-reference
    /// and object streams eseal decodes compress far less.
    pub max_ratio: u64,
    /// The most bytes decoded over the whole file.
    pub max_total_decoded: u64,
    /// The most signatures verified in one file (each hashes up to the whole file); those
    /// beyond are reported as not verified.
    pub max_signatures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_len: 512 << 20,
            max_objects: 2_000_000,
            max_revisions: 1000,
            max_stream_len: 64 << 20,
            max_ratio: 256,
            max_total_decoded: 512 << 20,
            max_signatures: 64,
        }
    }
}

/// Why a PDF could not be read, signed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// No `%PDF-` header in the first KiB.
    #[error("not a PDF file: no %PDF- header")]
    NotPdf,
    /// The file cannot be parsed.
    #[error("malformed PDF at byte {offset}: {detail}")]
    Malformed {
        /// Where the problem was found.
        offset: usize,
        /// What is wrong.
        detail: String,
    },
    /// A bound of [`Limits`] was exceeded.
    #[error("{what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// Which bound.
        what: &'static str,
        /// The configured maximum.
        limit: u64,
    },
    /// The file is encrypted (`/Encrypt` in the trailer): eseal neither verifies nor signs
    /// encrypted PDFs.
    #[error(
        "the PDF is encrypted (/Encrypt in the trailer); decrypt it first (e.g. qpdf --decrypt)"
    )]
    Encrypted,
    /// A feature eseal does not read (a stream filter other than Flate in a cross-reference
    /// or object stream, …).
    #[error("unsupported PDF feature: {detail}")]
    Unsupported {
        /// What.
        detail: String,
    },
    /// The seal picture cannot be drawn.
    #[error("the seal picture cannot be drawn in the PDF: {detail}")]
    BadPicture {
        /// Why.
        detail: String,
    },
    /// A request the document does not allow (page out of range, bad rectangle, value too
    /// large for the placeholder, …).
    #[error("invalid PDF signing request: {detail}")]
    ApiMisuse {
        /// What is wrong.
        detail: String,
    },
    /// Making the signature value failed.
    #[error("signing failed at the {stage}: {detail}")]
    SigningFailed {
        /// The step (`"SignedData"`, `"seal signature"`, `"timestamp"`).
        stage: &'static str,
        /// The underlying error.
        detail: String,
    },
    /// A bug in eseal (an invariant did not hold).
    #[error("internal error: {detail}")]
    Internal {
        /// What.
        detail: String,
    },
}

impl PdfError {
    /// The stable error code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotPdf | Self::Malformed { .. } => ErrorCode::Malformed,
            Self::LimitExceeded { .. } => ErrorCode::LimitExceeded,
            Self::Encrypted | Self::Unsupported { .. } | Self::BadPicture { .. } => {
                ErrorCode::Unsupported
            }
            Self::ApiMisuse { .. } => ErrorCode::InvalidArgument,
            Self::SigningFailed { .. } => ErrorCode::Crypto,
            Self::Internal { .. } => ErrorCode::Internal,
        }
    }
}

/// A parsed PDF, for inspection: pages, revisions, signature fields, objects.
pub struct PdfDocument<'a> {
    file: file::PdfFile<'a>,
}

impl std::fmt::Debug for PdfDocument<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfDocument")
            .field("len", &self.file.bytes.len())
            .field("objects", &self.file.table.entries.len())
            .field("revisions", &self.file.revisions.len())
            .finish()
    }
}

impl<'a> PdfDocument<'a> {
    /// Reads the cross-reference state of `bytes` (objects are parsed on demand).
    ///
    /// # Errors
    /// [`PdfError::NotPdf`], [`PdfError::Malformed`] for a broken cross-reference chain or
    /// trailer, [`PdfError::LimitExceeded`], [`PdfError::Encrypted`].
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, PdfError> {
        Ok(PdfDocument {
            file: file::PdfFile::parse(bytes, limits)?,
        })
    }

    /// The number of revisions (`startxref … %%EOF` sections; the original plus each
    /// incremental update).
    #[must_use]
    pub fn revision_count(&self) -> usize {
        self.file.revisions.len()
    }

    /// The number of objects the cross-reference state lists.
    #[must_use]
    pub fn object_count(&self) -> usize {
        self.file.table.entries.len()
    }

    /// The trailer (merged over the `/Prev` chain).
    #[must_use]
    pub fn trailer(&self) -> &Dict {
        &self.file.table.trailer
    }

    /// The object `r` (`Null` when free or absent).
    ///
    /// # Errors
    /// [`PdfError`] when the object cannot be parsed.
    pub fn object(&self, r: ObjRef) -> Result<Object, PdfError> {
        self.file.get(r)
    }

    /// The page count (walking the page tree).
    ///
    /// # Errors
    /// [`PdfError`] when the page tree cannot be read.
    pub fn page_count(&self) -> Result<usize, PdfError> {
        Ok(self.file.pages()?.len())
    }

    /// The width and height of each page's visible box (CropBox, else MediaBox, inherited),
    /// in millimetres, in page order: where a stamp may go.
    ///
    /// # Errors
    /// [`PdfError`] when the page tree cannot be read.
    pub fn page_sizes_mm(&self) -> Result<Vec<(f64, f64)>, PdfError> {
        const MM_PER_PT: f64 = 25.4 / 72.0;
        self.file
            .pages()?
            .iter()
            .map(|(_, page)| {
                let (x0, y0, x1, y1) = sign::page_box(&self.file, page)?;
                Ok(((x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT))
            })
            .collect()
    }

    /// The decoded data of a stream object.
    ///
    /// # Errors
    /// [`PdfError`] for unsupported filters, corrupt data or exceeded limits.
    pub fn stream_data(&self, stream: &object::Stream) -> Result<Vec<u8>, PdfError> {
        self.file.decode(stream)
    }

    /// The fully qualified names of the signature fields (`/FT /Sig`) of the AcroForm.
    ///
    /// # Errors
    /// [`PdfError`] when the catalog or the form cannot be read.
    pub fn signature_fields(&self) -> Result<Vec<String>, PdfError> {
        Ok(verify::signature_fields(&self.file)?
            .into_iter()
            .map(|f| f.name)
            .collect())
    }
}

impl PdfDocument<'_> {
    /// The files embedded in the final state (`/Names /EmbeddedFiles`), in name-tree order,
    /// with their decoded content.
    ///
    /// # Errors
    /// [`PdfError::Malformed`] for a broken tree or file specification,
    /// [`PdfError::LimitExceeded`] beyond [`MAX_EMBEDDED_FILES_READ`] files, the tree's depth or
    /// node bound, or the decoding limits; [`PdfError::Unsupported`] for a stream filter other
    /// than Flate.
    pub fn embedded_files(&self) -> Result<Vec<EmbeddedFileInfo>, PdfError> {
        embedded::embedded_files(&self.file, &self.file.table)
    }

    /// The files embedded in revision `revision` (0-based, see [`Self::revision_count`]): what
    /// a signature of that revision signed.
    ///
    /// # Errors
    /// As [`Self::embedded_files`]; [`PdfError::ApiMisuse`] for a revision past the last.
    pub fn embedded_files_in_revision(
        &self,
        revision: usize,
    ) -> Result<Vec<EmbeddedFileInfo>, PdfError> {
        let rev = self
            .file
            .revisions
            .get(revision)
            .ok_or_else(|| PdfError::ApiMisuse {
                detail: format!(
                    "revision {revision} of a file with {} revision(s)",
                    self.file.revisions.len()
                ),
            })?;
        let table = self.file.read_chain(rev.xref)?;
        embedded::embedded_files(&self.file, &table)
    }

    /// The signed signature fields: name, the revision (0-based) each `/ByteRange` covers and
    /// the signature value. [`verify_document`] checks the ranges and values themselves.
    ///
    /// # Errors
    /// [`PdfError`] when the form cannot be read.
    pub fn signed_fields(&self) -> Result<Vec<SignedField>, PdfError> {
        embedded::signed_fields(&self.file)
    }
}
