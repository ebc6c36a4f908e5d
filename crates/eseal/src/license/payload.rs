//! The verification 2D code's payload (`docs/license.md`, "The 2D code"): the identifier, the
//! validity dates, the SM3 digest of the key fields and the issuer's SM2 signature, in a
//! compact binary layout written as Base32 text (all characters in the QR alphanumeric set).

use super::error::LicenseError;
use super::metadata::{LicenseMetadata, ValidUntil};
use super::{Date, PREFIX};
use crate::crypto::sm3::sm3;
use crate::crypto::{PublicKey, Signature};
use crate::pki::Signer;

/// The text form's prefix (电子证照, pinyin initials), how [`crate::document::sniff`] tells a
/// payload.
pub const PAYLOAD_PREFIX: &str = "DZZZ:";
/// The layout version this module writes and reads.
pub const PAYLOAD_VERSION: u8 = 1;
/// Longest payload text (plain form) that is read: the longest identifier gives 365.
pub const MAX_PAYLOAD_TEXT: usize = 512;
/// Longest URL form that is read.
pub const MAX_PAYLOAD_URL: usize = 2048;

const KEY_ID_LEN: usize = 8;
const DIGEST_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;
/// Bytes after the identifier: three dates, key id, digest, signature.
const FIXED_TAIL: usize = 9 + KEY_ID_LEN + DIGEST_LEN + SIGNATURE_LEN;
const DATE_ABSENT: u32 = 0x00FF_FFFF;
const DATE_LONG_TERM: u32 = 0x00FF_FFFE;

/// A decoded payload (its signature not yet verified: see [`crate::license::verify_payload`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Payload {
    /// The license identifier as carried (with the prefix restored; not yet validated).
    pub identifier: String,
    /// 证照颁发日期.
    pub issue_date: Date,
    /// 证照有效期起始日期.
    pub valid_from: Option<Date>,
    /// 证照有效期截止日期.
    pub valid_until: Option<ValidUntil>,
    /// The first 8 bytes of SM3 over the issuer's public key (65-byte uncompressed point).
    pub key_id: [u8; KEY_ID_LEN],
    /// [`LicenseMetadata::key_fields_digest`] of the license.
    pub digest: [u8; DIGEST_LEN],
    /// The issuer's SM2 signature `r ‖ s` over [`Payload::signed_bytes`].
    pub signature: [u8; SIGNATURE_LEN],
    signed: Vec<u8>,
}

