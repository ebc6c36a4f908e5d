//! CMS SignedData: making and checking with eseal, the field shapes of GB/T 35275 producers
//! (built by editing eseal's output), every failure reported in its own place, malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;

use ca::{chain, key, rng, t, template};
use der::asn1::AnyRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use eseal::crypto::sm2::{DistId, Signature, SignatureEncoding};
use eseal::crypto::sm3::sm3;
use eseal::oid;
use eseal::pki::cms::{
    self, CmsError, Content, Deviation, DigestCheck, OidFlavour, SignOptions, SignatureCheck,
    SignedData, VerifyOptions,
};
use eseal::pki::tsp::{self, LocalTsa};
use eseal::pki::{CertificateProfile, Policy, Signer, TrustStore};

const DOC: &[u8] = b"%PDF-1.7 byte range contents";

// ---- DER surgery on eseal's output, to build the shapes other producers write ----------------

fn children(contents: &[u8]) -> Vec<Vec<u8>> {
    let mut r = SliceReader::new(contents).unwrap();
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(r.tlv_bytes().unwrap().to_vec());
    }
    out
}

fn split(tlv: &[u8]) -> (Tag, Vec<u8>) {
    let any = AnyRef::from_der(tlv).unwrap();
    (any.tag(), any.value().to_vec())
}

fn join(tag: Tag, contents: &[u8]) -> Vec<u8> {
    AnyRef::new(tag, contents).unwrap().to_der().unwrap()
}

/// Replaces (or with `None`, removes) the element reached by `path` (child indices from `tlv`).
fn edit(tlv: &[u8], path: &[usize], f: &mut dyn FnMut(Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    let (tag, contents) = split(tlv);
    let mut kids = children(&contents);
    let (&i, rest) = path.split_first().unwrap();
    if rest.is_empty() {
        match f(kids[i].clone()) {
            Some(new) => kids[i] = new,
            None => {
                kids.remove(i);
            }
        }
    } else {
        kids[i] = edit(&kids[i], rest, f);
    }
    join(tag, &kids.concat())
}

fn get(tlv: &[u8], path: &[usize]) -> Vec<u8> {
    let mut cur = tlv.to_vec();
    for &i in path {
        cur = children(&split(&cur).1)[i].clone();
    }
    cur
}

/// Path of the single SignerInfo when certificates are embedded.
const SI: [usize; 4] = [1, 0, 4, 0];

fn si(field: usize) -> Vec<usize> {
    let mut p = SI.to_vec();
    p.push(field);
    p
}

fn replace(der: &[u8], path: &[usize], new: Vec<u8>) -> Vec<u8> {
    edit(der, path, &mut |_| Some(new.clone()))
}

fn oid_tlv(o: &der::asn1::ObjectIdentifier) -> Vec<u8> {
    o.to_der().unwrap()
}

fn verify_one(
    der: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions,
) -> Result<cms::SignerVerification, CmsError> {
    let sd = SignedData::from_der(der)?;
    let mut all = sd.verify(content, opts)?;
    assert_eq!(all.len(), 1);
    Ok(all.remove(0))
}

// ---- round trips ----------------------------------------------------------------------------

#[test]
fn detached_pkcs7_with_attributes_and_chain() {
    let c = chain();
    let opts = SignOptions::new()
        .with_signing_time(t(2))
        .with_signing_certificate_v2()
        .with_chain([c.inter.certificate().clone()]);
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &opts).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert_eq!(sd.oid_flavour(), OidFlavour::Pkcs7);
    assert_eq!(*sd.content_type(), oid::PKCS7_SIGNED_DATA);
    assert_eq!(*sd.econtent_type(), oid::PKCS7_DATA);
    assert!(sd.is_detached());
    assert_eq!(sd.version(), 1);
    assert_eq!(sd.certificates().len(), 2);

    let v = &sd
        .verify(Content::Bytes(DOC), &VerifyOptions::strict())
        .unwrap()[0];
    assert!(v.is_valid());
    assert_eq!(v.signer_certificate, c.leaf);
    assert!(v.certificate_embedded);
    assert!(v.signed_attributes);
    assert_eq!(v.signing_time, Some(t(2)));
    assert_eq!(v.digest, DigestCheck::Match);
    assert_eq!(v.signature, SignatureCheck::Valid);
    assert_eq!(v.signing_certificate_attribute, Some(true));
    assert_eq!(v.signature_algorithm, oid::SM2_WITH_SM3);
    assert_eq!(v.signature_encoding, SignatureEncoding::Der);
    assert_eq!(v.signature_value, sd.signature_value(0).unwrap());
    assert!(v.timestamp_tokens.is_empty());
    assert!(v.deviations.is_empty());

    // The same with only the digest of the content.
    let v = &sd
        .verify(Content::Sm3Digest(&sm3(DOC)), &VerifyOptions::strict())
        .unwrap()[0];
    assert!(v.is_valid());

    // Trust is separate: the path to the root, with the embedded intermediate.
    let trust = TrustStore::from_certificates([c.root.certificate().clone()]);
    let path = sd
        .verify_signer_path(v, &trust, &[], &Policy::strict(), t(2))
        .unwrap();
    assert_eq!(path.chain().len(), 3);
    let untrusted = TrustStore::from_certificates([chain().root.certificate().clone()]);
    assert!(
        sd.verify_signer_path(v, &untrusted, &[], &Policy::strict(), t(2))
            .is_err()
    );

    // sign_digest writes a signature that verifies the same way.
    let der2 = cms::sign_digest(&sm3(DOC), &c.leaf, &c.leaf_key, &SignOptions::new()).unwrap();
    assert!(
        verify_one(&der2, Content::Bytes(DOC), &VerifyOptions::strict())
            .unwrap()
            .is_valid()
    );
    // Signing time after 2049 is a GeneralizedTime.
    let late = eseal::pki::Time::from_utc(2051, 3, 4, 5, 6, 7).unwrap();
    let der3 = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_signing_time(late),
    )
    .unwrap();
    let v = verify_one(&der3, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.signing_time, Some(late));
}

