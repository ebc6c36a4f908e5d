//! OFD packages (GB/T 33190-2016): safe reading, the signature structures of chapter 18,
//! reference digests, editing primitives for signing, and writing simple documents.
//!
//! This is the package layer below OFD signing and verification: it knows ZIP entries,
//! locations, `OFD.xml`, `Document.xml`, `Signatures.xml` and `Signature.xml`, and the
//! SM3 digests in `References`. It does not look inside `SignedValue.dat` (an SES_Signature
//! or a SignedData); that is the SES layer's job.
//!
//! | item | what it is |
//! |---|---|
//! | [`OfdPackage`] | a package read with bounded work ([`Limits`]): entries, the document structure, the signatures |
//! | [`OfdInfo`], [`DocBody`], [`Document`], [`Page`] | `OFD.xml` and `Document.xml` |
//! | [`SignatureList`], [`SignatureEntry`], [`Signature`] | `Signatures.xml` and `Signature.xml` (parse and serialise) |
//! | [`SignatureCheck`], [`PackageCheck`] | reference digests, coverage (the modification analysis, [`SignatureCoverage`](crate::verify::SignatureCoverage)) and stamp placement |
//! | [`PackageEdit`] | a copy of a package with added or replaced entries; splicing helpers for signing |
//! | [`DocumentBuilder`] | writes a new OFD: pages, text, paths, images, attachments, custom tags |
//! | [`sign_document`], [`SignRequest`], [`Stamp`], [`SignMode`], [`TimestampSource`] | signs a document with a seal or a digital signature (`docs/ofd.md`) |
//! | [`verify_document`], [`OfdVerifyOptions`] | verifies every signature into a [`DocumentReport`](crate::verify::DocumentReport) |
//!
//! Reading is tolerant where producers differ harmlessly (namespace URI and prefix, element
//! order, absolute or relative locations, `Signatures.xml` beside `Document.xml`) and strict
//! where ambiguity could hide content from a verifier (duplicate entry names, path escapes,
//! DTDs, non-UTF-8 XML). Nothing here reads files or the clock.

mod check;
mod document;
mod edit;
mod error;
mod modification;
mod package;
mod path;
mod sign;
mod signatures;
mod verify;
mod writer;
pub(crate) mod xml;

pub use check::{
    PackageCheck, ReferenceCheck, ReferenceStatus, SignatureCheck, StampAnnotCheck, is_sm3_method,
};
pub use document::{DocBody, DocInfo, Document, OfdInfo, Page, Rect};
pub use edit::{
    PackageEdit, add_signature_entry, insert_signatures_location, new_signatures_xml,
    next_signature_id, signature_dir,
};
pub use error::OfdError;
pub use package::OfdPackage;
pub use path::{parent_dir, resolve_location};
pub(crate) use sign::{CmsInput, cms_signature_value, seal_signature_value};
pub use sign::{
    Edge, LocalTsaSource, PageRange, PageSelector, SignKind, SignMode, SignRequest, Stamp,
    TimestampSource, sign_document,
};
pub use signatures::{
    Provider, Reference, Signature, SignatureEntry, SignatureFile, SignatureList, SignatureType,
    SignedInfo, StampAnnot,
};
pub(crate) use verify::verify_package;
pub use verify::{OfdVerifyOptions, verify_document};
pub use writer::{
    Attachment, Color, CustomTag, DocumentBuilder, DocumentMeta, FontId, ImageFormat, ImageId,
    PageBuilder, PageSize, Segment,
};

/// Bounds on the work done for one package, against zip bombs and hostile XML.
///
/// The defaults suit real documents (a 500-page scan, embedded CJK fonts) while keeping a
/// hostile input to a few hundred MiB of memory at most. Tighten them for browser use.
/// Construct with [`Limits::default`] and change fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest package (the ZIP bytes). Default 256 MiB.
    pub max_package_size: usize,
    /// Most ZIP entries, directories included. Default 10 000.
    pub max_entries: usize,
    /// Largest uncompressed entry. Default 64 MiB.
    pub max_entry_size: u64,
    /// Largest total of the uncompressed entries. Default 512 MiB.
    pub max_total_size: u64,
    /// Highest compression ratio (uncompressed / compressed) for entries larger than
    /// [`Limits::ratio_threshold`]. Default 200 (deflate peaks near 1 030; text XML rarely
    /// passes 50).
    pub max_compression_ratio: u64,
    /// Entries up to this uncompressed size skip the ratio check (tiny files compress
    /// absurdly well and are harmless). Default 1 MiB.
    pub ratio_threshold: u64,
    /// Largest XML file that is parsed. Default 16 MiB.
    pub max_xml_size: usize,
    /// Deepest XML element nesting. Default 64.
    pub max_xml_depth: usize,
    /// Most elements in one XML file. Default 500 000.
    pub max_xml_elements: usize,
    /// Most entries in one `Signatures.xml`. Default 1 000.
    pub max_signatures: usize,
    /// Most `Reference`s in one `Signature.xml`. Default 100 000.
    pub max_references: usize,
    /// Most pages in one `Document.xml`. Default 100 000. Pages that share a content file
    /// parse it once.
    pub max_pages: usize,
    /// Most `DocBody` elements (documents) in `OFD.xml`. Default 16 (real packages hold one).
    pub max_documents: usize,
    /// Work budget of one verification: the most `Reference`s of all the signatures of a
    /// document together (references × signatures), for [`OfdPackage::check_signatures`] and
    /// [`verify_document`]. Default 500 000 (each file is hashed once however many
    /// references name it).
    pub max_total_references: usize,
    /// Work budget of one verification: the most (signature, package file) pairs whose
    /// coverage is computed, that is signatures × files in the package. Default 1 000 000.
    pub max_coverage_pairs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_package_size: 256 << 20,
            max_entries: 10_000,
            max_entry_size: 64 << 20,
            max_total_size: 512 << 20,
            max_compression_ratio: 200,
            ratio_threshold: 1 << 20,
            max_xml_size: 16 << 20,
            max_xml_depth: 64,
            max_xml_elements: 500_000,
            max_signatures: 1_000,
            max_references: 100_000,
            max_pages: 100_000,
            max_documents: 16,
            max_total_references: 500_000,
            max_coverage_pairs: 1_000_000,
        }
    }
}

/// The OFD namespace of GB/T 33190-2016.
pub const OFD_NAMESPACE: &str = "http://www.ofdspec.org/2016";
