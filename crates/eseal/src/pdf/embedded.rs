//! Reading the files a PDF embeds: the catalog's `/Names /EmbeddedFiles` name tree
//! (PDF 32000-1 §7.9.6, §7.11.4), each value a file specification with an `/EF` embedded file
//! stream; and which of them the catalog's `/AF` array associates with the document
//! (PDF/A-3). [`super::render::DocumentBuilder::embed_file`] writes them.
//!
//! Everything here reads untrusted files: the tree walk is bounded in depth, node count and
//! entry count, loops are refused, and the streams decode within the file's [`super::Limits`].

use std::collections::BTreeSet;

use super::PdfError;
use super::file::{PdfFile, XrefTable};
use super::object::{Dict, MAX_DEPTH, ObjRef, Object};
use super::verify::text_string;

/// The most entries [`super::PdfDocument::embedded_files`] reads.
pub const MAX_EMBEDDED_FILES_READ: usize = 1024;
/// The most name-tree nodes visited.
const MAX_NODES: usize = 4096;

/// A file embedded in a PDF, as its name tree and file specification describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmbeddedFileInfo {
    /// The name tree's key.
    pub name: String,
    /// The file specification's `/UF`, else `/F`.
    pub file_name: Option<String>,
    /// The decoded content of the `/EF` stream (`/UF`, else `/F`).
    pub data: Vec<u8>,
    /// The stream's `/Subtype` (a MIME type such as `application/xml`).
    pub mime_type: Option<String>,
    /// `/Desc`.
    pub description: Option<String>,
    /// `/AFRelationship` (`Data`, `Source`, …).
    pub relationship: Option<String>,
    /// `/Params /Size`: the size the writer declared.
    pub declared_size: Option<u64>,
    /// `/Params /ModDate` as written (a PDF date string).
    pub modified: Option<String>,
    /// Whether the catalog's `/AF` array lists this file specification.
    pub associated: bool,
    /// The file specification object, when it is indirect.
    pub spec: Option<ObjRef>,
}

/// A view of one cross-reference state (the final one or a revision's).
struct State<'f, 'a> {
    file: &'f PdfFile<'a>,
    table: &'f XrefTable,
}

impl State<'_, '_> {
    fn resolve(&self, obj: &Object) -> Result<Object, PdfError> {
        match obj {
            Object::Ref(r) => self.file.get_in(self.table, *r),
            other => Ok(other.clone()),
        }
    }

    fn dict(&self, obj: &Object) -> Result<Option<Dict>, PdfError> {
        Ok(match self.resolve(obj)? {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(s.dict),
            _ => None,
        })
    }
}

fn limit(what: &'static str, limit: usize) -> PdfError {
    PdfError::LimitExceeded {
        what,
        limit: limit as u64,
    }
}

fn malformed(detail: impl Into<String>) -> PdfError {
    PdfError::Malformed {
        offset: 0,
        detail: detail.into(),
    }
}

/// The embedded files of the state `table` of `file`, in name-tree order.
pub(crate) fn embedded_files(
    file: &PdfFile<'_>,
    table: &XrefTable,
) -> Result<Vec<EmbeddedFileInfo>, PdfError> {
    let st = State { file, table };
    let Some(root) = table.trailer.get(b"Root") else {
        return Err(malformed("the trailer has no /Root"));
    };
    let Some(catalog) = st.dict(root)? else {
        return Err(malformed("/Root is not a dictionary"));
    };
    let associated: BTreeSet<ObjRef> = match catalog.get(b"AF") {
        Some(af) => st
            .resolve(af)?
            .as_array()
            .unwrap_or(&[])
            .iter()
            .filter_map(Object::as_objref)
            .collect(),
        None => BTreeSet::new(),
    };
    let Some(names) = catalog.get(b"Names") else {
        return Ok(Vec::new());
    };
    let Some(names) = st.dict(names)? else {
        return Err(malformed("the catalog's /Names is not a dictionary"));
    };
    let Some(tree) = names.get(b"EmbeddedFiles") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![(tree.clone(), 0usize)];
    let mut nodes = 0usize;
    while let Some((node, depth)) = stack.pop() {
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(limit("embedded-file name tree nodes", MAX_NODES));
        }
        if depth > MAX_DEPTH {
            return Err(limit("embedded-file name tree depth", MAX_DEPTH));
        }
        if let Some(r) = node.as_objref() {
            if !seen.insert(r) {
                return Err(malformed(format!(
                    "the embedded-file name tree reaches {r} twice"
                )));
            }
        }
        let Some(dict) = st.dict(&node)? else {
            return Err(malformed(
                "an embedded-file name tree node is not a dictionary",
            ));
        };
        if let Some(kids) = dict.get(b"Kids") {
            let kids = st.resolve(kids)?;
            let kids = kids
                .as_array()
                .ok_or_else(|| malformed("a name tree node's /Kids is not an array"))?;
            // Reversed onto the stack so that the walk keeps the tree's order.
            for kid in kids.iter().rev() {
                stack.push((kid.clone(), depth + 1));
            }
        }
        if let Some(pairs) = dict.get(b"Names") {
            let pairs = st.resolve(pairs)?;
            let pairs = pairs
                .as_array()
                .ok_or_else(|| malformed("a name tree node's /Names is not an array"))?;
            for pair in pairs.chunks(2) {
                let [key, value] = pair else {
                    return Err(malformed(
                        "a name tree node's /Names has an odd number of elements",
                    ));
                };
                if out.len() >= MAX_EMBEDDED_FILES_READ {
                    return Err(limit("embedded files", MAX_EMBEDDED_FILES_READ));
                }
                let key = st.resolve(key)?;
                let name = key
                    .as_string()
                    .map(text_string)
                    .ok_or_else(|| malformed("an embedded-file name is not a string"))?;
                out.push(read_spec(&st, name, value, &associated)?);
            }
        }
    }
    Ok(out)
}

