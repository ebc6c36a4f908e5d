//! A UTC instant with seconds precision: the validation time of every check in [`crate::pki`].

use std::fmt;
use std::time::Duration;

use der::DateTime;

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z (leap seconds ignored, as in
/// X.509 and Unix time).
///
/// eseal never reads a clock: the caller passes "now" (or a signing time) as a `UnixTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(u64);

impl UnixTime {
    /// The instant `seconds` after the Unix epoch.
    #[must_use]
    pub const fn from_unix_seconds(seconds: u64) -> Self {
        Self(seconds)
    }

    /// Seconds since the Unix epoch.
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
        DateTime::new(year, month, day, hour, minute, second)
            .ok()
            .map(Self::from_date_time)
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

    pub(crate) fn from_date_time(dt: DateTime) -> Self {
        Self(dt.unix_duration().as_secs())
    }

    /// The calendar form, or `None` beyond 9999-12-31 (outside X.509's time range).
    pub(crate) fn to_date_time(self) -> Option<DateTime> {
        DateTime::from_unix_duration(Duration::from_secs(self.0)).ok()
    }
}

impl fmt::Display for UnixTime {
    /// RFC 3339, e.g. `2024-05-01T08:00:00Z`.
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

#[cfg(test)]
mod tests {
    use super::UnixTime;

    #[test]
    fn calendar_round_trip() {
        let t = UnixTime::from_utc(2024, 2, 29, 23, 59, 58).map(|t| t.unix_seconds());
        assert_eq!(t, Some(1_709_251_198));
        assert_eq!(
            UnixTime::from_unix_seconds(1_709_251_198).to_string(),
            "2024-02-29T23:59:58Z"
        );
        assert_eq!(UnixTime::from_utc(2023, 2, 29, 0, 0, 0), None);
    }
}
