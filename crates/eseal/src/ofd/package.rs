//! Reading an OFD package (a ZIP archive) with bounded work.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use zip::CompressionMethod;
use zip::result::ZipError;

use super::path::{check_entry_name, parent_dir, resolve_location};
use super::{Limits, OfdError, xml};

/// One entry of the archive.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) is_dir: bool,
    /// The uncompressed bytes (empty for directories).
    pub(crate) data: Vec<u8>,
    /// Index in the ZIP central directory, for raw copies.
    pub(crate) index: usize,
}

/// An OFD package read into memory.
///
/// Every file entry's exact uncompressed bytes are kept: reference digests and the SES
/// `dataHash` are computed over them. The original ZIP bytes are kept too, so that
/// [`OfdPackage::edit`] can copy untouched entries without recompressing them.
#[derive(Debug, Clone)]
pub struct OfdPackage {
    pub(crate) source: Vec<u8>,
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

/// Walks the central directory ourselves and returns the raw entry names.
///
/// The `zip` crate keys entries by name and silently keeps the last of two equal names,
/// so duplicates (which let two readers see different content) must be caught here.
fn central_directory_names(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<u8>>, OfdError> {
    // The end record is 22 bytes plus a comment of at most 65 535 bytes.
    let min_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let eocd = (min_start..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&i| le32(bytes, i) == Some(u64::from(EOCD_SIG)))
        .ok_or_else(|| not_zip("no end of central directory record"))?;
    let mut count = le16(bytes, eocd + 10).ok_or_else(|| not_zip("truncated end record"))?;
    let mut cd_offset = le32(bytes, eocd + 16).ok_or_else(|| not_zip("truncated end record"))?;
    if count == 0xFFFF || cd_offset == 0xFFFF_FFFF {
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
    }
    if count > limits.max_entries as u64 {
        return Err(OfdError::LimitExceeded {
            what: "number of entries",
            limit: limits.max_entries as u64,
            entry: None,
        });
    }
    let mut at =
        usize::try_from(cd_offset).map_err(|_| not_zip("central directory out of range"))?;
    let mut names = Vec::new();
    for _ in 0..count {
        if le32(bytes, at) != Some(u64::from(CENTRAL_SIG)) {
            return Err(not_zip(
                "the central directory is not where the end record says (data prepended or truncated)",
            ));
        }
        let field = |off: usize| {
            at.checked_add(off)
                .and_then(|p| le16(bytes, p))
                .ok_or_else(|| not_zip("truncated central directory"))
        };
        let name_len = field(28)? as usize;
        let extra_len = field(30)? as usize;
        let comment_len = field(32)? as usize;
        let truncated = || not_zip("truncated central directory");
        let name_start = at.checked_add(46).ok_or_else(truncated)?;
        let name_end = name_start.checked_add(name_len).ok_or_else(truncated)?;
        let name = bytes.get(name_start..name_end).ok_or_else(truncated)?;
        names.push(name.to_vec());
        at = name_end
            .checked_add(extra_len)
            .and_then(|v| v.checked_add(comment_len))
            .ok_or_else(truncated)?;
    }
    Ok(names)
}

fn limit(what: &'static str, limit: u64, entry: &str) -> OfdError {
    OfdError::LimitExceeded {
        what,
        limit,
        entry: Some(entry.to_owned()),
    }
}

impl OfdPackage {
    /// Reads an OFD package from its ZIP bytes.
    ///
    /// Refuses, each with a typed [`OfdError`]: anything that is not a ZIP archive, more
    /// entries or bytes than `limits` allow, entries whose compression ratio marks a zip bomb,
    /// entry names that could escape the package (`..`, absolute, backslash, NUL, drive
    /// letter), duplicate names, encrypted entries, compression other than stored/deflate, and
    /// CRC or size mismatches. Only the archive is read here; the XML is parsed on demand by
    /// [`OfdPackage::ofd`] and friends (with the same limits).
    ///
    /// Entry names are taken as UTF-8 (as OFD producers write them, flag or not); names that
    /// are not UTF-8 fall back to the ZIP reader's CP437 decoding.
    ///
    /// # Errors
    ///
    /// See above.
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Self, OfdError> {
        if bytes.len() > limits.max_package_size {
            return Err(OfdError::LimitExceeded {
                what: "package size",
                limit: limits.max_package_size as u64,
                entry: None,
            });
        }
        let raw_names = central_directory_names(bytes, limits)?;
        let mut seen = BTreeSet::new();
        for raw in &raw_names {
            if !seen.insert(raw.as_slice()) {
                return Err(OfdError::DuplicateEntry {
                    name: String::from_utf8_lossy(raw).into_owned(),
                });
            }
        }
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OfdError::NotZip {
                detail: e.to_string(),
            })?;
        if archive.len() != raw_names.len() {
            return Err(not_zip(
                "the ZIP reader and the central directory disagree on the entries",
            ));
        }
        let mut entries = Vec::with_capacity(archive.len());
        let mut total: u64 = 0;
        for index in 0..archive.len() {
            let fallback = archive.name_for_index(index).unwrap_or_default().to_owned();
            let mut file = archive.by_index(index).map_err(|e| match e {
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
            let mut data = Vec::new();
            // Never trust the declared size: read at most one byte past the limit.
            (&mut file)
                .take(limits.max_entry_size.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| OfdError::CorruptEntry {
                    entry: name.clone(),
                    detail: e.to_string(),
                })?;
            let size = data.len() as u64;
            if size > limits.max_entry_size {
                return Err(limit(
                    "uncompressed entry size",
                    limits.max_entry_size,
                    &name,
                ));
            }
            if size != file.size() {
                return Err(OfdError::CorruptEntry {
                    entry: name,
                    detail: format!("{size} bytes inflated, {} declared", file.size()),
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
            if is_dir && !data.is_empty() {
                return Err(OfdError::CorruptEntry {
                    entry: name,
                    detail: "a directory entry carries data".into(),
                });
            }
            entries.push(Entry {
                name,
                is_dir,
                data,
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
        let files = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.is_dir)
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        Ok(OfdPackage {
            source: bytes.to_vec(),
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
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let path = path.strip_prefix('/').unwrap_or(path);
        self.files
            .get(path)
            .and_then(|&i| self.entries.get(i))
            .map(|e| e.data.as_slice())
    }

    /// Whether a file exists (see [`OfdPackage::get`]).
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
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
