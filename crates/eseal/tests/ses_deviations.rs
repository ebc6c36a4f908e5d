//! Deviations from the standards, built by hand as DER (with a minimal TLV writer independent of
//! eseal's encoder): strict mode rejects each one with a typed error naming it; lenient mode
//! records it and re-encodes the input byte for byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use eseal::ses::{
    BitOrOctetString, DeviationKind, ExtDataEntry, ExtDatasEncoding, ParseMode, Seal,
    SealStructure, SesError, SesVersion, Signature, SignatureStructure, Tagging, TimeInfo,
    TimeKind, Wrapper,
};

// ---- a minimal DER writer for the tests ----

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}
fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}
fn int(v: u8) -> Vec<u8> {
    tlv(0x02, &[v])
}
fn ia5(s: &str) -> Vec<u8> {
    tlv(0x16, s.as_bytes())
}
fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0C, s.as_bytes())
}
fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}
fn bits(b: &[u8]) -> Vec<u8> {
    let mut c = vec![0];
    c.extend_from_slice(b);
    tlv(0x03, &c)
}
fn gen_time(s: &str) -> Vec<u8> {
    tlv(0x18, s.as_bytes())
}
fn utc_time(s: &str) -> Vec<u8> {
    tlv(0x17, s.as_bytes())
}
/// SM2-with-SM3, 1.2.156.10197.1.501.
fn sm2_sm3() -> Vec<u8> {
    tlv(0x06, &[0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x83, 0x75])
}
fn ext(oid_last: u8, critical: Option<bool>, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![tlv(0x06, &[0x2A, 0x03, oid_last])];
    if let Some(c) = critical {
        parts.push(tlv(0x01, &[if c { 0xFF } else { 0x00 }]));
    }
    parts.push(octets(value));
    seq(&parts)
}

const CERT: &[u8] = b"\x30\x03\x02\x01\x01"; // stands in for a DER certificate
const SIG: &[u8] = &[0x5A; 64]; // raw r||s stand-in

/// Fields of a hand-built seal, each replaceable to inject a deviation.
#[derive(Clone)]
struct SealParts {
    header_version: u8,
    header_id: &'static str,
    cert_list_type: Option<Vec<u8>>,
    cert_list: Vec<u8>,
    dates: [Vec<u8>; 3],
    ext_datas: Option<Vec<u8>>,
    trailer: Vec<Vec<u8>>,
}

impl SealParts {
    fn v4() -> Self {
        Self {
            header_version: 4,
            header_id: "ES",
            cert_list_type: Some(int(1)),
            cert_list: seq(&[octets(CERT)]),
            dates: [
                gen_time("20240101000000Z"),
                gen_time("20240101000000Z"),
                gen_time("20290101000000Z"),
            ],
            ext_datas: None,
            trailer: vec![octets(CERT), sm2_sm3(), bits(SIG)],
        }
    }

    fn v1() -> Self {
        Self {
            header_version: 1,
            cert_list_type: None,
            dates: [
                utc_time("240101000000Z"),
                utc_time("240101000000Z"),
                utc_time("290101000000Z"),
            ],
            trailer: vec![seq(&[octets(CERT), sm2_sm3(), bits(SIG)])],
            ..Self::v4()
        }
    }

    fn seal_info(&self) -> Vec<u8> {
        let mut property = vec![int(3), utf8("测试章")];
        property.extend(self.cert_list_type.clone());
        property.push(self.cert_list.clone());
        property.extend(self.dates.iter().cloned());
        let mut info = vec![
            seq(&[ia5(self.header_id), int(self.header_version), ia5("TEST")]),
            ia5("esid-1"),
            seq(&property),
            seq(&[ia5("PNG"), octets(b"\x89PNG\r\n\x1a\n"), int(40), int(40)]),
        ];
        info.extend(self.ext_datas.clone());
        seq(&info)
    }

    fn build(&self) -> Vec<u8> {
        let mut parts = vec![self.seal_info()];
        parts.extend(self.trailer.iter().cloned());
        seq(&parts)
    }
}

