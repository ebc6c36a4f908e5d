//! Seal-signature verifications per second (the full procedure of `ses::verify_signature`:
//! parsing, maker and signer signatures, four path validations against an in-memory trust
//! store, data hash), next to raw SM2 verifications per second measured in the same run.
//!
//! The fixture is made at start-up with `eseal::pki` and `eseal::ses`: root CA → seal maker and
//! signer, a GB/T 38540 (v4) seal with a PNG header as picture, a signature over a 4 KiB
//! document. Times are fixed (2024), so the run is reproducible.
//!
//! Run: `cargo bench -p eseal --bench ses_verify` (about 3 s per measurement), or with
//! `-- --quick` (about 1 s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;

use std::hint::black_box;

use fixture::{Fixture, budget, rate, t};

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::ses::{DataRef, VerifyOptions, verify_signature};
use eseal::verify::Status;

fn main() {
    let budget = budget();
    let fixture = Fixture::new();
    let (store, signer_cert) = (&fixture.store, &fixture.signer_cert);
    let document = vec![0x5Au8; 4096];
    let signature = fixture.seal_signature(&document);
    let der = signature.as_der().to_vec();

    let opts = VerifyOptions::new()
        .trust_anchors(store)
        .validation_time(t(60))
        .data(DataRef::Bytes(&document));
    assert_eq!(
        verify_signature(&der, &opts).unwrap().status(),
        Status::Valid
    );

    let key = PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap();
    let value = Sm2Signature::from_der(signature.signature_value()).unwrap();
    let tbs = signature.tbs_der().to_vec();
    assert!(key.verify(&tbs, &value).is_ok());

    let (full, n_full) = rate(budget, || {
        let report = verify_signature(black_box(&der), black_box(&opts)).unwrap();
        assert_eq!(report.status(), Status::Valid);
    });
    let (raw, n_raw) = rate(budget, || {
        key.verify(black_box(&tbs), black_box(&value)).unwrap();
    });
    println!(
        "ses_verify: signature of {} bytes (TBS_Sign {} bytes), v4 seal, chain root → leaf",
        der.len(),
        tbs.len()
    );
    println!("  full SES signature verification: {full:10.1} /s  ({n_full} runs)");
    println!("  raw SM2 verification over TBS:   {raw:10.1} /s  ({n_raw} runs)");
    println!(
        "  ratio: one seal-signature verification costs {:.1} raw SM2 verifications",
        raw / full
    );
}
