//! Test and fuzzing hooks. **Not for production use**: nothing here is a supported API, and it
//! may change or disappear in any release.
//!
//! Each hook exists to reproduce a published test vector exactly or to reach code a fuzzer
//! could not otherwise reach.

/// SM2 signing with a caller-chosen nonce `k`, to reproduce the worked example of
/// GB/T 32918.2 Annex A. Reusing or leaking `k` reveals the private key: **never use this to sign
/// real data.**
pub use crate::crypto::sm2::signature::sign_digest_with_fixed_k as sm2_sign_digest_with_fixed_k;
