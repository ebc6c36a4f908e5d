//! Reading an OFD package (a ZIP archive) with bounded work.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::ops::Range;
use std::sync::OnceLock;

use zip::CompressionMethod;
use zip::result::ZipError;

use super::path::{check_entry_name, parent_dir, resolve_location};
use super::{Limits, OfdError, xml};

/// One entry of the archive.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) is_dir: bool,
    /// Where the uncompressed bytes are (nothing for directories).
    content: Content,
    /// Index in the ZIP central directory, for raw copies.
    pub(crate) index: usize,
}

/// Where an entry's uncompressed bytes are.
#[derive(Debug, Clone)]
enum Content {
    /// Stored: the bytes of the archive itself, at this range.
    Stored(Range<usize>),
    /// Deflated and small: inflated when the package was read.
    Inflated(Vec<u8>),
    /// Deflated and large (images, fonts): checked when the package was read by inflating
    /// into nothing, then hashed by streaming ([`OfdPackage::sm3_of`]) and inflated into memory
    /// only if [`OfdPackage::get`] asks for them.
    Deferred {
        compressed: Range<usize>,
        inflated: OnceLock<Vec<u8>>,
    },
}

/// Deflated entries above this size are not kept inflated.
const DEFER_ABOVE: u64 = 1 << 20;
/// Nor are more, once the inflated entries kept reach this total.
const INFLATED_BUDGET: u64 = 16 << 20;

/// Inflates raw deflate data. Only for entries whose CRC and size were checked when the
/// package was read, so it cannot fail on them; any error ends the output early.
fn inflate(compressed: &[u8], size_hint: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size_hint);
    let _ = flate2::read::DeflateDecoder::new(compressed).read_to_end(&mut out);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

/// Inflates a small entry into `out` (at most `max + 1` bytes); its size and CRC-32.
fn inflate_kept(
    inflater: &mut flate2::Decompress,
    input: &[u8],
    declared: u64,
    max: u64,
    out: &mut Vec<u8>,
) -> Result<(u64, u32), String> {
    inflater.reset(false);
    // One byte more than declared, so that a longer stream shows.
    let first = declared.min(max).saturating_add(1);
    out.reserve_exact(usize::try_from(first).unwrap_or(usize::MAX));
    loop {
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(
                input.get(consumed..).unwrap_or_default(),
                out,
                flate2::FlushDecompress::None,
            )
            .map_err(|e| format!("corrupt deflate stream: {e}"))?;
        if status == flate2::Status::StreamEnd || out.len() as u64 > max {
            break;
        }
        if out.len() == out.capacity() {
            out.reserve(64 << 10);
        } else if (inflater.total_in(), inflater.total_out()) == before {
            return Err("the deflate stream ends early".into());
        }
    }
    Ok((out.len() as u64, crc32(out)))
}

/// Inflates a large entry into nothing (64 KiB at a time, stopping past `max` bytes); its size
/// and CRC-32.
fn inflate_counted(
    inflater: &mut flate2::Decompress,
    input: &[u8],
    max: u64,
) -> Result<(u64, u32), String> {
    inflater.reset(false);
    let mut buf = vec![0u8; 64 << 10];
    let mut crc = flate2::Crc::new();
    loop {
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress(
                input.get(consumed..).unwrap_or_default(),
                &mut buf,
                flate2::FlushDecompress::None,
            )
            .map_err(|e| format!("corrupt deflate stream: {e}"))?;
        let produced = usize::try_from(inflater.total_out() - before.1).unwrap_or(0);
        crc.update(buf.get(..produced).unwrap_or_default());
        if status == flate2::Status::StreamEnd || inflater.total_out() > max {
            break;
        }
        if (inflater.total_in(), inflater.total_out()) == before {
            return Err("the deflate stream ends early".into());
        }
    }
    Ok((inflater.total_out(), crc.sum()))
}

/// An OFD package read from its ZIP bytes: a copy ([`OfdPackage::from_bytes`]) or borrowed
/// ([`OfdPackage::from_slice`]).
///
/// Every file entry's exact uncompressed bytes are available ([`OfdPackage::get`]): reference
/// digests and the SES `dataHash` are computed over them. Stored entries are read in place,
/// small deflated entries are inflated once, and large deflated ones are hashed by
/// streaming, so a borrowed package needs little memory beyond the bytes it borrows. The ZIP
/// bytes are what [`OfdPackage::edit`] copies untouched entries from, without recompressing
/// them.
#[derive(Debug, Clone)]
pub struct OfdPackage<'a> {
    pub(crate) source: Cow<'a, [u8]>,
    pub(crate) entries: Vec<Entry>,
    /// File name → position in `entries`, so lookups stay cheap for many references.
    files: BTreeMap<String, usize>,
    pub(crate) limits: Limits,
}

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;

