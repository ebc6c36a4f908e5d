//! Holder and issuer codes: the unified social credit code (GB 32100-2015), the citizen ID
//! number (GB 11643-1999) and the ISO/IEC 7064 check characters they and the license
//! identifier use (`docs/license.md`, standards notes §8.2 and §8.5).

use core::fmt;

/// Which kind of code an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeKind {
    /// Unified social credit code (统一社会信用代码, GB 32100-2015).
    Uscc,
    /// Citizen ID number (公民身份号码, GB 11643-1999).
    CitizenId,
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Uscc => "unified social credit code",
            Self::CitizenId => "citizen ID number",
        })
    }
}

/// Why a unified social credit code or citizen ID number is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The code does not have the standard's length.
    #[error("{kind} has {found} characters, expected {expected}")]
    Length {
        /// The code.
        kind: CodeKind,
        /// Characters found.
        found: usize,
        /// Characters required.
        expected: usize,
    },
    /// A character is outside the alphabet allowed at its position.
    #[error(
        "{kind}: character {found:?} at position {position} is not allowed, expected {expected}"
    )]
    Character {
        /// The code.
        kind: CodeKind,
        /// 1-based position in the code.
        position: usize,
        /// The character found.
        found: char,
        /// The allowed characters, in words.
        expected: &'static str,
    },
    /// The check character does not match the others.
    #[error("{kind}: check character is {found}, expected {expected}")]
    CheckCharacter {
        /// The code.
        kind: CodeKind,
        /// The check character found.
        found: char,
        /// The check character the other characters give.
        expected: char,
    },
    /// The birth date of a citizen ID number is not a plausible date.
    #[error("citizen ID number: birth date {found} is not plausible: {reason}")]
    BirthDate {
        /// The eight digits `YYYYMMDD`.
        found: String,
        /// Why, e.g. "not a calendar date".
        reason: &'static str,
    },
}

/// Length check shared by the codes: counts characters without allocating.
fn expect_len(kind: CodeKind, text: &str, len: usize) -> Result<(), CodeError> {
    let found = text.chars().count();
    if found == len {
        Ok(())
    } else {
        Err(CodeError::Length {
            kind,
            found,
            expected: len,
        })
    }
}

/// `Display` (the code as validated) and `FromStr` (its `parse`) for a code held as text.
macro_rules! text_code {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl core::str::FromStr for $t {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                Self::parse(s)
            }
        }
    };
}

/// The ISO/IEC 7064 MOD 37,36 alphabet: digits, then uppercase Latin letters.
const ALNUM36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Value of a character in the MOD 37,36 alphabet (`0`–`9` → 0–9, `A`–`Z` → 10–35).
pub(crate) fn alnum36_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// The ISO/IEC 7064 MOD 37,36 (hybrid system) check character of `text`, or `None` when a
/// character lies outside `0-9A-Z`.
///
/// The hybrid system detects every single substitution and every adjacent transposition, which
/// the exhaustive identifier test relies on.
#[must_use]
pub fn mod37_36_check(text: &str) -> Option<char> {
    let mut p: u32 = 36;
    for c in text.chars() {
        let v = alnum36_value(c)?;
        let mut t = (p + v) % 36;
        if t == 0 {
            t = 36;
        }
        p = (2 * t) % 37;
    }
    let c = (37 - p) % 36;
    ALNUM36.get(c as usize).map(|&b| char::from(b))
}

