//! The report types of [`crate::verify`].

use super::policy::{Level, ValidationPolicy};
use crate::time::Time;
use der::asn1::ObjectIdentifier;
use std::borrow::Cow;

pub use crate::ses::{MakerSignedForm, PictureFormat, SesVersion};

/// Version of the JSON report schema (`docs/report-schema.md`). Bumped on any change that
/// removes or renames a field or changes a value's meaning; adding fields or enum values
/// does not bump it.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Status {
    /// Every applicable check passed.
    Valid,
    /// A format, cryptographic or binding check failed (or a decisive time/trust one).
    Invalid,
    /// Nothing is known to be wrong, but something could not be established: no trust
    /// anchor, expired without a timestamp, revocation unknown, a check not performed.
    Indeterminate,
}

impl Status {
    /// Lower-case name as used in the JSON report and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Indeterminate => "indeterminate",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CheckStatus {
    /// The check ran and its condition holds.
    Passed,
    /// The check ran and its condition does not hold.
    Failed,
    /// The check could not be performed or could not reach a conclusion.
    Indeterminate,
    /// The check does not apply to this object (e.g. no timestamp present).
    NotApplicable,
}

impl CheckStatus {
    /// Every outcome, in declaration order.
    pub const ALL: &'static [CheckStatus] = &[
        Self::Passed,
        Self::Failed,
        Self::Indeterminate,
        Self::NotApplicable,
    ];

    /// Lower-case name as used in the JSON report and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Indeterminate => "indeterminate",
            Self::NotApplicable => "not_applicable",
        }
    }
}

/// What kind of property a check establishes; decides how a failure affects the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CheckCategory {
    /// The object follows its standard (structure, version, algorithm identifiers).
    Format,
    /// A signature value or digest verifies over the bytes it covers.
    Cryptographic,
    /// The parts belong together: signer listed in the seal, versions agree, the seal was
    /// used inside its validity window, the document digest matches.
    Binding,
    /// A certificate or token was valid at the relevant time.
    Time,
    /// A certificate chains to a caller-supplied trust anchor under the policy.
    Trust,
    /// Revocation status from caller-supplied CRLs.
    Revocation,
}

impl CheckCategory {
    /// Every category, in declaration order.
    pub const ALL: &'static [CheckCategory] = &[
        Self::Format,
        Self::Cryptographic,
        Self::Binding,
        Self::Time,
        Self::Trust,
        Self::Revocation,
    ];

    /// Whether a failure of this category alone makes the result invalid.
    pub fn failure_invalidates(self) -> bool {
        matches!(self, Self::Format | Self::Cryptographic | Self::Binding)
    }
}

