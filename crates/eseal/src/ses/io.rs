//! Reading and writing DER element by element, keeping each element's original bytes and
//! absolute offset. `der` does the tag, length and primitive-value checks (minimal lengths,
//! canonical INTEGER and BOOLEAN, string alphabets); this layer adds field paths to errors and the
//! raw slices the signatures are verified over.

use der::{Decode, Encode, Header, Length, Reader, SliceReader, Tag};

use super::SesError;

/// One element (tag, length, value) of the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: Tag,
    /// Absolute offset of the first byte of the element in the parsed input.
    pub(crate) offset: usize,
    header_len: usize,
    /// The whole element: header and contents.
    pub(crate) bytes: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The contents octets.
    pub(crate) fn content(&self) -> &'a [u8] {
        self.bytes.get(self.header_len..).unwrap_or_default()
    }

    /// Absolute offset of the contents octets.
    pub(crate) fn content_offset(&self) -> usize {
        self.offset.saturating_add(self.header_len)
    }

    /// A cursor over the elements inside this one.
    pub(crate) fn children(&self) -> Cursor<'a> {
        Cursor::new(self.content(), self.content_offset())
    }

    /// Fails unless the element has the tag `expected`, naming the standard's type in the error.
    pub(crate) fn expect(
        &self,
        expected: Tag,
        type_name: &str,
        field: &str,
    ) -> Result<(), SesError> {
        if self.tag == expected {
            Ok(())
        } else {
            Err(SesError::malformed(
                field,
                format!("expected {type_name}, found {}", self.tag),
                self.offset,
            ))
        }
    }

    /// A cursor over the elements of this SEQUENCE; fails for any other tag.
    pub(crate) fn sequence(&self, type_name: &str, field: &str) -> Result<Cursor<'a>, SesError> {
        self.expect(Tag::Sequence, type_name, field)?;
        Ok(self.children())
    }

    /// Decodes the element with `der`, mapping errors to `field` and this element's offset.
    pub(crate) fn decode<T>(&self, field: &str) -> Result<T, SesError>
    where
        T: Decode<'a, Error = der::Error>,
    {
        T::from_der(self.bytes).map_err(|e| SesError::from_der(field, self.offset, e))
    }
}

/// Reads consecutive elements from a region of the input.
#[derive(Clone, Debug)]
pub(crate) struct Cursor<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8], offset: usize) -> Self {
        Self {
            rest: bytes,
            offset,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The bytes not read yet.
    pub(crate) fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// Reads the next element; `field` names it in errors ("missing" when the region is empty).
    pub(crate) fn read(&mut self, field: &str) -> Result<Tlv<'a>, SesError> {
        if self.rest.is_empty() {
            return Err(SesError::malformed(
                field,
                "missing: the enclosing structure ends before this field",
                self.offset,
            ));
        }
        let mut reader =
            SliceReader::new(self.rest).map_err(|e| SesError::from_der(field, self.offset, e))?;
        let header =
            Header::decode(&mut reader).map_err(|e| SesError::from_der(field, self.offset, e))?;
        let header_len = usize::try_from(u32::from(reader.position())).unwrap_or(usize::MAX);
        let content_len = usize::try_from(u32::from(header.length())).unwrap_or(usize::MAX);
        let available = self.rest.len().saturating_sub(header_len);
        if content_len > available {
            return Err(SesError::malformed(
                field,
                format!(
                    "truncated: the {} claims {content_len} content bytes but only {available} remain",
                    header.tag()
                ),
                self.offset,
            ));
        }
        let total = header_len.saturating_add(content_len);
        let (bytes, rest) = self
            .rest
            .split_at_checked(total)
            .ok_or_else(|| SesError::malformed(field, "truncated element", self.offset))?;
        let tlv = Tlv {
            tag: header.tag(),
            offset: self.offset,
            header_len,
            bytes,
        };
        self.rest = rest;
        self.offset = self.offset.saturating_add(total);
        Ok(tlv)
    }

    /// The tag of the next element, if there is one and it parses.
    pub(crate) fn peek_tag(&self) -> Option<Tag> {
        let reader = SliceReader::new(self.rest).ok()?;
        Tag::peek(&reader).ok()
    }