/// The GB 32100 alphabet: 31 characters, without I, O, S, V and Z.
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc_value(c: char) -> Option<u32> {
    USCC_ALPHABET.find(c).map(|i| i as u32)
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a
/// check character over the first 17 (weights 3^(i−1) mod 31).
///
/// Positions: 1 registration-authority code, 2 organisation-type code, 3–8 administrative
/// division, 9–17 organisation code (GB 11714, with its own check character), 18 check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Number of characters.
    pub const LEN: usize = 18;

    /// Parses and validates a code (uppercase only, as the standard writes it).
    ///
    /// # Errors
    /// [`CodeError`] naming the wrong length, character or check character.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let kind = CodeKind::Uscc;
        expect_len(kind, text, Self::LEN)?;
        let mut sum: u32 = 0;
        let mut weight: u32 = 1;
        let mut found_check = '0';
        for (i, c) in text.chars().enumerate() {
            let Some(v) = uscc_value(c) else {
                return Err(CodeError::Character {
                    kind,
                    position: i + 1,
                    found: c,
                    expected: "0-9 or A-Z without I, O, S, V, Z",
                });
            };
            if i + 1 < Self::LEN {
                sum += v * weight;
                weight = weight * 3 % 31;
            } else {
                found_check = c;
            }
        }
        let c = (31 - sum % 31) % 31;
        let expected = USCC_ALPHABET.chars().nth(c as usize).unwrap_or('0');
        if found_check != expected {
            return Err(CodeError::CheckCharacter {
                kind,
                found: found_check,
                expected,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether positions 9–17 carry a valid GB 11714 organisation code check character.
    ///
    /// Not part of validity: GB 32100 assigns some codes (e.g. to individual businesses) whose
    /// positions 9–17 are not an organisation code, so this is informative only.
    #[must_use]
    pub fn organisation_code_valid(&self) -> bool {
        const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
        let org: Vec<char> = self.0.chars().skip(8).take(9).collect();
        let mut sum = 0;
        for (c, w) in org.iter().zip(WEIGHTS) {
            match alnum36_value(*c) {
                Some(v) => sum += v * w,
                None => return false,
            }
        }
        let expected = match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            d => char::from_digit(d, 10).unwrap_or('?'),
        };
        org.get(8) == Some(&expected)
    }
}

text_code!(Uscc);

/// A calendar date, as licenses and citizen ID numbers carry them (no time of day, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, or `None` when it is not a calendar date (years 1–9999).
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Self {
            year,
            month,
            day,
        })
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 extended) or `YYYYMMDD` (basic).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let digits: String = match b.len() {
            10 if b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') => {
                text.chars().filter(|&c| c != '-').collect()
            }
            8 => text.to_owned(),
            _ => return None,
        };
        if digits.len() != 8 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let year = digits.get(0..4)?.parse().ok()?;
        let month = digits.get(4..6)?.parse().ok()?;
        let day = digits.get(6..8)?.parse().ok()?;
        Self::new(year, month, day)
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A citizen ID number (公民身份号码, GB 11643-1999): 6-digit address code, 8-digit birth date,
/// 3-digit sequence (odd for men), and an ISO/IEC 7064 MOD 11-2 check character (`0`–`9` or
/// `X`).
///
/// The 15-digit numbers of GB 11643-1989 have no check character and are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId(String);

impl CitizenId {
    /// Number of characters.
    pub const LEN: usize = 18;
    /// Earliest plausible birth year: nobody born earlier is alive to hold a license.
    pub const EARLIEST_BIRTH_YEAR: u16 = 1870;

