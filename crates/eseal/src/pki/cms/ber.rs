//! BER to DER for the outer layers of a SignedData: BouncyCastle's default
//! `CMSSignedData.getEncoded()` (what PDFBox's signing example embeds in PDFs) writes the
//! ContentInfo, SignedData and their SEQUENCE/SET wrappers with indefinite lengths, and may
//! split OCTET STRINGs into constructed chunks. The signature covers the signed attributes,
//! which RFC 5652 §5.4 requires in DER whatever the rest is, and definite-length elements are
//! copied byte for byte, so the re-encoding changes nothing a signature or digest covers.

/// Deepest nesting re-encoded. BouncyCastle writes indefinite lengths only in the outer layers
/// (ContentInfo, SignedData, encapContentInfo, their tagged wrappers: six levels); deeper DER
/// parts are copied, not rebuilt. Each rebuilt level holds a copy of its contents while it is
/// written, so the depth also bounds memory at 12 × the input (at most 16 MiB).
const MAX_DEPTH: usize = 12;

/// `input` (one BER element, then nothing or zero padding, as a PDF's `/Contents` placeholder
/// leaves) with every indefinite length made definite and every constructed OCTET STRING
/// joined into a primitive one; `None` when it is not BER of that shape. The output is at most
/// a few bytes per element longer than the element.
/// DER input gives `None` too: what DER reading refused (trailing bytes, say) stays refused.
pub(crate) fn to_der(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let used = element(input, &mut out, 0)?;
    let padding_only = input.get(used..)?.iter().all(|b| *b == 0);
    (padding_only && input.get(..used)? != out.as_slice()).then_some(out)
}

/// Re-encodes the element at the start of `input` into `out`; returns the input bytes used.
fn element(input: &[u8], out: &mut Vec<u8>, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (tag, tag_len) = tag(input)?;
    let constructed = input.first()? & 0x20 != 0;
    let rest = input.get(tag_len..)?;
    let first = *rest.first()?;
    if first == 0x80 {
        // Indefinite: constructed only; children up to the end-of-contents octets.
        if !constructed {
            return None;
        }
        let mut pos = tag_len + 1;
        let mut body = Vec::new();
        loop {
            let here = input.get(pos..)?;
            if here.starts_with(&[0, 0]) {
                pos += 2;
                break;
            }
            pos += element(here, &mut body, depth + 1)?;
        }
        write(out, tag, &body, is_octet_string(input))?;
        return Some(pos);
    }
    let (len, len_len) = length(rest)?;
    let start = tag_len + len_len;
    let end = start.checked_add(len)?;
    let contents = input.get(start..end)?;
    if constructed && needs_rewrite(contents, depth)? {
        let mut body = Vec::new();
        let mut pos = 0;
        while pos < contents.len() {
            pos += element(contents.get(pos..)?, &mut body, depth + 1)?;
        }
        write(out, tag, &body, is_octet_string(input))?;
    } else {
        out.extend_from_slice(input.get(..end)?);
    }
    Some(end)
}

/// Whether a definite constructed value holds anything BER-only (so that DER parts are copied
/// unchanged, byte for byte).
fn needs_rewrite(contents: &[u8], depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut pos = 0;
    while pos < contents.len() {
        let here = contents.get(pos..)?;
        let (_, tag_len) = tag(here)?;
        let rest = here.get(tag_len..)?;
        if *rest.first()? == 0x80 {
            return Some(true);
        }
        let (len, len_len) = length(rest)?;
        let inner = rest.get(len_len..len_len.checked_add(len)?)?;
        if here.first()? & 0x20 != 0 && (*here.first()? == 0x24 || needs_rewrite(inner, depth + 1)?)
        {
            return Some(true);
        }
        pos += tag_len + len_len + len;
    }
    Some(false)
}

fn is_octet_string(input: &[u8]) -> bool {
    input.first() == Some(&0x24)
}

/// Writes tag, definite length and `body`; a constructed OCTET STRING becomes a primitive one
/// whose contents are its chunks' contents.
fn write(out: &mut Vec<u8>, tag: &[u8], body: &[u8], octet_string: bool) -> Option<()> {
    if octet_string {
        let mut joined = Vec::with_capacity(body.len());
        let mut pos = 0;
        while pos < body.len() {
            let here = body.get(pos..)?;
            if *here.first()? != 0x04 {
                return None;
            }
            let (len, len_len) = length(here.get(1..)?)?;
            joined.extend_from_slice(here.get(1 + len_len..1 + len_len + len)?);
            pos += 1 + len_len + len;
        }
        out.push(0x04);
        push_length(out, joined.len());
        out.extend_from_slice(&joined);
    } else {
        out.extend_from_slice(tag);
        push_length(out, body.len());
        out.extend_from_slice(body);
    }
    Some(())
}

/// The identifier octets at the start of `input` and their count.
fn tag(input: &[u8]) -> Option<(&[u8], usize)> {
    let first = *input.first()?;
    if first & 0x1f != 0x1f {
        return Some((input.get(..1)?, 1));
    }
    // High tag number: continuation bytes with bit 8 set, at most 4 of them.
    let mut n = 1;
    while *input.get(n)? & 0x80 != 0 {
        n += 1;
        if n > 5 {
            return None;
        }
    }
    Some((input.get(..=n)?, n + 1))
}

/// A definite length at the start of `input`: its value and the octets it took.
fn length(input: &[u8]) -> Option<(usize, usize)> {
    let first = *input.first()?;
    if first < 0x80 {
        return Some((usize::from(first), 1));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for b in input.get(1..=n)? {
        len = (len << 8) | usize::from(*b);
    }
    Some((len, n + 1))
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or(&[]);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn indefinite_lengths_become_definite_and_der_is_unchanged() {
        // SEQUENCE (indefinite) { INTEGER 5, SET (indefinite) { NULL } }
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x31, 0x80, 0x05, 0x00, 0, 0, 0, 0,
        ];
        assert_eq!(
            to_der(&ber).unwrap(),
            [0x30, 0x07, 0x02, 0x01, 0x05, 0x31, 0x02, 0x05, 0x00]
        );
        // DER is not BER's business: unchanged input is not re-encoded.
        assert_eq!(to_der(&[0x30, 0x03, 0x02, 0x01, 0x05]), None);
    }

    #[test]
    fn constructed_octet_strings_are_joined() {
        // [0] (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let ber = [
            0xa0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0,
        ];
        assert_eq!(
            to_der(&ber).unwrap(),
            [0xa0, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
    }

    #[test]
    fn malformed_and_deep_input_is_refused() {
        assert_eq!(to_der(&[0x30, 0x80, 0x02, 0x01]), None); // no end of contents
        assert_eq!(to_der(&[0x04, 0x80, 0, 0]), None); // primitive with indefinite length
        assert_eq!(to_der(&[0x30, 0x00, 0x01]), None); // trailing byte
        assert_eq!(to_der(&[0x30, 0x80, 0, 0, 0, 0]).unwrap(), [0x30, 0x00]); // zero padding
        let mut deep = vec![];
        for _ in 0..14 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        deep.extend(std::iter::repeat_n(0u8, 28));
        assert_eq!(to_der(&deep), None);
    }
}
