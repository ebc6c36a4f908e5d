//! Points in time, as eseal passes them around: UTC, one-second precision.
//!
//! The core never reads a clock; callers pass the validation time in. [`Time`] converts to and
//! from the ASN.1 time types (`der::DateTime`) and RFC 3339 text (for the CLI's `--at` and the
//! JSON report).

use core::fmt;
use core::str::FromStr;

/// A UTC instant with one-second precision, stored as seconds since the Unix epoch (leap
/// seconds ignored, as in X.509 and Unix time).
///
/// Every time an X.509 certificate, CRL, seal or timestamp can carry lies in
/// 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z; parsing refuses anything outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u64);

/// Error returned when text or a number is not a valid [`Time`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not RFC 3339 `YYYY-MM-DDThh:mm:ss(Z|±hh:mm)` (fractions allowed).
    #[error(
        "invalid time {input:?}: expected RFC 3339, e.g. 2024-05-01T08:00:00Z or 2024-05-01T16:00:00+08:00"
    )]
    Syntax {
        /// The text that was refused.
        input: String,
    },
    /// The instant lies outside 1970-01-01 .. 9999-12-31.
    #[error("time out of range: eseal handles 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z")]
    OutOfRange,
}

impl Time {
    /// The instant `seconds` after 1970-01-01T00:00:00Z.
    #[must_use]
    pub const fn from_unix_seconds(seconds: u64) -> Self {
        Self(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub const fn unix_seconds(self) -> u64 {
        self.0
    }

    /// The time from a calendar date and time of day in UTC; `None` when the fields are out
    /// of range (month 13, 31 February, a year before 1970 or after 9999, …).
    #[must_use]
    pub fn from_utc(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Option<Self> {
        der::DateTime::new(year, month, day, hour, minute, second)
            .ok()
            .map(Self::from)
    }

    /// `self + seconds`, saturating at the largest representable time.
    #[must_use]
    pub const fn saturating_add_seconds(self, seconds: u64) -> Self {
        Self(self.0.saturating_add(seconds))
    }

    /// `self - seconds`, saturating at the epoch.
    #[must_use]
    pub const fn saturating_sub_seconds(self, seconds: u64) -> Self {
        Self(self.0.saturating_sub(seconds))
    }

    /// The calendar form, or `None` beyond 9999-12-31T23:59:59Z (outside every ASN.1 time).
    #[must_use]
    pub fn to_date_time(self) -> Option<der::DateTime> {
        der::DateTime::from_unix_duration(core::time::Duration::from_secs(self.0)).ok()
    }

    /// Parses RFC 3339 text: `2024-05-01T08:00:00Z`, `2024-05-01T16:00:00+08:00`,
    /// `2024-05-01 08:00:00Z`; fractional seconds are truncated.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimeError> {
        let syntax = || TimeError::Syntax {
            input: text.chars().take(64).collect(),
        };
        let b = text.trim().as_bytes();
        let num = |range: core::ops::Range<usize>| -> Result<u32, TimeError> {
            let digits = b.get(range).ok_or_else(syntax)?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(syntax());
            }
            Ok(digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        let sep = |i: usize, allowed: &[u8]| -> Result<(), TimeError> {
            match b.get(i) {
                Some(c) if allowed.contains(c) => Ok(()),
                _ => Err(syntax()),
            }
        };
        sep(4, b"-")?;
        sep(7, b"-")?;
        sep(10, b"Tt ")?;
        sep(13, b":")?;
        sep(16, b":")?;
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(syntax());
            }
        }
        let offset_secs: i64 = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if i + 6 == b.len() => {
                sep(i + 3, b":")?;
                let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return Err(syntax());
                }
                let off = i64::from(oh * 3600 + om * 60);
                if *sign == b'+' { off } else { -off }
            }
            _ => return Err(syntax()),
        };
        let to_u8 = |v: u32| u8::try_from(v).map_err(|_| syntax());
        let local = der::DateTime::new(
            u16::try_from(year).map_err(|_| syntax())?,
            to_u8(month)?,
            to_u8(day)?,
            to_u8(hour)?,
            to_u8(minute)?,
            to_u8(second)?,
        )
        .map_err(|_| syntax())?;
        let local_secs = i64::try_from(local.unix_duration().as_secs()).map_err(|_| syntax())?;
        let utc = local_secs
            .checked_sub(offset_secs)
            .and_then(|s| u64::try_from(s).ok())
            .ok_or(TimeError::OutOfRange)?;
        let t = Self::from_unix_seconds(utc);
        t.to_date_time().map(|_| t).ok_or(TimeError::OutOfRange)
    }
}

impl From<der::DateTime> for Time {
    fn from(dt: der::DateTime) -> Self {
        Self(dt.unix_duration().as_secs())
    }
}

impl FromStr for Time {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_rfc3339(s)
    }
}

/// RFC 3339 in UTC, e.g. `2024-05-01T08:00:00Z`; `@<seconds>s` beyond the year 9999.
impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_date_time() {
            Some(dt) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minutes(),
                dt.seconds()
            ),
            None => write!(f, "@{}s", self.0),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = Time::parse_rfc3339("2021-03-04T05:06:07Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_614_834_367);
        assert_eq!(t.to_string(), "2021-03-04T05:06:07Z");
        let beijing = Time::parse_rfc3339("2021-03-04T13:06:07.250+08:00").unwrap();
        assert_eq!(beijing, t);
        assert_eq!(Time::parse_rfc3339("2021-03-04 05:06:07z").unwrap(), t);
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "2021-03-04",
            "2021-13-04T05:06:07Z",
            "2021-02-30T05:06:07Z",
            "2021-03-04T05:06:07",
            "2021-03-04T05:06:07+0800",
            "2021-03-04T05:06:07.Z",
            "１９７０-01-01T00:00:00Z",
            "1970-01-01T00:00:00+00:01",
        ] {
            assert!(Time::parse_rfc3339(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn range_is_bounded() {
        assert_eq!(Time::from_unix_seconds(u64::MAX).to_date_time(), None);
        assert_eq!(
            Time::from_unix_seconds(u64::MAX).to_string(),
            format!("@{}s", u64::MAX)
        );
        assert!(Time::from_utc(9999, 12, 31, 23, 59, 59).is_some());
        assert_eq!(
            Time::parse_rfc3339("9999-12-31T23:59:59-01:00"),
            Err(TimeError::OutOfRange)
        );
    }

    #[test]
    fn calendar_round_trip() {
        let t = Time::from_utc(2024, 2, 29, 23, 59, 58).map(Time::unix_seconds);
        assert_eq!(t, Some(1_709_251_198));
        assert_eq!(
            Time::from_unix_seconds(1_709_251_198).to_string(),
            "2024-02-29T23:59:58Z"
        );
        assert_eq!(Time::from_utc(2023, 2, 29, 0, 0, 0), None);
    }
}