impl Payload {
    /// The bytes the signature covers: the binary payload without its signature.
    #[must_use]
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }

    /// The binary payload.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.signed.clone();
        out.extend_from_slice(&self.signature);
        out
    }

    /// The plain text form: [`PAYLOAD_PREFIX`] and the Base32 of the binary payload.
    #[must_use]
    pub fn to_text(&self) -> String {
        format!("{PAYLOAD_PREFIX}{}", base32_encode(&self.to_bytes()))
    }

    /// The URL form: `base` (for example `https://verify.example.gov.cn/l/`) followed by the
    /// text form. The base must end with `/`, `?`, `=` or `#` so the text stays one component.
    ///
    /// # Errors
    /// [`LicenseError::Payload`] for a base of another shape.
    pub fn to_url(&self, base: &str) -> Result<String, LicenseError> {
        let scheme_ok = base.starts_with("https://") || base.starts_with("http://");
        if !scheme_ok
            || !base.ends_with(['/', '?', '=', '#'])
            || base.chars().any(char::is_whitespace)
        {
            return Err(payload_err(
                "a URL base starts with http:// or https://, has no white space and ends with /, ?, = or #",
            ));
        }
        Ok(format!("{base}{}", self.to_text()))
    }

    /// Whether the payload's key id is that of `key`.
    #[must_use]
    pub fn is_signed_by_key(&self, key: &PublicKey) -> bool {
        key_id(key) == self.key_id
    }

    /// Verifies the signature with `key` (SM2 with the default ID).
    #[must_use]
    pub fn signature_verifies(&self, key: &PublicKey) -> bool {
        Signature::from_raw(&self.signature)
            .and_then(|sig| key.verify(&self.signed, &sig))
            .is_ok()
    }

    /// Makes and signs the payload of `meta` with the issuer's `signer`.
    ///
    /// # Errors
    /// [`LicenseError::Signing`] when the signer fails or returns no SM2 signature.
    pub fn sign(meta: &LicenseMetadata, signer: &dyn Signer) -> Result<Self, LicenseError> {
        let signing = |e: String| LicenseError::Signing { detail: e };
        let spki = signer
            .public_key_spki()
            .map_err(|e| signing(e.to_string()))?;
        let key = PublicKey::from_spki_der(&spki).map_err(|e| signing(e.to_string()))?;
        let id = meta.id.to_string();
        let short = id.strip_prefix(PREFIX).unwrap_or(&id);
        let mut signed = Vec::with_capacity(2 + short.len() + FIXED_TAIL);
        signed.push(PAYLOAD_VERSION);
        // Identifiers are at most MAX_LEN (128) bytes.
        signed.push(u8::try_from(short.len()).map_err(|_| payload_err("identifier too long"))?);
        signed.extend_from_slice(short.as_bytes());
        push_date(&mut signed, date_value(Some(meta.issue_date)));
        push_date(&mut signed, date_value(meta.valid_from));
        push_date(
            &mut signed,
            match meta.valid_until {
                None => DATE_ABSENT,
                Some(ValidUntil::LongTerm) => DATE_LONG_TERM,
                Some(ValidUntil::Date(d)) => date_value(Some(d)),
            },
        );
        signed.extend_from_slice(&key_id(&key));
        signed.extend_from_slice(&meta.key_fields_digest());
        let der = signer
            .sign_sm2_sm3(&signed)
            .map_err(|e| signing(e.to_string()))?;
        let signature = Signature::from_der(&der)
            .map_err(|e| signing(format!("the signer returned no SM2 signature: {e}")))?
            .to_raw();
        Self::from_bytes(&[signed, signature.to_vec()].concat())
    }

    /// Reads the binary payload.
    ///
    /// # Errors
    /// [`LicenseError::Payload`] saying what is wrong with the layout.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LicenseError> {
        let version = *bytes.first().ok_or_else(|| payload_err("empty"))?;
        if version != PAYLOAD_VERSION {
            return Err(payload_err(format!(
                "layout version {version}, expected {PAYLOAD_VERSION}"
            )));
        }
        let n = usize::from(*bytes.get(1).ok_or_else(|| payload_err("truncated"))?);
        let expected = 2 + n + FIXED_TAIL;
        if bytes.len() != expected {
            return Err(payload_err(format!(
                "{} bytes, expected {expected} for an identifier of {n} characters",
                bytes.len()
            )));
        }
        let short = bytes.get(2..2 + n).unwrap_or_default();
        if n == 0
            || !short
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'.')
        {
            return Err(payload_err(
                "the identifier is empty or has characters other than 0-9, A-Z and .",
            ));
        }
        let identifier = format!("{PREFIX}{}", String::from_utf8_lossy(short));
        let tail = bytes.get(2 + n..).unwrap_or_default();
        let date_at = |i: usize| -> u32 {
            let b = tail.get(i * 3..i * 3 + 3).unwrap_or(&[0, 0, 0]);
            b.iter().fold(0u32, |v, x| (v << 8) | u32::from(*x))
        };
        let decode_date = |v: u32, what: &str| -> Result<Option<Date>, LicenseError> {
            if v == DATE_ABSENT {
                return Ok(None);
            }
            let (y, m, d) = (v >> 9, (v >> 5) & 0xF, v & 0x1F);
            let date = u16::try_from(y)
                .ok()
                .and_then(|y| Date::new(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?));
            date.map(Some)
                .ok_or_else(|| payload_err(format!("the {what} is not a calendar date")))
        };
        let issue_date = decode_date(date_at(0), "issue date")?
            .ok_or_else(|| payload_err("the issue date is absent"))?;
        let valid_from = decode_date(date_at(1), "start of validity")?;
        let valid_until = match date_at(2) {
            DATE_LONG_TERM => Some(ValidUntil::LongTerm),
            v => decode_date(v, "end of validity")?.map(ValidUntil::Date),
        };
        let fixed = |from: usize, len: usize| tail.get(from..from + len).unwrap_or_default();
        let mut key_id = [0u8; KEY_ID_LEN];
        key_id.copy_from_slice(fixed(9, KEY_ID_LEN));
        let mut digest = [0u8; DIGEST_LEN];
        digest.copy_from_slice(fixed(9 + KEY_ID_LEN, DIGEST_LEN));
        let mut signature = [0u8; SIGNATURE_LEN];
        signature.copy_from_slice(fixed(9 + KEY_ID_LEN + DIGEST_LEN, SIGNATURE_LEN));
        Ok(Self {
            identifier,
            issue_date,
            valid_from,
            valid_until,
            key_id,
            digest,
            signature,
            signed: bytes
                .get(..expected - SIGNATURE_LEN)
                .unwrap_or_default()
                .to_vec(),
        })
    }

    /// Reads the text form, or the URL form (anything whose last [`PAYLOAD_PREFIX`] follows
    /// `/`, `?`, `=` or `#` of an `http(s)://` URL). Surrounding white space is ignored.
    ///
    /// # Errors
    /// [`LicenseError::TooLarge`] beyond [`MAX_PAYLOAD_TEXT`] / [`MAX_PAYLOAD_URL`];
    /// [`LicenseError::Payload`] otherwise.
    pub fn parse(text: &str) -> Result<Self, LicenseError> {
        if text.len() > MAX_PAYLOAD_URL {
            return Err(LicenseError::TooLarge {
                what: "2D-code text",
                found: text.len(),
                max: MAX_PAYLOAD_URL,
            });
        }
        let text = text.trim();
        let body = if let Some(body) = text.strip_prefix(PAYLOAD_PREFIX) {
            body
        } else if text.starts_with("https://") || text.starts_with("http://") {
            let at = text
                .rfind(PAYLOAD_PREFIX)
                .ok_or_else(|| payload_err(format!("the URL carries no {PAYLOAD_PREFIX} part")))?;
            let before = text.get(..at).unwrap_or_default();
            if !before.ends_with(['/', '?', '=', '#']) {
                return Err(payload_err(format!(
                    "{PAYLOAD_PREFIX} must follow /, ?, = or # in the URL"
                )));
            }
            text.get(at + PAYLOAD_PREFIX.len()..).unwrap_or_default()
        } else {
            return Err(payload_err(format!(
                "the text starts with neither {PAYLOAD_PREFIX} nor http(s)://"
            )));
        };
        if body.len() > MAX_PAYLOAD_TEXT {
            return Err(LicenseError::TooLarge {
                what: "2D-code payload",
                found: body.len(),
                max: MAX_PAYLOAD_TEXT,
            });
        }
        Self::from_bytes(&base32_decode(body)?)
    }
}

