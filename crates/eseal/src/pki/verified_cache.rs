//! [`VerifiedCache`]: certificate signatures already verified, so path validation checks each
//! chain link once per cache.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::sm2_adapter;

/// `(SM3(issuer SEC1 point), SM3(certificate DER))`, or for a document signature
/// `(SM3(signer SEC1 point), SM3(0x00 ‖ e ‖ r ‖ s))`.
type Key = [u8; 64];

/// A memory of certificate signatures already verified, so that path validation checks each
/// chain link once per cache instead of once per validation.
///
/// An entry records one cryptographic fact: "the certificate whose DER has SM3 fingerprint F
/// carries a valid SM2-with-SM3 signature by the key whose SEC1 point is P". That fact does not
/// depend on the validation time, the policy, the trust store or the CRLs, which
/// [`verify_path_with_cache`](super::verify_path_with_cache) still checks on every call; so one
/// cache may serve every validation of a document and of a whole audit, whatever trust anchors
/// and policies they use. Only a signature check that passed inserts an entry, and only eseal
/// inserts: callers cannot plant one.
///
/// CRL signatures are recorded the same way, keyed by the issuer's point and the CRL's SM3.
/// The verifiers of [`crate::verify`] also record document-level SM2 signatures there (a
/// seal's maker signature, which every signature made with that seal repeats): "the signature
/// `r ‖ s` over `e = SM3(Z ‖ M)` verifies with the key P", again a fact about the exact inputs.
/// Pass a cache to them with
/// [`VerifyOptions::verified_cache`](crate::verify::VerifyOptions::verified_cache); without
/// one, each document gets its own, so a link met several times in one document (the chain at
/// the signing time, at the validation time, for revocation) is verified once.
///
/// # Sharing
///
/// The cache is `Send + Sync` (a mutex around a small set): create one per trust engine, or one
/// per audit, and hand `&VerifiedCache` (or an `Arc<VerifiedCache>` across threads) to every
/// validation. A cache is bounded ([`VerifiedCache::capacity`]); when full, the oldest entry is
/// forgotten, which costs a re-verification, never a wrong answer.
///
/// # Soundness
///
/// The key is `(SM3(issuer point), SM3(certificate DER))`. A different issuer key, or any
/// changed byte of the certificate (signature included), gives another key, so a forged or
/// tampered certificate is never a hit; for a document signature the key is
/// `(SM3(signer point), SM3(0x00 ‖ e ‖ r ‖ s))`, so another key, message or signature value is
/// never a hit either. Like the signature itself, this rests on SM3's collision resistance.
pub struct VerifiedCache {
    entries: Mutex<Entries>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Entries {
    set: HashSet<Key>,
    /// Insertion order, oldest first, for eviction.
    order: VecDeque<Key>,
}

impl Entries {
    fn clear(&mut self) {
        self.set.clear();
        self.order.clear();
    }
}

/// Lookup counters of a [`VerifiedCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Lookups that found the link already verified (a signature check saved).
    pub hits: u64,
    /// Lookups that did not (the signature was then checked).
    pub misses: u64,
}

impl VerifiedCache {
    /// Entries kept by [`VerifiedCache::new`]: about 0.5 MiB, far more distinct certificate
    /// links than a national seal platform's CA hierarchy has.
    pub const DEFAULT_CAPACITY: usize = 4096;

    /// An empty cache of [`VerifiedCache::DEFAULT_CAPACITY`] entries.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An empty cache keeping at most `capacity` entries (0 keeps none).
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Most entries kept.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries held now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().set.len()
    }

    /// True when no entry is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry (the counters are kept).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Hits and misses so far.
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// The cache key of "`cert_der_sm3` is signed by the key with SEC1 point `issuer_point`".
    pub(crate) fn key(issuer_point: &[u8], cert_der_sm3: &[u8; 32]) -> Key {
        let mut key = [0u8; 64];
        let (k, c) = key.split_at_mut(32);
        k.copy_from_slice(&sm2_adapter::sm3(issuer_point));
        c.copy_from_slice(cert_der_sm3);
        key
    }

    /// The cache key of "the SM2 signature `r ‖ s` over the digest `e = SM3(Z ‖ M)` verifies
    /// with the key whose SEC1 point is `point`": the whole input of the verification equation.
    /// The leading 0x00 keeps these keys apart from certificate fingerprints (a DER certificate
    /// starts with 0x30).
    pub(crate) fn signature_key(point: &[u8], e: &[u8; 32], r_s: &[u8; 64]) -> Key {
        let mut input = [0u8; 97];
        let (tag, rest) = input.split_at_mut(1);
        tag.fill(0x00);
        let (de, drs) = rest.split_at_mut(32);
        de.copy_from_slice(e);
        drs.copy_from_slice(r_s);
        Self::key(point, &sm2_adapter::sm3(&input))
    }

    /// Whether the link `key` was verified before; counts a hit or a miss.
    pub(crate) fn check(&self, key: &Key) -> bool {
        let hit = self.lock().set.contains(key);
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    /// Records that the link `key` verified. Only for a signature check that passed.
    pub(crate) fn insert(&self, key: Key) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if !entries.set.insert(key) {
            return;
        }
        entries.order.push_back(key);
        while entries.order.len() > self.capacity {
            if let Some(old) = entries.order.pop_front() {
                entries.set.remove(&old);
            }
        }
    }

    /// The entries. A thread that panicked while holding the lock may have left the set and
    /// the order out of step; then start afresh, which only costs re-verification.
    fn lock(&self) -> MutexGuard<'_, Entries> {
        match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                guard.clear();
                self.entries.clear_poison();
                guard
            }
        }
    }
}

