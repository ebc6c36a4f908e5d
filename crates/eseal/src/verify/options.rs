//! [`VerifyOptions`]: the one verification context every format's verifier takes (SES seals and
//! signatures, OFD, and the formats built on them): anchors, intermediates, CRLs, validation
//! policy, validation time, and for detached SES signatures the signed data.

use crate::pki::{Certificate, Crl, Policy, TrustStore, VerifiedCache};
use crate::ses::ParseMode;
use crate::time::Time;
use crate::verify::ValidationPolicy;

/// The data a signature should cover, as the caller has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataRef<'a> {
    /// The data (OFD: the bytes of the `Signature.xml` that references the signature).
    Bytes(&'a [u8]),
    /// Its SM3 hash.
    Sm3Digest([u8; 32]),
}

/// How to verify a seal or a signature.
///
/// The defaults check everything that needs no input and leave the rest `indeterminate` with a
/// message saying what is missing: no trust anchors (chains), no validation time (checks "now"),
/// no data (the data hash). The validation policy is [`ValidationPolicy::default_policy`]
/// unless [`VerifyOptions::validation_policy`] sets another: known producer deviations are
/// named warnings, and only [`ParseMode::Strict`] or a policy level `fail` makes them fail
/// `seal.format` or `signature.format`.
#[derive(Debug, Clone)]
pub struct VerifyOptions<'a> {
    pub(crate) signer_anchors: Option<&'a TrustStore>,
    pub(crate) maker_anchors: Option<&'a TrustStore>,
    pub(crate) tsa_anchors: Option<&'a TrustStore>,
    pub(crate) intermediates: &'a [Certificate],
    pub(crate) crls: &'a [Crl],
    pub(crate) policy: Policy,
    pub(crate) mode: ParseMode,
    pub(crate) validation_time: Option<Time>,
    pub(crate) data: Option<DataRef<'a>>,
    pub(crate) validation: ValidationPolicy,
    pub(crate) cache: Option<&'a VerifiedCache>,
}

impl Default for VerifyOptions<'_> {
    fn default() -> Self {
        let validation = ValidationPolicy::default_policy();
        Self {
            signer_anchors: None,
            maker_anchors: None,
            tsa_anchors: None,
            intermediates: &[],
            crls: &[],
            policy: validation.path_policy().clone(),
            mode: validation.parse_mode(),
            validation_time: None,
            data: None,
            validation,
            cache: None,
        }
    }
}

impl<'a> VerifyOptions<'a> {
    /// The default validation policy, strict RFC 5280 paths, no anchors, no time, no data.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The validation policy (levels per check and deviation, path options); also sets the
    /// path policy and parse mode it implies.
    #[must_use]
    pub fn validation_policy(mut self, policy: ValidationPolicy) -> Self {
        self.policy = policy.path_policy().clone();
        self.mode = policy.parse_mode();
        self.validation = policy;
        self
    }

    /// The validation policy in use.
    #[must_use]
    pub fn validation(&self) -> &ValidationPolicy {
        &self.validation
    }

    /// Trust anchors for both the signer and the seal maker certificates (unless
    /// [`VerifyOptions::maker_trust_anchors`] sets others for makers).
    #[must_use]
    pub fn trust_anchors(mut self, anchors: &'a TrustStore) -> Self {
        self.signer_anchors = Some(anchors);
        self
    }

    /// Separate trust anchors for seal maker (制章者) certificates.
    #[must_use]
    pub fn maker_trust_anchors(mut self, anchors: &'a TrustStore) -> Self {
        self.maker_anchors = Some(anchors);
        self
    }

    /// Trust anchors for time-stamping authorities (default: the common anchors).
    #[must_use]
    pub fn tsa_trust_anchors(mut self, anchors: &'a TrustStore) -> Self {
        self.tsa_anchors = Some(anchors);
        self
    }

    /// Intermediate CA certificates to build paths with (any order).
    #[must_use]
    pub fn intermediates(mut self, intermediates: &'a [Certificate]) -> Self {
        self.intermediates = intermediates;
        self
    }

    /// CRLs for revocation checking. Without CRLs, revocation is reported as not checked
    /// (`not_applicable`).
    #[must_use]
    pub fn crls(mut self, crls: &'a [Crl]) -> Self {
        self.crls = crls;
        self
    }

    /// The path-validation policy (default [`Policy::strict`]).
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Lenient (the default policy's) or strict parsing; strict makes every deviation fail its
    /// format check whatever the policy's levels say.
    #[must_use]
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.mode = mode;
        self
    }

    /// The validation time ("now", as the caller defines it). Without it, the checks at the
    /// validation time are `indeterminate`.
    #[must_use]
    pub fn validation_time(mut self, at: Time) -> Self {
        self.validation_time = Some(at);
        self
    }

    /// The data the signature should cover. Without it, `signature.data_hash` is
    /// `indeterminate`.
    #[must_use]
    pub fn data(mut self, data: DataRef<'a>) -> Self {
        self.data = Some(data);
        self
    }

    /// A cache of SM2 signatures already verified, shared by every verification given it
    /// (documents, threads, an audit): a certificate link or a seal's maker signature verified
    /// once is not verified again. Results never depend on it (see [`VerifiedCache`]). Without
    /// one, each document gets a cache of its own.
    #[must_use]
    pub fn verified_cache(mut self, cache: &'a VerifiedCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The shared cache, if one was given.
    #[must_use]
    pub fn cache(&self) -> Option<&'a VerifiedCache> {
        self.cache
    }

    /// Runs `f` with these options and a cache: the caller's, else a fresh one for this
    /// document, so that a link checked several times in one document is verified once. The
    /// entry point of every format's verifier wraps its work in this.
    pub(crate) fn with_cache<R>(&self, f: impl FnOnce(&VerifyOptions<'_>) -> R) -> R {
        if self.cache.is_some() {
            return f(self);
        }
        let local = VerifiedCache::new();
        let mut opts = self.clone();
        opts.cache = Some(&local);
        f(&opts)
    }

    /// The anchors for maker certificates: the maker anchors if set, else the common ones.
    pub(crate) fn maker_store(&self) -> Option<&'a TrustStore> {
        self.maker_anchors.or(self.signer_anchors)
    }

    /// The anchors for TSA certificates: the TSA anchors if set, else the common ones.
    pub(crate) fn tsa_store(&self) -> Option<&'a TrustStore> {
        self.tsa_anchors.or(self.signer_anchors)
    }
}
