//! PDF objects (ISO 32000-1 §7.3) and a parser for them over untrusted bytes: bounded nesting,
//! no recursion without a depth limit, every index checked.

use std::ops::Range;

use super::PdfError;

/// The most deeply nested arrays and dictionaries one object may have.
pub(crate) const MAX_DEPTH: usize = 64;

/// An indirect object's number and generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef {
    /// The object number.
    pub num: u32,
    /// The generation number.
    pub generation: u16,
}

impl ObjRef {
    /// The reference `num generation R`.
    #[must_use]
    pub fn new(num: u32, generation: u16) -> Self {
        ObjRef { num, generation }
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.num, self.generation)
    }
}

/// A PDF object as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A string (literal or hexadecimal), decoded; `span` is where its token lies in the
    /// parsed buffer (for `/Contents` of a signature: the ByteRange hole).
    String {
        /// The decoded bytes.
        bytes: Vec<u8>,
        /// Whether it was written in hexadecimal (`<…>`).
        hex: bool,
        /// The token's byte range, delimiters included.
        span: Range<usize>,
    },
    /// A name, `#xx` escapes decoded, without the slash.
    Name(Vec<u8>),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dict(Dict),
    /// An indirect reference.
    Ref(ObjRef),
    /// A stream: its dictionary and where its data lies in the file.
    Stream(Stream),
}

/// A dictionary, keys in file order (a repeated key: the first counts, as most readers do).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict {
    entries: Vec<(Vec<u8>, Object)>,
}

/// A stream object: dictionary plus the byte range of its (still encoded) data.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The stream dictionary.
    pub dict: Dict,
    /// Where the encoded data lies in the file.
    pub data: Range<usize>,
}

impl Dict {
    /// An empty dictionary.
    #[must_use]
    pub fn new() -> Self {
        Dict::default()
    }

    /// The value of `key` (without the slash).
    #[must_use]
    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v)
    }

    /// Sets `key` (replacing the first entry of that name, or appending).
    pub fn set(&mut self, key: &[u8], value: Object) {
        match self.entries.iter_mut().find(|(k, _)| k.as_slice() == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key.to_vec(), value)),
        }
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &[u8]) {
        self.entries.retain(|(k, _)| k.as_slice() != key);
    }

    /// The entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Object)> {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `/key` as a name.
    #[must_use]
    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    /// Whether `/Type` is `ty`.
    #[must_use]
    pub fn has_type(&self, ty: &[u8]) -> bool {
        self.name(b"Type") == Some(ty)
    }
}

impl Object {
    /// The integer value.
    #[must_use]
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Object::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as `f64` (integers too).
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)] // PDF numbers are far below 2^52
            Object::Int(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// The dictionary (of a dictionary or a stream).
    #[must_use]
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Object]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The reference.
    #[must_use]
    pub fn as_objref(&self) -> Option<ObjRef> {
        match self {
            Object::Ref(r) => Some(*r),
            _ => None,
        }
    }

    /// The name.
    #[must_use]
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The string bytes.
    #[must_use]
    pub fn as_string(&self) -> Option<&[u8]> {
        match self {
            Object::String { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// Equality of content, ignoring where strings and streams lie in the file (a stream's
    /// data is compared by the caller).
    #[must_use]
    pub fn same_content(&self, other: &Object) -> bool {
        match (self, other) {
            (Object::String { bytes: a, .. }, Object::String { bytes: b, .. }) => a == b,
            (Object::Array(a), Object::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_content(y))
            }
            (Object::Dict(a), Object::Dict(b)) => a.same_content(b),
            (Object::Stream(a), Object::Stream(b)) => {
                // The Length may differ only with the data, which the caller compares.
                let strip = |d: &Dict| {
                    let mut d = d.clone();
                    d.remove(b"Length");
                    d
                };
                strip(&a.dict).same_content(&strip(&b.dict))
            }
            (Object::Int(a), Object::Real(b)) | (Object::Real(b), Object::Int(a)) => {
                #[allow(clippy::cast_precision_loss)]
                let a = *a as f64;
                a == *b
            }
            _ => self == other,
        }
    }
}

impl Dict {
    /// Equality of content regardless of key order.
    #[must_use]
    pub fn same_content(&self, other: &Dict) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| v.same_content(w)))
    }
}

pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// A cursor over a byte buffer; `base` is the buffer's offset in the file (so spans are file
/// offsets for top-level objects).
pub(crate) struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

fn malformed(at: usize, detail: impl Into<String>) -> PdfError {
    PdfError::Malformed {
        offset: at,
        detail: detail.into(),
    }
}

impl<'a> Parser<'a> {
    /// A parser at `pos` of `buf`, whose first byte is at file offset `base`.
    pub(crate) fn new(buf: &'a [u8], pos: usize, base: usize) -> Self {
        Parser { buf, pos, base }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    fn at(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// Skips whitespace and comments.
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The regular-character token at the cursor (a keyword or number), not consumed.
    fn word_at(&self, pos: usize) -> &'a [u8] {
        let rest = self.buf.get(pos..).unwrap_or(&[]);
        let len = rest.iter().take_while(|b| is_regular(**b)).count();
        rest.get(..len).unwrap_or(&[])
    }

    /// Consumes `keyword` (after whitespace) if it is the next token.
    pub(crate) fn eat_keyword(&mut self, keyword: &[u8]) -> bool {
        self.skip_ws();
        if self.word_at(self.pos) == keyword {
            self.pos += keyword.len();
            true
        } else {
            false
        }
    }

    /// Reads an unsigned integer token.
    pub(crate) fn read_uint(&mut self) -> Option<u64> {
        self.skip_ws();
        let w = self.word_at(self.pos);
        if w.is_empty() || !w.iter().all(u8::is_ascii_digit) || w.len() > 18 {
            return None;
        }
        let v = std::str::from_utf8(w).ok()?.parse().ok()?;
        self.pos += w.len();
        Some(v)
    }

    /// Reads `num generation obj` and returns the reference.
    pub(crate) fn read_object_header(&mut self) -> Result<ObjRef, PdfError> {
        let start = self.at();
        let num = self.read_uint();
        let generation = self.read_uint();
        match (num, generation) {
            (Some(n), Some(g)) if self.eat_keyword(b"obj") => Ok(ObjRef::new(
                u32::try_from(n).map_err(|_| malformed(start, "object number too large"))?,
                u16::try_from(g).map_err(|_| malformed(start, "generation too large"))?,
            )),
            _ => Err(malformed(start, "expected \"N G obj\"")),
        }
    }

    /// Parses one object (streams are recognised by the caller, see [`Parser::read_indirect`]).
    pub(crate) fn read_object(&mut self, depth: usize) -> Result<Object, PdfError> {
        if depth > MAX_DEPTH {
            return Err(PdfError::LimitExceeded {
                what: "object nesting depth",
                limit: MAX_DEPTH as u64,
            });
        }
        self.skip_ws();
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(malformed(self.at(), "unexpected end of data"));
        };
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.read_name_body()))
            }
            b'(' => {
                let bytes = self.read_literal_string()?;
                Ok(Object::String {
                    bytes,
                    hex: false,
                    span: self.base + start..self.at(),
                })
            }
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let dict = self.read_dict_body(depth)?;
                Ok(Object::Dict(dict))
            }
            b'<' => {
                let bytes = self.read_hex_string()?;
                Ok(Object::String {
                    bytes,
                    hex: true,
                    span: self.base + start..self.at(),
                })
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        None => return Err(malformed(self.at(), "unterminated array")),
                        _ => items.push(self.read_object(depth + 1)?),
                    }
                }
                Ok(Object::Array(items))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.read_number_or_ref(),
            _ => {
                let w = self.word_at(self.pos);
                let obj = match w {
                    b"true" => Object::Bool(true),
                    b"false" => Object::Bool(false),
                    b"null" => Object::Null,
                    _ => {
                        return Err(malformed(
                            self.at(),
                            format!(
                                "unexpected token {:?}",
                                String::from_utf8_lossy(w.get(..w.len().min(20)).unwrap_or(&[]))
                            ),
                        ));
                    }
                };
                self.pos += w.len();
                Ok(obj)
            }
        }
    }

    fn read_name_body(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#' {
                let hex = self.buf.get(self.pos..self.pos + 2);
                if let Some(v) = hex
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(v);
                    self.pos += 2;
                    continue;
                }
            }
            out.push(b);
        }
        out
    }

    fn read_literal_string(&mut self) -> Result<Vec<u8>, PdfError> {
        let start = self.at();
        self.pos += 1; // '('
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let Some(b) = self.peek() else {
                return Err(malformed(start, "unterminated string"));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(malformed(start, "unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    fn read_hex_string(&mut self) -> Result<Vec<u8>, PdfError> {
        let start = self.at();
        self.pos += 1; // '<'
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(malformed(start, "unterminated hexadecimal string"));
            };
            self.pos += 1;
            let v = match b {
                b'>' => break,
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ if is_whitespace(b) => continue,
                _ => {
                    return Err(malformed(
                        start,
                        "a hexadecimal string holds a non-hex byte",
                    ));
                }
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(out)
    }

    fn read_number_or_ref(&mut self) -> Result<Object, PdfError> {
        let start = self.at();
        let w = self.word_at(self.pos);
        let text = std::str::from_utf8(w).map_err(|_| malformed(start, "bad number"))?;
        self.pos += w.len();
        if text.contains('.') {
            // Lenient: "-.5", "4.", and a second sign some writers emit ("--1") are refused.
            let v: f64 = text
                .parse()
                .map_err(|_| malformed(start, format!("bad real number {text:?}")))?;
            return Ok(Object::Real(v));
        }
        let v: i64 = match text.parse() {
            Ok(v) => v,
            // Integers beyond i64 are read as reals, as readers do.
            Err(_) => {
                let r: f64 = text
                    .parse()
                    .map_err(|_| malformed(start, format!("bad number {text:?}")))?;
                return Ok(Object::Real(r));
            }
        };
        // `num generation R`?
        if v >= 0 && !text.starts_with('+') {
            let save = self.pos;
            if let Some(generation) = self.read_uint() {
                if self.eat_keyword(b"R") {
                    if let (Ok(num), Ok(generation)) = (u32::try_from(v), u16::try_from(generation))
                    {
                        return Ok(Object::Ref(ObjRef::new(num, generation)));
                    }
                    return Err(malformed(start, "reference number out of range"));
                }
            }
            self.pos = save;
        }
        Ok(Object::Int(v))
    }

    fn read_dict_body(&mut self, depth: usize) -> Result<Dict, PdfError> {
        let mut dict = Dict::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'>') if self.buf.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(dict);
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.read_name_body();
                    let value = self.read_object(depth + 1)?;
                    if dict.get(&key).is_none() {
                        dict.entries.push((key, value));
                    }
                }
                None => return Err(malformed(self.at(), "unterminated dictionary")),
                Some(_) => return Err(malformed(self.at(), "a dictionary key is not a name")),
            }
        }
    }

    /// Reads the body of an indirect object after its header: an object, and for a
    /// dictionary followed by `stream`, the stream with its data range. `length` resolves an
    /// indirect `/Length`. The data range is not checked against `endstream` here.
    pub(crate) fn read_indirect_body(
        &mut self,
        length: &dyn Fn(ObjRef) -> Option<u64>,
    ) -> Result<Object, PdfError> {
        let obj = self.read_object(0)?;
        let Object::Dict(dict) = obj else {
            return Ok(obj);
        };
        let save = self.pos;
        if !self.eat_keyword(b"stream") {
            self.pos = save;
            return Ok(Object::Dict(dict));
        }
        // The EOL after `stream` is CRLF or LF (a lone CR is tolerated).
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            Some(b'\n') => self.pos += 1,
            _ => {}
        }
        let data_start = self.pos;
        let declared = match dict.get(b"Length") {
            Some(Object::Int(n)) => u64::try_from(*n).ok(),
            Some(Object::Ref(r)) => length(*r),
            _ => None,
        };
        let fits = |len: u64| -> Option<usize> {
            let len = usize::try_from(len).ok()?;
            let end = data_start.checked_add(len)?;
            (end <= self.buf.len()).then_some(end)
        };
        let end = match declared.and_then(fits) {
            Some(end) if self.endstream_follows(end) => end,
            // A wrong or missing /Length: fall back to the `endstream` keyword.
            _ => self
                .find_endstream(data_start)
                .ok_or_else(|| malformed(self.at(), "stream without endstream"))?,
        };
        self.pos = end;
        if !self.eat_keyword(b"endstream") {
            return Err(malformed(
                self.at(),
                "stream data is not followed by endstream",
            ));
        }
        Ok(Object::Stream(Stream {
            dict,
            data: self.base + data_start..self.base + end,
        }))
    }

    fn endstream_follows(&self, end: usize) -> bool {
        let rest = self.buf.get(end..).unwrap_or(&[]);
        let ws = rest.iter().take_while(|b| is_whitespace(**b)).count();
        rest.get(ws..).is_some_and(|r| r.starts_with(b"endstream"))
    }

    fn find_endstream(&self, from: usize) -> Option<usize> {
        let rest = self.buf.get(from..)?;
        let at = find(rest, b"endstream")?;
        // Trim the EOL before `endstream`.
        let mut end = from + at;
        if end > from && self.buf.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > from && self.buf.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(end)
    }
}