/// Strict mode rejects `der` with `kind`; lenient mode records exactly `kind` (once per
/// `count`) and re-encodes `der` byte for byte.
fn check_seal(der: &[u8], kind: &DeviationKind, count: usize) -> Seal {
    match Seal::from_der(der, ParseMode::Strict) {
        Err(SesError::Deviation(d)) => assert_eq!(d.kind(), kind),
        other => panic!("strict mode should reject {kind:?}, got {other:?}"),
    }
    let seal = Seal::from_der(der, ParseMode::Lenient).unwrap();
    let kinds: Vec<_> = seal.deviations().iter().map(|d| d.kind().clone()).collect();
    assert_eq!(kinds, vec![kind.clone(); count]);
    assert_eq!(seal.to_der().unwrap(), der, "round trip of {kind:?}");
    seal
}

fn check_signature(der: &[u8], kind: &DeviationKind) -> Signature {
    match Signature::from_der(der, ParseMode::Strict) {
        Err(SesError::Deviation(d)) => assert_eq!(d.kind(), kind),
        other => panic!("strict mode should reject {kind:?}, got {other:?}"),
    }
    let sig = Signature::from_der(der, ParseMode::Lenient).unwrap();
    let kinds: Vec<_> = sig.deviations().iter().map(|d| d.kind().clone()).collect();
    assert_eq!(kinds, vec![kind.clone()]);
    assert_eq!(sig.to_der().unwrap(), der, "round trip of {kind:?}");
    sig
}

#[test]
fn conforming_hand_built_seals_parse_strictly() {
    let v4 = Seal::from_der(&SealParts::v4().build(), ParseMode::Strict).unwrap();
    assert_eq!(v4.version(), SesVersion::V4);
    let v1 = Seal::from_der(&SealParts::v1().build(), ParseMode::Strict).unwrap();
    assert_eq!(v1.version(), SesVersion::V1);
    assert_eq!(v1.maker_signature(), SIG);
    let mut v2 = SealParts::v1();
    v2.header_version = 2; // GM/T 0031-2014 seals written with version 2
    assert!(Seal::from_der(&v2.build(), ParseMode::Strict).is_ok());
}

#[test]
fn utc_time_in_v4_seal() {
    let mut p = SealParts::v4();
    p.dates[2] = utc_time("290101000000Z");
    let seal = check_seal(&p.build(), &DeviationKind::UtcTimeForGeneralizedTime, 1);
    assert_eq!(seal.valid_end().kind(), TimeKind::UtcTime);
    assert_eq!(seal.valid_end().to_rfc3339(), "2029-01-01T00:00:00Z");
    let d = &seal.deviations()[0];
    assert_eq!(d.field(), "SESeal.eSealInfo.property.validEnd");
    assert!(
        d.to_string()
            .contains("UTCTime where the standard specifies GeneralizedTime")
    );
}

#[test]
fn generalized_time_in_v1_seal() {
    let mut p = SealParts::v1();
    p.dates[0] = gen_time("20240101000000Z");
    let seal = check_seal(&p.build(), &DeviationKind::GeneralizedTimeForUtcTime, 1);
    assert_eq!(seal.create_date().kind(), TimeKind::GeneralizedTime);
}

#[test]
fn generalized_time_with_fraction_round_trips() {
    let mut p = SealParts::v4();
    p.dates[0] = gen_time("20240101000000.123Z");
    let der = p.build();
    let seal = Seal::from_der(&der, ParseMode::Strict).unwrap();
    assert_eq!(seal.create_date().as_text(), "20240101000000.123Z");
    assert_eq!(seal.create_date().unix_seconds(), 1_704_067_200);
    assert_eq!(seal.to_der().unwrap(), der);
}

#[test]
fn v1_sign_info_wrapped() {
    let mut p = SealParts::v1();
    let inner = seq(&[octets(CERT), sm2_sm3(), bits(SIG)]);
    p.trailer = vec![bits(&inner)];
    let seal = check_seal(
        &p.build(),
        &DeviationKind::WrappedSignInfo(Wrapper::BitString),
        1,
    );
    assert_eq!(seal.maker_cert_der(), CERT);
    // The maker's signed data uses the cert and algorithm elements from inside the wrapper.
    let signed = seal
        .maker_signed_bytes(eseal::ses::MakerSignedForm::SealInfoCertAlgorithm)
        .unwrap();
    assert_eq!(
        &*signed,
        &seq(&[p.seal_info(), octets(CERT), sm2_sm3()])[..]
    );
    p.trailer = vec![octets(&inner)];
    check_seal(
        &p.build(),
        &DeviationKind::WrappedSignInfo(Wrapper::OctetString),
        1,
    );
}

