//! Primitives for signing: copying a package with added or replaced entries, and minimal
//! edits of `OFD.xml` and `Signatures.xml` (standards-notes §5.5).
//!
//! Signed files must keep their exact bytes, so untouched entries are copied as stored
//! (compressed data and headers alike) and XML is edited by splicing into the original text,
//! never by re-serialising a parsed tree.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::path::{check_entry_name, parent_dir};
use super::signatures::{Reference, SignatureList, SignatureType};
use super::xml::{self, Element, escape};
use super::{Limits, OFD_NAMESPACE, OfdError, OfdPackage};

/// A package being edited: the original entries plus added or replaced ones.
///
/// Reads ([`PackageEdit::get`], [`PackageEdit::file_names`]) see the edited state, so the
/// References of a new signature can be computed over exactly what will be written.
#[derive(Debug, Clone)]
pub struct PackageEdit<'a> {
    base: &'a OfdPackage<'a>,
    changes: BTreeMap<String, Vec<u8>>,
    /// Original files left out of the copy.
    removed: BTreeSet<String>,
    /// Names of new entries, in the order they were added.
    added: Vec<String>,
}

fn misuse(detail: String) -> OfdError {
    OfdError::ApiMisuse { detail }
}

fn zip_err(e: zip::result::ZipError) -> OfdError {
    misuse(format!("writing the package failed: {e}"))
}

impl OfdPackage<'_> {
    /// Starts editing a copy of this package.
    #[must_use]
    pub fn edit(&self) -> PackageEdit<'_> {
        PackageEdit {
            base: self,
            changes: BTreeMap::new(),
            removed: BTreeSet::new(),
            added: Vec::new(),
        }
    }

    /// The conventional directory for the next signature of the document whose
    /// `Document.xml` is `doc_root`: `Doc_0/Signs/Sign_N` with the smallest `N` that no
    /// entry uses yet.
    #[must_use]
    pub fn next_signature_dir(&self, doc_root: &str) -> String {
        (0usize..)
            .map(|n| signature_dir(doc_root, n))
            .find(|dir| {
                let prefix = format!("{dir}/");
                !self
                    .entries
                    .iter()
                    .any(|e| e.name.starts_with(&prefix) || e.name == *dir)
            })
            .unwrap_or_else(|| signature_dir(doc_root, 0))
    }
}

