//! Digital signatures (`Type="Sign"`): the shapes of standards-notes §5.4 mapped onto the
//! report with the same categories as the SES checks (cryptographic vs time vs trust).
//!
//! 1. SignedData with attached content = SM3 of `Signature.xml`, no signed attributes;
//! 2. detached SignedData with signed attributes (messageDigest = SM3 of `Signature.xml`) —
//!    what eseal writes;
//! 3. a bare DER (or raw `r‖s`) SM2 signature over `Signature.xml` with no certificate (ofdrw's
//!    `DigitalSignContainer`): `indeterminate` unless the caller supplies the certificate.

use super::OfdVerifyOptions;
use crate::crypto::sm2::{PublicKey, Signature as Sm2Signature};
use crate::pki::cms::{self, SignedData};
use crate::verify::trust::cms::{Outcome, SignedContent, signed_data, time_and_trust};
use crate::verify::{
    Check, CheckCategory, CheckId, Report, ReportKind, SignatureAlgorithm, Warning,
};

/// The report of a `Type="Sign"` signature over `xml` (the exact `Signature.xml` bytes) whose
/// `SignedValue.dat` is `value`; pushes `ofd.signed_value` onto `ofd_checks`.
pub(super) fn digital_signature(
    xml: &[u8],
    value: &[u8],
    options: &OfdVerifyOptions<'_>,
    ofd_checks: &mut Vec<Check>,
) -> Report {
    let mut report = Report::new(ReportKind::Signature, options.ses.validation_time);
    let outcome = match SignedData::from_der(value) {
        Ok(sd) => {
            ofd_checks.push(Check::passed(
                CheckId::OfdSignedValue,
                CheckCategory::Format,
                format!(
                    "SignedValue.dat holds a SignedData ({} OIDs, {})",
                    match sd.oid_flavour() {
                        cms::OidFlavour::GmT0010 => "GM/T 0010",
                        _ => "PKCS#7",
                    },
                    if sd.is_detached() {
                        "detached"
                    } else {
                        "attached content"
                    }
                ),
            ));
            signed_data(
                &mut report,
                &sd,
                &SignedContent {
                    bytes: Some(xml),
                    digest: [0; 32],
                    what: "Signature.xml",
                    certificates: options.signer_certificates,
                    warning_prefix: "ofd",
                },
                &options.ses,
            )
        }
        Err(cms_error) => match Sm2Signature::from_der_or_raw(value) {
            Ok((sig, _)) => {
                ofd_checks.push(Check::passed(
                    CheckId::OfdSignedValue,
                    CheckCategory::Format,
                    "SignedValue.dat holds a bare SM2 signature (no SignedData, no certificate)",
                ));
                report.warn(Warning::new(
                    "ofd.bare_sm2_signature",
                    "the signed value is a bare SM2 signature over Signature.xml, not a \
                     GB/T 35275 SignedData (ofdrw DigitalSignContainer): the signer certificate \
                     must come from the caller",
                ));
                bare_signature(&mut report, &sig, value, xml, options)
            }
            Err(_) => {
                ofd_checks.push(Check::failed(
                    CheckId::OfdSignedValue,
                    CheckCategory::Format,
                    format!(
                        "SignedValue.dat is neither a SignedData ({cms_error}) nor an SM2 signature"
                    ),
                ));
                return report;
            }
        },
    };
    time_and_trust(&mut report, &outcome, &options.ses);
    report.apply_policy(&options.ses.validation);
    report
}

fn bare_signature(
    report: &mut Report,
    sig: &Sm2Signature,
    value: &[u8],
    xml: &[u8],
    options: &OfdVerifyOptions<'_>,
) -> Outcome {
    let mut outcome = Outcome {
        cert: Err("the signature carries no certificate and none was supplied".into()),
        claimed: None,
        timestamp_tokens: Vec::new(),
        stamped: value.to_vec(),
        algorithm: Some(SignatureAlgorithm::Sm2WithSm3),
        embedded: Vec::new(),
    };
    report.push(Check::passed(
        CheckId::SignatureFormat,
        CheckCategory::Format,
        "a bare SM2 signature (standards-notes §5.4 shape 3)",
    ));
    let candidates = options.signer_certificates;
    let cat = CheckCategory::Cryptographic;
    if candidates.is_empty() {
        report.push(Check::indeterminate(
            CheckId::SignatureValue,
            cat,
            "the signature carries no certificate: supply the signer certificate \
             (OfdVerifyOptions::signer_certificates) to check it",
        ));
    } else {
        let found = candidates.iter().find(|c| {
            c.sm2_public_key()
                .ok()
                .and_then(|p| PublicKey::from_sec1_bytes(p).ok())
                .is_some_and(|k| k.verify(xml, sig).is_ok())
        });
        match found {
            Some(cert) => {
                report.push(Check::passed(
                    CheckId::SignatureValue,
                    cat,
                    format!(
                        "the SM2 signature over Signature.xml verifies with the key of the supplied \
                         certificate \"{}\"",
                        cert.subject_string()
                    ),
                ));
                outcome.cert = Ok(cert.clone());
            }
            None => report.push(Check::failed(
                CheckId::SignatureValue,
                cat,
                format!(
                    "the SM2 signature over Signature.xml verifies with none of the {} supplied \
                     certificate(s): Signature.xml was altered, or the signer is another",
                    candidates.len()
                ),
            )),
        }
    }
    report.push(Check::not_applicable(
        CheckId::DataHash,
        CheckCategory::Binding,
        "the signature is over Signature.xml itself: signature.value decides",
    ));
    outcome
}
