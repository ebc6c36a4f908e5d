//! Time fields: the UTCTime / GeneralizedTime dates of seals and signatures, and the free-form
//! `timeInfo` text of GM/T 0031-2014 signatures.

use core::fmt;

use der::{DateTime, Tag};

use super::deviation::{Ctx, DeviationKind};
use super::io::{Tlv, write_tlv};
use super::{SesError, SesVersion};

/// Which ASN.1 time type a [`SesTime`] was (or will be) encoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeKind {
    /// `UTCTime` (`YYMMDDHHMMSSZ`): GM/T 0031-2014 dates.
    UtcTime,
    /// `GeneralizedTime` (`YYYYMMDDHHMMSS[.f]Z`): GB/T 38540-2020 and GM/T 0031-2025 dates.
    GeneralizedTime,
}

impl fmt::Display for TimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UtcTime => "UTCTime",
            Self::GeneralizedTime => "GeneralizedTime",
        })
    }
}

/// A date of an SES structure (`createDate`, `validStart`, `validEnd`, v4/v5 `timeInfo`).
///
/// Keeps the encoded text, so that re-encoding reproduces the input byte for byte (including
/// fractional seconds of a GeneralizedTime, which the calendar value drops), and the calendar
/// value in UTC for comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesTime {
    kind: TimeKind,
    text: String,
    datetime: DateTime,
}

impl SesTime {
    /// A GeneralizedTime (`YYYYMMDDHHMMSSZ`), the form of GB/T 38540 and GM/T 0031-2025.
    #[must_use]
    pub fn generalized(datetime: DateTime) -> Self {
        let text = format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}Z",
            datetime.year(),
            datetime.month(),
            datetime.day(),
            datetime.hour(),
            datetime.minutes(),
            datetime.seconds()
        );
        Self {
            kind: TimeKind::GeneralizedTime,
            text,
            datetime,
        }
    }

    /// A UTCTime (`YYMMDDHHMMSSZ`), the form of GM/T 0031-2014; years 1950 to 2049 only.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] for a year UTCTime cannot express.
    pub fn utc(datetime: DateTime) -> Result<Self, SesError> {
        let year = datetime.year();
        if !(1950..=2049).contains(&year) {
            return Err(SesError::invalid(
                "UTCTime",
                format!("year {year} is outside 1950..=2049; use GeneralizedTime"),
            ));
        }
        let text = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            year % 100,
            datetime.month(),
            datetime.day(),
            datetime.hour(),
            datetime.minutes(),
            datetime.seconds()
        );
        Ok(Self {
            kind: TimeKind::UtcTime,
            text,
            datetime,
        })
    }

    /// The form the standard of `version` specifies: UTCTime for v1, GeneralizedTime otherwise.
    ///
    /// # Errors
    /// As [`SesTime::utc`] for v1.
    pub fn for_version(version: SesVersion, datetime: DateTime) -> Result<Self, SesError> {
        match version {
            SesVersion::V1 => Self::utc(datetime),
            SesVersion::V4 | SesVersion::V5 => Ok(Self::generalized(datetime)),
        }
    }

    /// The ASN.1 type it is encoded as.
    #[must_use]
    pub fn kind(&self) -> TimeKind {
        self.kind
    }

    /// The encoded text, e.g. `20200422020900Z`.
    #[must_use]
    pub fn as_text(&self) -> &str {
        &self.text
    }

    /// The calendar value (UTC, whole seconds).
    #[must_use]
    pub fn datetime(&self) -> DateTime {
        self.datetime
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn unix_seconds(&self) -> u64 {
        self.datetime.unix_duration().as_secs()
    }

    /// RFC 3339 form, e.g. `2020-04-22T02:09:00Z`.
    #[must_use]
    pub fn to_rfc3339(&self) -> String {
        self.datetime.to_string()
    }

    /// Reads a UTCTime or GeneralizedTime; the other kind than `expected` is a deviation.
    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        expected: TimeKind,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let time = match tlv.tag {
            Tag::UtcTime => {
                let value: der::asn1::UtcTime = tlv.decode(field)?;
                Self {
                    kind: TimeKind::UtcTime,
                    text: ascii(tlv.content()),
                    datetime: value.to_date_time(),
                }
            }
            Tag::GeneralizedTime => Self {
                kind: TimeKind::GeneralizedTime,
                text: ascii(tlv.content()),
                datetime: parse_generalized(tlv.content()).ok_or_else(|| {
                    SesError::malformed(
                        field,
                        "GeneralizedTime must read YYYYMMDDHHMMSS[.fff]Z with a valid date",
                        tlv.offset,
                    )
                })?,
            },
            other => {
                return Err(SesError::malformed(
                    field,
                    format!("expected {expected}, found {other}"),
                    tlv.offset,
                ));
            }
        };
        if time.kind != expected {
            let kind = match expected {
                TimeKind::GeneralizedTime => DeviationKind::UtcTimeForGeneralizedTime,
                TimeKind::UtcTime => DeviationKind::GeneralizedTimeForUtcTime,
            };
            ctx.deviate(kind, field, tlv.offset)?;
        }
        Ok(time)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        let tag = match self.kind {
            TimeKind::UtcTime => Tag::UtcTime,
            TimeKind::GeneralizedTime => Tag::GeneralizedTime,
        };
        write_tlv(out, tag, self.text.as_bytes(), field)
    }
}

