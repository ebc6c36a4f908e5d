//! The boundary to RFC 3161 timestamp verification.
//!
//! SES timestamps (`SES_Signature.timeStamp`, the v5 `SESeal.timeStamp`) are DER
//! `TimeStampToken`s whose message imprint is SM3 of the stamped signature value (standards
//! notes §3.7, §7). Their verification belongs to `pki::tsp`; until it is wired in, every
//! present token is reported `indeterminate`, never `passed`, and the claimed times stay the
//! signing time. Wiring it in changes [`verify_timestamp`] only.

use super::super::options::VerifyOptions;
use crate::time::Time;

/// What the timestamp check concluded.
#[allow(
    dead_code,
    reason = "Verified and Failed are produced once pki::tsp is wired into verify_timestamp"
)]
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
    /// The token could not be checked (unsupported, TSA not trusted, not implemented).
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
    let _ = (token, stamped, opts.tsa_store());
    TimestampOutcome::Indeterminate(
        "timestamp verification not yet available: the token is present but was not checked, \
         so the claimed time is used"
            .to_owned(),
    )
}
