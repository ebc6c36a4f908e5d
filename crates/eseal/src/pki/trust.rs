//! Trust anchors: the certificates a relying party trusts without further proof.

use super::certificate::Certificate;
use super::error::PkiError;

/// A set of trust-anchor certificates.
///
/// Anchors are trusted as given: their self-signatures are not checked (RFC 5280 §6.1.1(d)
/// takes the anchor's name and key as inputs). An anchor is matched as the issuer of a
/// certificate by name (exact DER) and, when both carry key identifiers, by AKI = SKI.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
}

impl TrustStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A store of the given anchors (duplicates are kept once).
    #[must_use]
    pub fn from_certificates(anchors: impl IntoIterator<Item = Certificate>) -> Self {
        let mut store = Self::new();
        for a in anchors {
            store.add(a);
        }
        store
    }

    /// Reads every `CERTIFICATE` block of a PEM bundle.
    pub fn from_pem(pem: &[u8]) -> Result<Self, PkiError> {
        Ok(Self::from_certificates(Certificate::bundle_from_pem(pem)?))
    }

    /// Adds an anchor unless the same certificate is already present.
    pub fn add(&mut self, anchor: Certificate) {
        if !self.anchors.contains(&anchor) {
            self.anchors.push(anchor);
        }
    }

    /// Reads and adds one DER or PEM certificate.
    pub fn add_der_or_pem(&mut self, input: &[u8]) -> Result<(), PkiError> {
        self.add(Certificate::from_der_or_pem(input)?);
        Ok(())
    }

    /// The anchors, in insertion order.
    #[must_use]
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// Number of anchors.
    #[must_use]
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// True when the store has no anchors.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// True when `cert` is itself one of the anchors.
    #[must_use]
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.anchors.contains(cert)
    }

    /// Anchors that may have issued `cert`.
    pub(crate) fn issuers_of<'a>(
        &'a self,
        cert: &'a Certificate,
    ) -> impl Iterator<Item = &'a Certificate> {
        self.anchors.iter().filter(move |a| cert.names_issuer(a))
    }
}