impl fmt::Display for SesTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.datetime, f)
    }
}

fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn two(d: &[u8]) -> Option<u8> {
    match d {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// `YYYYMMDDHHMMSS` followed by `rest`; returns the date and the bytes after the seconds.
fn parse_digits14(text: &[u8]) -> Option<(DateTime, &[u8])> {
    let (digits, rest) = text.split_at_checked(14)?;
    let century = u16::from(two(digits.get(0..2)?)?);
    let year = century * 100 + u16::from(two(digits.get(2..4)?)?);
    let dt = DateTime::new(
        year,
        two(digits.get(4..6)?)?,
        two(digits.get(6..8)?)?,
        two(digits.get(8..10)?)?,
        two(digits.get(10..12)?)?,
        two(digits.get(12..14)?)?,
    )
    .ok()?;
    Some((dt, rest))
}

/// DER GeneralizedTime: `YYYYMMDDHHMMSS`, optional `.` and one or more digits, then `Z`.
fn parse_generalized(text: &[u8]) -> Option<DateTime> {
    let (dt, rest) = parse_digits14(text)?;
    let rest = rest.strip_suffix(b"Z")?;
    match rest {
        [] => Some(dt),
        [b'.', fraction @ ..]
            if !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit) =>
        {
            Some(dt)
        }
        _ => None,
    }
}

/// Best-effort reading of a GM/T 0031-2014 `timeInfo` (a BIT STRING whose contents the standard
/// leaves open): ASCII `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD HH:MM:SS` (optional fraction and
/// `Z`), ASCII `YYYYMMDDHHMMSS[Z]`, or a DER UTCTime / GeneralizedTime element.
///
/// The text forms carry no time zone; writers usually mean their local time (often UTC+8), so
/// the value is returned as written, not converted. `None` when nothing matches.
#[must_use]
pub fn parse_v1_time_info(bytes: &[u8]) -> Option<DateTime> {
    if let Some(t) = der_time(bytes) {
        return Some(t);
    }
    let text = bytes.strip_suffix(b"Z").unwrap_or(bytes);
    if let Some((dt, rest)) = parse_digits14(text) {
        return rest.is_empty().then_some(dt);
    }
    // YYYY-MM-DD?HH:MM:SS[.fff]
    let (main, fraction) = match text.get(19..) {
        Some(rest) => (text.get(..19)?, rest),
        None => return None,
    };
    if !(fraction.is_empty()
        || (fraction.first() == Some(&b'.') && fraction.iter().skip(1).all(u8::is_ascii_digit)))
    {
        return None;
    }
    match main {
        [
            y1,
            y2,
            y3,
            y4,
            b'-',
            mo1,
            mo2,
            b'-',
            d1,
            d2,
            b'T' | b' ',
            h1,
            h2,
            b':',
            mi1,
            mi2,
            b':',
            s1,
            s2,
        ] => {
            let year = u16::from(two(&[*y1, *y2])?) * 100 + u16::from(two(&[*y3, *y4])?);
            DateTime::new(
                year,
                two(&[*mo1, *mo2])?,
                two(&[*d1, *d2])?,
                two(&[*h1, *h2])?,
                two(&[*mi1, *mi2])?,
                two(&[*s1, *s2])?,
            )
            .ok()
        }
        _ => None,
    }
}

/// Decodes a complete DER UTCTime or GeneralizedTime element into its calendar value.
fn der_time(bytes: &[u8]) -> Option<DateTime> {
    use der::Decode;
    match bytes.first() {
        Some(0x17) => der::asn1::UtcTime::from_der(bytes)
            .ok()
            .map(|t| t.to_date_time()),
        Some(0x18) => {
            let content = bytes.get(2..)?;
            if bytes.get(1).map(|&l| usize::from(l)) != Some(content.len()) {
                return None;
            }
            parse_generalized(content)
        }
        _ => None,
    }
}