impl Default for VerifiedCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for VerifiedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCache")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("stats", &self.stats())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn key(i: u8) -> Key {
        VerifiedCache::key(&[i; 65], &[i; 32])
    }

    #[test]
    fn bounded_oldest_first() {
        let cache = VerifiedCache::with_capacity(2);
        cache.insert(key(1));
        cache.insert(key(2));
        cache.insert(key(2));
        assert_eq!(cache.len(), 2);
        cache.insert(key(3));
        assert_eq!(cache.len(), 2);
        assert!(!cache.check(&key(1)), "the oldest entry was evicted");
        assert!(cache.check(&key(2)));
        assert!(cache.check(&key(3)));
        assert_eq!(cache.stats(), CacheStats { hits: 2, misses: 1 });
        cache.clear();
        assert!(cache.is_empty());
        assert!(!cache.check(&key(3)));

        let none = VerifiedCache::with_capacity(0);
        none.insert(key(1));
        assert!(!none.check(&key(1)));
    }

    #[test]
    fn keys_separate_issuer_and_certificate() {
        assert_ne!(
            VerifiedCache::key(&[1; 65], &[2; 32]),
            VerifiedCache::key(&[3; 65], &[2; 32])
        );
        assert_ne!(
            VerifiedCache::key(&[1; 65], &[2; 32]),
            VerifiedCache::key(&[1; 65], &[4; 32])
        );
    }

    #[test]
    fn shared_across_threads() {
        let cache = std::sync::Arc::new(VerifiedCache::with_capacity(64));
        let handles: Vec<_> = (0..4u8)
            .map(|t| {
                let cache = std::sync::Arc::clone(&cache);
                std::thread::spawn(move || {
                    for i in 0..16u8 {
                        cache.insert(key(t * 16 + i));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(cache.len(), 64);
        assert!((0..64u8).all(|i| cache.check(&key(i))));
    }

    mod with_certificates {
        use super::super::VerifiedCache;
        use crate::pki::path::check_link;
        use crate::pki::{
            Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, Crl,
            CrlTemplate, DistinguishedName, Policy, RevocationStatus, Signer, SoftwareSigner,
            TrustStore, verify_path, verify_path_with_cache,
        };
        use crate::time::Time;

        fn rng() -> rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
            rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
        }

        fn t(days: u64) -> Time {
            Time::from_unix_seconds(1_704_067_200 + days * 86_400)
        }

        fn template(profile: CertificateProfile, cn: &str) -> CertificateTemplate {
            let name = DistinguishedName::new().country("CN").common_name(cn);
            CertificateTemplate::new(profile, name, t(0), t(3650))
        }

        type Ca = CertificateAuthority<SoftwareSigner>;

        /// Root → intermediate → leaf.
        fn chain() -> (Certificate, Certificate, Certificate) {
            let (root, inter, leaf) = authorities();
            (
                root.certificate().clone(),
                inter.certificate().clone(),
                leaf,
            )
        }

        /// The same, with the CAs (to issue CRLs).
        fn authorities() -> (Ca, Ca, Certificate) {
            let root = CertificateAuthority::self_signed(
                SoftwareSigner::generate(&mut rng()).unwrap(),
                &template(CertificateProfile::Root { path_len: None }, "cache root"),
                &mut rng(),
            )
            .unwrap();
            let inter = root
                .issue_ca(
                    SoftwareSigner::generate(&mut rng()).unwrap(),
                    &template(
                        CertificateProfile::Intermediate { path_len: None },
                        "cache CA",
                    ),
                    &mut rng(),
                )
                .unwrap();
            let leaf_key = SoftwareSigner::generate(&mut rng()).unwrap();
            let leaf = inter
                .issue(
                    &template(CertificateProfile::Signer, "cache leaf"),
                    &leaf_key.public_key_spki().unwrap(),
                    &mut rng(),
                )
                .unwrap();
            (root, inter, leaf)
        }

        fn verifications() -> u64 {
            crate::crypto::sm2::signature::verifications()
        }

        /// Verifications `f` makes on this thread.
        fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
            let before = verifications();
            let out = f();
            (out, verifications() - before)
        }

        #[test]
        fn a_hit_skips_the_signature_check() {
            let (_, inter, leaf) = chain();
            let cache = VerifiedCache::new();
            let (r, n) = counted(|| check_link(&leaf, &inter, Some(&cache)));
            assert_eq!((r, n), (Ok(()), 1));
            let (r, n) = counted(|| check_link(&leaf, &inter, Some(&cache)));
            assert_eq!((r, n), (Ok(()), 0), "verified before: not checked again");
            assert_eq!(cache.stats().hits, 1);
            let (r, n) = counted(|| check_link(&leaf, &inter, None));
            assert_eq!((r, n), (Ok(()), 1), "no cache, no skipping");
        }

        #[test]
        fn another_issuer_key_or_a_tampered_certificate_is_no_hit() {
            let (root, inter, leaf) = chain();
            let cache = VerifiedCache::new();
            check_link(&leaf, &inter, Some(&cache)).unwrap();

            // The same certificate under another key: checked, and it fails, every time.
            for _ in 0..2 {
                let (r, n) = counted(|| check_link(&leaf, &root, Some(&cache)));
                assert!(r.is_err());
                assert_eq!(n, 1);
            }

            // A byte of the signature changed: a new fingerprint, so checked, and it fails.
            let mut der = leaf.as_der().to_vec();
            let last = der.len() - 1;
            der[last] ^= 0x01;
            let tampered = Certificate::from_der(&der).unwrap();
            for _ in 0..2 {
                let (r, n) = counted(|| check_link(&tampered, &inter, Some(&cache)));
                assert!(r.is_err());
                assert_eq!(n, 1);
            }
            assert_eq!(cache.len(), 1, "only the passing check was recorded");
            assert_eq!(cache.stats().hits, 0);
        }

        #[test]
        fn a_warm_path_validation_verifies_nothing_and_agrees() {
            let (root, inter, leaf) = chain();
            let trust = TrustStore::from_certificates([root]);
            let intermediates = [inter];
            let policy = Policy::default();
            let cache = VerifiedCache::new();
            let run = |cache| {
                counted(|| {
                    verify_path_with_cache(
                        &leaf,
                        &intermediates,
                        &trust,
                        &[],
                        &policy,
                        t(10),
                        cache,
                    )
                    .unwrap()
                })
            };
            let (cold, n_cold) = run(Some(&cache));
            assert_eq!(n_cold, 2, "leaf by CA, CA by root");
            let (warm, n_warm) = run(Some(&cache));
            assert_eq!(n_warm, 0);
            assert_eq!(warm.chain(), cold.chain());
            assert_eq!(cache.stats().hits, 2);
            let (plain, n_plain) = counted(|| {
                verify_path(&leaf, &intermediates, &trust, &[], &policy, t(10)).unwrap()
            });
            assert_eq!(n_plain, 2);
            assert_eq!(plain.chain(), cold.chain());

            // Validity is still checked on a warm cache.
            let late = verify_path_with_cache(
                &leaf,
                &intermediates,
                &trust,
                &[],
                &policy,
                t(5000),
                Some(&cache),
            );
            assert_eq!(late.unwrap_err().id(), "cert.expired");

            // Hits count against the signature budget like the checks they replace, so a warm
            // cache does not change which inputs are refused.
            let tight = Policy {
                max_signature_checks: 1,
                ..Policy::default()
            };
            let (refused, n) = counted(|| {
                verify_path_with_cache(
                    &leaf,
                    &intermediates,
                    &trust,
                    &[],
                    &tight,
                    t(10),
                    Some(&cache),
                )
            });
            assert_eq!(refused.unwrap_err().id(), "chain.budget_exceeded");
            assert_eq!(n, 0);
        }
        #[test]
        fn crl_signatures_are_cached_and_a_tampered_crl_is_not() {
            let (root, inter, leaf) = authorities();
            let trust = TrustStore::from_certificates([root.certificate().clone()]);
            let intermediates = [inter.certificate().clone()];
            let policy = Policy::default();
            let crls = [
                root.issue_crl(&CrlTemplate::new(t(1), Some(t(100)), 1))
                    .unwrap(),
                inter
                    .issue_crl(&CrlTemplate::new(t(1), Some(t(100)), 1))
                    .unwrap(),
            ];
            let cache = VerifiedCache::new();
            let run = |crls: &[Crl]| {
                counted(|| {
                    verify_path_with_cache(
                        &leaf,
                        &intermediates,
                        &trust,
                        crls,
                        &policy,
                        t(10),
                        Some(&cache),
                    )
                    .unwrap()
                })
            };
            let (cold, n) = run(&crls);
            assert_eq!(n, 4, "two links and two CRLs");
            assert!(cold.revocation_fully_checked());
            let (warm, n) = run(&crls);
            assert_eq!(n, 0);
            assert_eq!(warm.revocation(), cold.revocation());

            // The intermediate's CRL with a changed signature byte: checked, refused, and the
            // leaf's status is unknown, however warm the cache.
            let mut der = crls[1].as_der().to_vec();
            let last = der.len() - 1;
            der[last] ^= 0x01;
            let tampered = [crls[0].clone(), Crl::from_der(&der).unwrap()];
            for _ in 0..2 {
                let (path, n) = run(&tampered);
                assert_eq!(n, 1);
                assert!(matches!(
                    path.revocation()[0].status,
                    RevocationStatus::Unknown { .. }
                ));
            }
        }
    }
}