/// Stable identifiers of checks. The dotted string form ([`CheckId::as_str`]) is part of the
/// report schema: C and WASM callers and scripts match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CheckId {
    /// The seal parses, its header says "ES" and a known version.
    SealFormat,
    /// The seal maker's signature verifies over the seal content.
    SealMakerSignature,
    /// The maker certificate chains to a trust anchor.
    SealMakerChain,
    /// The maker certificate was valid when the seal was made.
    SealMakerValidity,
    /// The seal's validity window covers the time in question.
    SealValidity,
    /// The seal maker's timestamp (v5) covers the maker signature.
    SealTimestamp,
    /// The maker's signature algorithm is SM2 with SM3.
    SealMakerAlgorithm,
    /// The maker certificate chains to a trust anchor at the validation time.
    SealMakerChainAtValidation,
    /// The maker certificate was not revoked when the seal was made.
    SealMakerRevocation,
    /// The signature parses and its version is known.
    SignatureFormat,
    /// The signature's version equals the embedded seal's version.
    SignatureVersion,
    /// The signer's signature verifies over TBS_Sign.
    SignatureValue,
    /// The signer certificate is listed in the seal (certificate or digest).
    SignerInSeal,
    /// The signer's signature algorithm is SM2 with SM3.
    SignatureAlgorithm,
    /// The signer certificate chains to a trust anchor at the signing time.
    SignerChain,
    /// The signer certificate chains to a trust anchor at the validation time.
    SignerChainAtValidation,
    /// The signer certificate was valid at the signing time.
    SignerValidity,
    /// The signer certificate was not revoked at the signing time.
    SignerRevocation,
    /// The timestamp token verifies and covers the signature value.
    Timestamp,
    /// The data hash in the signature matches the document or data.
    DataHash,
    /// OFD: `Signature.xml` could be read (present, well-formed, locations inside the package).
    OfdSignatureFile,
    /// OFD: `SignedValue.dat` is present and holds the structure its `Type` announces.
    OfdSignedValue,
    /// OFD: every `Reference`'s file exists and its SM3 digest equals `CheckValue`.
    OfdReferences,
    /// OFD: no content file was added or left unprotected after the signature (files of later
    /// signatures and, in continue-sign mode, `Signatures.xml` excepted).
    OfdCoverage,
    /// OFD: each `StampAnnot` names an existing page and its visible part lies on that page.
    OfdAppearance,
    /// OFD: `Seal.esl` is byte-identical to the seal embedded in the signature.
    OfdSealFile,
    /// PDF: `/ByteRange` covers the file up to the end of a revision, except exactly the
    /// `/Contents` string of this signature.
    PdfByteRange,
    /// PDF: `/Contents` holds the structure the `/SubFilter` announces (CMS SignedData or
    /// SES_Signature).
    PdfSignedValue,
    /// PDF: what the incremental updates after the signature changed (pages, content,
    /// annotations, form fields, DSS).
    PdfCoverage,
    /// PDF: the changes after a certification signature are those its DocMDP permissions
    /// (`/P` 1, 2 or 3) allow.
    PdfDocMdp,
    /// Document: `OFD.xml`, `Document.xml` and `Signatures.xml` could be read.
    DocumentStructure,
    /// Document: the document carries at least one signature.
    DocumentSignatures,
    /// Document: every content file is protected by at least one signature.
    DocumentCoverage,
    /// The license metadata (GB/T 36903) is embedded and every element is valid.
    LicenseMetadata,
    /// A signature that is not invalid protects the metadata (and the 2D-code text).
    LicenseMetadataProtected,
    /// The license identifier (GB/T 36904) is well-formed and its check character right.
    LicenseIdentifier,
    /// The holder code is valid for its kind (USCC, citizen ID number).
    LicenseHolderCode,
    /// The issuer code is a valid USCC, the identifier's, and not contradicted by the issuer certificate.
    LicenseIssuerCode,
    /// The license is in force on the validation date (China time): a separate verdict from authenticity.
    LicenseValidity,
    /// The 2D-code payload is readable and (for a file) matches the metadata and the issuer.
    LicensePayload,
    /// The 2D-code payload's SM2 signature verifies with the issuer's key.
    LicensePayloadSignature,
    /// The 2D-code payload's issuer certificate chains to a trust anchor at the validation time.
    LicenseIssuerChain,
    /// The 2D-code payload's issuer certificate path is not revoked (caller's CRLs).
    LicenseIssuerRevocation,
}