impl PackageEdit<'_> {
    /// Adds a file, or replaces an existing one. A leading `/` is ignored.
    ///
    /// # Errors
    ///
    /// [`OfdError::UnsafeEntryName`] for names that [`OfdPackage::from_bytes`] would refuse,
    /// or a name that is a directory of the package.
    pub fn put(&mut self, path: &str, data: Vec<u8>) -> Result<(), OfdError> {
        let path = path.strip_prefix('/').unwrap_or(path);
        check_entry_name(path).map_err(|reason| OfdError::UnsafeEntryName {
            name: path.to_owned(),
            reason,
        })?;
        if path.ends_with('/')
            || self
                .base
                .entries
                .iter()
                .any(|e| e.is_dir && e.name == format!("{path}/"))
        {
            return Err(OfdError::UnsafeEntryName {
                name: path.to_owned(),
                reason: "the name is a directory",
            });
        }
        self.removed.remove(path);
        let exists = self.base.contains(path) || self.changes.contains_key(path);
        if !exists {
            self.added.push(path.to_owned());
        }
        self.changes.insert(path.to_owned(), data);
        Ok(())
    }

    /// Leaves a file out of the copy (original or added). Returns whether it existed.
    /// Signing never needs this; it serves repair tools and tests.
    pub fn remove(&mut self, path: &str) -> bool {
        let path = path.strip_prefix('/').unwrap_or(path);
        let existed = self.get(path).is_some();
        self.changes.remove(path);
        self.added.retain(|a| a != path);
        if self.base.contains(path) {
            self.removed.insert(path.to_owned());
        }
        existed
    }

    /// The bytes of a file in the edited state.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let path = path.strip_prefix('/').unwrap_or(path);
        if self.removed.contains(path) {
            return None;
        }
        self.changes
            .get(path)
            .map(Vec::as_slice)
            .or_else(|| self.base.get(path))
    }

    /// The file names in the edited state: the original order, then new files.
    #[must_use]
    pub fn file_names(&self) -> Vec<String> {
        self.base
            .file_names()
            .filter(|n| !self.removed.contains(*n))
            .map(str::to_owned)
            .chain(self.added.iter().cloned())
            .collect()
    }

    /// A `Reference` to a file of the edited state: `FileRef` absolute (`/Doc_0/…`) and the
    /// SM3 digest of its bytes as `CheckValue`. `None` when the file does not exist.
    #[must_use]
    pub fn sm3_reference(&self, path: &str) -> Option<Reference> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let data = self.get(path)?;
        Some(Reference::new(
            &format!("/{path}"),
            crate::crypto::sm3::sm3(data).to_vec(),
        ))
    }

    /// Writes the ZIP. Untouched entries (directories included) are copied raw: same
    /// headers, same compressed bytes. Replaced entries keep their place; new ones follow in
    /// the order added, deflated, with the fixed timestamp 1980-01-01 so that equal input
    /// gives equal output.
    ///
    /// # Errors
    ///
    /// [`OfdError::ApiMisuse`] if the ZIP writer fails (it should not on valid input).
    pub fn finish(self) -> Result<Vec<u8>, OfdError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(&*self.base.source)).map_err(|e| {
            OfdError::NotZip {
                detail: e.to_string(),
            }
        })?;
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let options = new_entry_options();
        for entry in &self.base.entries {
            if self.removed.contains(&entry.name) {
                continue;
            }
            match self.changes.get(&entry.name) {
                Some(data) => {
                    out.start_file(entry.name.as_str(), options)
                        .map_err(zip_err)?;
                    out.write_all(data)
                        .map_err(|e| misuse(format!("writing {}: {e}", entry.name)))?;
                }
                None => {
                    let file = archive.by_index_raw(entry.index).map_err(zip_err)?;
                    out.raw_copy_file(file).map_err(zip_err)?;
                }
            }
        }
        for name in &self.added {
            let data = self
                .changes
                .get(name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            out.start_file(name.as_str(), options).map_err(zip_err)?;
            out.write_all(data)
                .map_err(|e| misuse(format!("writing {name}: {e}")))?;
        }
        Ok(out.finish().map_err(zip_err)?.into_inner())
    }
}

/// Options for entries this crate writes: deflate, fixed 1980-01-01 timestamp.
pub(crate) fn new_entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// The conventional directory of signature `index` of the document whose `Document.xml`
/// is `doc_root`: `Doc_0/Document.xml`, 2 → `Doc_0/Signs/Sign_2`.
#[must_use]
pub fn signature_dir(doc_root: &str, index: usize) -> String {
    let dir = parent_dir(doc_root);
    if dir.is_empty() {
        format!("Signs/Sign_{index}")
    } else {
        format!("{dir}/Signs/Sign_{index}")
    }
}

/// The ID for the next signature: one more than the largest number found in `MaxSignId`
/// and the existing IDs, keeping their style (`s001` → `s002`, `2` → `3`, `001` → `002`).
/// `s001` for the first signature. Never returns an ID already in the list.
#[must_use]
pub fn next_signature_id(list: Option<&SignatureList>) -> String {
    let Some(list) = list else {
        return "s001".to_owned();
    };
    let candidates = list
        .max_sign_id
        .iter()
        .chain(list.entries.iter().map(|e| &e.id));
    // (number, prefix, digit count) of the candidate with the largest number.
    let mut best: Option<(u64, String, usize)> = None;
    for id in candidates {
        let id = id.trim();
        let digits = id.chars().rev().take_while(char::is_ascii_digit).count();
        let (prefix, num) = id.split_at(id.len() - digits);
        let Ok(n) = num.parse::<u64>() else { continue };
        if best.as_ref().is_none_or(|(b, _, _)| n > *b) {
            best = Some((n, prefix.to_owned(), digits));
        }
    }
    let (mut n, prefix, width) = best.unwrap_or((list.entries.len() as u64, "s".to_owned(), 3));
    loop {
        n = n.saturating_add(1);
        let id = format!("{prefix}{n:0width$}");
        if !list.entries.iter().any(|e| e.id == id) || n == u64::MAX {
            return id;
        }
    }
}

