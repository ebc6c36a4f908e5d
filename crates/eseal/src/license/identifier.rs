//! License identifiers (电子证照标识, GB/T 36904):
//! `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`.

use core::fmt;

use super::code::{CodeError, Uscc, alnum36_value, mod37_36_check};

/// The fixed prefix of every license identifier.
pub const PREFIX: &str = "1.2.156.3005.2.";

/// Longest identifier accepted (prefix, parts, dots); longer text is refused before parsing.
pub const MAX_LEN: usize = 128;

/// Longest serial accepted. The standard's length rule is unverified; deployed serials have
/// 10 and 11 characters.
pub const MAX_SERIAL_LEN: usize = 64;

/// A part of a license identifier, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdPart {
    /// The license type code (证照类型代码): defining authority's USCC + 3 digits.
    TypeCode,
    /// The issuing authority's USCC (颁证单位代码).
    IssuerCode,
    /// The issuer-assigned serial.
    Serial,
    /// The 3-digit version.
    Version,
    /// The check character.
    Check,
}

impl fmt::Display for IdPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TypeCode => "type code",
            Self::IssuerCode => "issuer code",
            Self::Serial => "serial",
            Self::Version => "version",
            Self::Check => "check character",
        })
    }
}

/// Why text is not a valid license identifier. Each variant names the part that is wrong and
/// what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The identifier is longer than [`MAX_LEN`].
    #[error("identifier has {len} bytes, more than the {max} accepted")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// [`MAX_LEN`].
        max: usize,
    },
    /// The identifier does not start with [`PREFIX`].
    #[error("identifier must start with {PREFIX:?}")]
    Prefix,
    /// After the prefix there are not five dot-separated parts.
    #[error(
        "expected 5 dot-separated parts after the prefix (type code, issuer code, serial, \
         version, check character), found {found}"
    )]
    PartCount {
        /// Parts found.
        found: usize,
    },
    /// A part has the wrong length.
    #[error("{part} has {found} characters, expected {expected}")]
    Length {
        /// The part.
        part: IdPart,
        /// Characters found.
        found: usize,
        /// The rule, e.g. "21" or "1 to 64".
        expected: &'static str,
    },
    /// A part holds a character it may not hold.
    #[error(
        "{part}: character {found:?} at position {position} is not allowed, expected {expected}"
    )]
    Character {
        /// The part.
        part: IdPart,
        /// 1-based position within the part.
        position: usize,
        /// The character found.
        found: char,
        /// The allowed characters, in words.
        expected: &'static str,
    },
    /// The USCC in the type code or the issuer code is not valid.
    #[error("{part}: {error}")]
    Code {
        /// [`IdPart::TypeCode`] or [`IdPart::IssuerCode`].
        part: IdPart,
        /// Why the code is not valid.
        error: CodeError,
    },
    /// The MOD 37,36 check character does not match the other characters.
    #[error("check character is {found}, expected {expected}")]
    CheckCharacter {
        /// The check character found.
        found: char,
        /// The check character computed over type code, issuer code, serial and version.
        expected: char,
    },
}

/// A validated license identifier (GB/T 36904).
///
/// The check character is ISO/IEC 7064 MOD 37,36 over type code ‖ issuer code ‖ serial ‖
/// version, without the prefix and without the dots (the only reading that reproduces both
/// published examples; standards notes §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenseId {
    type_code: String,
    issuer: Uscc,
    serial: String,
    version: String,
    check: char,
}

/// `text` has `len` characters, or [`IdError::Length`] with the rule in words.
fn expect_len(part: IdPart, text: &str, len: usize, expected: &'static str) -> Result<(), IdError> {
    let found = text.chars().count();
    if found == len {
        Ok(())
    } else {
        Err(IdError::Length {
            part,
            found,
            expected,
        })
    }
}

fn check_chars(
    part: IdPart,
    text: &str,
    ok: impl Fn(char) -> bool,
    expected: &'static str,
) -> Result<(), IdError> {
    match text.chars().enumerate().find(|&(_, c)| !ok(c)) {
        Some((i, c)) => Err(IdError::Character {
            part,
            position: i + 1,
            found: c,
            expected,
        }),
        None => Ok(()),
    }
}