impl CheckId {
    /// The stable dotted identifier, e.g. `seal.maker_signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SealFormat => "seal.format",
            Self::SealMakerSignature => "seal.maker_signature",
            Self::SealMakerChain => "seal.maker_chain",
            Self::SealMakerValidity => "seal.maker_validity",
            Self::SealValidity => "seal.validity",
            Self::SealTimestamp => "seal.timestamp",
            Self::SealMakerAlgorithm => "seal.maker_algorithm",
            Self::SealMakerChainAtValidation => "seal.maker_chain_at_validation",
            Self::SealMakerRevocation => "seal.maker_revocation",
            Self::SignatureFormat => "signature.format",
            Self::SignatureVersion => "signature.version",
            Self::SignatureValue => "signature.value",
            Self::SignerInSeal => "signature.signer_in_seal",
            Self::SignatureAlgorithm => "signature.algorithm",
            Self::SignerChain => "signature.signer_chain",
            Self::SignerChainAtValidation => "signature.signer_chain_at_validation",
            Self::SignerValidity => "signature.signer_validity",
            Self::SignerRevocation => "signature.signer_revocation",
            Self::Timestamp => "signature.timestamp",
            Self::DataHash => "signature.data_hash",
            Self::OfdSignatureFile => "ofd.signature_file",
            Self::OfdSignedValue => "ofd.signed_value",
            Self::OfdReferences => "ofd.references",
            Self::OfdCoverage => "ofd.coverage",
            Self::OfdAppearance => "ofd.appearance",
            Self::OfdSealFile => "ofd.seal_file",
            Self::PdfByteRange => "pdf.byte_range",
            Self::PdfSignedValue => "pdf.signed_value",
            Self::PdfCoverage => "pdf.coverage",
            Self::PdfDocMdp => "pdf.docmdp",
            Self::DocumentStructure => "document.structure",
            Self::DocumentSignatures => "document.signatures",
            Self::DocumentCoverage => "document.coverage",
            Self::LicenseMetadata => "license.metadata",
            Self::LicenseMetadataProtected => "license.metadata_protected",
            Self::LicenseIdentifier => "license.identifier",
            Self::LicenseHolderCode => "license.holder_code",
            Self::LicenseIssuerCode => "license.issuer_code",
            Self::LicenseValidity => "license.validity",
            Self::LicensePayload => "license.payload",
            Self::LicensePayloadSignature => "license.payload_signature",
            Self::LicenseIssuerChain => "license.issuer_chain",
            Self::LicenseIssuerRevocation => "license.issuer_revocation",
        }
    }

    /// Every identifier, in report order.
    pub const ALL: &'static [CheckId] = &[
        Self::SealFormat,
        Self::SealMakerAlgorithm,
        Self::SealMakerSignature,
        Self::SealMakerChain,
        Self::SealMakerChainAtValidation,
        Self::SealMakerValidity,
        Self::SealMakerRevocation,
        Self::SealValidity,
        Self::SealTimestamp,
        Self::SignatureFormat,
        Self::SignatureVersion,
        Self::SignatureAlgorithm,
        Self::SignatureValue,
        Self::SignerInSeal,
        Self::SignerChain,
        Self::SignerChainAtValidation,
        Self::SignerValidity,
        Self::SignerRevocation,
        Self::Timestamp,
        Self::DataHash,
        Self::OfdSignatureFile,
        Self::OfdSignedValue,
        Self::OfdReferences,
        Self::OfdCoverage,
        Self::OfdAppearance,
        Self::OfdSealFile,
        Self::PdfByteRange,
        Self::PdfSignedValue,
        Self::PdfCoverage,
        Self::PdfDocMdp,
        Self::DocumentStructure,
        Self::DocumentSignatures,
        Self::DocumentCoverage,
        Self::LicenseMetadata,
        Self::LicenseMetadataProtected,
        Self::LicenseIdentifier,
        Self::LicenseHolderCode,
        Self::LicenseIssuerCode,
        Self::LicenseValidity,
        Self::LicensePayload,
        Self::LicensePayloadSignature,
        Self::LicenseIssuerChain,
        Self::LicenseIssuerRevocation,
    ];
}

#[cfg(feature = "serde")]
impl serde::Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Check {
    // Crate-private: a caller cannot make a failed check decisive-free or relabel its level
    // after the policy was applied; the verdict is derived from these.
    pub(crate) id: CheckId,
    pub(crate) category: CheckCategory,
    pub(crate) status: CheckStatus,
    pub(crate) decisive: bool,
    pub(crate) message: Cow<'static, str>,
    pub(crate) level: Level,
}

impl Check {
    /// Which check.
    #[must_use]
    pub fn id(&self) -> CheckId {
        self.id
    }

    /// What kind of property it establishes.
    #[must_use]
    pub fn category(&self) -> CheckCategory {
        self.category
    }

    /// The outcome.
    #[must_use]
    pub fn status(&self) -> CheckStatus {
        self.status
    }

    /// Whether this outcome makes the whole result invalid (a failure of a format,
    /// cryptographic or binding check, or a decisive time/trust failure, at level `fail`).
    #[must_use]
    pub fn decisive(&self) -> bool {
        self.decisive
    }

    /// What was found, for a person: what was checked against what, and why it failed.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The validation policy's level for this check, which decided its effect on the verdict
    /// (only `fail` checks count; see [`crate::verify::policy`]).
    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }

    /// A check that ran and passed.
    pub fn passed(
        id: CheckId,
        category: CheckCategory,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(id, category, CheckStatus::Passed, message)
    }

    /// A check that ran and failed; decisive when its category's failures invalidate.
    pub fn failed(
        id: CheckId,
        category: CheckCategory,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(id, category, CheckStatus::Failed, message)
    }

    /// A check that could not be performed or reach a conclusion.
    pub fn indeterminate(
        id: CheckId,
        category: CheckCategory,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(id, category, CheckStatus::Indeterminate, message)
    }

    /// A check that does not apply.
    pub fn not_applicable(
        id: CheckId,
        category: CheckCategory,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(id, category, CheckStatus::NotApplicable, message)
    }

    /// A check with the given outcome.
    pub fn new(
        id: CheckId,
        category: CheckCategory,
        status: CheckStatus,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            id,
            category,
            status,
            decisive: status == CheckStatus::Failed && category.failure_invalidates(),
            message: message.into(),
            level: Level::Fail,
        }
    }

    /// Marks a failed time, trust or revocation check as invalidating the result
    /// (e.g. revoked before the trusted signing time). No effect on other outcomes.
    pub fn make_decisive(mut self) -> Self {
        if self.status == CheckStatus::Failed && self.level == Level::Fail {
            self.decisive = true;
        }
        self
    }

    /// Whether this check's outcome counts towards the verdict (its level is `fail`).
    pub fn counts(&self) -> bool {
        self.level == Level::Fail
    }

    /// Applies a policy level: below `fail`, the outcome no longer decides anything.
    pub(crate) fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        if level != Level::Fail {
            self.decisive = false;
        }
        self
    }
}

