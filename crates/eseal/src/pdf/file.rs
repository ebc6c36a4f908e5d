//! The PDF file layer: cross-reference sections (classic tables, xref streams, hybrid files),
//! `/Prev` chains with loop detection, object streams, revisions (one per `startxref` …
//! `%%EOF`), and lazy, bounded access to objects.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read as _;
use std::rc::Rc;

use super::object::{Dict, ObjRef, Object, Parser, Stream, find, rfind};
use super::{Limits, PdfError};

/// Where an object is, according to a cross-reference section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XrefEntry {
    /// Deleted (or never used).
    Free,
    /// At this byte offset of the file, with this generation.
    InFile { offset: usize, generation: u16 },
    /// The `index`-th object of object stream `stream`.
    InStream { stream: u32, index: u32 },
}

/// The objects and trailer seen from one `startxref`: every section of its `/Prev` chain
/// merged, newest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct XrefTable {
    pub(crate) entries: BTreeMap<u32, XrefEntry>,
    pub(crate) trailer: Dict,
    /// The offsets of every section read (the chain).
    pub(crate) sections: Vec<usize>,
}

/// One revision: the bytes up to an `%%EOF` and the `startxref` before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Revision {
    /// Offset of the `startxref` keyword.
    pub(crate) startxref_at: usize,
    /// The offset it names.
    pub(crate) xref: usize,
    /// Offset just after `%%EOF`.
    pub(crate) eof_end: usize,
    /// `eof_end` plus the end-of-line that follows, if any.
    pub(crate) end_with_eol: usize,
}

struct ObjStm {
    data: Vec<u8>,
    /// (object number, offset in `data`) in order.
    index: Vec<(u32, usize)>,
}

/// A parsed PDF file (borrowing its bytes): the final cross-reference state and the
/// revisions. Objects are parsed on demand.
pub(crate) struct PdfFile<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) table: XrefTable,
    pub(crate) revisions: Vec<Revision>,
    pub(crate) limits: Limits,
    decoded: Cell<u64>,
    /// Object streams read, by the offset of the stream object.
    objstms: RefCell<HashMap<usize, Rc<ObjStm>>>,
}

fn malformed(offset: usize, detail: impl Into<String>) -> PdfError {
    PdfError::Malformed {
        offset,
        detail: detail.into(),
    }
}

impl<'a> PdfFile<'a> {
    /// Reads the header, the revisions and the newest cross-reference chain; refuses encrypted
    /// files.
    pub(crate) fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, PdfError> {
        if bytes.len() as u64 > limits.max_file_len {
            return Err(PdfError::LimitExceeded {
                what: "file size",
                limit: limits.max_file_len,
            });
        }
        let head = bytes.get(..bytes.len().min(1024)).unwrap_or(bytes);
        if find(head, b"%PDF-").is_none() {
            return Err(PdfError::NotPdf);
        }
        let mut file = PdfFile {
            bytes,
            table: XrefTable::default(),
            revisions: find_revisions(bytes),
            limits: limits.clone(),
            decoded: Cell::new(0),
            objstms: RefCell::new(HashMap::new()),
        };
        if file.revisions.len() > limits.max_revisions {
            return Err(PdfError::LimitExceeded {
                what: "revision count",
                limit: limits.max_revisions as u64,
            });
        }
        let last =
            file.revisions.last().copied().ok_or_else(|| {
                malformed(bytes.len(), "no startxref … %%EOF at the end of the file")
            })?;
        file.table = file.read_chain(last.xref)?;
        if file.table.trailer.get(b"Encrypt").is_some() {
            return Err(PdfError::Encrypted);
        }
        if file
            .table
            .trailer
            .get(b"Root")
            .and_then(Object::as_objref)
            .is_none()
        {
            return Err(malformed(last.xref, "the trailer has no /Root reference"));
        }
        Ok(file)
    }

