//! Checks every vector in `test-vectors/sm2/`: the GB/T 32918 worked examples (Z, e, r, s and
//! the ciphertext reproduced byte for byte) and our negative vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::VectorFile as File;

use eseal::crypto::SignatureEncoding;
use eseal::crypto::{CiphertextFormat, CryptoError, DistId, PublicKey, SecretKey, Signature};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignVector {
    tc_id: u32,
    d: String,
    px: String,
    py: String,
    id: String,
    msg: String,
    z: String,
    e: String,
    k: String,
    r: String,
    s: String,
    result: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncryptVector {
    tc_id: u32,
    d: String,
    px: String,
    py: String,
    msg: String,
    k: String,
    c1: String,
    c3: String,
    c2: String,
    asn1: String,
    result: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncodingVector {
    tc_id: u32,
    comment: String,
    sig: String,
    result: String,
    lenient: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyVector {
    tc_id: u32,
    kind: String,
    comment: String,
    key: String,
    result: String,
    error: String,
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn h32(s: &str) -> [u8; 32] {
    h(s).try_into().unwrap()
}

/// An RNG that yields fixed bytes: the standard's `k`, big-endian, as the `sm2` crate draws it.
struct FixedRng(Vec<u8>);

impl eseal::rand_core::TryRng for FixedRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unimplemented!()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unimplemented!()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.copy_from_slice(&self.0[..dst.len()]);
        Ok(())
    }
}
impl eseal::rand_core::TryCryptoRng for FixedRng {}

fn error_name(e: &CryptoError) -> &'static str {
    match e {
        CryptoError::Malformed { .. } => "Malformed",
        CryptoError::InvalidLength { .. } => "InvalidLength",
        CryptoError::InvalidPrivateKey => "InvalidPrivateKey",
        CryptoError::InvalidPublicKey(_) => "InvalidPublicKey",
        _ => "other",
    }
}

fn example_key(d: &str, px: &str, py: &str) -> SecretKey {
    let key = SecretKey::from_bytes(&h(d)).unwrap();
    let mut point = vec![4u8];
    point.extend(h(px));
    point.extend(h(py));
    assert_eq!(key.public_key().to_sec1_bytes().to_vec(), point, "P = dG");
    key
}

#[test]
fn signature_example_of_gbt_32918() {
    let file: File<SignVector> = cross::load_vectors("sm2/sign_gbt32918.json");
    assert!(!file.source.is_empty());
    assert!(!file.tests.is_empty());
    for v in &file.tests {
        assert_eq!(v.result, "valid");
        let key = example_key(&v.d, &v.px, &v.py);
        let public = key.public_key();
        let id = DistId::new(h(&v.id)).unwrap();
        assert_eq!(
            id,
            DistId::default(),
            "tc {}: the example uses the default ID",
            v.tc_id
        );
        let msg = h(&v.msg);

        assert_eq!(public.z(&id).to_vec(), h(&v.z), "tc {}: Z", v.tc_id);
        let e = public.digest(&id, &msg);
        assert_eq!(e.to_vec(), h(&v.e), "tc {}: e", v.tc_id);

        let sig = eseal::internal::sm2_sign_digest_with_fixed_k(&key, &e, &h32(&v.k)).unwrap();
        assert_eq!(sig.r().to_vec(), h(&v.r), "tc {}: r", v.tc_id);
        assert_eq!(sig.s().to_vec(), h(&v.s), "tc {}: s", v.tc_id);

        public.verify(&msg, &sig).unwrap();
        public.verify_with_id(&id, &msg, &sig).unwrap();
        public.verify_digest(&e, &sig).unwrap();
        assert_eq!(
            public.verify_with_id(&DistId::empty(), &msg, &sig),
            Err(CryptoError::SignatureInvalid),
            "tc {}: another ID changes Z",
            v.tc_id
        );
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(
            public.verify(&other, &sig),
            Err(CryptoError::SignatureInvalid)
        );

        // eseal's own signatures on the example verify too, and are deterministic.
        let own = key.sign(&msg).unwrap();
        public.verify(&msg, &own).unwrap();
        assert_eq!(own, key.sign_with_id(&id, &msg).unwrap());
        assert_eq!(own, key.sign_digest(&e).unwrap());
    }
}

#[test]
fn encryption_example_of_gbt_32918() {
    let file: File<EncryptVector> = cross::load_vectors("sm2/encrypt_gbt32918.json");
    assert!(!file.tests.is_empty());
    for v in &file.tests {
        assert_eq!(v.result, "valid");
        let key = example_key(&v.d, &v.px, &v.py);
        let msg = h(&v.msg);
        let (c1, c2, c3) = (h(&v.c1), h(&v.c2), h(&v.c3));
        let cases = [
            (
                CiphertextFormat::C1C3C2,
                [c1.clone(), c3.clone(), c2.clone()].concat(),
            ),
            (
                CiphertextFormat::C1C2C3,
                [c1.clone(), c2.clone(), c3.clone()].concat(),
            ),
            (CiphertextFormat::Asn1, h(&v.asn1)),
        ];
        for (format, expected) in cases {
            let ct = key
                .public_key()
                .encrypt_with_rng(&mut FixedRng(h(&v.k)), &msg, format)
                .unwrap();
            assert_eq!(
                hex::encode(&ct),
                hex::encode(&expected),
                "tc {} {format:?}",
                v.tc_id
            );
            assert_eq!(
                key.decrypt(&expected, format).unwrap().as_slice(),
                msg.as_slice(),
                "tc {} {format:?}",
                v.tc_id
            );
        }
    }
}

#[test]
fn signature_encodings() {
    let sign: File<SignVector> = cross::load_vectors("sm2/sign_gbt32918.json");
    let example = &sign.tests[0];
    let key = example_key(&example.d, &example.px, &example.py);
    let msg = h(&example.msg);

    let file: File<EncodingVector> = cross::load_vectors("sm2/signature_encoding.json");
    assert!(file.tests.len() >= 15);
    for v in &file.tests {
        let bytes = h(&v.sig);
        let label = format!("tc {} ({})", v.tc_id, v.comment);
        match (v.result.as_str(), Signature::from_der(&bytes)) {
            ("valid", Ok(sig)) => {
                key.public_key().verify(&msg, &sig).unwrap();
                assert_eq!(sig.to_der(), bytes, "{label}: DER round trip");
            }
            ("invalid", Err(CryptoError::Malformed { detail, .. })) => {
                assert!(!detail.is_empty(), "{label}");
            }
            (expected, got) => panic!("{label}: expected {expected}, got {got:?}"),
        }
        match (v.lenient.as_str(), Signature::from_der_or_raw(&bytes)) {
            ("der", Ok((sig, SignatureEncoding::Der)))
            | ("raw", Ok((sig, SignatureEncoding::Raw))) => {
                key.public_key().verify(&msg, &sig).unwrap();
            }
            ("invalid", Err(_)) => {}
            (expected, got) => panic!("{label}: lenient expected {expected}, got {got:?}"),
        }
    }
}

#[test]
fn key_validation() {
    let file: File<KeyVector> = cross::load_vectors("sm2/keys.json");
    assert!(file.tests.len() >= 15);
    for v in &file.tests {
        let label = format!("tc {} ({})", v.tc_id, v.comment);
        let bytes = h(&v.key);
        let outcome = match v.kind.as_str() {
            "private" => SecretKey::from_bytes(&bytes).map(|_| ()),
            "public" => PublicKey::from_sec1_bytes(&bytes).map(|_| ()),
            other => panic!("{label}: unknown kind {other}"),
        };
        match (v.result.as_str(), outcome) {
            ("valid", Ok(())) => {}
            ("invalid", Err(e)) => assert_eq!(error_name(&e), v.error, "{label}: {e}"),
            (expected, got) => panic!("{label}: expected {expected}, got {got:?}"),
        }
    }
}