/// A tolerated deviation from the standard, or another fact the reader should know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Warning {
    /// Stable identifier, e.g. `ses.v4_maker_signs_seal_info_only`.
    pub code: Cow<'static, str>,
    /// What was found and what eseal did about it.
    pub message: Cow<'static, str>,
}

impl Warning {
    /// A warning with a stable code and a message.
    pub fn new(code: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// What was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ReportKind {
    /// A bare electronic seal (SESeal, `.esl`).
    Seal,
    /// An electronic signature (SES_Signature) over data or a document part.
    Signature,
}

/// Where the signing time in a report comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SigningTimeSource {
    /// The signer's own claim (`timeInfo`): not evidence.
    Claimed,
    /// The genTime of a verified timestamp token.
    Timestamp,
}

/// A signature algorithm as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// SM2 with SM3 (`1.2.156.10197.1.501`), the algorithm the standards require.
    Sm2WithSm3,
    /// The SM2 signature OID (`1.2.156.10197.1.301.1`) some producers write instead; eseal
    /// verifies it as SM2 with SM3 and names the deviation.
    Sm2Sign,
    /// Any other algorithm, by its OID (not verified by eseal).
    Other(ObjectIdentifier),
}

impl SignatureAlgorithm {
    /// The algorithm an OID names.
    #[must_use]
    pub fn from_oid(oid: &ObjectIdentifier) -> Self {
        if *oid == crate::oid::SM2_WITH_SM3 {
            Self::Sm2WithSm3
        } else if *oid == crate::oid::SM2_SIGN {
            Self::Sm2Sign
        } else {
            Self::Other(*oid)
        }
    }

    /// The algorithm's OID.
    #[must_use]
    pub fn oid(&self) -> ObjectIdentifier {
        match self {
            Self::Sm2WithSm3 => crate::oid::SM2_WITH_SM3,
            Self::Sm2Sign => crate::oid::SM2_SIGN,
            Self::Other(oid) => *oid,
        }
    }

    /// A name for a person: `SM2-with-SM3`, `SM2`, or the OID.
    #[must_use]
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            Self::Sm2WithSm3 => Cow::Borrowed("SM2-with-SM3"),
            Self::Sm2Sign => Cow::Borrowed("SM2"),
            Self::Other(oid) => Cow::Owned(oid.to_string()),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SignatureAlgorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.oid())
    }
}

/// Facts about the seal picture (印模).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PictureFacts {
    /// The declared type (`PNG`, `ofd`, …), as written in the seal.
    pub declared_type: String,
    /// The format recognised from the bytes, if any (serialised upper-case: `PNG`, `JPEG`, …).
    pub detected_type: Option<PictureFormat>,
    /// Display width in millimetres.
    pub width_mm: i64,
    /// Display height in millimetres.
    pub height_mm: i64,
    /// Size of the picture data in bytes (the bytes themselves are available from the seal).
    pub size_bytes: usize,
}

impl PictureFacts {
    /// The facts of a seal's picture.
    #[must_use]
    pub fn of(picture: &crate::ses::SesEsPictrueInfo) -> Self {
        Self {
            declared_type: picture.picture_type.clone(),
            detected_type: picture.sniffed_format(),
            width_mm: picture.width,
            height_mm: picture.height,
            size_bytes: picture.data.len(),
        }
    }
}