/// One file specification of the tree.
fn read_spec(
    st: &State<'_, '_>,
    name: String,
    value: &Object,
    associated: &BTreeSet<ObjRef>,
) -> Result<EmbeddedFileInfo, PdfError> {
    let bad = |what: &str| malformed(format!("the embedded file {name:?}: {what}"));
    let spec = st
        .dict(value)?
        .ok_or_else(|| bad("its file specification is not a dictionary"))?;
    let text = |d: &Dict, key: &[u8]| -> Result<Option<String>, PdfError> {
        Ok(match d.get(key) {
            Some(o) => st.resolve(o)?.as_string().map(text_string),
            None => None,
        })
    };
    let ef = spec
        .get(b"EF")
        .ok_or_else(|| bad("its file specification has no /EF"))?;
    let ef = st
        .dict(ef)?
        .ok_or_else(|| bad("its /EF is not a dictionary"))?;
    let stream_obj = ef
        .get(b"UF")
        .or_else(|| ef.get(b"F"))
        .ok_or_else(|| bad("its /EF names no stream"))?;
    let Object::Stream(stream) = st.resolve(stream_obj)? else {
        return Err(bad("its /EF entry is not a stream"));
    };
    let data = st.file.decode(&stream)?;
    let params = match stream.dict.get(b"Params") {
        Some(p) => st.dict(p)?,
        None => None,
    };
    let declared_size = params
        .as_ref()
        .and_then(|p| p.get(b"Size"))
        .and_then(Object::as_int)
        .and_then(|n| u64::try_from(n).ok());
    let modified = match &params {
        Some(p) => text(p, b"ModDate")?,
        None => None,
    };
    Ok(EmbeddedFileInfo {
        file_name: match text(&spec, b"UF")? {
            Some(n) => Some(n),
            None => text(&spec, b"F")?,
        },
        data,
        mime_type: stream
            .dict
            .name(b"Subtype")
            .map(|n| String::from_utf8_lossy(n).into_owned()),
        description: text(&spec, b"Desc")?,
        relationship: spec
            .name(b"AFRelationship")
            .map(|n| String::from_utf8_lossy(n).into_owned()),
        declared_size,
        modified,
        associated: value.as_objref().is_some_and(|r| associated.contains(&r)),
        spec: value.as_objref(),
        name,
    })
}

/// A signed signature field ([`super::PdfDocument::signed_fields`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedField {
    /// The field's fully qualified name (the id of its entry in the verification report).
    pub name: String,
    /// The revision (0-based) whose end the `/ByteRange` reaches; `None` when it reaches no
    /// revision's end or is not four non-negative integers.
    pub revision: Option<usize>,
    /// The signature value in `/Contents`, without the placeholder's zero padding (a DER
    /// SES_Signature or CMS SignedData; as found when its length cannot be read).
    pub value: Vec<u8>,
}

/// Every signed signature field of `file`.
pub(crate) fn signed_fields(file: &PdfFile<'_>) -> Result<Vec<SignedField>, PdfError> {
    Ok(super::verify::signature_fields(file)?
        .into_iter()
        .filter_map(|f| {
            let (sig, _) = f.value?;
            let end = sig
                .get(b"ByteRange")
                .and_then(Object::as_array)
                .and_then(|a| match a {
                    [_, _, c, d] => Some((c.as_int()?, d.as_int()?)),
                    _ => None,
                })
                .and_then(|(c, d)| usize::try_from(c.checked_add(d)?).ok());
            let revision = end.and_then(|end| {
                file.revisions
                    .iter()
                    .position(|r| end == r.eof_end || end == r.end_with_eol)
            });
            let raw = sig
                .get(b"Contents")
                .and_then(Object::as_string)
                .unwrap_or(&[]);
            let value = super::verify::der_value(raw).unwrap_or(raw).to_vec();
            Some(SignedField {
                name: f.name,
                revision,
                value,
            })
        })
        .collect())
}