#[test]
fn gm_flavour_and_attached_content() {
    let c = chain();
    let opts = SignOptions::new()
        .with_flavour(OidFlavour::GmT0010)
        .attached();
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &opts).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert_eq!(sd.oid_flavour(), OidFlavour::GmT0010);
    assert_eq!(*sd.content_type(), oid::GM_SIGNED_DATA);
    assert_eq!(*sd.econtent_type(), oid::GM_DATA);
    assert_eq!(sd.content(), Some(DOC));
    let v = &sd
        .verify(Content::Attached, &VerifyOptions::strict())
        .unwrap()[0];
    assert!(v.is_valid());
    assert_eq!(v.signature_algorithm, oid::SM2_SIGN);
    // The caller may pass the same content, not another one.
    assert!(
        sd.verify(Content::Bytes(DOC), &VerifyOptions::strict())
            .unwrap()[0]
            .is_valid()
    );
    assert_eq!(
        sd.verify(Content::Bytes(b"other"), &VerifyOptions::strict())
            .unwrap_err(),
        CmsError::ContentConflict
    );
    assert_eq!(
        sd.verify(Content::Sm3Digest(&sm3(b"other")), &VerifyOptions::strict())
            .unwrap_err(),
        CmsError::ContentConflict
    );
    // Detached without content.
    let det = cms::sign(DOC, &c.leaf, &c.leaf_key, &SignOptions::new()).unwrap();
    assert_eq!(
        SignedData::from_der(&det)
            .unwrap()
            .verify(Content::Attached, &VerifyOptions::strict())
            .unwrap_err(),
        CmsError::ContentMissing
    );
}