fn le16(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([*s.first()?, *s.get(1)?])))
}

fn le32(b: &[u8], at: usize) -> Option<u64> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(s)))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    let s: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(s))
}

fn not_zip(detail: &str) -> OfdError {
    OfdError::NotZip {
        detail: detail.to_owned(),
    }
}

/// One central directory record, as far as the local-header comparison needs it.
struct CentralEntry {
    name: Vec<u8>,
    method: u64,
    crc: u64,
    compressed: u64,
    uncompressed: u64,
    local_offset: u64,
}

/// The central directory as walked by hand, and the byte ranges of the records around it.
struct CentralDirectory {
    entries: Vec<CentralEntry>,
    /// Byte ranges holding the central directory and the end records (not entry data).
    records: Vec<(usize, usize)>,
}

const LOCAL_SIG: u32 = 0x0403_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
/// General purpose flag bit 3: CRC and sizes follow the data in a data descriptor.
const FLAG_DESCRIPTOR: u64 = 1 << 3;
const U32_MAX: u64 = 0xFFFF_FFFF;

/// The body of the extra field `id` in a ZIP extra area, if present and well-formed. When
/// the field is repeated the last one counts, as for the `zip` crate, which applies them in
/// order (its own writer puts a placeholder ZIP64 field before the real one).
fn extra_field(extra: &[u8], id: u64) -> Option<&[u8]> {
    let mut at = 0usize;
    let mut found = None;
    while at.checked_add(4)? <= extra.len() {
        let this = le16(extra, at)?;
        let len = le16(extra, at + 2)? as usize;
        let end = at.checked_add(4)?.checked_add(len)?;
        let body = extra.get(at + 4..end)?;
        if this == id {
            found = Some(body);
        }
        at = end;
    }
    found
}

/// The ZIP64 extended information (extra field 0x0001) values: for each field of `wanted`
/// that is set, the next 8 bytes of the record, in the fixed order of the specification.
fn zip64_values(extra: &[u8], wanted: [bool; 3]) -> Option<[Option<u64>; 3]> {
    let body = extra_field(extra, 1)?;
    let mut out = [None; 3];
    let mut pos = 0usize;
    for (slot, want) in out.iter_mut().zip(wanted) {
        if want {
            *slot = Some(le64(body, pos)?);
            pos += 8;
        }
    }
    Some(out)
}

/// The name in an Info-ZIP Unicode Path extra field (0x7075: version, CRC-32 of the
/// header's name, the UTF-8 name). Readers that honour it (the `zip` crate, 7-Zip, Info-ZIP)
/// show this name instead of the header's.
fn unicode_path(extra: &[u8]) -> Option<&[u8]> {
    extra_field(extra, 0x7075).map(|body| body.get(5..).unwrap_or_default())
}

