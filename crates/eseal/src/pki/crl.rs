//! Certificate revocation lists (RFC 5280 §5), SM2-signed, supplied by the caller.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {
//!     tbsCertList          TBSCertList,
//!     signatureAlgorithm   AlgorithmIdentifier,
//!     signatureValue       BIT STRING  }
//! ```
//!
//! eseal reads complete, direct CRLs: a CRL whose extensions it cannot honour (a delta CRL, a
//! critical issuingDistributionPoint, an indirect CRL's certificateIssuer entries, any unknown
//! critical extension) is read, but [`Crl::is_usable`] says no and path validation does not rely
//! on it.

use std::fmt;
use std::ops::Range;

use der::asn1::{GeneralizedTime, OctetString, Uint};
use der::{Decode, Encode};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber, CrlReason};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::builder::{self, CertificateAuthority, Signer};
use super::certificate::{self, Certificate, KeyUsage};
use super::error::PkiError;
use crate::oid;
use crate::time::Time;

/// Largest CRL accepted, in bytes of DER. Large national CAs publish CRLs of several MiB.
pub const MAX_CRL_SIZE: usize = 32 * 1024 * 1024;

/// Why a certificate was revoked (RFC 5280 §5.3.1 `CRLReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationReason {
    /// `unspecified` (0).
    Unspecified,
    /// `keyCompromise` (1).
    KeyCompromise,
    /// `cACompromise` (2).
    CaCompromise,
    /// `affiliationChanged` (3).
    AffiliationChanged,
    /// `superseded` (4).
    Superseded,
    /// `cessationOfOperation` (5).
    CessationOfOperation,
    /// `certificateHold` (6).
    CertificateHold,
    /// `removeFromCRL` (8).
    RemoveFromCrl,
    /// `privilegeWithdrawn` (9).
    PrivilegeWithdrawn,
    /// `aACompromise` (10).
    AaCompromise,
}

impl RevocationReason {
    fn from_x509(r: CrlReason) -> Self {
        match r {
            CrlReason::Unspecified => Self::Unspecified,
            CrlReason::KeyCompromise => Self::KeyCompromise,
            CrlReason::CaCompromise => Self::CaCompromise,
            CrlReason::AffiliationChanged => Self::AffiliationChanged,
            CrlReason::Superseded => Self::Superseded,
            CrlReason::CessationOfOperation => Self::CessationOfOperation,
            CrlReason::CertificateHold => Self::CertificateHold,
            CrlReason::RemoveFromCRL => Self::RemoveFromCrl,
            CrlReason::PrivilegeWithdrawn => Self::PrivilegeWithdrawn,
            CrlReason::AaCompromise => Self::AaCompromise,
        }
    }

    fn to_x509(self) -> CrlReason {
        match self {
            Self::Unspecified => CrlReason::Unspecified,
            Self::KeyCompromise => CrlReason::KeyCompromise,
            Self::CaCompromise => CrlReason::CaCompromise,
            Self::AffiliationChanged => CrlReason::AffiliationChanged,
            Self::Superseded => CrlReason::Superseded,
            Self::CessationOfOperation => CrlReason::CessationOfOperation,
            Self::CertificateHold => CrlReason::CertificateHold,
            Self::RemoveFromCrl => CrlReason::RemoveFromCRL,
            Self::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
            Self::AaCompromise => CrlReason::AaCompromise,
        }
    }