    /// The cross-reference chain starting at `offset` (newest entries win; missing trailer
    /// keys are filled from older trailers).
    pub(crate) fn read_chain(&self, offset: usize) -> Result<XrefTable, PdfError> {
        let mut table = XrefTable::default();
        let mut visited = BTreeSet::new();
        let mut next = Some(offset);
        while let Some(at) = next {
            if !visited.insert(at) {
                return Err(malformed(
                    at,
                    "the /Prev chain of cross-reference sections loops",
                ));
            }
            if visited.len() > self.limits.max_revisions.saturating_mul(2) {
                return Err(PdfError::LimitExceeded {
                    what: "cross-reference sections",
                    limit: self.limits.max_revisions.saturating_mul(2) as u64,
                });
            }
            table.sections.push(at);
            let section = self.read_section(at)?;
            for (num, entry) in section.entries {
                table.entries.entry(num).or_insert(entry);
            }
            if let Some(stm) = section.xref_stm {
                if visited.insert(stm) {
                    let hidden = self.read_section(stm)?;
                    for (num, entry) in hidden.entries {
                        table.entries.entry(num).or_insert(entry);
                    }
                }
            }
            for (k, v) in section.trailer.iter() {
                if table.trailer.get(k).is_none() && !matches!(k, b"Prev" | b"XRefStm") {
                    table.trailer.set(k, v.clone());
                }
            }
            if table.entries.len() > self.limits.max_objects {
                return Err(PdfError::LimitExceeded {
                    what: "object count",
                    limit: self.limits.max_objects as u64,
                });
            }
            next = section.prev;
        }
        table.entries.insert(0, XrefEntry::Free);
        Ok(table)
    }

    fn read_section(&self, at: usize) -> Result<Section, PdfError> {
        let mut p = Parser::new(self.bytes, at, 0);
        if p.eat_keyword(b"xref") {
            return self.read_table(p, at);
        }
        // An xref stream: `N G obj << /Type /XRef … >> stream`.
        p.set_pos(at);
        let _ = p.read_object_header()?;
        let obj = p.read_indirect_body(&|r| self.length_of(r))?;
        let Object::Stream(stream) = obj else {
            return Err(malformed(
                at,
                "startxref names neither \"xref\" nor a stream",
            ));
        };
        if !stream.dict.has_type(b"XRef") {
            return Err(malformed(at, "the stream at startxref is not /Type /XRef"));
        }
        self.read_xref_stream(&stream, at)
    }

    fn read_table(&self, mut p: Parser<'_>, at: usize) -> Result<Section, PdfError> {
        let mut entries = Vec::new();
        loop {
            if p.eat_keyword(b"trailer") {
                break;
            }
            let (Some(first), Some(count)) = (p.read_uint(), p.read_uint()) else {
                return Err(malformed(p.pos(), "bad cross-reference subsection header"));
            };
            if count > self.limits.max_objects as u64 {
                return Err(PdfError::LimitExceeded {
                    what: "object count",
                    limit: self.limits.max_objects as u64,
                });
            }
            for i in 0..count {
                let (Some(offset), Some(generation)) = (p.read_uint(), p.read_uint()) else {
                    return Err(malformed(p.pos(), "bad cross-reference entry"));
                };
                let num = u32::try_from(first + i)
                    .map_err(|_| malformed(p.pos(), "object number too large"))?;
                let entry = if p.eat_keyword(b"n") {
                    XrefEntry::InFile {
                        offset: usize::try_from(offset)
                            .map_err(|_| malformed(p.pos(), "offset too large"))?,
                        generation: u16::try_from(generation).unwrap_or(u16::MAX),
                    }
                } else if p.eat_keyword(b"f") {
                    XrefEntry::Free
                } else {
                    return Err(malformed(
                        p.pos(),
                        "a cross-reference entry is neither n nor f",
                    ));
                };
                entries.push((num, entry));
                if entries.len() > self.limits.max_objects {
                    return Err(PdfError::LimitExceeded {
                        what: "object count",
                        limit: self.limits.max_objects as u64,
                    });
                }
            }
        }
        let trailer = match p.read_object(0)? {
            Object::Dict(d) => d,
            _ => return Err(malformed(at, "the trailer is not a dictionary")),
        };
        // Within one section the first entry for a number counts.
        let mut merged = BTreeMap::new();
        for (n, e) in entries {
            merged.entry(n).or_insert(e);
        }
        Ok(Section {
            entries: merged.into_iter().collect(),
            prev: offset_of(trailer.get(b"Prev")),
            xref_stm: offset_of(trailer.get(b"XRefStm")),
            trailer,
        })
    }