#[test]
fn critical_false_present() {
    let mut p = SealParts::v4();
    p.ext_datas = Some(seq(&[
        ext(1, Some(false), b"a"),
        ext(2, None, b"b"),
        ext(3, Some(true), b"c"),
    ]));
    let seal = check_seal(&p.build(), &DeviationKind::CriticalFalsePresent, 1);
    let exts: Vec<_> = seal.ext_datas().unwrap().iter().collect();
    assert_eq!(exts.len(), 3);
    assert_eq!(
        [exts[0].critical, exts[1].critical, exts[2].critical],
        [Some(false), None, Some(true)]
    );
    assert_eq!(
        seal.deviations()[0].field(),
        "SESeal.eSealInfo.extDatas[0].critical"
    );
}

#[test]
fn ext_datas_wrapped_or_tagged_in_seal_info() {
    let list = seq(&[ext(1, None, b"a")]);
    for (encoded, found) in [
        (octets(&list), ExtDatasEncoding::OctetString),
        (tlv(0xA0, &list), ExtDatasEncoding::Explicit),
        (tlv(0xA0, &ext(1, None, b"a")), ExtDatasEncoding::Implicit),
    ] {
        let mut p = SealParts::v4();
        p.ext_datas = Some(encoded);
        let kind = DeviationKind::ExtDatasEncoding {
            found,
            expected: ExtDatasEncoding::Untagged,
        };
        let seal = check_seal(&p.build(), &kind, 1);
        assert_eq!(seal.ext_datas().unwrap().iter().count(), 1);
    }
}