/// The first position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The last position of `needle` in `hay`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    fn parse(s: &[u8]) -> Object {
        Parser::new(s, 0, 0).read_object(0).unwrap()
    }

    #[test]
    fn reads_objects() {
        let o = parse(b"<< /A 1 /B [2 0 R (x\\)y) <4142> /N#20m -3.5 true null] /C << >> >>");
        let d = o.as_dict().unwrap();
        assert_eq!(d.get(b"A"), Some(&Object::Int(1)));
        let arr = d.get(b"B").unwrap().as_array().unwrap();
        assert_eq!(arr[0], Object::Ref(ObjRef::new(2, 0)));
        assert_eq!(arr[1].as_string().unwrap(), b"x)y");
        assert_eq!(arr[2].as_string().unwrap(), b"AB");
        assert_eq!(arr[3].as_name().unwrap(), b"N m");
        assert_eq!(arr[4], Object::Real(-3.5));
        assert_eq!(arr[5], Object::Bool(true));
        assert_eq!(arr[6], Object::Null);
        assert!(d.get(b"C").unwrap().as_dict().unwrap().is_empty());
    }

    #[test]
    fn string_spans_are_offsets() {
        let s = b"<< /Contents <00ff> >>";
        let o = parse(s);
        match o.as_dict().unwrap().get(b"Contents").unwrap() {
            Object::String { span, hex, bytes } => {
                assert!(*hex);
                assert_eq!(&s[span.clone()], b"<00ff>");
                assert_eq!(bytes, &[0, 0xff]);
            }
            _ => panic!(),
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = vec![b'['; 10_000];
        let err = Parser::new(&deep, 0, 0).read_object(0).unwrap_err();
        assert!(matches!(err, PdfError::LimitExceeded { .. }), "{err}");
    }

    #[test]
    fn streams_use_length_or_endstream() {
        let s = b"<< /Length 3 >>\nstream\nabc\nendstream";
        let o = Parser::new(s, 0, 0).read_indirect_body(&|_| None).unwrap();
        let Object::Stream(st) = o else { panic!() };
        assert_eq!(&s[st.data], b"abc");
        let s = b"<< /Length 99 >>\nstream\r\nabcd\r\nendstream";
        let o = Parser::new(s, 0, 0).read_indirect_body(&|_| None).unwrap();
        let Object::Stream(st) = o else { panic!() };
        assert_eq!(&s[st.data], b"abcd");
    }
}