/// Walks the central directory ourselves.
///
/// The `zip` crate keys entries by name and silently keeps the last of two equal names,
/// so duplicates (which let two readers see different content) must be caught here; and it
/// trusts the central directory alone, while streaming readers trust the local headers, so
/// the two are compared (see [`check_local_headers`]).
fn central_directory(bytes: &[u8], limits: &Limits) -> Result<CentralDirectory, OfdError> {
    // The end record is 22 bytes plus a comment of at most 65 535 bytes.
    let min_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let mut candidates = (min_start..=bytes.len().saturating_sub(22))
        .rev()
        .filter(|&i| le32(bytes, i) == Some(u64::from(EOCD_SIG)));
    let last = candidates
        .next()
        .ok_or_else(|| not_zip("no end of central directory record"))?;
    // The signature may also occur in the comment: prefer the record whose comment ends the
    // file (the others then show up as hidden records).
    let fits = |i: usize| le16(bytes, i + 20).is_some_and(|c| i + 22 + c as usize == bytes.len());
    let eocd = if fits(last) {
        last
    } else {
        candidates.find(|&i| fits(i)).unwrap_or(last)
    };
    let mut records = vec![(eocd, eocd.saturating_add(22))];
    let mut count = le16(bytes, eocd + 10).ok_or_else(|| not_zip("truncated end record"))?;
    let mut cd_offset = le32(bytes, eocd + 16).ok_or_else(|| not_zip("truncated end record"))?;
    if count == 0xFFFF || cd_offset == U32_MAX {
        // ZIP64: the locator sits just before the end record.
        let loc = eocd
            .checked_sub(20)
            .ok_or_else(|| not_zip("truncated ZIP64 locator"))?;
        if le32(bytes, loc) != Some(u64::from(ZIP64_LOCATOR_SIG)) {
            return Err(not_zip("ZIP64 values without a ZIP64 locator"));
        }
        let rec =
            le64(bytes, loc.saturating_add(8)).ok_or_else(|| not_zip("truncated ZIP64 locator"))?;
        let rec = usize::try_from(rec).map_err(|_| not_zip("ZIP64 record out of range"))?;
        if le32(bytes, rec) != Some(u64::from(ZIP64_EOCD_SIG)) {
            return Err(not_zip("ZIP64 end record not found where the locator says"));
        }
        let rec64 = |off: usize| {
            rec.checked_add(off)
                .and_then(|p| le64(bytes, p))
                .ok_or_else(|| not_zip("truncated ZIP64 end record"))
        };
        count = rec64(32)?;
        cd_offset = rec64(48)?;
        let rec_len = rec64(4)?
            .checked_add(12)
            .and_then(|l| usize::try_from(l).ok())
            .ok_or_else(|| not_zip("ZIP64 end record out of range"))?;
        records.push((rec, rec.saturating_add(rec_len)));
        records.push((loc, loc + 20));
    }
    if count > limits.max_entries as u64 {
        return Err(OfdError::LimitExceeded {
            what: "number of entries",
            limit: limits.max_entries as u64,
            entry: None,
        });
    }
    let cd_start =
        usize::try_from(cd_offset).map_err(|_| not_zip("central directory out of range"))?;
    let mut at = cd_start;
    let mut entries = Vec::new();
    for _ in 0..count {
        if le32(bytes, at) != Some(u64::from(CENTRAL_SIG)) {
            return Err(not_zip(
                "the central directory is not where the end record says (data prepended or truncated)",
            ));
        }
        let truncated = || not_zip("truncated central directory");
        let field16 = |off: usize| {
            at.checked_add(off)
                .and_then(|p| le16(bytes, p))
                .ok_or_else(truncated)
        };
        let field32 = |off: usize| {
            at.checked_add(off)
                .and_then(|p| le32(bytes, p))
                .ok_or_else(truncated)
        };
        let name_len = field16(28)? as usize;
        let extra_len = field16(30)? as usize;
        let comment_len = field16(32)? as usize;
        let name_start = at.checked_add(46).ok_or_else(truncated)?;
        let name_end = name_start.checked_add(name_len).ok_or_else(truncated)?;
        let extra_end = name_end.checked_add(extra_len).ok_or_else(truncated)?;
        let name = bytes.get(name_start..name_end).ok_or_else(truncated)?;
        let extra = bytes.get(name_end..extra_end).ok_or_else(truncated)?;
        let mut uncompressed = field32(24)?;
        let mut compressed = field32(20)?;
        let mut local_offset = field32(42)?;
        let wanted = [
            uncompressed == U32_MAX,
            compressed == U32_MAX,
            local_offset == U32_MAX,
        ];
        if wanted.iter().any(|w| *w) {
            let [u, c, o] = zip64_values(extra, wanted)
                .ok_or_else(|| not_zip("ZIP64 sizes without a ZIP64 extra field"))?;
            uncompressed = u.unwrap_or(uncompressed);
            compressed = c.unwrap_or(compressed);
            local_offset = o.unwrap_or(local_offset);
        }
        if let Some(other) = unicode_path(extra) {
            if other != name {
                return Err(OfdError::UnsupportedEntry {
                    entry: String::from_utf8_lossy(name).into_owned(),
                    reason: format!(
                        "an Info-ZIP Unicode Path extra field renames it {:?}: readers would \
                         disagree on its name",
                        String::from_utf8_lossy(other)
                    ),
                });
            }
        }
        entries.push(CentralEntry {
            name: name.to_vec(),
            method: field16(10)?,
            crc: field32(16)?,
            compressed,
            uncompressed,
            local_offset,
        });
        at = extra_end.checked_add(comment_len).ok_or_else(truncated)?;
    }
    records.push((cd_start, at));
    Ok(CentralDirectory { entries, records })
}

fn mismatch(entry: &CentralEntry, field: &'static str, local: u64, central: u64) -> OfdError {
    OfdError::LocalHeaderMismatch {
        entry: String::from_utf8_lossy(&entry.name).into_owned(),
        field,
        detail: format!("{local} in the local header, {central} in the central directory"),
    }
}