/// A new `Signatures.xml` holding one entry, `MaxSignId` set to its ID.
#[must_use]
pub fn new_signatures_xml(id: &str, kind: SignatureType, base_loc: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Signatures xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:MaxSignId>{}</ofd:MaxSignId>{}</ofd:Signatures>",
        escape(id),
        entry_xml("ofd", id, kind, base_loc)
    )
    .into_bytes()
}

fn entry_xml(prefix: &str, id: &str, kind: SignatureType, base_loc: &str) -> String {
    format!(
        "<{} ID=\"{}\" Type=\"{}\" BaseLoc=\"{}\"/>",
        Element::qualified(prefix, "Signature"),
        escape(id),
        kind.as_str(),
        escape(base_loc)
    )
}

/// Applies non-overlapping splices `(start, end, replacement)` to `src`.
fn splice(src: &[u8], mut edits: Vec<(usize, usize, String)>) -> Result<Vec<u8>, OfdError> {
    edits.sort_by_key(|e| e.0);
    let mut out = Vec::with_capacity(src.len() + 256);
    let mut at = 0usize;
    for (start, end, text) in edits {
        let keep = src
            .get(at..start)
            .ok_or_else(|| misuse("internal: overlapping XML edits".into()))?;
        out.extend_from_slice(keep);
        out.extend_from_slice(text.as_bytes());
        at = end;
    }
    out.extend_from_slice(src.get(at..).unwrap_or_default());
    Ok(out)
}

/// Text of the start tag of an empty-element `<p:X …/>` turned into an open tag, plus the
/// close tag: used when content must go inside an element written self-closed.
fn open_self_closed(src: &[u8], el: &Element) -> Result<(String, String), OfdError> {
    let tag = src
        .get(el.start..el.open_end)
        .and_then(|t| std::str::from_utf8(t).ok())
        .and_then(|t| t.strip_suffix("/>"))
        .ok_or_else(|| misuse("internal: unexpected empty-element tag".into()))?;
    Ok((
        format!("{}>", tag.trim_end()),
        format!("</{}>", Element::qualified(&el.prefix, &el.name)),
    ))
}

/// Adds `<Signature ID Type BaseLoc/>` to an existing `Signatures.xml` (`path` names it in
/// messages) and sets `MaxSignId` to `id`, by splicing: every other byte stays as it was.
/// The new element uses the file's own prefix.
///
/// # Errors
///
/// Malformed XML, a root other than `Signatures`, or an `id` already present.
pub fn add_signature_entry(
    signatures_xml: &[u8],
    path: &str,
    id: &str,
    kind: SignatureType,
    base_loc: &str,
    limits: &Limits,
) -> Result<Vec<u8>, OfdError> {
    let root = xml::parse(path, signatures_xml, limits)?;
    if root.name != "Signatures" {
        return Err(OfdError::invalid_value(
            path,
            "root element",
            &root.name,
            "expected Signatures",
        ));
    }
    if root
        .children_named("Signature")
        .any(|s| s.attr("ID").map(str::trim) == Some(id))
    {
        return Err(misuse(format!(
            "signature ID {id:?} already exists in {path}"
        )));
    }
    let entry = entry_xml(&root.prefix, id, kind, base_loc);
    let max_tag = Element::qualified(&root.prefix, "MaxSignId");
    let mut edits = Vec::new();
    let max = root.child("MaxSignId");
    match root.close_start {
        Some(close) => {
            // MaxSignId first: with an empty root both edits share one position, and the
            // stable sort keeps this order (the schema puts MaxSignId before the entries).
            if max.is_none() {
                edits.push((
                    root.open_end,
                    root.open_end,
                    format!("<{max_tag}>{}</{max_tag}>", escape(id)),
                ));
            }
            edits.push((close, close, entry));
        }
        None => {
            let (open, close) = open_self_closed(signatures_xml, &root)?;
            edits.push((
                root.start,
                root.open_end,
                format!("{open}<{max_tag}>{}</{max_tag}>{entry}{close}", escape(id)),
            ));
        }
    }
    if let Some(m) = max {
        match m.close_start {
            Some(close) => edits.push((m.open_end, close, escape(id))),
            None => edits.push((
                m.start,
                m.open_end,
                format!("<{max_tag}>{}</{max_tag}>", escape(id)),
            )),
        }
    }
    splice(signatures_xml, edits)
}