/// Facts about a seal that an auditor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SealFacts {
    /// Structure version (serialised `v1` for GM/T 0031-2014, `v4` for GB/T 38540-2020, `v5`
    /// for GM/T 0031-2025).
    pub version: SesVersion,
    /// Vendor identifier (SES_Header.vid).
    pub vendor_id: String,
    /// Seal identifier (esID).
    pub es_id: String,
    /// Seal name (印章名称).
    pub name: String,
    /// Seal type code (印章类型) as written.
    pub seal_type: i64,
    /// When the seal was made.
    pub created: Option<Time>,
    /// Start of the seal's validity.
    pub valid_from: Option<Time>,
    /// End of the seal's validity.
    pub valid_to: Option<Time>,
    /// Subject of the seal maker (制章者) certificate.
    pub maker_subject: Option<String>,
    /// Subjects (or digests, as hex) of the certificates the seal authorises.
    pub signers: Vec<String>,
    /// The seal picture.
    pub picture: Option<PictureFacts>,
    /// Which bytes the maker signature verified over (serialised `seal_info_only`: the DER of
    /// eSealInfo, as GB/T 38540 makers sign in the field; `seal_info_cert_algorithm`: the
    /// three-element SEQUENCE of GM/T 0031-2014); `None` when it did not verify.
    pub maker_signed_form: Option<MakerSignedForm>,
}

/// Facts about a signature that an auditor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SignatureFacts {
    /// Subject of the signer (签章者) certificate.
    pub signer_subject: Option<String>,
    /// The signing time used for the time checks.
    pub signing_time: Option<Time>,
    /// Where that time comes from.
    pub signing_time_source: Option<SigningTimeSource>,
    /// The time the signer claims (timeInfo), if it could be read.
    pub claimed_time: Option<Time>,
    /// The property string (propertyInfo): what the signer says was signed.
    pub property_info: String,
    /// The signature algorithm (serialised as its dotted OID), `None` when the signature
    /// could not be read far enough to tell.
    pub algorithm: Option<SignatureAlgorithm>,
}

/// The result of verifying a seal or a signature.
///
/// Its fields are private so that the verdict always follows from the checks and the policy:
/// [`Report::status`] is derived again whenever a check is recorded or a policy applied, and
/// nothing else can set it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use = "a report must be inspected: its status says whether the object is valid"]
pub struct Report {
    schema_version: u32,
    kind: ReportKind,
    status: Status,
    validation_time: Option<Time>,
    checks: Vec<Check>,
    warnings: Vec<Warning>,
    seal: Option<SealFacts>,
    signature: Option<SignatureFacts>,
    policy: Cow<'static, str>,
}

impl Report {
    /// An empty report of `kind`; its status stays `Indeterminate` until checks are added.
    pub fn new(kind: ReportKind, validation_time: Option<Time>) -> Self {
        Self {
            schema_version: REPORT_SCHEMA_VERSION,
            kind,
            status: Status::Indeterminate,
            validation_time,
            checks: Vec::new(),
            warnings: Vec::new(),
            seal: None,
            signature: None,
            policy: Cow::Borrowed("default"),
        }
    }