#[test]
fn unparsable_ext_data_is_kept_raw() {
    let mut p = SealParts::v4();
    let bad = seq(&[ia5("not an OID"), octets(b"x")]);
    p.ext_datas = Some(seq(&[bad.clone(), ext(1, None, b"a")]));
    let der = p.build();
    let err = Seal::from_der(&der, ParseMode::Strict).unwrap_err();
    assert!(
        matches!(&err, SesError::Deviation(d) if matches!(d.kind(), DeviationKind::UnparsableExtData { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("expected OBJECT IDENTIFIER"),
        "{err}"
    );
    let seal = Seal::from_der(&der, ParseMode::Lenient).unwrap();
    let ext = seal.ext_datas().unwrap();
    assert_eq!(ext.entries[0], ExtDataEntry::Unparsed(bad));
    assert_eq!(ext.iter().count(), 1);
    assert_eq!(seal.to_der().unwrap(), der);
}

#[test]
fn cert_list_type_mismatch() {
    let mut p = SealParts::v4();
    p.cert_list_type = Some(int(2)); // declares digests, holds certificates
    let kind = DeviationKind::CertListTypeMismatch {
        declared: 2,
        found: 1,
    };
    let seal = check_seal(&p.build(), &kind, 1);
    assert!(matches!(seal.cert_list(), eseal::ses::CertList::Certs(c) if c.len() == 1));
    // A digest list as declared is no deviation.
    let mut p = SealParts::v4();
    p.cert_list_type = Some(int(2));
    p.cert_list = seq(&[seq(&[tlv(0x13, b"SM3"), octets(&[7; 32])])]);
    let seal = Seal::from_der(&p.build(), ParseMode::Strict).unwrap();
    match seal.cert_list() {
        eseal::ses::CertList::Digests(d) => {
            assert_eq!(d[0].digest_type, "SM3");
            assert_eq!(d[0].value, [7; 32]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seal.to_der().unwrap(), p.build());
}

#[test]
fn header_id_and_version() {
    let mut p = SealParts::v4();
    p.header_id = "EX";
    check_seal(
        &p.build(),
        &DeviationKind::HeaderId { found: "EX".into() },
        1,
    );
    let mut p = SealParts::v4();
    p.header_version = 3;
    let seal = check_seal(
        &p.build(),
        &DeviationKind::HeaderVersion {
            found: 3,
            layout: SesVersion::V4,
        },
        1,
    );
    assert_eq!(
        seal.deviations()[0].field(),
        "SESeal.eSealInfo.header.version"
    );
}

#[test]
fn v5_seal_timestamp_taggings() {
    let token = b"\x30\x03\x02\x01\x05"; // stands in for a TimeStampToken
    let mut content = vec![0];
    content.extend_from_slice(token);
    let explicit = tlv(0xA0, &bits(token));
    let implicit = tlv(0x80, &content);
    let untagged = bits(token);
    let mut p = SealParts::v4();
    p.header_version = 5;
    p.trailer.push(explicit);
    let seal = Seal::from_der(&p.build(), ParseMode::Strict).unwrap();
    assert_eq!(seal.version(), SesVersion::V5);
    assert_eq!(seal.maker_timestamp().unwrap().token(), token);
    assert_eq!(seal.maker_timestamp().unwrap().tagging, Tagging::Explicit);
    for (encoded, tagging) in [(implicit, Tagging::Implicit), (untagged, Tagging::Untagged)] {
        *p.trailer.last_mut().unwrap() = encoded;
        let seal = check_seal(&p.build(), &DeviationKind::Tagging(tagging), 1);
        assert_eq!(seal.version(), SesVersion::V5);
        assert_eq!(seal.maker_timestamp().unwrap().token(), token);
        assert!(
            matches!(seal.structure(), SealStructure::V4(s) if s.time_stamp.as_ref().unwrap().tagging == tagging)
        );
    }
}

// ---- signatures ----

fn v4_signature(tbs_tail: &[Vec<u8>], data_hash: Vec<u8>, after_sig: Option<Vec<u8>>) -> Vec<u8> {
    let seal = SealParts::v4().build();
    let mut tbs = vec![
        int(4),
        seal,
        gen_time("20240601120000Z"),
        data_hash,
        ia5("/Doc_0/Signs/Sign_0/Signature.xml"),
    ];
    tbs.extend(tbs_tail.iter().cloned());
    let mut parts = vec![seq(&tbs), octets(CERT), sm2_sm3(), bits(SIG)];
    parts.extend(after_sig);
    seq(&parts)
}

#[test]
fn v4_signature_conforming_forms() {
    let token = b"\x30\x00";
    let list = seq(&[ext(4, Some(true), b"vendor")]);
    let der = v4_signature(
        &[tlv(0xA0, &list)],
        bits(&[1; 32]),
        Some(tlv(0xA0, &bits(token))),
    );
    let sig = Signature::from_der(&der, ParseMode::Strict).unwrap();
    assert_eq!(sig.version(), SesVersion::V4);
    assert_eq!(sig.data_hash(), [1; 32]);
    assert_eq!(sig.timestamp().unwrap().token(), token);
    assert_eq!(
        sig.ext_datas().unwrap().encoding,
        ExtDatasEncoding::Explicit
    );
    assert_eq!(sig.signature_value(), SIG);
    assert_eq!(sig.to_der().unwrap(), der);
}

#[test]
fn v4_signature_deviations() {
    // dataHash as OCTET STRING
    let sig = check_signature(
        &v4_signature(&[], octets(&[1; 32]), None),
        &DeviationKind::OctetStringForBitString,
    );
    assert_eq!(sig.data_hash(), [1; 32]);
    assert!(
        matches!(sig.structure(), SignatureStructure::V4(s) if matches!(s.to_sign.data_hash, BitOrOctetString::OctetString(_)))
    );
    // timeStamp IMPLICIT and untagged
    let token = b"\x30\x00";
    let mut content = vec![0];
    content.extend_from_slice(token);
    for (encoded, tagging) in [
        (tlv(0x80, &content), Tagging::Implicit),
        (bits(token), Tagging::Untagged),
    ] {
        let sig = check_signature(
            &v4_signature(&[], bits(&[1; 32]), Some(encoded)),
            &DeviationKind::Tagging(tagging),
        );
        assert_eq!(sig.timestamp().unwrap().token(), token);
        assert_eq!(sig.deviations()[0].field(), "SES_Signature.timeStamp");
    }
    // TBS_Sign.extDatas IMPLICIT, untagged, critical FALSE present
    let e = ext(4, None, b"v");
    for (encoded, found) in [
        (tlv(0xA0, &e), ExtDatasEncoding::Implicit),
        (seq(std::slice::from_ref(&e)), ExtDatasEncoding::Untagged),
    ] {
        let kind = DeviationKind::ExtDatasEncoding {
            found,
            expected: ExtDatasEncoding::Explicit,
        };
        let sig = check_signature(&v4_signature(&[encoded], bits(&[1; 32]), None), &kind);
        assert_eq!(sig.ext_datas().unwrap().iter().count(), 1);
    }
    let e = ext(4, Some(false), b"v");
    check_signature(
        &v4_signature(&[tlv(0xA0, &seq(&[e]))], bits(&[1; 32]), None),
        &DeviationKind::CriticalFalsePresent,
    );
    // UTCTime timeInfo
    let seal = SealParts::v4().build();
    let tbs = seq(&[
        int(4),
        seal,
        utc_time("240601120000Z"),
        bits(&[1; 32]),
        ia5("p"),
    ]);
    let der = seq(&[tbs, octets(CERT), sm2_sm3(), bits(SIG)]);
    let sig = check_signature(&der, &DeviationKind::UtcTimeForGeneralizedTime);
    assert!(
        matches!(sig.time_info(), TimeInfo::Time(t) if t.to_rfc3339() == "2024-06-01T12:00:00Z")
    );
}

#[test]
fn embedded_seal_deviation_is_reported_by_signature() {
    let mut p = SealParts::v4();
    p.dates[1] = utc_time("240101000000Z");
    let tbs = seq(&[
        int(4),
        p.build(),
        gen_time("20240601120000Z"),
        bits(&[1; 32]),
        ia5("p"),
    ]);
    let der = seq(&[tbs, octets(CERT), sm2_sm3(), bits(SIG)]);
    let sig = check_signature(&der, &DeviationKind::UtcTimeForGeneralizedTime);
    assert_eq!(
        sig.deviations()[0].field(),
        "SES_Signature.toSign.eseal.eSealInfo.property.validStart"
    );
    assert_eq!(sig.seal().deviations(), sig.deviations());
}

#[test]
fn v1_signature_with_text_time_and_octet_strings() {
    let seal = SealParts::v1().build();
    let tbs = |time: Vec<u8>, hash: Vec<u8>| {
        seq(&[
            int(1),
            seal.clone(),
            time,
            hash,
            ia5("/Doc_0/Signs/Sign_0/Signature.xml"),
            octets(CERT),
            sm2_sm3(),
        ])
    };
    let der = seq(&[tbs(bits(b"2020-01-25T07:31:56"), bits(&[2; 32])), bits(SIG)]);
    let sig = Signature::from_der(&der, ParseMode::Strict).unwrap();
    assert_eq!(sig.version(), SesVersion::V1);
    assert_eq!(sig.signer_cert_der(), CERT);
    match sig.time_info() {
        TimeInfo::V1 { raw, parsed } => {
            assert_eq!(raw, b"2020-01-25T07:31:56");
            assert_eq!(parsed.unwrap().to_string(), "2020-01-25T07:31:56Z");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sig.to_der().unwrap(), der);
    assert_eq!(
        sig.tbs_der(),
        &tbs(bits(b"2020-01-25T07:31:56"), bits(&[2; 32]))[..]
    );

    // ofdrw's "yyyy-MM-dd HH:mm:ss" in an OCTET STRING
    let der = seq(&[
        tbs(octets(b"2021-03-04 05:06:07"), bits(&[2; 32])),
        bits(SIG),
    ]);
    let sig = check_signature(&der, &DeviationKind::OctetStringForBitString);
    assert!(
        matches!(sig.time_info(), TimeInfo::V1 { parsed: Some(t), .. } if t.to_string() == "2021-03-04T05:06:07Z")
    );
    // unparsable text is kept raw
    let der = seq(&[tbs(bits(b"yesterday"), bits(&[2; 32])), bits(SIG)]);
    let sig = Signature::from_der(&der, ParseMode::Strict).unwrap();
    assert!(matches!(
        sig.time_info(),
        TimeInfo::V1 {
            raw: b"yesterday",
            parsed: None
        }
    ));
}