/// Adds `<Signatures>location</Signatures>` to the `body`-th `DocBody` of `OFD.xml` (as its
/// last child, where the schema puts it), by splicing.
///
/// # Errors
///
/// Malformed XML, no such `DocBody`, or a `DocBody` that already has `Signatures`.
pub fn insert_signatures_location(
    ofd_xml: &[u8],
    body: usize,
    location: &str,
    limits: &Limits,
) -> Result<Vec<u8>, OfdError> {
    const PATH: &str = "OFD.xml";
    let root = xml::parse(PATH, ofd_xml, limits)?;
    if root.name != "OFD" {
        return Err(OfdError::invalid_value(
            PATH,
            "root element",
            &root.name,
            "expected OFD",
        ));
    }
    let doc_body = root
        .children_named("DocBody")
        .nth(body)
        .ok_or_else(|| misuse(format!("OFD.xml has no DocBody number {body}")))?;
    if doc_body.child("Signatures").is_some() {
        return Err(misuse("this DocBody already names a Signatures.xml".into()));
    }
    let tag = Element::qualified(&doc_body.prefix, "Signatures");
    let element = format!("<{tag}>{}</{tag}>", escape(location));
    let edit = match doc_body.close_start {
        Some(close) => (close, close, element),
        None => {
            let (open, close) = open_self_closed(ofd_xml, doc_body)?;
            (
                doc_body.start,
                doc_body.open_end,
                format!("{open}{element}{close}"),
            )
        }
    };
    splice(ofd_xml, vec![edit])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn list(max: Option<&str>, ids: &[&str]) -> SignatureList {
        SignatureList {
            path: "Doc_0/Signs/Signatures.xml".into(),
            max_sign_id: max.map(str::to_owned),
            entries: ids
                .iter()
                .map(|id| super::super::SignatureEntry {
                    id: (*id).to_owned(),
                    kind: SignatureType::Seal,
                    base_loc: String::new(),
                    path: String::new(),
                    relative: None,
                })
                .collect(),
        }
    }

    #[test]
    fn next_ids_keep_style() {
        assert_eq!(next_signature_id(None), "s001");
        assert_eq!(
            next_signature_id(Some(&list(Some("s001"), &["s001"]))),
            "s002"
        );
        assert_eq!(next_signature_id(Some(&list(Some("2"), &["2"]))), "3");
        assert_eq!(next_signature_id(Some(&list(Some("002"), &["001"]))), "003");
        assert_eq!(next_signature_id(Some(&list(None, &["s4", "s9"]))), "s10");
        assert_eq!(next_signature_id(Some(&list(None, &["abc"]))), "s002");
        assert_eq!(next_signature_id(Some(&list(Some("1"), &["1", "5"]))), "6");
    }

    #[test]
    fn splices_keep_other_bytes() {
        let src = b"<?xml version=\"1.0\"?>\n<x:Signatures xmlns:x=\"u\"><x:Signature ID=\"1\" BaseLoc=\"a\"/><x:MaxSignId>1</x:MaxSignId></x:Signatures>";
        let out = add_signature_entry(
            src,
            "S.xml",
            "2",
            SignatureType::Sign,
            "/b",
            &Limits::default(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\"?>\n<x:Signatures xmlns:x=\"u\"><x:Signature ID=\"1\" BaseLoc=\"a\"/><x:MaxSignId>2</x:MaxSignId><x:Signature ID=\"2\" Type=\"Sign\" BaseLoc=\"/b\"/></x:Signatures>"
        );
        let empty = b"<Signatures xmlns=\"u\" />";
        let out = add_signature_entry(
            empty,
            "S.xml",
            "s001",
            SignatureType::Seal,
            "/c",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<Signatures xmlns=\"u\"><MaxSignId>s001</MaxSignId><Signature ID=\"s001\" Type=\"Seal\" BaseLoc=\"/c\"/></Signatures>"
        );
        assert!(
            add_signature_entry(
                src,
                "S.xml",
                "1",
                SignatureType::Seal,
                "/d",
                &Limits::default()
            )
            .is_err()
        );
    }
}
