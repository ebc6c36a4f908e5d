//! The error type of the OFD package layer.

/// Why an OFD package, or one of its XML files, could not be read or written.
///
/// Every variant names the package entry (and where useful the element) at fault, so the
/// message alone tells a user what is wrong. Outcomes that a verifier reports rather than
/// fails on (a digest mismatch, a missing referenced file) are not errors: they are results
/// in [`crate::ofd::ReferenceStatus`] and friends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfdError {
    /// The bytes are not a readable ZIP archive (no end of central directory, a truncated
    /// or inconsistent directory, …).
    #[error("not a readable OFD (ZIP) package: {detail}")]
    NotZip {
        /// What the ZIP reader found.
        detail: String,
    },
    /// A configured bound in [`crate::ofd::Limits`] was exceeded.
    #[error("{what} exceeds the limit of {limit}{}", in_entry(entry))]
    LimitExceeded {
        /// Which limit (for example `"entry count"` or `"uncompressed size"`).
        what: &'static str,
        /// The configured maximum.
        limit: u64,
        /// The entry concerned, when the limit is per entry.
        entry: Option<String>,
    },
    /// An entry name could escape the package or is otherwise unsafe
    /// (`..`, an absolute path, a backslash, a NUL, a drive letter).
    #[error("unsafe entry name {name:?} in the package: {reason}")]
    UnsafeEntryName {
        /// The name as stored.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two entries have the same name; readers would disagree about which one counts.
    #[error("duplicate entry {name:?} in the package")]
    DuplicateEntry {
        /// The repeated name.
        name: String,
    },
    /// An entry's local file header disagrees with its central directory record, or is not
    /// where the central directory says. Readers that walk local headers and readers that
    /// use the central directory would see different content.
    #[error(
        "entry {entry:?}: the local file header disagrees with the central directory on the {field}: {detail}"
    )]
    LocalHeaderMismatch {
        /// The entry name, as in the central directory.
        entry: String,
        /// What disagrees (`"name"`, `"compression method"`, `"compressed size"`, …).
        field: &'static str,
        /// The two values, or what is wrong with the header.
        detail: String,
    },
    /// Two entries' bytes (local header, data, data descriptor) overlap each other or the
    /// central directory: one byte range read as two files.
    #[error("entry {entry:?} overlaps {other:?} in the package")]
    OverlappingEntries {
        /// The entry that starts inside the other.
        entry: String,
        /// The entry (or `"the central directory"`) it overlaps.
        other: String,
    },
    /// Bytes outside every listed entry and directory record form a ZIP record (a local file
    /// header, a second central directory, …): a reader walking the file would find an
    /// entry that the central directory, and so the verifier, does not list.
    #[error("a ZIP {record} at byte {offset} is not listed in the central directory")]
    HiddenZipRecord {
        /// Byte offset of the record's signature in the package.
        offset: u64,
        /// Which record its signature announces.
        record: &'static str,
    },
    /// A file entry's name is also used as a directory (`a` beside `a/` or `a/b`):
    /// extracted, one would replace the other.
    #[error("file {file:?} is shadowed by the directory entry {by:?}")]
    ShadowedEntry {
        /// The file entry.
        file: String,
        /// An entry that treats the name as a directory.
        by: String,
    },
    /// An entry is encrypted, or compressed with a method other than stored or deflate.
    #[error("entry {entry:?} is not supported: {reason}")]
    UnsupportedEntry {
        /// The entry name.
        entry: String,
        /// Why (encryption, compression method).
        reason: String,
    },
    /// An entry's data could not be decompressed or fails its CRC.
    #[error("entry {entry:?} is corrupt: {detail}")]
    CorruptEntry {
        /// The entry name.
        entry: String,
        /// What the decompressor reported.
        detail: String,
    },
    /// A location (`BaseLoc`, `DocRoot`, `FileRef`, …) is not a valid package path or
    /// points outside the package.
    #[error("location {location:?} in {referrer:?} is invalid: {reason}")]
    InvalidLocation {
        /// The location as written.
        location: String,
        /// The package file that contains it.
        referrer: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A file that the structure requires is not in the package.
    #[error("{path:?}, referenced by {referrer:?}, is not in the package")]
    MissingEntry {
        /// The resolved package path.
        path: String,
        /// The package file that refers to it.
        referrer: String,
    },
    /// An XML file is not well-formed (or uses a DTD or an encoding other than UTF-8).
    #[error("{entry:?} is not well-formed XML at byte {position}: {detail}")]
    Xml {
        /// The entry name.
        entry: String,
        /// Byte offset in the entry where the problem was found.
        position: u64,
        /// What the parser reported.
        detail: String,
    },
    /// A required element is absent.
    #[error("{entry:?} lacks the required element {element}")]
    MissingElement {
        /// The entry name.
        entry: String,
        /// The element (local name, with its parent where helpful).
        element: &'static str,
    },
    /// A required attribute is absent.
    #[error("{entry:?}: element {element} lacks the required attribute {attribute}")]
    MissingAttribute {
        /// The entry name.
        entry: String,
        /// The element's local name.
        element: &'static str,
        /// The attribute's name.
        attribute: &'static str,
    },
    /// An element or attribute has a value that cannot be interpreted.
    #[error("{entry:?}: {field} has the invalid value {value:?}: {reason}")]
    InvalidValue {
        /// The entry name.
        entry: String,
        /// The element or `element@attribute`.
        field: &'static str,
        /// The value as written (possibly shortened).
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The caller asked for something the package cannot do (for example adding an entry
    /// whose name is already taken, or a signature to a document that has one protecting
    /// Signatures.xml).
    #[error("invalid request: {detail}")]
    ApiMisuse {
        /// What was wrong with the request.
        detail: String,
    },
    /// A signature of the document references `Signatures.xml` (whole-document protection):
    /// any further signature would change that file and break it, so signing is refused.
    #[error(
        "signature {id:?} protects Signatures.xml (whole-document protection): adding a \
         signature would invalidate it; sign a copy made before it, or not at all"
    )]
    WholeProtected {
        /// The ID of the protecting signature.
        id: String,
    },
    /// Making the signature failed: the signer, the seal signature, the SignedData or the
    /// timestamp source reported an error.
    #[error("signing failed at {stage}: {detail}")]
    SigningFailed {
        /// Which step (`"seal signature"`, `"SignedData"`, `"timestamp"`, …).
        stage: &'static str,
        /// The underlying error's message.
        detail: String,
    },
}

fn in_entry(entry: &Option<String>) -> String {
    match entry {
        Some(e) => format!(" (entry {e:?})"),
        None => String::new(),
    }
}

impl OfdError {
    pub(crate) fn invalid_value(
        entry: &str,
        field: &'static str,
        value: &str,
        reason: &'static str,
    ) -> Self {
        // Keep messages bounded even when the offending value is huge.
        let value: String = value.chars().take(80).collect();
        OfdError::InvalidValue {
            entry: entry.to_owned(),
            field,
            value,
            reason,
        }
    }

    pub(crate) fn missing_element(entry: &str, element: &'static str) -> Self {
        OfdError::MissingElement {
            entry: entry.to_owned(),
            element,
        }
    }

    pub(crate) fn missing_attribute(
        entry: &str,
        element: &'static str,
        attribute: &'static str,
    ) -> Self {
        OfdError::MissingAttribute {
            entry: entry.to_owned(),
            element,
            attribute,
        }
    }
}
