//! Certificates and CRLs from the contents of the files users hand over: a PEM bundle (any
//! number of blocks, with or without text around them) or a single DER object.
//!
//! Operators keep trust anchors and intermediates in `.pem`/`.crt` bundles, `.cer`/`.der`
//! files, or the output of `openssl pkcs12 -nokeys` (blocks with `Bag Attributes` lines
//! between them); CRLs come as `.crl` in PEM or DER. These functions take those bytes as they
//! are, so the command line, the C ABI and the browser all load them the same way:
//!
//! ```
//! use eseal::certfile;
//! use eseal::pki::{PkiError, TrustStore};
//!
//! /// Trust anchors from every file a user named, already read into memory.
//! fn anchors(files: &[Vec<u8>]) -> Result<TrustStore, PkiError> {
//!     let mut store = TrustStore::new();
//!     for bytes in files {
//!         for cert in certfile::read_certificates(bytes)? {
//!             store.add(cert);
//!         }
//!     }
//!     Ok(store)
//! }
//! assert!(anchors(&[b"not a certificate".to_vec()]).is_err());
//! ```
//!
//! The core does no file I/O: reading files and walking directories is the caller's job.
//! Work is bounded by the limits of [`crate::pki`]: at most [`MAX_PEM_SIZE`] bytes and
//! [`MAX_PEM_CERTIFICATES`] blocks per input, each certificate or CRL within its own cap.

pub(crate) mod pem;

use crate::pki::{Certificate, Crl, MAX_PEM_CERTIFICATES, MAX_PEM_SIZE, PkiError};

/// PEM labels of certificates: RFC 7468's `CERTIFICATE`, and `X509 CERTIFICATE`, which older
/// software writes (RFC 7468 §5.3).
const CERTIFICATE_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];
/// PEM label of a CRL (RFC 7468 §6).
const CRL_LABEL: &str = "X509 CRL";

/// Reads every certificate of `input`: each `CERTIFICATE` block of PEM text, or one DER
/// certificate.
///
/// Other PEM blocks (keys, CRLs) are skipped, so a combined `.pem` file works; a PEM input
/// with no certificate at all is an error that says what it holds instead.
///
/// # Errors
///
/// [`PkiError::TooLarge`] over [`MAX_PEM_SIZE`], [`PkiError::TooMany`] over
/// [`MAX_PEM_CERTIFICATES`] blocks, [`PkiError::Malformed`] for text that is not PEM, a block
/// that does not decode, or DER that is not a certificate.
pub fn read_certificates(input: &[u8]) -> Result<Vec<Certificate>, PkiError> {
    read_all(
        input,
        &CERTIFICATE_LABELS,
        "certificate",
        Certificate::from_der,
    )
}

/// Reads every CRL of `input`: each `X509 CRL` block of PEM text, or one DER CRL.
///
/// # Errors
///
/// As [`read_certificates`], for CRLs.
pub fn read_crls(input: &[u8]) -> Result<Vec<Crl>, PkiError> {
    read_all(input, &[CRL_LABEL], "CRL", Crl::from_der)
}

fn read_all<T>(
    input: &[u8],
    labels: &[&str],
    what: &'static str,
    parse: impl Fn(&[u8]) -> Result<T, PkiError>,
) -> Result<Vec<T>, PkiError> {
    if input.len() > MAX_PEM_SIZE {
        return Err(PkiError::TooLarge {
            what: "certificate or CRL file",
            limit: MAX_PEM_SIZE,
            found: input.len(),
        });
    }
    if !pem::looks_like_pem(input) {
        return parse(input).map(|one| vec![one]);
    }
    let blocks = pem::blocks(input, MAX_PEM_CERTIFICATES)?;
    let mut out = Vec::new();
    for block in &blocks {
        if labels.contains(&block.label.as_str()) {
            out.push(parse(&block.der)?);
        }
    }
    if out.is_empty() {
        let found: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
        return Err(PkiError::Malformed {
            what: "PEM input",
            detail: format!(
                "no {what} in it (expected a \"{}\" block; found {})",
                labels.first().copied().unwrap_or_default(),
                if found.is_empty() {
                    "no block".to_owned()
                } else {
                    found.join(", ")
                }
            )
            .into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::pki::{
        CertificateAuthority, CertificateProfile, CertificateTemplate, CrlTemplate,
        DistinguishedName, SoftwareSigner, Time,
    };

    fn ca(cn: &str) -> CertificateAuthority<SoftwareSigner> {
        let mut rng = rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng);
        let template = CertificateTemplate::new(
            CertificateProfile::Root { path_len: None },
            DistinguishedName::new().common_name(cn),
            Time::from_unix_seconds(1_700_000_000),
            Time::from_unix_seconds(1_900_000_000),
        );
        CertificateAuthority::self_signed(
            SoftwareSigner::generate(&mut rng).unwrap(),
            &template,
            &mut rng,
        )
        .unwrap()
    }

    #[test]
    fn reads_bundles_single_der_and_crls() {
        let (a, b) = (ca("A"), ca("B"));
        let crl = a
            .issue_crl(&CrlTemplate::new(
                Time::from_unix_seconds(1_800_000_000),
                None,
                1,
            ))
            .unwrap();
        let bundle = format!(
            "Bag Attributes\n{}{}{}",
            a.certificate().to_pem(),
            crl.to_pem(),
            b.certificate().to_pem()
        );
        let certs = read_certificates(bundle.as_bytes()).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(&certs[1], b.certificate());
        assert_eq!(
            read_certificates(a.certificate().as_der()).unwrap().len(),
            1
        );
        assert_eq!(read_crls(bundle.as_bytes()).unwrap().len(), 1);
        assert_eq!(read_crls(crl.as_der()).unwrap().len(), 1);

        let err = read_crls(a.certificate().to_pem().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("found CERTIFICATE"), "{err}");
        assert!(read_certificates(b"garbage").is_err());
        assert!(read_certificates(&vec![b' '; MAX_PEM_SIZE + 1]).is_err());
    }
}