    /// The RFC 5280 name, e.g. `keyCompromise`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        }
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One entry of a CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevokedEntry {
    /// Serial number of the revoked certificate (big-endian magnitude).
    pub serial: Vec<u8>,
    /// `revocationDate`: from when the certificate is revoked.
    pub revoked_at: Time,
    /// The `reasonCode` entry extension, when present.
    pub reason: Option<RevocationReason>,
    /// The `invalidityDate` entry extension (when the key is known or suspected to have been
    /// compromised), when present. Informational: eseal judges by `revoked_at`.
    pub invalidity_date: Option<Time>,
}

/// A parsed CRL that keeps its original DER.
#[derive(Clone)]
pub struct Crl {
    der: Vec<u8>,
    /// SM3 of `der`, the CRL's key in a [`super::VerifiedCache`].
    fingerprint: [u8; 32],
    tbs: Range<usize>,
    inner: CertificateList,
    crl_number: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    unusable: Option<String>,
}

impl Crl {
    /// Reads one DER-encoded CRL.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        if der.len() > MAX_CRL_SIZE {
            return Err(PkiError::TooLarge {
                what: "CRL",
                limit: MAX_CRL_SIZE,
                found: der.len(),
            });
        }
        let tbs = certificate::signed_part("CRL", der)?;
        let inner = CertificateList::from_der(der).map_err(|e| PkiError::der("CRL", e))?;
        let tbs_list = &inner.tbs_cert_list;
        if inner.signature_algorithm != tbs_list.signature {
            return Err(PkiError::malformed(
                "CRL",
                "signatureAlgorithm differs from tbsCertList.signature (RFC 5280 §5.1.1.2)",
            ));
        }
        let mut crl_number = None;
        let mut authority_key_id = None;
        let mut unusable = None;
        for ext in tbs_list.crl_extensions.iter().flatten() {
            let value = ext.extn_value.as_bytes();
            let bad = |e: der::Error| {
                PkiError::malformed("CRL extension", format!("{}: {}", ext.extn_id, e.kind()))
            };
            if ext.extn_id == oid::CE_CRL_NUMBER {
                crl_number = Some(
                    CrlNumber::from_der(value)
                        .map_err(bad)?
                        .0
                        .as_bytes()
                        .to_vec(),
                );
            } else if ext.extn_id == oid::CE_AUTHORITY_KEY_IDENTIFIER {
                let aki = AuthorityKeyIdentifier::from_der(value).map_err(bad)?;
                authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            } else if ext.extn_id == oid::CE_DELTA_CRL_INDICATOR {
                unusable = Some("it is a delta CRL; eseal needs a complete CRL".to_owned());
            } else if ext.critical {
                unusable = Some(format!(
                    "it has the critical extension {} that eseal cannot process",
                    ext.extn_id
                ));
            }
        }
        for entry in tbs_list.revoked_certificates.iter().flatten() {
            for ext in entry.crl_entry_extensions.iter().flatten() {
                if ext.critical {
                    unusable = Some(format!(
                        "an entry has the critical extension {} (e.g. an indirect CRL) that eseal cannot process",
                        ext.extn_id
                    ));
                }
            }
        }
        Ok(Self {
            fingerprint: super::sm2_adapter::sm3(der),
            der: der.to_vec(),
            tbs,
            inner,
            crl_number,
            authority_key_id,
            unusable,
        })
    }

    /// Reads exactly one PEM `X509 CRL` block.
    pub fn from_pem(pem: &[u8]) -> Result<Self, PkiError> {
        let mut blocks = certificate::pem_blocks(pem, "X509 CRL", 2)?;
        match (blocks.pop(), blocks.is_empty()) {
            (Some(der), true) => Self::from_der(&der),
            (Some(_), false) => Err(PkiError::malformed(
                "PEM CRL",
                "more than one X509 CRL block",
            )),
            (None, _) => Err(PkiError::malformed("PEM CRL", "no X509 CRL block found")),
        }
    }

    /// Reads DER, or PEM when the input starts with `-----BEGIN`.
    pub fn from_der_or_pem(input: &[u8]) -> Result<Self, PkiError> {
        let trimmed = input
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        if input
            .get(trimmed..)
            .is_some_and(|r| r.starts_with(b"-----BEGIN"))
        {
            Self::from_pem(input)
        } else {
            Self::from_der(input)
        }
    }

    /// The DER encoding, exactly as read.
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// The CRL as one PEM block.
    #[must_use]
    pub fn to_pem(&self) -> String {
        certificate::to_pem("X509 CRL", &self.der)
    }

    /// The exact DER bytes of `tbsCertList`.
    #[must_use]
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The issuer name.
    #[must_use]
    pub fn issuer(&self) -> &Name {
        &self.inner.tbs_cert_list.issuer
    }

    /// `thisUpdate`.
    #[must_use]
    pub fn this_update(&self) -> Time {
        certificate::x509_time(self.inner.tbs_cert_list.this_update)
    }

    /// `nextUpdate`, when present.
    #[must_use]
    pub fn next_update(&self) -> Option<Time> {
        self.inner
            .tbs_cert_list
            .next_update
            .map(certificate::x509_time)
    }

    /// The cRLNumber extension (big-endian magnitude), when present.
    #[must_use]
    pub fn crl_number(&self) -> Option<&[u8]> {
        self.crl_number.as_deref()
    }

    /// The keyIdentifier of the authorityKeyIdentifier extension, when present.
    #[must_use]
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// `None` when eseal can rely on this CRL; otherwise why it cannot.
    #[must_use]
    pub fn is_usable(&self) -> Option<&str> {
        self.unusable.as_deref()
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner
            .tbs_cert_list
            .revoked_certificates
            .as_ref()
            .map_or(0, Vec::len)
    }

    /// True when no certificate is listed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries, in CRL order.
    pub fn entries(&self) -> impl Iterator<Item = RevokedEntry> + '_ {
        self.inner
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .map(entry)
    }

    /// The entry for `serial` (big-endian magnitude, leading zeros ignored), if listed.
    #[must_use]
    pub fn find(&self, serial: &[u8]) -> Option<RevokedEntry> {
        let wanted = strip_zeros(serial);
        self.inner
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .find(|e| strip_zeros(e.serial_number.as_bytes()) == wanted)
            .map(entry)
    }

    /// Whether `issuer` may have issued this CRL: names equal and, when both carry key
    /// identifiers, AKI = SKI.
    pub(crate) fn names_issuer(&self, issuer: &Certificate) -> bool {
        if self.issuer() != issuer.subject() {
            return false;
        }
        match (self.authority_key_id(), issuer.subject_key_id()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Checks that `issuer` issued and signed this CRL: names and key identifiers agree, the
    /// issuer's keyUsage (if present) includes cRLSign, and the SM2 signature verifies.
    pub fn verify_signature(&self, issuer: &Certificate) -> Result<(), PkiError> {
        self.check_issuer(issuer)?;
        certificate::check_signature(
            &self.inner.signature_algorithm,
            self.tbs_der(),
            self.inner.signature.as_bytes(),
            issuer.subject_public_key_info(),
        )
        .map_err(|e| e.into_pki_error("CRL"))
    }

    /// SM3 of the CRL's DER.
    pub(crate) fn fingerprint_sm3(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// What [`Crl::verify_signature`] checks besides the signature: `issuer` is named as the
    /// CRL's issuer and may sign CRLs.
    pub(crate) fn check_issuer(&self, issuer: &Certificate) -> Result<(), PkiError> {
        if !self.names_issuer(issuer) {
            return Err(PkiError::WrongIssuer {
                crl_issuer: self.issuer().to_string(),
                certificate: issuer.subject_string(),
            });
        }
        if issuer
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::CRL_SIGN))
        {
            return Err(PkiError::invalid(
                "CRL issuer",
                "its keyUsage does not include cRLSign (RFC 5280 §4.2.1.3)",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Crl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crl")
            .field("issuer", &self.issuer().to_string())
            .field("this_update", &self.this_update())
            .field("next_update", &self.next_update())
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b.get(start..).unwrap_or_default()
}

fn entry(e: &RevokedCert) -> RevokedEntry {
    let mut reason = None;
    let mut invalidity_date = None;
    for ext in e.crl_entry_extensions.iter().flatten() {
        let value = ext.extn_value.as_bytes();
        if ext.extn_id == oid::CE_CRL_REASON {
            // An undecodable reason is treated as absent: the entry still revokes.
            reason = CrlReason::from_der(value)
                .ok()
                .map(RevocationReason::from_x509);
        } else if ext.extn_id == oid::CE_INVALIDITY_DATE {
            invalidity_date = GeneralizedTime::from_der(value)
                .ok()
                .map(|t| Time::from_unix_seconds(t.to_unix_duration().as_secs()));
        }
    }
    RevokedEntry {
        serial: e.serial_number.as_bytes().to_vec(),
        revoked_at: certificate::x509_time(e.revocation_date),
        reason,
        invalidity_date,
    }
}

/// The contents of a CRL to issue with [`CertificateAuthority::issue_crl`].
#[derive(Debug, Clone)]
pub struct CrlTemplate {
    this_update: Time,
    next_update: Option<Time>,
    crl_number: u64,
    revoked: Vec<(Vec<u8>, Time, Option<RevocationReason>)>,
}

impl CrlTemplate {
    /// A CRL issued at `this_update`, next expected at `next_update` (RFC 5280 requires one).
    #[must_use]
    pub fn new(this_update: Time, next_update: Option<Time>, crl_number: u64) -> Self {
        Self {
            this_update,
            next_update,
            crl_number,
            revoked: Vec::new(),
        }
    }

    /// Lists the certificate with `serial` as revoked from `revoked_at`.
    #[must_use]
    pub fn revoke(
        mut self,
        serial: &[u8],
        revoked_at: Time,
        reason: Option<RevocationReason>,
    ) -> Self {
        self.revoked.push((serial.to_vec(), revoked_at, reason));
        self
    }
}

impl<S: Signer> CertificateAuthority<S> {
    /// Issues a CRL signed by this CA, with cRLNumber and authorityKeyIdentifier extensions.
    pub fn issue_crl(&self, template: &CrlTemplate) -> Result<Crl, PkiError> {
        if template
            .next_update
            .is_some_and(|n| n < template.this_update)
        {
            return Err(PkiError::invalid("CRL", "nextUpdate is before thisUpdate"));
        }
        let issuer = self.certificate();
        let number = template.crl_number.to_be_bytes();
        let number =
            Uint::new(strip_zeros(&number)).map_err(|e| PkiError::encode("CRL number", e))?;
        let aki = match issuer.subject_key_id() {
            Some(id) => id.to_vec(),
            None => builder::key_identifier(issuer.subject_public_key_info()),
        };
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(aki).map_err(|e| PkiError::encode("AKI", e))?),
            ..Default::default()
        };
        let mut revoked = Vec::with_capacity(template.revoked.len());
        for (serial, at, reason) in &template.revoked {
            let serial_number: SerialNumber = SerialNumber::new(serial)
                .map_err(|_| PkiError::invalid("serial number", "must be at most 20 bytes"))?;
            let crl_entry_extensions = match reason {
                Some(r) => Some(vec![builder::extension(
                    oid::CE_CRL_REASON,
                    false,
                    &r.to_x509(),
                )?]),
                None => None,
            };
            revoked.push(RevokedCert {
                serial_number,
                revocation_date: certificate::to_x509_time(*at, "revocationDate")?,
                crl_entry_extensions,
            });
        }
        let tbs = TbsCertList {
            version: x509_cert::Version::V2,
            signature: builder::sm2_with_sm3(),
            issuer: issuer.subject().clone(),
            this_update: certificate::to_x509_time(template.this_update, "thisUpdate")?,
            next_update: template
                .next_update
                .map(|t| certificate::to_x509_time(t, "nextUpdate"))
                .transpose()?,
            revoked_certificates: if revoked.is_empty() {
                None
            } else {
                Some(revoked)
            },
            crl_extensions: Some(vec![
                builder::extension(oid::CE_CRL_NUMBER, false, &CrlNumber(number))?,
                builder::extension(oid::CE_AUTHORITY_KEY_IDENTIFIER, false, &aki)?,
            ]),
        };
        let tbs = tbs
            .to_der()
            .map_err(|e| PkiError::encode("tbsCertList", e))?;
        let sig = self.sign_checked(&tbs)?;
        Crl::from_der(&builder::wrap_signed(&tbs, &sig, "CRL")?)
    }
}
