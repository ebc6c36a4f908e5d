//! Finding labelled PEM blocks (RFC 7468) in text that may hold other text too, such as the
//! `Bag Attributes` lines `openssl pkcs12 -nokeys` writes between blocks.

use crate::pki::PkiError;

/// One PEM block: its label and the decoded DER. The DER may hold a secret key; callers that
/// read keys move it into a zeroizing buffer at once.
pub(crate) struct Block {
    /// The label, e.g. `CERTIFICATE` or `ENCRYPTED PRIVATE KEY`.
    pub(crate) label: String,
    /// The decoded bytes.
    pub(crate) der: Vec<u8>,
    /// True when the block carries RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), OpenSSL's
    /// legacy key encryption, which RFC 7468 decoders refuse. Only key files read it.
    #[cfg_attr(not(feature = "keystore"), allow(dead_code))]
    pub(crate) legacy_encrypted: bool,
}

impl Drop for Block {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.der);
    }
}

/// True when `input` looks like PEM text: valid UTF-8 holding a `-----BEGIN ` line.
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    std::str::from_utf8(input).is_ok_and(|t| t.contains("-----BEGIN "))
}

/// Every PEM block of `input`, in order, at most `limit` of them. Text outside blocks is
/// ignored; a block that does not decode is an error naming its label.
pub(crate) fn blocks(input: &[u8], limit: usize) -> Result<Vec<Block>, PkiError> {
    let text = std::str::from_utf8(input).map_err(|e| PkiError::Malformed {
        what: "PEM",
        detail: format!("not UTF-8 text (byte {})", e.valid_up_to()).into(),
    })?;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block_text = rest.get(start..).unwrap_or_default();
        let label_start = "-----BEGIN ".len();
        let label_len = block_text
            .get(label_start..)
            .and_then(|t| t.find("-----"))
            .ok_or_else(|| malformed("a -----BEGIN line without its closing dashes"))?;
        let label = block_text
            .get(label_start..label_start.saturating_add(label_len))
            .unwrap_or_default()
            .to_owned();
        let end_line = format!("-----END {label}-----");
        let end = block_text
            .find(&end_line)
            .ok_or_else(|| malformed(format!("missing \"{end_line}\"")))?
            .saturating_add(end_line.len());
        let block = block_text.get(..end).unwrap_or_default();
        if out.len() >= limit {
            return Err(PkiError::TooMany {
                what: "PEM input",
                limit,
            });
        }
        let legacy_encrypted = block.contains("Proc-Type:");
        let der = if legacy_encrypted {
            Vec::new()
        } else {
            der::pem::decode_vec(block.as_bytes())
                .map_err(|e| malformed(format!("the {label} block does not decode: {e}")))?
                .1
        };
        out.push(Block {
            label,
            der,
            legacy_encrypted,
        });
        rest = block_text.get(end..).unwrap_or_default();
    }
    Ok(out)
}

fn malformed(detail: impl Into<std::borrow::Cow<'static, str>>) -> PkiError {
    PkiError::Malformed {
        what: "PEM",
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn finds_blocks_among_other_text() {
        let text = "Bag Attributes\n    localKeyID: 01\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\nnoise\n-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
        let b = blocks(text.as_bytes(), 10).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].label.as_str(), b[0].der.as_slice()),
            ("CERTIFICATE", &[0x30, 0][..])
        );
        assert_eq!(b[1].label, "X509 CRL");
        assert!(looks_like_pem(text.as_bytes()));
        assert!(!looks_like_pem(b"\x30\x00"));
    }

    #[test]
    fn refuses_broken_and_too_many_blocks() {
        assert!(blocks(b"-----BEGIN CERTIFICATE-----\nMAA=\n", 10).is_err());
        assert!(
            blocks(
                b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
                10
            )
            .is_err()
        );
        let two =
            "-----BEGIN A-----\nMAA=\n-----END A-----\n-----BEGIN A-----\nMAA=\n-----END A-----\n";
        assert!(matches!(
            blocks(two.as_bytes(), 1),
            Err(PkiError::TooMany { .. })
        ));
        assert!(blocks(&[0xff, 0xfe], 1).is_err());
    }

    #[test]
    fn flags_legacy_encryption() {
        let text = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMAA=\n-----END EC PRIVATE KEY-----\n";
        let b = blocks(text.as_bytes(), 4).unwrap();
        assert!(b[0].legacy_encrypted);
    }
}