/// Compares every local file header with its central directory record, and refuses bytes
/// outside the listed entries and directory records that look like ZIP records.
///
/// A reader that walks local headers from the start of the file (streaming unzip tools,
/// some viewers) sees the local headers; this crate reads through the central directory.
/// Both must see the same entries with the same names, methods and sizes, or a viewer
/// could display something else than what was verified.
fn check_local_headers(bytes: &[u8], cd: &CentralDirectory) -> Result<(), OfdError> {
    let mut spans: Vec<(usize, usize, Option<&CentralEntry>)> =
        cd.records.iter().map(|&(s, e)| (s, e, None)).collect();
    for entry in &cd.entries {
        let name = || String::from_utf8_lossy(&entry.name).into_owned();
        let corrupt = |detail: &str| OfdError::LocalHeaderMismatch {
            entry: name(),
            field: "local header",
            detail: detail.to_owned(),
        };
        let at = usize::try_from(entry.local_offset)
            .map_err(|_| corrupt("the offset is out of range"))?;
        if le32(bytes, at) != Some(u64::from(LOCAL_SIG)) {
            return Err(corrupt(
                "there is no local file header where the central directory says",
            ));
        }
        let field16 = |off: usize| le16(bytes, at + off).ok_or_else(|| corrupt("truncated"));
        let field32 = |off: usize| le32(bytes, at + off).ok_or_else(|| corrupt("truncated"));
        let name_len = field16(26)? as usize;
        let extra_len = field16(28)? as usize;
        let name_start = at + 30;
        let name_end = name_start + name_len;
        let data_start = name_end + extra_len;
        let local_name = bytes
            .get(name_start..name_end)
            .ok_or_else(|| corrupt("truncated name"))?;
        if local_name != entry.name.as_slice() {
            return Err(OfdError::LocalHeaderMismatch {
                entry: name(),
                field: "name",
                detail: format!(
                    "{:?} in the local header",
                    String::from_utf8_lossy(local_name)
                ),
            });
        }
        let extra = bytes
            .get(name_end..data_start)
            .ok_or_else(|| corrupt("truncated extra field"))?;
        if let Some(other) = unicode_path(extra) {
            if other != entry.name.as_slice() {
                return Err(OfdError::LocalHeaderMismatch {
                    entry: name(),
                    field: "name",
                    detail: format!(
                        "{:?} in the Unicode Path extra field of the local header",
                        String::from_utf8_lossy(other)
                    ),
                });
            }
        }
        let flags = field16(6)?;
        let method = field16(8)?;
        if method != entry.method {
            return Err(mismatch(entry, "compression method", method, entry.method));
        }
        let mut compressed = field32(18)?;
        let mut uncompressed = field32(22)?;
        if compressed == U32_MAX || uncompressed == U32_MAX {
            // A local ZIP64 record should carry both sizes; some writers put only the
            // ones that overflow, as in the central directory.
            let both = zip64_values(extra, [true, true, false]);
            let some = || {
                zip64_values(
                    extra,
                    [uncompressed == U32_MAX, compressed == U32_MAX, false],
                )
            };
            if let Some([u, c, _]) = both.or_else(some) {
                uncompressed = u.unwrap_or(uncompressed);
                compressed = c.unwrap_or(compressed);
            }
        }
        let crc = field32(14)?;
        // With a data descriptor the local values may be left zero.
        let deferred = flags & FLAG_DESCRIPTOR != 0;
        for (field, local, central) in [
            ("compressed size", compressed, entry.compressed),
            ("uncompressed size", uncompressed, entry.uncompressed),
            ("CRC-32", crc, entry.crc),
        ] {
            if local != central && !(deferred && local == 0) {
                return Err(mismatch(entry, field, local, central));
            }
        }
        let data_end = usize::try_from(entry.compressed)
            .ok()
            .and_then(|c| data_start.checked_add(c))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| corrupt("the data runs past the end of the file"))?;
        let mut end = data_end;
        if deferred {
            // crc, compressed and uncompressed size (8 bytes each for ZIP64), optionally
            // preceded by a signature; absent when neither signature nor CRC is there.
            let wide = entry.compressed >= U32_MAX || entry.uncompressed >= U32_MAX;
            let start = if le32(bytes, end) == Some(u64::from(DESCRIPTOR_SIG)) {
                Some(end + 4)
            } else if le32(bytes, end) == Some(entry.crc) {
                Some(end)
            } else {
                None
            };
            if let Some(d) = start {
                let size = |i: usize| {
                    if wide {
                        le64(bytes, d + 4 + 8 * i)
                    } else {
                        le32(bytes, d + 4 + 4 * i)
                    }
                };
                let found = [le32(bytes, d), size(0), size(1)];
                let wanted = [entry.crc, entry.compressed, entry.uncompressed];
                if found != wanted.map(Some) {
                    let show =
                        |v: Option<u64>| v.map_or("(truncated)".to_owned(), |v| v.to_string());
                    let [crc, compressed, uncompressed] = found.map(show);
                    let [w_crc, w_compressed, w_uncompressed] = wanted;
                    return Err(OfdError::LocalHeaderMismatch {
                        entry: name(),
                        field: "data descriptor",
                        detail: format!(
                            "CRC-32 {crc}, sizes {compressed} and {uncompressed} after the \
                             data; {w_crc}, {w_compressed} and {w_uncompressed} in the \
                             central directory"
                        ),
                    });
                }
                end = d + if wide { 20 } else { 12 };
            }
        }
        spans.push((at, end, Some(entry)));
    }
    spans.sort_by_key(|&(s, e, _)| (s, e));
    let mut covered_to = 0usize;
    let mut previous: Option<&CentralEntry> = None;
    let mut gaps = Vec::new();
    for &(start, end, entry) in &spans {
        if start < covered_to {
            let label = |e: Option<&CentralEntry>| match e {
                Some(e) => String::from_utf8_lossy(&e.name).into_owned(),
                None => "the central directory".to_owned(),
            };
            return Err(OfdError::OverlappingEntries {
                entry: label(entry),
                other: label(previous),
            });
        }
        if start > covered_to {
            gaps.push((covered_to, start));
        }
        covered_to = end;
        previous = entry;
    }
    gaps.push((covered_to, bytes.len()));
    for (start, end) in gaps {
        let gap = bytes.get(start..end).unwrap_or_default();
        for (i, w) in gap.windows(4).enumerate() {
            let record = match w {
                [b'P', b'K', 3, 4] => "local file header",
                [b'P', b'K', 1, 2] => "central directory header",
                [b'P', b'K', 5, 6] => "end of central directory record",
                [b'P', b'K', 6, 6] => "ZIP64 end of central directory record",
                _ => continue,
            };
            return Err(OfdError::HiddenZipRecord {
                offset: (start + i) as u64,
                record,
            });
        }
    }
    Ok(())
}