    /// Records a check and updates the status.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
        self.status = Self::derive_status(&self.checks);
    }

    /// Applies `policy`'s levels to every check recorded so far and names the policy in the
    /// report: a check below `fail` that did not pass becomes a warning naming it (`warn`) or
    /// stays in the report only (`inform`, `ignore`). The status is derived again.
    pub fn apply_policy(&mut self, policy: &ValidationPolicy) {
        self.policy = Cow::Owned(policy.name().to_owned());
        let mut notes = Vec::new();
        for check in &mut self.checks {
            let level = policy.check_level(check.id);
            *check = check.clone().with_level(level);
            let not_passed = matches!(
                check.status,
                CheckStatus::Failed | CheckStatus::Indeterminate
            );
            if level == Level::Warn && not_passed {
                notes.push(Warning::new(
                    format!("policy.{}", check.id.as_str()),
                    format!(
                        "{} {} (the policy sets this check to warn, so it does not affect the \
                         verdict): {}",
                        check.id.as_str(),
                        check.status.as_str(),
                        check.message
                    ),
                ));
            }
        }
        for note in notes {
            if !self.warnings.contains(&note) {
                self.warnings.push(note);
            }
        }
        self.status = Self::derive_status(&self.checks);
    }

    /// Records a warning.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// Records the facts about the seal.
    pub fn set_seal(&mut self, facts: SealFacts) {
        self.seal = Some(facts);
    }

    /// Records the facts about the signature.
    pub fn set_signature(&mut self, facts: SignatureFacts) {
        self.signature = Some(facts);
    }

    /// Puts `checks` before the ones recorded so far (a container's own checks, such as an
    /// OFD signature's reference digests, read before the SES checks).
    pub(crate) fn prepend_checks(&mut self, mut checks: Vec<Check>) {
        checks.append(&mut self.checks);
        self.checks = checks;
        self.status = Self::derive_status(&self.checks);
    }

    /// Records `check` at position `index` (or last, if `index` is past the end).
    pub(crate) fn insert_check(&mut self, index: usize, check: Check) {
        let at = index.min(self.checks.len());
        self.checks.insert(at, check);
        self.status = Self::derive_status(&self.checks);
    }

    /// [`REPORT_SCHEMA_VERSION`] at the time the report was made.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// What was verified.
    pub fn kind(&self) -> ReportKind {
        self.kind
    }

    /// The overall verdict, derived from the checks (see [`Report::derive_status`]).
    pub fn status(&self) -> Status {
        self.status
    }

    /// The validation time the time checks used.
    pub fn validation_time(&self) -> Option<Time> {
        self.validation_time
    }

    /// Every check, in the order they ran.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Tolerated deviations and other notes.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Facts about the seal, when it could be read.
    pub fn seal(&self) -> Option<&SealFacts> {
        self.seal.as_ref()
    }

    /// Facts about the signature (absent for a bare seal).
    pub fn signature(&self) -> Option<&SignatureFacts> {
        self.signature.as_ref()
    }

    /// The name of the validation policy the levels came from.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The first check with this id, if it was recorded.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The verdict over a list of checks (fail-closed, see the module docs).
    pub fn derive_status(checks: &[Check]) -> Status {
        let counted = || checks.iter().filter(|c| c.counts());
        if counted().any(|c| c.decisive) {
            return Status::Invalid;
        }
        let unresolved =
            counted().any(|c| matches!(c.status, CheckStatus::Failed | CheckStatus::Indeterminate));
        let any_passed = counted().any(|c| c.status == CheckStatus::Passed);
        if unresolved || !any_passed {
            Status::Indeterminate
        } else {
            Status::Valid
        }
    }

    /// The report as JSON (schema in `docs/report-schema.md`).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> String {
        // Serialising these plain types cannot fail; fall back to a minimal object if it does.
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|_| format!("{{\"status\":\"{}\"}}", self.status.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckCategory as Cat;
    use CheckId as Id;

    #[test]
    fn no_checks_is_indeterminate() {
        assert_eq!(Report::derive_status(&[]), Status::Indeterminate);
        let na = [Check::not_applicable(
            Id::Timestamp,
            Cat::Cryptographic,
            "none",
        )];
        assert_eq!(Report::derive_status(&na), Status::Indeterminate);
    }

    #[test]
    fn all_passed_is_valid() {
        let checks = [
            Check::passed(Id::SignatureValue, Cat::Cryptographic, "ok"),
            Check::not_applicable(Id::Timestamp, Cat::Cryptographic, "none"),
        ];
        assert_eq!(Report::derive_status(&checks), Status::Valid);
    }

    #[test]
    fn crypto_failure_is_invalid_time_failure_is_indeterminate() {
        let expired = Check::failed(Id::SignerValidity, Cat::Time, "expired");
        assert!(!expired.decisive);
        let forged = Check::failed(Id::SignatureValue, Cat::Cryptographic, "bad");
        assert!(forged.decisive);
        let ok = Check::passed(Id::DataHash, Cat::Binding, "ok");
        assert_eq!(
            Report::derive_status(&[ok.clone(), expired.clone()]),
            Status::Indeterminate
        );
        assert_eq!(
            Report::derive_status(&[ok, expired, forged]),
            Status::Invalid
        );
    }

    #[test]
    fn decisive_time_failure_is_invalid() {
        let revoked =
            Check::failed(Id::SignerRevocation, Cat::Revocation, "revoked").make_decisive();
        assert_eq!(Report::derive_status(&[revoked]), Status::Invalid);
        let unknown =
            Check::indeterminate(Id::SignerRevocation, Cat::Revocation, "no CRL").make_decisive();
        assert!(!unknown.decisive, "only failures can be decisive");
    }

    #[test]
    fn indeterminate_crypto_check_is_never_valid() {
        let checks = [
            Check::passed(Id::SealMakerSignature, Cat::Cryptographic, "ok"),
            Check::indeterminate(Id::SignatureValue, Cat::Cryptographic, "no certificate"),
        ];
        assert_eq!(Report::derive_status(&checks), Status::Indeterminate);
    }

    #[test]
    fn check_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for id in CheckId::ALL {
            assert!(seen.insert(id.as_str()), "duplicate id {}", id.as_str());
        }
    }
}