    /// Fails if elements remain after the last field of `structure`.
    pub(crate) fn finish(self, structure: &str) -> Result<(), SesError> {
        if self.rest.is_empty() {
            return Ok(());
        }
        let what = match self.clone().read(structure) {
            Ok(tlv) => format!("a {}", tlv.tag),
            Err(_) => format!("{} bytes that are not a DER element", self.rest.len()),
        };
        Err(SesError::malformed(
            structure,
            format!("unexpected extra element after the last field: {what}"),
            self.offset,
        ))
    }
}

/// Writes `tag`, the minimal DER length of `content`, and `content`.
pub(crate) fn write_tlv(
    out: &mut Vec<u8>,
    tag: Tag,
    content: &[u8],
    field: &str,
) -> Result<(), SesError> {
    let len = Length::try_from(content.len()).map_err(|e| SesError::encoding(field, e))?;
    Header::new(tag, len)
        .encode_to_vec(out)
        .map_err(|e| SesError::encoding(field, e))?;
    out.extend_from_slice(content);
    Ok(())
}

/// Writes a value with its `der` encoding.
pub(crate) fn write<T: Encode + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    field: &str,
) -> Result<(), SesError> {
    value
        .encode_to_vec(out)
        .map(|_| ())
        .map_err(|e| SesError::encoding(field, e))
}

/// Writes a SEQUENCE whose contents `body` produces.
pub(crate) fn write_sequence(
    out: &mut Vec<u8>,
    field: &str,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), SesError>,
) -> Result<(), SesError> {
    let mut content = Vec::new();
    body(&mut content)?;
    write_tlv(out, Tag::Sequence, &content, field)
}

/// Writes an IA5String, refusing non-ASCII text.
pub(crate) fn write_ia5(out: &mut Vec<u8>, text: &str, field: &str) -> Result<(), SesError> {
    let value = der::asn1::Ia5StringRef::new(text)
        .map_err(|_| SesError::invalid(field, "an IA5String allows ASCII characters only"))?;
    write(out, &value, field)
}

/// Reads an IA5String element into a `String`.
pub(crate) fn read_ia5(tlv: &Tlv<'_>, field: &str) -> Result<String, SesError> {
    tlv.expect(Tag::Ia5String, "IA5String", field)?;
    let value: der::asn1::Ia5StringRef<'_> = tlv.decode(field)?;
    Ok(value.as_str().to_owned())
}

/// Reads an INTEGER that fits an `i64`.
pub(crate) fn read_int(tlv: &Tlv<'_>, field: &str) -> Result<i64, SesError> {
    tlv.expect(Tag::Integer, "INTEGER", field)?;
    tlv.decode(field)
}

/// Reads an OCTET STRING's contents.
pub(crate) fn read_octets(tlv: &Tlv<'_>, field: &str) -> Result<Vec<u8>, SesError> {
    tlv.expect(Tag::OctetString, "OCTET STRING", field)?;
    let value: &der::asn1::OctetStringRef = tlv.decode(field)?;
    Ok(value.as_bytes().to_vec())
}

/// Writes an OCTET STRING.
pub(crate) fn write_octets(out: &mut Vec<u8>, bytes: &[u8], field: &str) -> Result<(), SesError> {
    write_tlv(out, Tag::OctetString, bytes, field)
}

/// Reads a BIT STRING.
pub(crate) fn read_bits(tlv: &Tlv<'_>, field: &str) -> Result<der::asn1::BitString, SesError> {
    tlv.expect(Tag::BitString, "BIT STRING", field)?;
    let value: der::asn1::BitStringRef<'_> = tlv.decode(field)?;
    der::asn1::BitString::new(value.unused_bits(), value.raw_bytes())
        .map_err(|e| SesError::from_der(field, tlv.offset, e))
}

/// Reads an OBJECT IDENTIFIER.
pub(crate) fn read_oid(
    tlv: &Tlv<'_>,
    field: &str,
) -> Result<der::asn1::ObjectIdentifier, SesError> {
    tlv.expect(Tag::ObjectIdentifier, "OBJECT IDENTIFIER", field)?;
    tlv.decode(field)
}

/// `parent.child`, for error paths.
pub(crate) fn path(parent: &str, child: &str) -> String {
    let mut p = String::with_capacity(parent.len() + child.len() + 1);
    p.push_str(parent);
    p.push('.');
    p.push_str(child);
    p
}