/// The size limits on the sizes the central directory declares, before anything is
/// inflated: a package over `max_total_size` is refused at once, not after inflating
/// 512 MiB. (Inflated sizes must then equal the declared ones; they are checked again.)
fn check_declared_sizes(cd: &CentralDirectory, limits: &Limits) -> Result<(), OfdError> {
    let mut total: u64 = 0;
    for e in &cd.entries {
        let name = || String::from_utf8_lossy(&e.name).into_owned();
        if e.uncompressed > limits.max_entry_size {
            return Err(limit(
                "uncompressed entry size",
                limits.max_entry_size,
                &name(),
            ));
        }
        if e.uncompressed > limits.ratio_threshold
            && e.uncompressed / e.compressed.max(1) > limits.max_compression_ratio
        {
            return Err(limit(
                "compression ratio",
                limits.max_compression_ratio,
                &name(),
            ));
        }
        total = total.saturating_add(e.uncompressed);
        if total > limits.max_total_size {
            return Err(limit(
                "total uncompressed size",
                limits.max_total_size,
                &name(),
            ));
        }
    }
    Ok(())
}

/// Refuses a file name that is also a directory: `a` beside `a/` or `a/b`. Extracted, one
/// would replace the other; viewers disagree about which one is shown.
fn check_shadowing(entries: &[Entry]) -> Result<(), OfdError> {
    let names: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    for e in entries.iter().filter(|e| !e.is_dir) {
        let dir = format!("{}/", e.name);
        if let Some(by) = names.range(dir.as_str()..).next() {
            if by.starts_with(dir.as_str()) {
                return Err(OfdError::ShadowedEntry {
                    file: e.name.clone(),
                    by: (*by).to_owned(),
                });
            }
        }
    }
    Ok(())
}

fn limit(what: &'static str, limit: u64, entry: &str) -> OfdError {
    OfdError::LimitExceeded {
        what,
        limit,
        entry: Some(entry.to_owned()),
    }
}

impl OfdPackage<'static> {
    /// Reads an OFD package from a copy of its ZIP bytes (see [`OfdPackage::from_slice`],
    /// which borrows them instead).
    ///
    /// # Errors
    ///
    /// As [`OfdPackage::from_slice`].
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Self, OfdError> {
        let package = OfdPackage::from_slice(bytes, limits)?;
        Ok(OfdPackage {
            source: Cow::Owned(bytes.to_vec()),
            entries: package.entries,
            files: package.files,
            limits: package.limits,
        })
    }
}