    /// Parses and validates a number: digits, uppercase `X` as the only letter (in the check
    /// position), a calendar birth date no earlier than [`Self::EARLIEST_BIRTH_YEAR`], and the
    /// check character.
    ///
    /// The core has no clock, so a birth date in the future is caught only by
    /// [`CitizenId::parse_at`].
    ///
    /// # Errors
    /// [`CodeError`] naming the wrong length, character, birth date or check character.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let kind = CodeKind::CitizenId;
        expect_len(kind, text, Self::LEN)?;
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let mut sum = 0;
        let mut found_check = '0';
        for (i, c) in text.chars().enumerate() {
            if let (Some(w), Some(d)) = (WEIGHTS.get(i), c.to_digit(10)) {
                sum += d * w;
            } else if i + 1 == Self::LEN && (c.is_ascii_digit() || c == 'X') {
                found_check = c;
            } else {
                let expected = if i + 1 == Self::LEN {
                    "a digit or X"
                } else {
                    "a digit"
                };
                return Err(CodeError::Character {
                    kind,
                    position: i + 1,
                    found: c,
                    expected,
                });
            }
        }
        let birth = text.get(6..14).unwrap_or_default();
        let date = Date::parse(birth).ok_or_else(|| CodeError::BirthDate {
            found: birth.to_owned(),
            reason: "not a calendar date",
        })?;
        if date.year() < Self::EARLIEST_BIRTH_YEAR {
            return Err(CodeError::BirthDate {
                found: birth.to_owned(),
                reason: "before 1870",
            });
        }
        let expected = "10X98765432"
            .chars()
            .nth((sum % 11) as usize)
            .unwrap_or('?');
        if found_check != expected {
            return Err(CodeError::CheckCharacter {
                kind,
                found: found_check,
                expected,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// [`CitizenId::parse`], and the birth date must not be after `today`.
    ///
    /// # Errors
    /// As [`CitizenId::parse`], or [`CodeError::BirthDate`] for a future birth date.
    pub fn parse_at(text: &str, today: Date) -> Result<Self, CodeError> {
        let id = Self::parse(text)?;
        if id.birth_date() > today {
            return Err(CodeError::BirthDate {
                found: text.get(6..14).unwrap_or_default().to_owned(),
                reason: "after the validation date",
            });
        }
        Ok(id)
    }

    /// The number as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date (positions 7–14).
    #[must_use]
    pub fn birth_date(&self) -> Date {
        // Validated by `parse`; the fallback is unreachable.
        self.0.get(6..14).and_then(Date::parse).unwrap_or(Date {
            year: 1,
            month: 1,
            day: 1,
        })
    }
}

text_code!(CitizenId);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn uscc_examples_validate() {
        // Standards notes §8.5: checked by hand against GB 32100's algorithm.
        for c in [
            "11100000000013338W",
            "11430000006122244L",
            "11330105002500287C",
            "91350100M000100Y43",
            "91370406L24894136J",
        ] {
            Uscc::parse(c).unwrap();
        }
        assert!(
            Uscc::parse("11430000006122244L")
                .unwrap()
                .organisation_code_valid()
        );
    }

    #[test]
    fn uscc_errors_name_the_problem() {
        assert_eq!(
            Uscc::parse("11430000006122244X").unwrap_err().to_string(),
            "unified social credit code: check character is X, expected L"
        );
        assert!(matches!(
            Uscc::parse("1143000000612224IL"),
            Err(CodeError::Character {
                position: 17,
                found: 'I',
                ..
            })
        ));
        assert!(matches!(
            Uscc::parse("1143000000612224"),
            Err(CodeError::Length {
                found: 16,
                expected: 18,
                ..
            })
        ));
        assert!(Uscc::parse("11430000006122244l").is_err());
    }

    #[test]
    fn citizen_id_checks() {
        // The example widely cited from GB 11643-1999.
        let id = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert_eq!(
            CitizenId::parse("110105194912310021")
                .unwrap_err()
                .to_string(),
            "citizen ID number: check character is 1, expected X"
        );
        assert!(matches!(
            CitizenId::parse("11010519491231002x"),
            Err(CodeError::Character {
                position: 18,
                found: 'x',
                ..
            })
        ));
        assert!(matches!(
            CitizenId::parse("11010519491331002X"),
            Err(CodeError::BirthDate {
                reason: "not a calendar date",
                ..
            })
        ));
        assert!(matches!(
            CitizenId::parse("110105186912310024"),
            Err(CodeError::BirthDate {
                reason: "before 1870",
                ..
            })
        ));
        assert!(matches!(
            CitizenId::parse("110105491231002"),
            Err(CodeError::Length { .. })
        ));
        // A valid number whose birth date lies after the validation date.
        let future = valid_citizen_id("11010520300101001");
        CitizenId::parse(&future).unwrap();
        assert!(matches!(
            CitizenId::parse_at(&future, Date::new(2026, 1, 1).unwrap()),
            Err(CodeError::BirthDate {
                reason: "after the validation date",
                ..
            })
        ));
        assert!(CitizenId::parse_at(&future, Date::new(2030, 1, 1).unwrap()).is_ok());
    }

    /// Appends the check character by trial, independently of the weights in `parse`.
    fn valid_citizen_id(first17: &str) -> String {
        "0123456789X"
            .chars()
            .map(|c| format!("{first17}{c}"))
            .find(|s| CitizenId::parse(s).is_ok())
            .unwrap()
    }

    #[test]
    fn citizen_id_every_single_digit_change_is_caught() {
        let good = "11010519491231002X";
        for i in 0..17 {
            for d in '0'..='9' {
                let mut s: Vec<char> = good.chars().collect();
                if s[i] == d {
                    continue;
                }
                s[i] = d;
                let s: String = s.into_iter().collect();
                assert!(CitizenId::parse(&s).is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("20240229"), Date::new(2024, 2, 29));
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-2-09").is_none());
        assert!(Date::parse("2023+02-09").is_none());
        assert!(Date::parse("１２３４５６７８").is_none());
    }
}
