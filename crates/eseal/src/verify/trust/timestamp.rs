//! SES timestamps: `SES_Signature.timeStamp` (v4/v5) and the v5 `SESeal.timeStamp`.
//!
//! Both are DER `TimeStampToken`s whose message imprint is SM3 of the stamped signature value
//! (standards notes §3.7, §7). The token's own checks are [`crate::pki::tsp`]'s; this module adds
//! the trust step (the TSA certificate chains to the TSA anchors at genTime and carries
//! id-kp-timeStamping) and maps the result onto the report: only a token that verifies *and*
//! whose TSA is trusted yields a trusted signing time.

use crate::oid;
use crate::pki::tsp::{Imprint, TimestampErrorClass, TimestampToken, TimestampVerifyOptions};
use crate::pki::{Certificate, verify_path_with_cache};
use crate::ses::ParseMode;
use crate::time::Time;
use crate::verify::VerifyOptions;

/// What the timestamp check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimestampOutcome {
    /// The token verifies, covers the stamped bytes and its TSA is trusted: `gen_time` is
    /// trusted time evidence.
    Verified {
        /// The token's genTime.
        gen_time: Time,
        /// What was checked, for the report.
        detail: String,
    },
    /// The token does not verify or does not cover the stamped bytes (a cryptographic failure).
    Failed(String),
    /// The token could not be checked (unsupported, TSA not trusted, no anchors).
    Indeterminate(String),
}

/// Verifies `token` as a timestamp over `stamped` (the signature value bytes): the imprint must
/// be SM3(`stamped`), the token's SignerInfo must verify with the TSA certificate, and the TSA
/// certificate must chain to `opts`' TSA anchors at genTime with id-kp-timeStamping.
pub(crate) fn verify_timestamp(
    token: &[u8],
    stamped: &[u8],
    opts: &VerifyOptions<'_>,
) -> TimestampOutcome {
    let parsed = match TimestampToken::from_der(token) {
        Ok(t) => t,
        Err(e) => return classify(&e.to_string(), e.class()),
    };
    let base = match opts.mode {
        ParseMode::Strict => TimestampVerifyOptions::strict(),
        _ => TimestampVerifyOptions::lenient(),
    };
    let tsp_opts = base.with_certificates(opts.intermediates.iter().cloned());
    let info = match parsed.verify(Imprint::Data(stamped), &tsp_opts) {
        Ok(info) => info,
        Err(e) => return classify(&e.to_string(), e.class()),
    };
    let tsa = info.tsa_certificate.subject_string();
    let gen_time = info.gen_time;
    let imprint = match info.imprint_algorithm {
        crate::pki::tsp::ImprintAlgorithm::Sha256 => "SHA-256",
        _ => "SM3",
    };
    let Some(anchors) = opts.tsa_store() else {
        return TimestampOutcome::Indeterminate(format!(
            "the token by {tsa} (genTime {gen_time}) covers the signature value, but no trust anchors were given for its TSA, so its time is not used"
        ));
    };
    let mut intermediates: Vec<Certificate> = info.certificates.clone();
    intermediates.extend(opts.intermediates.iter().cloned());
    let mut policy = opts.policy.clone();
    policy.required_extended_key_usage = Some(oid::KP_TIME_STAMPING);
    match verify_path_with_cache(
        &info.tsa_certificate,
        &intermediates,
        anchors,
        opts.crls,
        &policy,
        gen_time,
        opts.cache,
    ) {
        Ok(_) => TimestampOutcome::Verified {
            gen_time,
            detail: format!(
                "the token by {tsa} covers the signature value ({imprint} imprint), its signature \
                 verifies and the TSA certificate chains to a trusted anchor at genTime \
                 {gen_time}"
            ),
        },
        Err(e) => TimestampOutcome::Indeterminate(format!(
            "the token by {tsa} (genTime {gen_time}) covers the signature value, but its TSA \
             certificate is not trusted at genTime: {e}; its time is not used"
        )),
    }
}

fn classify(error: &str, class: TimestampErrorClass) -> TimestampOutcome {
    match class {
        TimestampErrorClass::Malformed | TimestampErrorClass::Crypto => {
            TimestampOutcome::Failed(format!("the timestamp token does not verify: {error}"))
        }
        _ => TimestampOutcome::Indeterminate(format!(
            "the timestamp token could not be checked: {error}"
        )),
    }
}