impl<'a> OfdPackage<'a> {
    /// Reads an OFD package from its ZIP bytes, which it borrows.
    ///
    /// Refuses, each with a typed [`OfdError`]: anything that is not a ZIP archive, more
    /// entries or bytes than `limits` allow, entries whose compression ratio marks a zip bomb,
    /// entry names that could escape the package (`..`, absolute, backslash, NUL, drive
    /// letter), duplicate names, encrypted entries, compression other than stored/deflate,
    /// CRC or size mismatches, local file headers that disagree with the central directory
    /// (name, method, sizes, CRC), entries whose bytes overlap, bytes outside the listed
    /// entries that form a ZIP record (a hidden local header), and a file that is also used
    /// as a directory (`a` beside `a/` or `a/b`). Only the archive is read here; the XML is parsed on demand by
    /// [`OfdPackage::ofd`] and friends (with the same limits).
    ///
    /// Entry names are taken as UTF-8 (as OFD producers write them, flag or not); names that
    /// are not UTF-8 fall back to the ZIP reader's CP437 decoding.
    ///
    /// # Errors
    ///
    /// See above.
    pub fn from_slice(bytes: &'a [u8], limits: &Limits) -> Result<Self, OfdError> {
        if bytes.len() > limits.max_package_size {
            return Err(OfdError::LimitExceeded {
                what: "package size",
                limit: limits.max_package_size as u64,
                entry: None,
            });
        }
        let cd = central_directory(bytes, limits)?;
        let mut seen = BTreeSet::new();
        for entry in &cd.entries {
            if !seen.insert(entry.name.as_slice()) {
                return Err(OfdError::DuplicateEntry {
                    name: String::from_utf8_lossy(&entry.name).into_owned(),
                });
            }
        }
        check_local_headers(bytes, &cd)?;
        check_declared_sizes(&cd, limits)?;
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OfdError::NotZip {
                detail: e.to_string(),
            })?;
        if archive.len() != cd.entries.len() {
            return Err(not_zip(
                "the ZIP reader and the central directory disagree on the entries",
            ));
        }
        let mut entries = Vec::with_capacity(archive.len());
        let mut total: u64 = 0;
        let mut kept: u64 = 0;
        let mut inflater = flate2::Decompress::new(false);
        for index in 0..archive.len() {
            let fallback = archive.name_for_index(index).unwrap_or_default().to_owned();
            // Raw: the entries are inflated below with one reused inflater (a new one per
            // entry, as the ZIP reader makes, costs more than inflating a small page).
            let file = archive.by_index_raw(index).map_err(|e| match e {
                ZipError::UnsupportedArchive(reason) => OfdError::UnsupportedEntry {
                    entry: fallback.clone(),
                    reason: reason.to_owned(),
                },
                other => OfdError::CorruptEntry {
                    entry: fallback.clone(),
                    detail: other.to_string(),
                },
            })?;
            let name = match std::str::from_utf8(file.name_raw()) {
                Ok(s) => s.to_owned(),
                Err(_) => file.name().to_owned(),
            };
            check_entry_name(&name).map_err(|reason| OfdError::UnsafeEntryName {
                name: name.clone(),
                reason,
            })?;
            if file.encrypted() {
                return Err(OfdError::UnsupportedEntry {
                    entry: name,
                    reason: "encrypted".into(),
                });
            }
            let method = file.compression();
            if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
                return Err(OfdError::UnsupportedEntry {
                    entry: name,
                    reason: format!("compression method {method}"),
                });
            }
            let is_dir = name.ends_with('/');
            if file.size() > limits.max_entry_size {
                return Err(limit(
                    "uncompressed entry size",
                    limits.max_entry_size,
                    &name,
                ));
            }
            let compressed = file.compressed_size();
            let range = file
                .data_start()
                .and_then(|start| {
                    let start = usize::try_from(start).ok()?;
                    let end = start.checked_add(usize::try_from(compressed).ok()?)?;
                    (end <= bytes.len()).then_some(start..end)
                })
                .ok_or_else(|| OfdError::CorruptEntry {
                    entry: name.clone(),
                    detail: "the entry's data lies outside the archive".into(),
                })?;
            let keep = !is_dir
                && method == CompressionMethod::Deflated
                && file.size() <= DEFER_ABOVE
                && kept.saturating_add(file.size()) <= INFLATED_BUDGET;
            let declared = file.size();
            let crc = file.crc32();
            // Never trust the declared size: inflate at most one byte past the limit. Entries
            // not kept are inflated into nothing, which still checks their CRC and size.
            let max = limits.max_entry_size;
            let input = bytes.get(range.clone()).unwrap_or_default();
            let mut data = Vec::new();
            let read = if method == CompressionMethod::Stored {
                Ok((input.len() as u64, crc32(input)))
            } else if keep {
                inflate_kept(&mut inflater, input, declared, max, &mut data)
            } else {
                inflate_counted(&mut inflater, input, max)
            };
            let (size, actual_crc) = read.map_err(|detail| OfdError::CorruptEntry {
                entry: name.clone(),
                detail,
            })?;
            if size <= max && size == declared && actual_crc != crc {
                return Err(OfdError::CorruptEntry {
                    entry: name,
                    detail: format!("CRC-32 {actual_crc:08x}, {crc:08x} declared"),
                });
            }
            if size > limits.max_entry_size {
                return Err(limit(
                    "uncompressed entry size",
                    limits.max_entry_size,
                    &name,
                ));
            }
            if size != declared {
                return Err(OfdError::CorruptEntry {
                    entry: name,
                    detail: format!("{size} bytes inflated, {declared} declared"),
                });
            }
            if size > limits.ratio_threshold
                && size / compressed.max(1) > limits.max_compression_ratio
            {
                return Err(limit(
                    "compression ratio",
                    limits.max_compression_ratio,
                    &name,
                ));
            }
            total = total.saturating_add(size);
            if total > limits.max_total_size {
                return Err(limit(
                    "total uncompressed size",
                    limits.max_total_size,
                    &name,
                ));
            }
            if is_dir && size != 0 {
                return Err(OfdError::CorruptEntry {
                    entry: name,
                    detail: "a directory entry carries data".into(),
                });
            }
            let content = if keep {
                kept = kept.saturating_add(size);
                Content::Inflated(data)
            } else if method == CompressionMethod::Stored {
                Content::Stored(range)
            } else {
                Content::Deferred {
                    compressed: range,
                    inflated: OnceLock::new(),
                }
            };
            entries.push(Entry {
                name,
                is_dir,
                content,
                index,
            });
        }
        // Names can differ only in their raw bytes yet decode alike (CP437 fallback).
        let mut decoded = BTreeSet::new();
        for e in &entries {
            if !decoded.insert(e.name.as_str()) {
                return Err(OfdError::DuplicateEntry {
                    name: e.name.clone(),
                });
            }
        }
        check_shadowing(&entries)?;
        let files = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.is_dir)
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        Ok(OfdPackage {
            source: Cow::Borrowed(bytes),
            entries,
            files,
            limits: limits.clone(),
        })
    }

    /// The limits this package was read with (also used for its XML).
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The names of the file entries (directories left out), in archive order.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|e| !e.is_dir)
            .map(|e| e.name.as_str())
    }

    /// The exact bytes of a file. A leading `/` is ignored; otherwise names must match exactly
    /// (case included).
    ///
    /// A large deflated entry is inflated on the first call and kept; to hash one, see
    /// [`OfdPackage::sm3_of`], which does not keep it.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let entry = self.entry(path)?;
        Some(match &entry.content {
            Content::Stored(range) => self.source.get(range.clone()).unwrap_or_default(),
            Content::Inflated(data) => data,
            Content::Deferred {
                compressed,
                inflated,
            } => inflated.get_or_init(|| {
                let bytes = self.source.get(compressed.clone()).unwrap_or_default();
                inflate(bytes, bytes.len())
            }),
        })
    }

    /// The SM3 hash of a file's exact bytes (as [`OfdPackage::get`] returns them), inflating a
    /// large deflated entry through the hash in 64 KiB steps rather than into memory.
    #[must_use]
    pub fn sm3_of(&self, path: &str) -> Option<[u8; 32]> {
        let entry = self.entry(path)?;
        let Content::Deferred {
            compressed,
            inflated,
        } = &entry.content
        else {
            return self.get(path).map(crate::crypto::sm3::sm3);
        };
        if let Some(data) = inflated.get() {
            return Some(crate::crypto::sm3::sm3(data));
        }
        let bytes = self.source.get(compressed.clone()).unwrap_or_default();
        let mut reader = flate2::read::DeflateDecoder::new(bytes);
        let mut hasher = crate::crypto::sm3::Sm3Hasher::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    hasher.update(buf.get(..n).unwrap_or_default());
                }
            }
        }
        Some(hasher.finalize())
    }

    fn entry(&self, path: &str) -> Option<&Entry> {
        let path = path.strip_prefix('/').unwrap_or(path);
        self.files.get(path).and_then(|&i| self.entries.get(i))
    }

    /// Whether a file exists (see [`OfdPackage::get`]).
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.entry(path).is_some()
    }

    /// Resolves a location written in the file `referrer` to a package path.
    ///
    /// Follows [`resolve_location`]; a relative location that does not exist beside
    /// `referrer` but does from the package root resolves to the latter (some producers
    /// write root-relative paths without the leading `/`). When neither exists the
    /// `referrer`-relative path is returned, for the caller to report as missing.
    ///
    /// # Errors
    ///
    /// [`OfdError::InvalidLocation`] for escapes and malformed locations.
    pub fn resolve(&self, referrer: &str, location: &str) -> Result<String, OfdError> {
        let primary = resolve_location(referrer, location)?;
        if self.contains(&primary) || location.trim_start().starts_with('/') {
            return Ok(primary);
        }
        if parent_dir(referrer).is_empty() {
            return Ok(primary);
        }
        match resolve_location("", location) {
            Ok(root) if self.contains(&root) => Ok(root),
            _ => Ok(primary),
        }
    }

    /// Resolves a location and fetches the file, with typed errors for both failures.
    pub(crate) fn load(&self, referrer: &str, location: &str) -> Result<(String, &[u8]), OfdError> {
        let path = self.resolve(referrer, location)?;
        match self.get(&path) {
            Some(data) => Ok((path, data)),
            None => Err(OfdError::MissingEntry {
                path,
                referrer: referrer.to_owned(),
            }),
        }
    }

    /// Parses a package XML file into the internal tree.
    pub(crate) fn parse_xml(&self, path: &str, data: &[u8]) -> Result<xml::Element, OfdError> {
        xml::parse(path, data, &self.limits)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::io::Write as _;

    use super::*;

    /// A ZIP of `(name, data, deflated)` entries.
    fn zip_of(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, deflated) in files {
            let method = if *deflated {
                CompressionMethod::Deflated
            } else {
                CompressionMethod::Stored
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// 3 MiB that deflate only a little (a large image, say).
    fn big() -> Vec<u8> {
        let mut x = 0x1234_5678u32;
        (0..3 << 20)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if i % 4 == 0 { 0 } else { x as u8 }
            })
            .collect()
    }

    #[test]
    fn entries_are_read_in_place_inflated_or_streamed() {
        let big = big();
        let zip = zip_of(&[
            ("small.xml", b"<a/>", true),
            ("stored.bin", &big, false),
            ("big.bin", &big, true),
        ]);
        let pkg = OfdPackage::from_slice(&zip, &Limits::default()).unwrap();
        let content = |name: &str| &pkg.entry(name).unwrap().content;
        assert!(matches!(content("small.xml"), Content::Inflated(_)));
        assert!(matches!(content("stored.bin"), Content::Stored(_)));
        assert!(matches!(content("big.bin"), Content::Deferred { .. }));

        let want = crate::crypto::sm3::sm3(&big);
        assert_eq!(pkg.sm3_of("stored.bin"), Some(want));
        assert_eq!(pkg.sm3_of("/big.bin"), Some(want));
        let Content::Deferred { inflated, .. } = content("big.bin") else {
            unreachable!()
        };
        assert!(inflated.get().is_none(), "hashing does not keep the bytes");
        assert_eq!(pkg.get("big.bin"), Some(big.as_slice()));
        assert!(inflated.get().is_some());
        assert_eq!(pkg.sm3_of("big.bin"), Some(want));
        assert_eq!(pkg.get("stored.bin"), Some(big.as_slice()));
        assert_eq!(pkg.get("small.xml"), Some(&b"<a/>"[..]));
        assert_eq!(pkg.sm3_of("missing"), None);

        // The copying constructor gives the same bytes.
        let owned = OfdPackage::from_bytes(&zip, &Limits::default()).unwrap();
        assert_eq!(owned.sm3_of("big.bin"), Some(want));
        assert_eq!(owned.get("stored.bin"), Some(big.as_slice()));
    }

    #[test]
    fn a_corrupt_streamed_entry_is_refused_when_read() {
        let big = big();
        let mut zip = zip_of(&[("big.bin", &big, true)]);
        // A byte in the middle of the deflate stream: the CRC (or the stream) no longer holds.
        let middle = zip.len() / 2;
        zip[middle] ^= 0x55;
        assert!(matches!(
            OfdPackage::from_slice(&zip, &Limits::default()),
            Err(OfdError::CorruptEntry { .. })
        ));
    }
}