fn payload_err(reason: impl Into<String>) -> LicenseError {
    LicenseError::Payload {
        reason: reason.into(),
    }
}

/// The first 8 bytes of SM3 over the uncompressed point.
pub(crate) fn key_id(key: &PublicKey) -> [u8; KEY_ID_LEN] {
    let d = sm3(&key.to_sec1_bytes());
    let mut out = [0u8; KEY_ID_LEN];
    out.copy_from_slice(d.get(..KEY_ID_LEN).unwrap_or(&[0; KEY_ID_LEN]));
    out
}

/// A date as `year << 9 | month << 5 | day` (24 bits).
fn date_value(date: Option<Date>) -> u32 {
    date.map_or(DATE_ABSENT, |d| {
        (u32::from(d.year()) << 9) | (u32::from(d.month()) << 5) | u32::from(d.day())
    })
}

fn push_date(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(v.to_be_bytes().get(1..).unwrap_or_default());
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_char(v: u32) -> char {
    char::from(BASE32.get((v & 31) as usize).copied().unwrap_or(b'A'))
}

/// RFC 4648 Base32 without padding.
pub(crate) fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(base32_char(acc >> bits));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(base32_char(acc << (5 - bits)));
    }
    out
}

/// RFC 4648 Base32 without padding; the unused trailing bits must be zero (one spelling per
/// payload).
fn base32_decode(text: &str) -> Result<Vec<u8>, LicenseError> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = BASE32.iter().position(|&x| x == c).ok_or_else(|| {
            payload_err(format!(
                "character {:?} at position {} is not Base32 (A-Z, 2-7)",
                char::from(c),
                i + 1
            ))
        })?;
        acc = (acc << 5) | u32::try_from(v).unwrap_or(0);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or(0));
        }
        acc &= (1 << bits) - 1;
    }
    if bits >= 5 || acc != 0 {
        return Err(payload_err(
            "the Base32 text has a wrong length or trailing bits",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base32_matches_rfc4648() {
        // RFC 4648 §10 vectors, padding removed.
        for (raw, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(raw.as_bytes()), enc);
            assert_eq!(base32_decode(enc).unwrap(), raw.as_bytes());
        }
        assert!(base32_decode("MZ").is_err(), "non-zero trailing bits");
        assert!(
            base32_decode("M").is_err(),
            "5 bits cannot end a byte string"
        );
        assert!(base32_decode("mzxw6").is_err(), "lowercase");
    }

    #[test]
    fn dates_pack_and_unpack() {
        let d = Date::new(2023, 12, 31).unwrap();
        let mut out = Vec::new();
        push_date(&mut out, date_value(Some(d)));
        assert_eq!(out.len(), 3);
        assert_eq!(date_value(Some(d)), (2023 << 9) | (12 << 5) | 31);
    }
}