fn validate_type_code(type_code: &str) -> Result<(), IdError> {
    let part = IdPart::TypeCode;
    expect_len(part, type_code, 21, "21 (USCC + 3 digits)")?;
    let (authority, sequence) =
        type_code.split_at(type_code.char_indices().nth(18).map_or(0, |(i, _)| i));
    Uscc::parse(authority).map_err(|error| IdError::Code { part, error })?;
    check_chars(part, sequence, |c| c.is_ascii_digit(), "a digit").map_err(|e| match e {
        IdError::Character {
            part,
            position,
            found,
            expected,
        } => IdError::Character {
            part,
            position: position + 18,
            found,
            expected,
        },
        e => e,
    })
}

fn validate_serial(serial: &str) -> Result<(), IdError> {
    let n = serial.chars().count();
    if n == 0 || n > MAX_SERIAL_LEN {
        return Err(IdError::Length {
            part: IdPart::Serial,
            found: n,
            expected: "1 to 64",
        });
    }
    check_chars(
        IdPart::Serial,
        serial,
        |c| alnum36_value(c).is_some(),
        "0-9 or A-Z",
    )
}

fn validate_version(version: &str) -> Result<(), IdError> {
    expect_len(IdPart::Version, version, 3, "3")?;
    check_chars(IdPart::Version, version, |c| c.is_ascii_digit(), "a digit")
}

impl LicenseId {
    /// Builds an identifier from its parts, computing the check character.
    ///
    /// # Errors
    /// [`IdError`] naming the part that breaks its rule.
    pub fn new(
        type_code: &str,
        issuer: &str,
        serial: &str,
        version: &str,
    ) -> Result<Self, IdError> {
        validate_type_code(type_code)?;
        let issuer = Uscc::parse(issuer).map_err(|error| IdError::Code {
            part: IdPart::IssuerCode,
            error,
        })?;
        validate_serial(serial)?;
        validate_version(version)?;
        let body = format!("{type_code}{issuer}{serial}{version}");
        // Every character was checked against the alphabet above, so this cannot fail.
        let check = mod37_36_check(&body).ok_or(IdError::Length {
            part: IdPart::Check,
            found: 0,
            expected: "1",
        })?;
        Ok(Self {
            type_code: type_code.to_owned(),
            issuer,
            serial: serial.to_owned(),
            version: version.to_owned(),
            check,
        })
    }

    /// Parses and validates an identifier: prefix, five parts, each part's rule (the USCCs'
    /// own check characters included), then the MOD 37,36 check character.
    ///
    /// # Errors
    /// The first [`IdError`] found, in that order, so an error inside a part is reported as
    /// such rather than as a check character mismatch.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text.len() > MAX_LEN {
            return Err(IdError::TooLong {
                len: text.len(),
                max: MAX_LEN,
            });
        }
        let rest = text.strip_prefix(PREFIX).ok_or(IdError::Prefix)?;
        let parts: Vec<&str> = rest.split('.').collect();
        let [type_code, issuer, serial, version, check] = parts.as_slice() else {
            return Err(IdError::PartCount { found: parts.len() });
        };
        expect_len(IdPart::Check, check, 1, "1")?;
        check_chars(
            IdPart::Check,
            check,
            |c| alnum36_value(c).is_some(),
            "0-9 or A-Z",
        )?;
        let id = Self::new(type_code, issuer, serial, version)?;
        let found = check.chars().next().unwrap_or('?');
        if found != id.check {
            return Err(IdError::CheckCharacter {
                found,
                expected: id.check,
            });
        }
        Ok(id)
    }

    /// The license type code (21 characters).
    #[must_use]
    pub fn type_code(&self) -> &str {
        &self.type_code
    }

    /// The USCC of the authority that defined the license type (the type code's first 18
    /// characters; the split is inferred from deployed identifiers).
    #[must_use]
    pub fn defining_authority(&self) -> &str {
        self.type_code.get(..18).unwrap_or_default()
    }

    /// The issuing authority's USCC.
    #[must_use]
    pub fn issuer(&self) -> &Uscc {
        &self.issuer
    }

    /// The issuer-assigned serial.
    #[must_use]
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The 3-digit version.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The check character.
    #[must_use]
    pub fn check(&self) -> char {
        self.check
    }
}

impl fmt::Display for LicenseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}.{}.{}.{}.{}",
            self.type_code, self.issuer, self.serial, self.version, self.check
        )
    }
}

impl core::str::FromStr for LicenseId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}
