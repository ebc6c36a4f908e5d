//! PEM (RFC 7468) framing of the key encodings.
//!
//! Decoding uses `der`'s RFC 7468 decoder. Encoding is written here on top of `base64ct`
//! because every eseal PEM output has a known label and a small DER body, so it cannot fail,
//! while the crate encoders return a `Result` the caller could do nothing about.

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::crypto::CryptoError;

/// `-----BEGIN PRIVATE KEY-----`: PKCS#8 `PrivateKeyInfo`.
pub(crate) const PKCS8_LABEL: &str = "PRIVATE KEY";
/// `-----BEGIN EC PRIVATE KEY-----`: SEC1 `ECPrivateKey`.
pub(crate) const SEC1_LABEL: &str = "EC PRIVATE KEY";
/// `-----BEGIN PUBLIC KEY-----`: `SubjectPublicKeyInfo`.
pub(crate) const SPKI_LABEL: &str = "PUBLIC KEY";
/// `-----BEGIN ENCRYPTED PRIVATE KEY-----`: PKCS#8 `EncryptedPrivateKeyInfo`.
pub(crate) const ENCRYPTED_PKCS8_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// Encodes `der` as PEM with `label`, 64 base64 characters per line, LF line endings
/// (RFC 7468 §2 "strict" form, which OpenSSL writes and reads).
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(Base64::encode_string(der));
    let lines = body.len().div_ceil(64);
    let mut out = String::with_capacity(body.len() + lines + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest: &str = &body;
    while !rest.is_empty() {
        // base64 output is ASCII, so every byte index is a char boundary.
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    Zeroizing::new(out)
}

/// Decodes PEM whose label must be `expected`; the DER body is zeroized on drop.
pub(crate) fn decode(
    pem: &str,
    expected: &'static str,
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (label, der) = der::pem::decode_vec(pem.as_bytes())
        .map_err(|e| CryptoError::malformed(what, format!("not valid PEM: {e}")))?;
    let der = Zeroizing::new(der);
    if label == expected {
        return Ok(der);
    }
    if label == ENCRYPTED_PKCS8_LABEL {
        return Err(CryptoError::Unsupported {
            what,
            detail: "the key is password-protected (ENCRYPTED PRIVATE KEY); decrypt it with \
                     the encrypted PKCS#8 (PBES2) support first"
                .into(),
        });
    }
    Err(CryptoError::malformed(
        what,
        format!("PEM label is \"{label}\", expected \"{expected}\""),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trip_through_the_der_crate() {
        for len in [1usize, 47, 48, 49, 91, 138, 500] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let pem = encode("PUBLIC KEY", &data);
            let (label, back) = der::pem::decode_vec(pem.as_bytes()).unwrap();
            assert_eq!(label, "PUBLIC KEY");
            assert_eq!(back, data);
            assert!(pem.lines().all(|l| l.len() <= 64));
        }
    }

    #[test]
    fn wrong_label_is_refused() {
        let pem = encode(SEC1_LABEL, &[0x30, 0x00]);
        let err = decode(&pem, PKCS8_LABEL, "PKCS#8 SM2 private key").unwrap_err();
        assert!(matches!(err, CryptoError::Malformed { .. }), "{err}");
        let pem = encode(ENCRYPTED_PKCS8_LABEL, &[0x30, 0x00]);
        let err = decode(&pem, PKCS8_LABEL, "PKCS#8 SM2 private key").unwrap_err();
        assert!(matches!(err, CryptoError::Unsupported { .. }), "{err}");
        let err = decode("garbage", PKCS8_LABEL, "PKCS#8 SM2 private key").unwrap_err();
        assert!(matches!(err, CryptoError::Malformed { .. }), "{err}");
    }
}