/// GB/T 35275 shape 1 of the standards notes (§5.4): outer GM OID, the 32-byte SM3 of the
/// document attached, no signed attributes, signature algorithm 1.2.156.10197.1.501, raw r‖s.
#[test]
fn field_shape_without_signed_attributes_and_raw_signature() {
    let c = chain();
    let hash = sm3(DOC);
    let opts = SignOptions::new()
        .with_flavour(OidFlavour::GmT0010)
        .attached()
        .without_signed_attributes();
    let der = cms::sign(&hash, &c.leaf, &c.leaf_key, &opts).unwrap();
    let v = verify_one(&der, Content::Attached, &VerifyOptions::strict()).unwrap();
    assert!(v.is_valid());
    assert!(!v.signed_attributes);
    assert_eq!(v.digest, DigestCheck::NotApplicable);

    let sig = SignedData::from_der(&der)
        .unwrap()
        .signature_value(0)
        .unwrap()
        .to_vec();
    let raw = Signature::from_der(&sig).unwrap().to_raw();
    // Without signed attributes the SignerInfo fields are: 3 signatureAlgorithm, 4 signature.
    let der = replace(&der, &si(4), join(Tag::OctetString, &raw));
    let der = replace(
        &der,
        &si(3),
        join(Tag::Sequence, &oid_tlv(&oid::SM2_WITH_SM3)),
    );
    assert_eq!(
        verify_one(&der, Content::Attached, &VerifyOptions::strict()).unwrap_err(),
        CmsError::Deviation(Deviation::RawSignature)
    );
    let v = verify_one(&der, Content::Attached, &VerifyOptions::lenient()).unwrap();
    assert!(v.is_valid());
    assert_eq!(v.signature_encoding, SignatureEncoding::Raw);
    assert_eq!(v.deviations, vec![Deviation::RawSignature]);
    assert_eq!(v.signature_algorithm, oid::SM2_WITH_SM3);

    // Only a digest is not enough when the signature covers the content itself.
    let det = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().without_signed_attributes(),
    )
    .unwrap();
    assert_eq!(
        verify_one(
            &det,
            Content::Sm3Digest(&sm3(DOC)),
            &VerifyOptions::strict()
        )
        .unwrap_err(),
        CmsError::ContentNeeded
    );
    assert!(
        verify_one(&det, Content::Bytes(DOC), &VerifyOptions::strict())
            .unwrap()
            .is_valid()
    );
    // A tampered content breaks the signature itself here.
    let v = verify_one(&det, Content::Bytes(b"tampered"), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.signature, SignatureCheck::Invalid);
    assert!(!v.is_valid());
}