    fn read_xref_stream(&self, stream: &Stream, at: usize) -> Result<Section, PdfError> {
        let dict = &stream.dict;
        let widths: Vec<usize> = dict
            .get(b"W")
            .and_then(Object::as_array)
            .map(|a| {
                a.iter()
                    .map(|w| {
                        w.as_int()
                            .and_then(|v| usize::try_from(v).ok())
                            .unwrap_or(99)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let [w0, w1, w2] = widths.as_slice() else {
            return Err(malformed(at, "the xref stream /W is not three widths"));
        };
        let (w0, w1, w2) = (*w0, *w1, *w2);
        if w0 > 8 || w1 > 8 || w2 > 8 {
            return Err(malformed(at, "an xref stream field is wider than 8 bytes"));
        }
        let size = dict
            .get(b"Size")
            .and_then(Object::as_int)
            .and_then(|s| u64::try_from(s).ok())
            .ok_or_else(|| malformed(at, "the xref stream has no /Size"))?;
        if size > self.limits.max_objects as u64 {
            return Err(PdfError::LimitExceeded {
                what: "object count",
                limit: self.limits.max_objects as u64,
            });
        }
        let index: Vec<(u64, u64)> = match dict.get(b"Index").and_then(Object::as_array) {
            Some(a) => a
                .chunks(2)
                .filter_map(|c| match c {
                    [s, n] => Some((
                        u64::try_from(s.as_int()?).ok()?,
                        u64::try_from(n.as_int()?).ok()?,
                    )),
                    _ => None,
                })
                .collect(),
            None => vec![(0, size)],
        };
        let data = self.decode(stream)?;
        let row = w0 + w1 + w2;
        if row == 0 {
            return Err(malformed(at, "the xref stream rows are empty"));
        }
        let mut rows = data.chunks_exact(row);
        let mut entries = Vec::new();
        for (first, count) in index {
            if count > self.limits.max_objects as u64 {
                return Err(PdfError::LimitExceeded {
                    what: "object count",
                    limit: self.limits.max_objects as u64,
                });
            }
            for i in 0..count {
                let Some(r) = rows.next() else {
                    return Err(malformed(at, "the xref stream is shorter than its /Index"));
                };
                let (a, rest) = r.split_at(w0);
                let (b, c) = rest.split_at(w1);
                let ty = if w0 == 0 { 1 } else { be(a) };
                let num = u32::try_from(first + i)
                    .map_err(|_| malformed(at, "object number too large"))?;
                let entry = match ty {
                    0 => XrefEntry::Free,
                    1 => XrefEntry::InFile {
                        offset: usize::try_from(be(b))
                            .map_err(|_| malformed(at, "offset too large"))?,
                        generation: u16::try_from(be(c)).unwrap_or(u16::MAX),
                    },
                    2 => XrefEntry::InStream {
                        stream: u32::try_from(be(b))
                            .map_err(|_| malformed(at, "object stream number too large"))?,
                        index: u32::try_from(be(c))
                            .map_err(|_| malformed(at, "object stream index too large"))?,
                    },
                    // Unknown types are null references (ISO 32000-1 §7.5.8.3).
                    _ => XrefEntry::Free,
                };
                entries.push((num, entry));
            }
        }
        Ok(Section {
            entries,
            prev: offset_of(dict.get(b"Prev")),
            xref_stm: None,
            trailer: dict.clone(),
        })
    }

    /// A direct integer `/Length` stored as an indirect object (no streams or object streams
    /// are followed, so this cannot recurse).
    fn length_of(&self, r: ObjRef) -> Option<u64> {
        let entry = self.table.entries.get(&r.num)?;
        let XrefEntry::InFile { offset, .. } = entry else {
            return None;
        };
        let mut p = Parser::new(self.bytes, *offset, 0);
        p.read_object_header().ok()?;
        u64::try_from(p.read_object(0).ok()?.as_int()?).ok()
    }

    /// The object `r` in the final state; `Null` for free or missing objects (ISO 32000-1
    /// §7.3.10: a reference to a missing object is null).
    pub(crate) fn get(&self, r: ObjRef) -> Result<Object, PdfError> {
        self.get_in(&self.table, r)
    }

    /// The object `r` in the state of `table` (a revision's).
    pub(crate) fn get_in(&self, table: &XrefTable, r: ObjRef) -> Result<Object, PdfError> {
        match table.entries.get(&r.num) {
            None | Some(XrefEntry::Free) => Ok(Object::Null),
            Some(XrefEntry::InFile { offset, .. }) => self.object_at(*offset, r),
            Some(XrefEntry::InStream { stream, index }) => {
                self.object_in_stream(table, *stream, *index, r)
            }
        }
    }

    /// The object at a byte offset, whose header must name `r`.
    fn object_at(&self, offset: usize, r: ObjRef) -> Result<Object, PdfError> {
        let mut p = Parser::new(self.bytes, offset, 0);
        let found = p.read_object_header()?;
        if found.num != r.num {
            return Err(malformed(
                offset,
                format!("the cross-reference entry of {r} points at object {found}"),
            ));
        }
        p.read_indirect_body(&|l| self.length_of(l))
    }

    fn object_in_stream(
        &self,
        table: &XrefTable,
        stream: u32,
        index: u32,
        r: ObjRef,
    ) -> Result<Object, PdfError> {
        let stm = self.objstm(table, stream)?;
        let (num, offset) =
            stm.index.get(index as usize).copied().ok_or_else(|| {
                malformed(0, format!("object stream {stream} has no entry {index}"))
            })?;
        if num != r.num {
            return Err(malformed(
                0,
                format!(
                    "object stream {stream} entry {index} is object {num}, not {}",
                    r.num
                ),
            ));
        }
        // Spans inside an object stream are offsets in its decoded data, not in the file: the
        // base is set past the file's end so that they can never be taken for file offsets.
        let mut p = Parser::new(&stm.data, offset, self.bytes.len().saturating_add(1));
        p.read_object(0)
    }

    fn objstm(&self, table: &XrefTable, num: u32) -> Result<Rc<ObjStm>, PdfError> {
        let Some(XrefEntry::InFile { offset, .. }) = table.entries.get(&num) else {
            return Err(malformed(
                0,
                format!("object stream {num} is not in the file"),
            ));
        };
        // Cached by where the stream is, not by its number: a later update may redefine an
        // object stream, and each revision must read its own version.
        if let Some(s) = self.objstms.borrow().get(offset) {
            return Ok(Rc::clone(s));
        }
        let Object::Stream(stream) = self.object_at(*offset, ObjRef::new(num, 0))? else {
            return Err(malformed(
                *offset,
                format!("object {num} is not an object stream"),
            ));
        };
        let n = stream
            .dict
            .get(b"N")
            .and_then(Object::as_int)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| malformed(*offset, "object stream without /N"))?;
        let first = stream
            .dict
            .get(b"First")
            .and_then(Object::as_int)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| malformed(*offset, "object stream without /First"))?;
        if n > self.limits.max_objects {
            return Err(PdfError::LimitExceeded {
                what: "object count",
                limit: self.limits.max_objects as u64,
            });
        }
        let data = self.decode(&stream)?;
        let header = data.get(..first).unwrap_or(&data);
        let mut p = Parser::new(header, 0, 0);
        let mut index = Vec::with_capacity(n.min(header.len() / 2 + 1));
        for _ in 0..n {
            let (Some(obj), Some(off)) = (p.read_uint(), p.read_uint()) else {
                return Err(malformed(*offset, "object stream header is short"));
            };
            let obj = u32::try_from(obj).map_err(|_| malformed(*offset, "bad object number"))?;
            let off = usize::try_from(off)
                .ok()
                .and_then(|o| o.checked_add(first))
                .filter(|o| *o <= data.len())
                .ok_or_else(|| malformed(*offset, "object stream offset out of range"))?;
            index.push((obj, off));
        }
        let stm = Rc::new(ObjStm { data, index });
        self.objstms.borrow_mut().insert(*offset, Rc::clone(&stm));
        Ok(stm)
    }

    /// The raw (encoded) data of a stream.
    pub(crate) fn raw(&self, stream: &Stream) -> &'a [u8] {
        self.bytes.get(stream.data.clone()).unwrap_or(&[])
    }

    /// Decodes a stream's data (`FlateDecode` with optional PNG/TIFF predictors, or no
    /// filter), within the per-stream, total and ratio limits.
    pub(crate) fn decode(&self, stream: &Stream) -> Result<Vec<u8>, PdfError> {
        let raw = self.raw(stream);
        let filters: Vec<&[u8]> = match stream.dict.get(b"Filter") {
            None => Vec::new(),
            Some(Object::Name(n)) => vec![n.as_slice()],
            Some(Object::Array(a)) => a.iter().filter_map(Object::as_name).collect(),
            Some(_) => return Err(malformed(stream.data.start, "bad /Filter")),
        };
        let data = match filters.as_slice() {
            [] => raw.to_vec(),
            [b"FlateDecode" | b"Fl"] => {
                let cap = self.limits.max_stream_len.min(
                    (raw.len() as u64)
                        .saturating_mul(self.limits.max_ratio)
                        .max(1 << 16),
                );
                let mut out = Vec::new();
                let mut z = flate2::read::ZlibDecoder::new(raw).take(cap.saturating_add(1));
                if z.read_to_end(&mut out).is_err() && out.is_empty() {
                    return Err(malformed(stream.data.start, "the Flate data is corrupt"));
                }
                if out.len() as u64 > cap {
                    return Err(PdfError::LimitExceeded {
                        what: "decoded stream size (or compression ratio)",
                        limit: cap,
                    });
                }
                out
            }
            other => {
                return Err(PdfError::Unsupported {
                    detail: format!(
                        "stream filter {}",
                        other
                            .iter()
                            .map(|f| String::from_utf8_lossy(f).into_owned())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        };
        let total = self.decoded.get().saturating_add(data.len() as u64);
        if total > self.limits.max_total_decoded {
            return Err(PdfError::LimitExceeded {
                what: "total decoded stream size",
                limit: self.limits.max_total_decoded,
            });
        }
        self.decoded.set(total);
        let parms = match stream.dict.get(b"DecodeParms") {
            Some(Object::Dict(d)) => Some(d),
            Some(Object::Array(a)) => a.first().and_then(Object::as_dict),
            _ => None,
        };
        match parms {
            Some(p) => unpredict(&data, p, stream.data.start),
            None => Ok(data),
        }
    }

    /// The dictionary at `r` (of a dictionary or stream), if it is one.
    pub(crate) fn dict(&self, r: ObjRef) -> Result<Option<Dict>, PdfError> {
        Ok(match self.get(r)? {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(s.dict),
            _ => None,
        })
    }

    /// `obj`, with a reference followed once.
    pub(crate) fn resolve(&self, obj: &Object) -> Result<Object, PdfError> {
        match obj {
            Object::Ref(r) => self.get(*r),
            other => Ok(other.clone()),
        }
    }

    /// The catalog reference of the final state.
    pub(crate) fn root_ref(&self) -> Option<ObjRef> {
        self.table.trailer.get(b"Root").and_then(Object::as_objref)
    }

    /// The page objects in order (a bounded walk of the page tree with loop detection).
    pub(crate) fn pages(&self) -> Result<Vec<(ObjRef, Dict)>, PdfError> {
        self.pages_in(&self.table)
    }

    /// The page objects in the state of `table`.
    pub(crate) fn pages_in(&self, table: &XrefTable) -> Result<Vec<(ObjRef, Dict)>, PdfError> {
        let root = table
            .trailer
            .get(b"Root")
            .and_then(Object::as_objref)
            .ok_or_else(|| malformed(0, "no /Root"))?;
        let catalog = self.get_in(table, root)?;
        let pages = catalog
            .as_dict()
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_objref)
            .ok_or_else(|| malformed(0, "the catalog has no /Pages reference"))?;
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![(pages, 0usize)];
        while let Some((r, depth)) = stack.pop() {
            if !seen.insert(r) {
                return Err(malformed(0, format!("the page tree loops at {r}")));
            }
            if depth > super::object::MAX_DEPTH || seen.len() > self.limits.max_objects {
                return Err(PdfError::LimitExceeded {
                    what: "page tree size",
                    limit: self.limits.max_objects as u64,
                });
            }
            let Some(node) = self.get_in(table, r)?.as_dict().cloned() else {
                continue;
            };
            if node.has_type(b"Pages") || node.get(b"Kids").is_some() && !node.has_type(b"Page") {
                let kids = node.get(b"Kids").and_then(Object::as_array).unwrap_or(&[]);
                for k in kids.iter().rev().filter_map(Object::as_objref) {
                    stack.push((k, depth + 1));
                }
            } else {
                out.push((r, node));
            }
        }
        Ok(out)
    }
}

struct Section {
    entries: Vec<(u32, XrefEntry)>,
    trailer: Dict,
    prev: Option<usize>,
    xref_stm: Option<usize>,
}

fn offset_of(obj: Option<&Object>) -> Option<usize> {
    obj.and_then(Object::as_int)
        .and_then(|v| usize::try_from(v).ok())
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b))
}

/// Every `startxref N %%EOF` of the file, in order: one per revision.
pub(crate) fn find_revisions(bytes: &[u8]) -> Vec<Revision> {
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(rel) = bytes.get(from..).and_then(|r| find(r, b"startxref")) {
        let at = from + rel;
        from = at + 9;
        let mut p = Parser::new(bytes, from, 0);
        let Some(xref) = p.read_uint().and_then(|v| usize::try_from(v).ok()) else {
            continue;
        };
        // Only whitespace: `%%EOF` is itself a comment, which skip_ws would pass over.
        let mut eof_at = p.pos();
        while bytes
            .get(eof_at)
            .is_some_and(|b| super::object::is_whitespace(*b))
        {
            eof_at += 1;
        }
        if !bytes.get(eof_at..).is_some_and(|r| r.starts_with(b"%%EOF")) {
            continue;
        }
        let eof_end = eof_at + 5;
        let mut end_with_eol = eof_end;
        if bytes.get(end_with_eol) == Some(&b'\r') {
            end_with_eol += 1;
        }
        if bytes.get(end_with_eol) == Some(&b'\n') {
            end_with_eol += 1;
        }
        out.push(Revision {
            startxref_at: at,
            xref,
            eof_end,
            end_with_eol,
        });
        from = eof_end;
    }
    // A last startxref without %%EOF (truncated tail): still the file's newest state.
    if let Some(at) = rfind(bytes, b"startxref") {
        if out.last().is_none_or(|r| r.startxref_at < at) {
            let mut p = Parser::new(bytes, at + 9, 0);
            if let Some(xref) = p.read_uint().and_then(|v| usize::try_from(v).ok()) {
                out.push(Revision {
                    startxref_at: at,
                    xref,
                    eof_end: bytes.len(),
                    end_with_eol: bytes.len(),
                });
            }
        }
    }
    out
}

/// Undoes a PNG (10–15) or TIFF (2) predictor.
fn unpredict(data: &[u8], parms: &Dict, at: usize) -> Result<Vec<u8>, PdfError> {
    let int = |k: &[u8], d: i64| parms.get(k).and_then(Object::as_int).unwrap_or(d);
    let predictor = int(b"Predictor", 1);
    if predictor < 2 {
        return Ok(data.to_vec());
    }
    let colors = usize::try_from(int(b"Colors", 1)).unwrap_or(1).clamp(1, 32);
    let bpc = usize::try_from(int(b"BitsPerComponent", 8))
        .unwrap_or(8)
        .clamp(1, 16);
    let columns = usize::try_from(int(b"Columns", 1))
        .unwrap_or(1)
        .clamp(1, 1 << 20);
    let bpp = (colors * bpc).div_ceil(8).max(1);
    let row_len = (colors * bpc * columns).div_ceil(8);
    if predictor == 2 {
        if bpc != 8 {
            return Err(PdfError::Unsupported {
                detail: "TIFF predictor with other than 8 bits per component".into(),
            });
        }
        let mut out = data.to_vec();
        for row in out.chunks_mut(row_len) {
            for i in bpp..row.len() {
                let left = row.get(i - bpp).copied().unwrap_or(0);
                if let Some(b) = row.get_mut(i) {
                    *b = b.wrapping_add(left);
                }
            }
        }
        return Ok(out);
    }
    png_unfilter(data, row_len, bpp).ok_or_else(|| malformed(at, "bad PNG predictor row type"))
}

/// Undoes PNG row filters (PNG §9; PDF's predictors 10–15): rows of `row` bytes each
/// preceded by a filter-type byte, `bpp` bytes per pixel. A short last row is zero-padded;
/// `None` for an unknown filter type.
pub(crate) fn png_unfilter(raw: &[u8], row: usize, bpp: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut prev = vec![0u8; row];
    for chunk in raw.chunks(row + 1) {
        let (ty, line) = chunk.split_first()?;
        let mut cur = line.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let x = cur.get(i).copied().unwrap_or(0);
            let v = match ty {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => return None,
            };
            if let Some(s) = cur.get_mut(i) {
                *s = v;
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
