//! RFC 3161 timestamps: LocalTsa tokens verified by eseal, every failure class, responses,
//! requests, malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;

use ca::{Chain, chain, key, rng, t, template};
use eseal::crypto::sm3::sm3;
use eseal::pki::cms::{self, OidFlavour};
use eseal::pki::tsp::{
    self, Accuracy, ImprintAlgorithm, LocalTsa, PkiStatus, TimestampError, TimestampErrorClass,
    TimestampResponse, TimestampToken, TimestampVerifyOptions,
};
use eseal::pki::{
    Certificate, CertificateProfile, Policy, Signer, SoftwareSigner, Time, TrustStore, verify_path,
};

const POLICY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.156.10197.6.1.4.9.1");

struct Fixture {
    chain: Chain,
    tsa_cert: Certificate,
    tsa: LocalTsa<SoftwareSigner>,
}

fn tsa_with_key(
    chain: &Chain,
    tsa_key: SoftwareSigner,
    serial: &[u8],
) -> (Certificate, LocalTsa<SoftwareSigner>) {
    let tsa_cert = chain
        .inter
        .issue(
            &template(CertificateProfile::Tsa, "eseal 时间戳 TSA").with_serial(serial),
            &tsa_key.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let tsa = LocalTsa::new(tsa_cert.clone(), tsa_key, POLICY).unwrap();
    (tsa_cert, tsa)
}

fn fixture() -> Fixture {
    let chain = chain();
    let (tsa_cert, tsa) = tsa_with_key(&chain, key(), &[0x51, 0x52]);
    Fixture {
        chain,
        tsa_cert,
        tsa,
    }
}

fn gen_time() -> Time {
    t(1).saturating_add_seconds(3723)
}

const DATA: &[u8] = b"SES_Signature signature value bytes";

#[test]
fn token_round_trip_and_trust_separately() {
    let f = fixture();
    let token = f
        .tsa
        .timestamp(DATA, gen_time(), &[0x01, 0x02, 0x03], None)
        .unwrap();
    let info = tsp::verify_token(&token, DATA).unwrap();
    assert_eq!(info.gen_time, gen_time());
    assert_eq!(info.serial, vec![1, 2, 3]);
    assert_eq!(info.policy, POLICY);
    assert_eq!(info.imprint_algorithm, ImprintAlgorithm::Sm3);
    assert_eq!(info.tst_info.hashed_message, sm3(DATA).to_vec());
    assert_eq!(info.tsa_certificate, f.tsa_cert);
    assert!(info.signing_certificate_bound);
    assert!(info.deviations.is_empty());
    assert_eq!(info.accuracy, None);
    assert_eq!(info.latest_time(), gen_time());
    assert_eq!(info.tst_info.gen_time_fraction, "");

    // Trust is a separate step: chain the TSA certificate at genTime.
    let trust = TrustStore::from_certificates([f.chain.root.certificate().clone()]);
    let path = verify_path(
        &info.tsa_certificate,
        &[f.chain.inter.certificate().clone()],
        &trust,
        &[],
        &Policy::strict(),
        info.gen_time,
    )
    .unwrap();
    assert_eq!(path.chain().len(), 3);
    // An unrelated root: the token still verifies cryptographically, the path does not.
    let other = chain();
    let other_trust = TrustStore::from_certificates([other.root.certificate().clone()]);
    assert!(
        verify_path(
            &info.tsa_certificate,
            &info.certificates,
            &other_trust,
            &[],
            &Policy::strict(),
            info.gen_time
        )
        .is_err()
    );

    let parsed = TimestampToken::from_der(&token).unwrap();
    assert_eq!(parsed.signed_data().oid_flavour(), OidFlavour::Pkcs7);
    assert_eq!(parsed.signed_data().version(), 3);
}

#[test]
fn gm_flavour_digest_variants_accuracy_and_sha256() {
    let f = fixture();
    let tsa = f
        .tsa
        .with_flavour(OidFlavour::GmT0010)
        .with_accuracy(Accuracy {
            seconds: 1,
            millis: 500,
            micros: 0,
        })
        .with_chain([f.chain.inter.certificate().clone()]);
    let token = tsa
        .timestamp(DATA, gen_time(), &[7], Some(&[0, 0x99, 0x10]))
        .unwrap();
    let parsed = TimestampToken::from_der(&token).unwrap();
    assert_eq!(parsed.signed_data().oid_flavour(), OidFlavour::GmT0010);
    assert_eq!(parsed.signed_data().certificates().len(), 2);
    let info = tsp::verify_token_digest(&token, ImprintAlgorithm::Sm3, &sm3(DATA)).unwrap();
    assert_eq!(
        info.accuracy,
        Some(Accuracy {
            seconds: 1,
            millis: 500,
            micros: 0
        })
    );
    assert_eq!(info.latest_time(), gen_time().saturating_add_seconds(2));
    assert_eq!(info.tst_info.nonce.as_deref(), Some(&[0x99, 0x10][..]));

    // Nonce checks.
    let opts = TimestampVerifyOptions::strict().with_nonce(&[0x99, 0x10]);
    parsed.verify(tsp::Imprint::Data(DATA), &opts).unwrap();
    let wrong = TimestampVerifyOptions::strict().with_nonce(&[0x99, 0x11]);
    let err = parsed.verify(tsp::Imprint::Data(DATA), &wrong).unwrap_err();
    assert_eq!(err, TimestampError::NonceMismatch);
    assert_eq!(err.class(), TimestampErrorClass::Crypto);

    // Digest given with the wrong algorithm.
    assert_eq!(
        tsp::verify_token_digest(&token, ImprintAlgorithm::Sha256, &sm3(DATA)).unwrap_err(),
        TimestampError::ImprintMismatch
    );

    // A SHA-256 imprint (international clients).
    let sha = ImprintAlgorithm::Sha256.hash(DATA);
    let token = tsa
        .timestamp_digest(ImprintAlgorithm::Sha256, &sha, gen_time(), &[8], None, true)
        .unwrap();
    let info = tsp::verify_token(&token, DATA).unwrap();
    assert_eq!(info.imprint_algorithm, ImprintAlgorithm::Sha256);
}

#[test]
fn imprint_mismatch_is_a_crypto_failure() {
    let f = fixture();
    let token = f.tsa.timestamp(DATA, gen_time(), &[1], None).unwrap();
    let err = tsp::verify_token(&token, b"other data").unwrap_err();
    assert_eq!(err, TimestampError::ImprintMismatch);
    assert_eq!(err.class(), TimestampErrorClass::Crypto);
}

fn flip_at(token: &[u8], needle: &[u8], offset: usize) -> Vec<u8> {
    let pos = token
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present");
    let mut out = token.to_vec();
    out[pos + offset] ^= 0x01;
    out
}

#[test]
fn tampered_tst_info_and_signed_attributes() {
    let f = fixture();
    let token = f.tsa.timestamp(DATA, gen_time(), &[1], None).unwrap();
    // genTime "20240102010203Z": change a digit of the seconds (still a valid time).
    let tampered = flip_at(&token, b"20240102010203Z", 13);
    assert_eq!(
        tsp::verify_token(&tampered, DATA).unwrap_err(),
        TimestampError::MessageDigestMismatch
    );
    // The signingCertificateV2 hash (a signed attribute): the signature breaks.
    let tampered = flip_at(&token, &sm3(f.tsa_cert.as_der()), 5);
    let err = tsp::verify_token(&tampered, DATA).unwrap_err();
    assert_eq!(err, TimestampError::SignatureInvalid);
    assert_eq!(err.class(), TimestampErrorClass::Crypto);
}

#[test]
fn tsa_certificate_rules() {
    let chain = chain();
    // LocalTsa refuses a certificate without the critical timeStamping EKU.
    let k = key();
    let signer_cert = chain
        .inter
        .issue(
            &template(CertificateProfile::Signer, "not a TSA").with_serial(&[0x51, 0x52]),
            &k.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let err = LocalTsa::new(signer_cert.clone(), &k, POLICY).unwrap_err();
    assert!(
        matches!(err, TimestampError::NotTsaCertificate { .. }),
        "{err}"
    );
    assert_eq!(err.class(), TimestampErrorClass::Trust);

    // A token whose verifying certificate (same issuer, serial and key) lacks the EKU.
    let k_bytes = k.secret_key().to_bytes();
    let (_, tsa) = tsa_with_key(
        &chain,
        SoftwareSigner::from_secret_bytes(&k_bytes[..]).unwrap(),
        &[0x51, 0x52],
    );
    let token = tsa
        .timestamp_digest(
            ImprintAlgorithm::Sm3,
            &sm3(DATA),
            gen_time(),
            &[1],
            None,
            false,
        )
        .unwrap();
    // Without any certificate: the signer cannot be found.
    let err = tsp::verify_token(&token, DATA).unwrap_err();
    assert!(
        matches!(
            err,
            TimestampError::Cms(cms::CmsError::SignerCertificateNotFound { .. })
        ),
        "{err}"
    );
    assert_eq!(err.class(), TimestampErrorClass::Trust);
    let parsed = TimestampToken::from_der(&token).unwrap();
    let err = parsed
        .verify(
            tsp::Imprint::Data(DATA),
            &TimestampVerifyOptions::strict().with_certificates([signer_cert]),
        )
        .unwrap_err();
    assert!(
        matches!(err, TimestampError::NotTsaCertificate { .. }),
        "{err}"
    );
}

#[test]
fn wrong_key_certificate_gives_invalid_signature() {
    let f = fixture();
    let token = f
        .tsa
        .timestamp_digest(
            ImprintAlgorithm::Sm3,
            &sm3(DATA),
            gen_time(),
            &[1],
            None,
            false,
        )
        .unwrap();
    // A TSA certificate with the same issuer and serial but another key.
    let (other_cert, _) = tsa_with_key(&f.chain, key(), &[0x51, 0x52]);
    let parsed = TimestampToken::from_der(&token).unwrap();
    let err = parsed
        .verify(
            tsp::Imprint::Data(DATA),
            &TimestampVerifyOptions::strict().with_certificates([other_cert]),
        )
        .unwrap_err();
    assert_eq!(err, TimestampError::SignatureInvalid);
    // With the right certificate supplied it verifies.
    parsed
        .verify(
            tsp::Imprint::Data(DATA),
            &TimestampVerifyOptions::strict().with_certificates([f.tsa_cert.clone()]),
        )
        .unwrap();
}

#[test]
fn not_a_tst_info() {
    let f = fixture();
    let signed = cms::sign(
        DATA,
        &f.chain.leaf,
        &f.chain.leaf_key,
        &cms::SignOptions::new().attached(),
    )
    .unwrap();
    assert!(matches!(
        tsp::verify_token(&signed, DATA).unwrap_err(),
        TimestampError::NotTstInfo { .. }
    ));
}

#[test]
fn responses_and_requests() {
    let f = fixture();
    let token = f.tsa.timestamp(DATA, gen_time(), &[1], None).unwrap();
    let resp = tsp::granted_response(&token).unwrap();
    let parsed = TimestampResponse::from_der(&resp).unwrap();
    assert_eq!(parsed.status, PkiStatus::Granted);
    assert_eq!(parsed.clone().into_token().unwrap(), token);

    // A hand-built TimeStampReq: version 1, SM3 imprint, policy, nonce, certReq TRUE.
    let digest = sm3(DATA);
    let mut imprint = vec![
        0x30, 0x2e, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x04,
        0x20,
    ];
    imprint.extend_from_slice(&digest);
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend_from_slice(&imprint);
    body.extend_from_slice(&der::Encode::to_der(&POLICY).unwrap());
    body.extend_from_slice(&[0x02, 0x02, 0x12, 0x34, 0x01, 0x01, 0xff]);
    let mut req = vec![0x30, u8::try_from(body.len()).unwrap()];
    req.extend_from_slice(&body);
    let r = tsp::TimestampRequest::from_der(&req).unwrap();
    assert_eq!(r.hashed_message, digest.to_vec());
    assert_eq!(r.nonce.as_deref(), Some(&[0x12, 0x34][..]));
    assert!(r.cert_req);
    assert_eq!(r.policy, Some(POLICY));

    let resp = f.tsa.respond(&req, gen_time(), &[9]).unwrap();
    let token = TimestampResponse::from_der(&resp)
        .unwrap()
        .into_token()
        .unwrap();
    let info = TimestampToken::from_der(&token)
        .unwrap()
        .verify(
            tsp::Imprint::Data(DATA),
            &TimestampVerifyOptions::strict().with_nonce(&[0x12, 0x34]),
        )
        .unwrap();
    assert_eq!(info.serial, vec![9]);

    // Another policy: rejected with failInfo unacceptedPolicy (bit 15).
    let other_policy =
        der::Encode::to_der(&der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4")).unwrap();
    let mut body2 = vec![0x02, 0x01, 0x01];
    body2.extend_from_slice(&imprint);
    body2.extend_from_slice(&other_policy);
    let mut req2 = vec![0x30, u8::try_from(body2.len()).unwrap()];
    req2.extend_from_slice(&body2);
    let resp = f.tsa.respond(&req2, gen_time(), &[9]).unwrap();
    let parsed = TimestampResponse::from_der(&resp).unwrap();
    assert_eq!(parsed.status, PkiStatus::Rejection);
    assert_eq!(parsed.fail_info, Some(1 << 15));
    let err = parsed.into_token().unwrap_err();
    assert!(
        matches!(err, TimestampError::NotGranted { status: 2, .. }),
        "{err}"
    );
}

#[test]
fn bad_arguments() {
    let f = fixture();
    for serial in [&[][..], &[0, 0][..], &[1u8; 21][..]] {
        assert!(matches!(
            f.tsa.timestamp(DATA, gen_time(), serial, None).unwrap_err(),
            TimestampError::InvalidArgument { .. }
        ));
    }
    assert!(matches!(
        f.tsa
            .timestamp_digest(
                ImprintAlgorithm::Sm3,
                &[0; 31],
                gen_time(),
                &[1],
                None,
                true
            )
            .unwrap_err(),
        TimestampError::InvalidArgument { .. }
    ));
}

#[test]
fn truncated_garbage_and_huge_tokens_are_refused() {
    let f = fixture();
    let token = f.tsa.timestamp(DATA, gen_time(), &[1], None).unwrap();
    for len in 0..token.len() {
        assert!(
            tsp::verify_token(&token[..len], DATA).is_err(),
            "prefix {len}"
        );
    }
    // Every single-byte flip either fails or (when it hits a byte nobody reads) still verifies;
    // it must never panic. Step through the token to keep the test short.
    for i in (0..token.len()).step_by(7) {
        let mut t = token.clone();
        t[i] ^= 0x5a;
        let _ = tsp::verify_token(&t, DATA);
        let _ = TimestampResponse::from_der(&t);
        let _ = tsp::TimestampRequest::from_der(&t);
    }
    let mut trailing = token.clone();
    trailing.push(0);
    assert!(matches!(
        tsp::verify_token(&trailing, DATA).unwrap_err(),
        TimestampError::Malformed { .. }
    ));
    for garbage in [
        &b""[..],
        b"\x30",
        b"\x30\x80\x00\x00",
        b"hello world",
        &[0xff; 64],
    ] {
        assert!(tsp::verify_token(garbage, DATA).is_err());
        assert!(TimestampResponse::from_der(garbage).is_err());
    }
    let huge = vec![0x30; tsp::MAX_TIMESTAMP_SIZE + 1];
    assert!(matches!(
        tsp::verify_token(&huge, DATA).unwrap_err(),
        TimestampError::TooLarge { .. }
    ));
}

/// A TSTInfo as other TSAs write it: fractional genTime, tsa name, ordering, extensions.
fn tst_info(gen_time: &str, tail: &[u8]) -> Vec<u8> {
    use der::Encode;
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend_from_slice(&POLICY.to_der().unwrap());
    let mut imprint = vec![0x30, 0x2e, 0x30, 0x0a];
    imprint.extend_from_slice(&eseal::oid::SM3.to_der().unwrap());
    imprint.extend_from_slice(&[0x04, 0x20]);
    imprint.extend_from_slice(&sm3(DATA));
    body.extend_from_slice(&imprint);
    body.extend_from_slice(&[0x02, 0x02, 0x00, 0x80]);
    body.push(0x18);
    body.push(u8::try_from(gen_time.len()).unwrap());
    body.extend_from_slice(gen_time.as_bytes());
    body.extend_from_slice(tail);
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend_from_slice(&body);
    out
}

#[test]
fn tst_info_fields_written_by_others() {
    // accuracy { seconds 1, micros [1] 250 }, ordering TRUE, nonce 5,
    // tsa [0] { directoryName [4] { CN=TSA } }, extensions [1] { }.
    let name = [
        0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, b'T', b'S',
        b'A',
    ];
    let mut tail = vec![
        0x30, 0x07, 0x02, 0x01, 0x01, 0x81, 0x02, 0x00, 0xfa, 0x01, 0x01, 0xff, 0x02, 0x01, 0x05,
        0xa0, 0x12, 0xa4, 0x10,
    ];
    tail.extend_from_slice(&name);
    tail.extend_from_slice(&[0xa1, 0x00]);
    let info = tsp::TstInfo::from_der(&tst_info("20240102010203.25Z", &tail)).unwrap();
    assert_eq!(info.gen_time, gen_time());
    assert_eq!(info.gen_time_fraction, "25");
    assert_eq!(info.serial, vec![0x80]);
    assert_eq!(
        info.accuracy,
        Some(Accuracy {
            seconds: 1,
            millis: 0,
            micros: 250
        })
    );
    assert!(info.ordering);
    assert_eq!(info.nonce.as_deref(), Some(&[5][..]));
    assert_eq!(info.tsa_directory_name().as_deref(), Some("CN=TSA"));
    assert!(info.has_extensions);
    assert!(info.imprint_covers(DATA));
    assert!(!info.imprint_covers(b"other"));

    // Fractions with a trailing zero, local times and out-of-range dates are malformed.
    for bad in [
        "20240102010203.50Z",
        "20240102010203.Z",
        "20240102010203",
        "20240102010203+0800",
        "20241302010203Z",
        "2024010201020Z",
    ] {
        assert!(
            matches!(
                tsp::TstInfo::from_der(&tst_info(bad, &[])).unwrap_err(),
                TimestampError::Malformed { .. }
            ),
            "{bad}"
        );
    }
    // Accuracy millis out of range (1000).
    let tail = [0x30, 0x04, 0x80, 0x02, 0x03, 0xe8];
    assert!(tsp::TstInfo::from_der(&tst_info("20240102010203Z", &tail)).is_err());
}