/// GB/T 35275 shape 2: outer GM OID, eContentType PKCS#7 data, contentType attribute GM data.
#[test]
fn field_shape_with_inconsistent_content_type() {
    let c = chain();
    let opts = SignOptions::new()
        .with_flavour(OidFlavour::GmT0010)
        .with_signing_time(t(3));
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &opts).unwrap();
    let der = replace(&der, &[1, 0, 2, 0], oid_tlv(&oid::PKCS7_DATA));
    let deviation = Deviation::ContentTypeMismatch {
        attribute: oid::GM_DATA,
        econtent_type: oid::PKCS7_DATA,
    };
    assert_eq!(
        verify_one(&der, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap_err(),
        CmsError::Deviation(deviation.clone())
    );
    let v = verify_one(&der, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap();
    assert!(v.is_valid());
    assert_eq!(v.deviations, vec![deviation]);
    assert_eq!(v.signing_time, Some(t(3)));

    // SM3 with NULL parameters and SM2-1 with NULL are accepted as they are.
    let mut sm3_null = oid_tlv(&oid::SM3);
    sm3_null.extend_from_slice(&[0x05, 0x00]);
    let der = replace(&der, &si(2), join(Tag::Sequence, &sm3_null));
    let mut sm2_null = oid_tlv(&oid::SM2_SIGN);
    sm2_null.extend_from_slice(&[0x05, 0x00]);
    let der = replace(&der, &si(4), join(Tag::Sequence, &sm2_null));
    assert!(
        verify_one(&der, Content::Bytes(DOC), &VerifyOptions::lenient())
            .unwrap()
            .is_valid()
    );
}

#[test]
fn unsorted_signed_attributes_are_a_deviation() {
    let c = chain();
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_signing_time(t(1)),
    )
    .unwrap();
    // Reverse the attributes and sign the new SET OF as a careless producer would.
    let attrs = get(&der, &si(3));
    let mut kids = children(&split(&attrs).1);
    kids.reverse();
    let body = kids.concat();
    let set = join(Tag::Set, &body);
    let sig = c.leaf_key.sign_sm2_sm3(&set).unwrap();
    let der = replace(&der, &si(3), join(split(&attrs).0, &body));
    let der = replace(&der, &si(5), join(Tag::OctetString, &sig));
    assert_eq!(
        verify_one(&der, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap_err(),
        CmsError::Deviation(Deviation::UnsortedSignedAttributes)
    );
    let v = verify_one(&der, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap();
    assert!(v.is_valid(), "verified over the bytes as received");
    assert_eq!(v.deviations, vec![Deviation::UnsortedSignedAttributes]);
}

#[test]
fn signer_by_subject_key_identifier() {
    let c = chain();
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &SignOptions::new()).unwrap();
    let ski = c.leaf.subject_key_id().unwrap().to_vec();
    let der = replace(
        &der,
        &si(1),
        join(
            Tag::ContextSpecific {
                constructed: false,
                number: der::TagNumber(0),
            },
            &ski,
        ),
    );
    let v = verify_one(&der, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert!(v.is_valid());
    assert_eq!(v.signer_certificate, c.leaf);
}

// ---- failures, each in its own place ----------------------------------------------------------

#[test]
fn tampered_content_attribute_and_signature() {
    let c = chain();
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_signing_time(t(1)),
    )
    .unwrap();

    // Other content: the digest fails, the signature (over the attributes) still verifies.
    let v = verify_one(&der, Content::Bytes(b"tampered"), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.digest, DigestCheck::Mismatch);
    assert_eq!(v.signature, SignatureCheck::Valid);
    assert!(!v.is_valid());

    // A signed attribute changed (the signing time's seconds): the signature fails.
    let pos = der.windows(13).position(|w| w == b"240102000000Z").unwrap();
    let mut t2 = der.clone();
    t2[pos + 11] = b'1';
    let v = verify_one(&t2, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.digest, DigestCheck::Match);
    assert_eq!(v.signature, SignatureCheck::Invalid);
    assert!(!v.is_valid());

    // The signature value changed (a byte of s).
    let sig = SignedData::from_der(&der)
        .unwrap()
        .signature_value(0)
        .unwrap()
        .to_vec();
    let mut bad = sig.clone();
    let n = bad.len();
    bad[n - 3] ^= 0x01;
    let t3 = replace(&der, &si(5), join(Tag::OctetString, &bad));
    let v = verify_one(&t3, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.signature, SignatureCheck::Invalid);

    // Another distinguishing ID (as OpenSSL's default, the empty one) does not verify.
    let v = verify_one(
        &der,
        Content::Bytes(DOC),
        &VerifyOptions::strict().with_dist_id(DistId::empty()),
    )
    .unwrap();
    assert_eq!(v.signature, SignatureCheck::Invalid);

    // A signature value that is no signature at all.
    let t4 = replace(&der, &si(5), join(Tag::OctetString, b"junk"));
    assert!(matches!(
        verify_one(&t4, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap_err(),
        CmsError::Malformed { .. }
    ));
}

#[test]
fn missing_and_wrong_signer_certificates() {
    let c = chain();
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().without_certificates(),
    )
    .unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.certificates().is_empty());
    assert!(matches!(
        sd.verify(Content::Bytes(DOC), &VerifyOptions::strict())
            .unwrap_err(),
        CmsError::SignerCertificateNotFound { .. }
    ));
    // An unrelated certificate does not help.
    let other = chain();
    let opts = VerifyOptions::strict().with_certificates([other.leaf.clone()]);
    assert!(matches!(
        sd.verify(Content::Bytes(DOC), &opts).unwrap_err(),
        CmsError::SignerCertificateNotFound { .. }
    ));
    // The right one, supplied by the caller.
    let opts =
        VerifyOptions::strict().with_certificates([c.inter.certificate().clone(), c.leaf.clone()]);
    let v = &sd.verify(Content::Bytes(DOC), &opts).unwrap()[0];
    assert!(v.is_valid());
    assert!(!v.certificate_embedded);
    // A certificate with the same issuer and serial but another key: the signature fails.
    let k = key();
    let impostor = c
        .inter
        .issue(
            &template(CertificateProfile::Signer, "impostor").with_serial(c.leaf.serial()),
            &k.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let opts = VerifyOptions::strict().with_certificates([impostor]);
    assert_eq!(
        sd.verify(Content::Bytes(DOC), &opts).unwrap()[0].signature,
        SignatureCheck::Invalid
    );
    // A signingCertificateV2 naming another certificate makes the signer invalid.
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new()
            .with_signing_certificate_v2()
            .without_certificates(),
    )
    .unwrap();
    let impostor2 = c
        .inter
        .issue(
            &template(CertificateProfile::Signer, "impostor 2").with_serial(c.leaf.serial()),
            &c.leaf_key.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let v = verify_one(
        &der,
        Content::Bytes(DOC),
        &VerifyOptions::strict().with_certificates([impostor2]),
    )
    .unwrap();
    assert_eq!(v.signature, SignatureCheck::Valid);
    assert_eq!(v.signing_certificate_attribute, Some(false));
    assert!(!v.is_valid());
}

#[test]
fn unknown_algorithms() {
    let c = chain();
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &SignOptions::new()).unwrap();
    let sha256 = join(Tag::Sequence, &oid_tlv(&oid::SHA256));
    let t1 = replace(&der, &si(2), sha256);
    assert!(matches!(
        verify_one(&t1, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap_err(),
        CmsError::UnsupportedAlgorithm { oid, .. } if oid == oid::SHA256
    ));
    let ecdsa = der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
    let t2 = replace(&der, &si(4), join(Tag::Sequence, &oid_tlv(&ecdsa)));
    assert!(matches!(
        verify_one(&t2, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap_err(),
        CmsError::UnsupportedAlgorithm { oid, .. } if oid == ecdsa
    ));
    // SM2 with real parameters is malformed.
    let mut with_params = oid_tlv(&oid::SM2_WITH_SM3);
    with_params.extend_from_slice(&[0x02, 0x01, 0x01]);
    let t3 = replace(&der, &si(4), join(Tag::Sequence, &with_params));
    assert!(matches!(
        verify_one(&t3, Content::Bytes(DOC), &VerifyOptions::lenient()).unwrap_err(),
        CmsError::Malformed { .. }
    ));
    // The outer content type must be signedData.
    let t4 = replace(&der, &[0], oid_tlv(&oid::PKCS7_DATA));
    assert!(matches!(
        SignedData::from_der(&t4).unwrap_err(),
        CmsError::UnexpectedContentType { .. }
    ));
    // A digest algorithm missing from digestAlgorithms is a deviation.
    let t5 = replace(&der, &[1, 0, 1], join(Tag::Set, &[]));
    assert_eq!(
        verify_one(&t5, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap_err(),
        CmsError::Deviation(Deviation::DigestAlgorithmNotListed)
    );
}

#[test]
fn signing_refusals() {
    let c = chain();
    let other = key();
    assert!(matches!(
        cms::sign(DOC, &c.leaf, &other, &SignOptions::new()).unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
    assert!(matches!(
        cms::sign(
            DOC,
            &c.leaf,
            &c.leaf_key,
            &SignOptions::new()
                .without_signed_attributes()
                .with_signing_time(t(1))
        )
        .unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
    assert!(matches!(
        cms::sign_digest(
            &sm3(DOC),
            &c.leaf,
            &c.leaf_key,
            &SignOptions::new().attached()
        )
        .unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
}

#[test]
fn signature_timestamp_as_unsigned_attribute() {
    let c = chain();
    let tsa_key = key();
    let tsa_cert = c
        .inter
        .issue(
            &template(CertificateProfile::Tsa, "TSA"),
            &tsa_key.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let tsa = LocalTsa::new(
        tsa_cert.clone(),
        tsa_key,
        der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4.5"),
    )
    .unwrap();

    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_signing_certificate_v2(),
    )
    .unwrap();
    let sig = SignedData::from_der(&der)
        .unwrap()
        .signature_value(0)
        .unwrap()
        .to_vec();
    let token = tsa.timestamp(&sig, t(2), &[1], None).unwrap();
    let stamped = cms::add_signature_timestamp(&der, &token).unwrap();

    let sd = SignedData::from_der(&stamped).unwrap();
    assert_eq!(
        sd.unsigned_attribute_values(0, &oid::ATTR_TIMESTAMP_TOKEN),
        vec![token.as_slice()]
    );
    let v = &sd
        .verify(Content::Bytes(DOC), &VerifyOptions::strict())
        .unwrap()[0];
    assert!(
        v.is_valid(),
        "the unsigned attribute does not touch the signature"
    );
    assert_eq!(v.timestamp_tokens, vec![token.clone()]);
    let info = tsp::verify_token(&v.timestamp_tokens[0], &v.signature_value).unwrap();
    assert_eq!(info.gen_time, t(2));
    assert_eq!(info.tsa_certificate, tsa_cert);

    // A second token is added beside the first.
    let token2 = tsa.timestamp(&sig, t(3), &[2], None).unwrap();
    let twice = cms::add_signature_timestamp(&stamped, &token2).unwrap();
    let v = verify_one(&twice, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert_eq!(v.timestamp_tokens.len(), 2);

    // A token over anything else is refused.
    let wrong = tsa.timestamp(DOC, t(2), &[3], None).unwrap();
    assert!(matches!(
        cms::add_signature_timestamp(&der, &wrong).unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
}

#[test]
fn truncated_garbage_huge_and_too_many() {
    let c = chain();
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new()
            .with_signing_time(t(1))
            .with_chain([c.inter.certificate().clone()]),
    )
    .unwrap();
    for len in 0..der.len() {
        assert!(SignedData::from_der(&der[..len]).is_err(), "prefix {len}");
    }
    for i in (0..der.len()).step_by(5) {
        let mut d = der.clone();
        d[i] ^= 0xa5;
        if let Ok(sd) = SignedData::from_der(&d) {
            let _ = sd.verify(Content::Bytes(DOC), &VerifyOptions::lenient());
        }
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(matches!(
        SignedData::from_der(&trailing).unwrap_err(),
        CmsError::Malformed { .. }
    ));
    for garbage in [
        &b""[..],
        b"\x30",
        b"\x30\x80\x00\x00",
        b"\x30\x84\xff\xff\xff\xff",
        &[0u8; 100],
    ] {
        assert!(SignedData::from_der(garbage).is_err());
    }
    let huge = vec![0x30; cms::MAX_SIGNED_DATA_SIZE + 1];
    assert!(matches!(
        SignedData::from_der(&huge).unwrap_err(),
        CmsError::TooLarge { .. }
    ));
    let many = vec![c.inter.certificate().clone(); 40];
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_chain(many),
    )
    .unwrap();
    assert!(matches!(
        SignedData::from_der(&der).unwrap_err(),
        CmsError::TooMany { .. }
    ));
    // An embedded certificate that is not one.
    let plain = cms::sign(DOC, &c.leaf, &c.leaf_key, &SignOptions::new()).unwrap();
    let bad_cert = replace(
        &plain,
        &[1, 0, 3, 0],
        join(Tag::Sequence, &[0x02, 0x01, 0x01]),
    );
    assert!(matches!(
        SignedData::from_der(&bad_cert).unwrap_err(),
        CmsError::Certificate(_)
    ));
}

// ---- a key outside the process: prepare, sign elsewhere, finish -----------------------------

#[test]
fn prepared_signed_data_is_what_sign_writes() {
    let c = chain();
    let opts = SignOptions::new()
        .with_flavour(OidFlavour::GmT0010)
        .with_signing_time(t(2))
        .with_signing_certificate_v2()
        .with_chain([c.inter.certificate().clone()]);
    let expected = cms::sign_digest(&sm3(DOC), &c.leaf, &c.leaf_key, &opts).unwrap();

    let prepared = cms::prepare_digest(&sm3(DOC), &c.leaf, &opts).unwrap();
    // The device signs the message (SM2 with SM3, default ID): eseal's signer is deterministic
    // (RFC 6979 nonces), so the SignedData is byte for byte the one-step result.
    let value = c.leaf_key.sign_sm2_sm3(prepared.message()).unwrap();
    assert_eq!(prepared.finish(&value).unwrap(), expected);

    // The message is the DER SET OF the signed attributes the verifier reads back.
    let v = verify_one(&expected, Content::Bytes(DOC), &VerifyOptions::strict()).unwrap();
    assert!(v.is_valid());
    assert_eq!(v.signing_time, Some(t(2)));
    assert_eq!(prepared.message()[0], 0x31);

    // A device that signs digests signs e = SM3(Z ‖ message); raw r ‖ s is written as DER.
    let e = prepared.digest_e();
    assert_eq!(
        e,
        prepared
            .signer_public_key()
            .digest(&DistId::DEFAULT, prepared.message())
    );
    let sig = Signature::from_der(&value).unwrap();
    let raw = [sig.r().as_slice(), sig.s().as_slice()].concat();
    assert_eq!(prepared.finish(&raw).unwrap(), expected);

    // Prepared data stays usable: a wrong value is refused, then the right one still works.
    let other = key().sign_sm2_sm3(prepared.message()).unwrap();
    assert!(matches!(
        prepared.finish(&other).unwrap_err(),
        CmsError::Signing { .. }
    ));
    assert!(matches!(
        prepared.finish(b"not a signature").unwrap_err(),
        CmsError::Signing { .. }
    ));
    let mut flipped = raw.clone();
    flipped[63] ^= 1;
    assert!(prepared.finish(&flipped).is_err());
    assert_eq!(prepared.finish(&value).unwrap(), expected);
}

#[test]
fn prepared_signed_data_of_content() {
    let c = chain();
    // Attached content without signed attributes: the device signs the content itself.
    let opts = SignOptions::new().attached().without_signed_attributes();
    let prepared = cms::prepare(DOC, &c.leaf, &opts).unwrap();
    assert_eq!(prepared.message(), DOC);
    let value = c.leaf_key.sign_sm2_sm3(prepared.message()).unwrap();
    let der = prepared.finish(&value).unwrap();
    assert_eq!(der, cms::sign(DOC, &c.leaf, &c.leaf_key, &opts).unwrap());
    let sd = SignedData::from_der(&der).unwrap();
    assert!(!sd.is_detached());
    let v = verify_one(&der, Content::Attached, &VerifyOptions::strict()).unwrap();
    assert!(v.is_valid());
    assert!(!v.signed_attributes);

    // The refusals of sign and sign_digest apply before any key is involved.
    assert!(matches!(
        cms::prepare_digest(&sm3(DOC), &c.leaf, &SignOptions::new().attached()).unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
    assert!(matches!(
        cms::prepare(
            DOC,
            &c.leaf,
            &SignOptions::new()
                .without_signed_attributes()
                .with_signing_time(t(1))
        )
        .unwrap_err(),
        CmsError::InvalidArgument { .. }
    ));
}
