//! Parsing and byte-identical re-encoding of the ofdrw seals and signatures
//! (`../shared/test-vectors/ofdrw/`, see its README), with field values checked against
//! `openssl asn1parse -inform DER -in FILE -i`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::io::Read;

use eseal::oid;
use eseal::ses::{
    CertList, DeviationKind, ExtDatasEncoding, MakerSignedForm, ParseMode, PictureFormat,
    PictureTypeCheck, Seal, SealStructure, SesError, SesVersion, Signature, SignatureStructure,
    TimeInfo, TimeKind,
};

fn vector(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `SignedValue.dat` entries of a signed OFD (a zip), by entry name.
fn signed_values(ofd: &str) -> Vec<(String, Vec<u8>)> {
    let bytes = vector(ofd);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.name().ends_with("SignedValue.dat") {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            out.push((entry.name().to_owned(), data));
        }
    }
    assert!(!out.is_empty(), "{ofd} has no SignedValue.dat");
    out
}

fn assert_seal_round_trip(seal: &Seal, input: &[u8]) {
    assert_eq!(seal.as_der(), input);
    let again = seal.to_der().unwrap();
    assert!(
        again == input,
        "re-encoding differs from the input ({} vs {} bytes)",
        again.len(),
        input.len()
    );
}

fn certs(seal: &Seal) -> &[Vec<u8>] {
    match seal.cert_list() {
        CertList::Certs(c) => c,
        other => panic!("expected certificates, found {other:?}"),
    }
}

#[test]
fn user_v1_seal() {
    let input = vector("UserV1.esl");
    let seal = Seal::from_der(&input, ParseMode::Strict).unwrap();
    assert_eq!(seal.version(), SesVersion::V1);
    assert!(seal.deviations().is_empty());
    assert_eq!(seal.header().id, "ES");
    assert_eq!(seal.header().version, 1);
    assert_eq!(seal.header().vid, "OFDR&WTest");
    assert_eq!(seal.es_id(), "40C8CDD24DEF43388B86E62CCE1D6832");
    assert_eq!(seal.seal_type(), 1);
    assert_eq!(seal.name(), "OFDRW测试用印章");
    assert_eq!(seal.seal_info().property.cert_list_type, None);
    let c = certs(&seal);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].len(), 528);
    assert_eq!(&c[0][..4], &[0x30, 0x82, 0x02, 0x0C]);
    assert_eq!(seal.create_date().kind(), TimeKind::UtcTime);
    assert_eq!(seal.create_date().as_text(), "200422021807Z");
    assert_eq!(seal.valid_start().to_rfc3339(), "2020-04-22T02:18:07Z");
    assert_eq!(seal.valid_end().to_rfc3339(), "2022-04-22T02:18:07Z");
    assert_eq!(seal.valid_end().unix_seconds(), 1_650_593_887);
    assert_eq!(seal.picture().picture_type, "PNG");
    assert_eq!(seal.picture().data.len(), 15693);
    assert_eq!((seal.picture().width, seal.picture().height), (40, 40));
    assert_eq!(
        seal.picture().check_type(),
        PictureTypeCheck::Matches(PictureFormat::Png)
    );
    assert!(seal.ext_datas().is_none());
    assert_eq!(seal.maker_cert_der().len(), 526);
    assert_eq!(seal.signature_algorithm(), &oid::SM2_WITH_SM3);
    assert_eq!(seal.maker_signature().len(), 72);
    assert!(seal.maker_timestamp().is_none());
    assert!(matches!(seal.structure(), SealStructure::V1(s) if s.sign_info_wrapper.is_none()));

    // The v1 maker signs SEQUENCE { esealInfo, cert, signatureAlgorithm } built from the
    // original elements: offsets 4..16385 (esealInfo), 16389.. (cert, alg) of the input.
    assert_eq!(
        seal.maker_signed_forms(),
        &[MakerSignedForm::SealInfoCertAlgorithm]
    );
    let signed = seal
        .maker_signed_bytes(MakerSignedForm::SealInfoCertAlgorithm)
        .unwrap();
    let info = &input[4..16385];
    let cert_alg = &input[16389..16929];
    let mut content = info.to_vec();
    content.extend_from_slice(cert_alg);
    assert_eq!(
        &signed[..4],
        &[0x30, 0x82, (content.len() >> 8) as u8, content.len() as u8]
    );
    assert_eq!(&signed[4..], &content[..]);
    assert_eq!(seal.seal_info_der(), info);
    assert_seal_round_trip(&seal, &input);
}

#[test]
fn user_v4_seal() {
    let input = vector("UserV4.esl");
    let seal = Seal::from_der(&input, ParseMode::Strict).unwrap();
    assert_eq!(seal.version(), SesVersion::V4);
    assert_eq!(seal.header().version, 4);
    assert_eq!(seal.es_id(), "51f044b76510434e9bc67a1185c2fba5");
    assert_eq!(seal.seal_type(), 3);
    assert_eq!(seal.name(), "OFD R&W 测试用印章");
    assert_eq!(seal.seal_info().property.cert_list_type, Some(1));
    assert_eq!(certs(&seal).len(), 1);
    assert_eq!(seal.create_date().kind(), TimeKind::GeneralizedTime);
    assert_eq!(seal.create_date().as_text(), "20200422020900Z");
    assert_eq!(seal.valid_end().to_rfc3339(), "2022-04-22T02:09:00Z");
    assert_eq!(seal.maker_signature().len(), 71);
    // v4: eSealInfo alone first, then the three-element alternative.
    assert_eq!(
        seal.maker_signed_forms(),
        &[
            MakerSignedForm::SealInfoOnly,
            MakerSignedForm::SealInfoCertAlgorithm
        ]
    );
    assert_eq!(
        &*seal
            .maker_signed_bytes(MakerSignedForm::SealInfoOnly)
            .unwrap(),
        &input[4..16397]
    );
    assert_seal_round_trip(&seal, &input);
}

#[test]
fn user_v5_seal() {
    let input = vector("UserV5.esl");
    let seal = Seal::from_der(&input, ParseMode::Strict).unwrap();
    // Four top-level elements, but header version 5: v5 without a maker timestamp.
    assert_eq!(seal.version(), SesVersion::V5);
    assert_eq!(seal.header().version, 5);
    assert_eq!(seal.header().vid, "OFDR&WTestV5");
    assert_eq!(seal.es_id(), "09aaf39291e049e4b3d716414590937e");
    assert_eq!(seal.name(), "OFD R&W V5测试用印章");
    assert_eq!(seal.create_date().as_text(), "20260424085323Z");
    assert_eq!(seal.valid_end().as_text(), "20280424085323Z");
    assert!(seal.maker_timestamp().is_none());
    assert_seal_round_trip(&seal, &input);
}

#[test]
fn sesealdata_v4_seal_with_extensions() {
    let input = vector("SESealData.DER");
    // `critical` FALSE is written out twice: a deviation strict mode rejects.
    let err = Seal::from_der(&input, ParseMode::Strict).unwrap_err();
    match &err {
        SesError::Deviation(d) => {
            assert_eq!(d.kind(), &DeviationKind::CriticalFalsePresent);
            assert_eq!(d.field(), "SESeal.eSealInfo.extDatas[0].critical");
            assert_eq!(d.offset(), 7334);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("critical"), "{err}");

    let seal = Seal::from_der(&input, ParseMode::Lenient).unwrap();
    assert_eq!(seal.version(), SesVersion::V4);
    assert_eq!(seal.header().vid, "Vid HebeiGede");
    assert_eq!(seal.es_id(), "esID130600");
    assert_eq!(seal.seal_type(), 4);
    assert_eq!(seal.name(), "测试单位名称 合同专用章");
    assert_eq!(certs(&seal).len(), 2);
    assert_eq!(seal.picture().picture_type, "GIF");
    assert_eq!(seal.picture().data.len(), 5911);
    assert_eq!((seal.picture().width, seal.picture().height), (42, 42));
    assert_eq!(
        seal.picture().check_type(),
        PictureTypeCheck::Matches(PictureFormat::Gif)
    );
    let ext = seal.ext_datas().unwrap();
    assert_eq!(ext.encoding, ExtDatasEncoding::Untagged);
    let exts: Vec<_> = ext.iter().collect();
    assert_eq!(exts.len(), 3);
    assert_eq!(exts[0].extn_id.to_string(), "1.2.156.112600.7.1");
    assert_eq!(exts[0].critical, Some(false));
    assert_eq!(exts[1].critical, Some(true));
    assert!(exts[1].is_critical());
    assert_eq!(exts[2].extn_value, b"HeBeiBaoDingShiCeShiDanWeiMingCheng");
    let kinds: Vec<_> = seal.deviations().iter().map(|d| d.kind().clone()).collect();
    assert_eq!(
        kinds,
        vec![
            DeviationKind::CriticalFalsePresent,
            DeviationKind::CriticalFalsePresent
        ]
    );
    assert_eq!(seal.deviations()[1].offset(), 7495);
    assert_seal_round_trip(&seal, &input);
}

fn check_signature(name: &str, input: &[u8], mode: ParseMode) -> Signature {
    let sig = Signature::from_der(input, mode).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(sig.as_der(), input, "{name}");
    assert!(
        sig.to_der().unwrap() == input,
        "{name}: re-encoding differs"
    );
    assert_eq!(sig.seal().to_der().unwrap(), sig.seal().as_der(), "{name}");
    // tbs_der is the first element of the outer SEQUENCE, taken from the input.
    let tbs = sig.tbs_der();
    assert_eq!(tbs[0], 0x30);
    assert_eq!(&input[4..4 + tbs.len()], tbs, "{name}");
    sig
}

#[test]
fn signed_value_v4() {
    let input = vector("SignedValueV4.dat");
    let sig = check_signature("SignedValueV4.dat", &input, ParseMode::Strict);
    assert_eq!(sig.version(), SesVersion::V4);
    assert_eq!(sig.tbs_version(), 4);
    assert_eq!(sig.seal().es_id(), "51f044b76510434e9bc67a1185c2fba5");
    assert_eq!(sig.seal().as_der(), &input[11..11 + 17011]);
    match sig.time_info() {
        TimeInfo::Time(t) => assert_eq!(t.as_text(), "20201012111403Z"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(sig.data_hash().len(), 32);
    assert_eq!(sig.property_info(), "/Doc_0/Signs/Sign_0/Signature.xml");
    assert_eq!(sig.signer_cert_der().len(), 528);
    assert_eq!(sig.signature_algorithm(), &oid::SM2_WITH_SM3);
    assert_eq!(sig.signature_value().len(), 72);
    assert!(sig.timestamp().is_none());
    assert!(sig.ext_datas().is_none());
    assert_eq!(&sig.tbs_der()[..4], &[0x30, 0x82, 0x42, 0xCD]);
}

#[test]
fn signed_ofd_files() {
    // (file, vendor, esID, strict parse expected to succeed)
    let cases = [
        (
            "SESV4SignDoc.ofd",
            "OFDR&WTest",
            "51f044b76510434e9bc67a1185c2fba5",
            true,
        ),
        (
            "allprotected.ofd",
            "OFDR&WTest",
            "51f044b76510434e9bc67a1185c2fba5",
            true,
        ),
        ("signedFile.ofd", "GOMAIN", "32010600000001", false),
        ("v4signed.ofd", "GOMAIN", "50011200000399", false),
    ];
    for (file, vid, es_id, strict_ok) in cases {
        for (entry, data) in signed_values(file) {
            let name = format!("{file}!{entry}");
            assert_eq!(
                Signature::from_der(&data, ParseMode::Strict).is_ok(),
                strict_ok,
                "{name}"
            );
            let sig = check_signature(&name, &data, ParseMode::Lenient);
            assert_eq!(sig.version(), SesVersion::V4, "{name}");
            assert_eq!(sig.seal().header().vid, vid, "{name}");
            assert_eq!(sig.seal().es_id(), es_id, "{name}");
            assert_eq!(
                sig.property_info(),
                "/Doc_0/Signs/Sign_0/Signature.xml",
                "{name}"
            );
            if strict_ok {
                assert!(sig.deviations().is_empty(), "{name}");
            } else {
                // The GOMAIN seals: "ofd" vector picture, critical FALSE written out.
                let seal = sig.seal();
                assert_eq!(seal.picture().picture_type, "ofd", "{name}");
                assert_eq!(
                    seal.picture().check_type(),
                    PictureTypeCheck::Matches(PictureFormat::Ofd)
                );
                assert_eq!((seal.picture().width, seal.picture().height), (30, 20));
                let ext: Vec<_> = seal.ext_datas().unwrap().iter().collect();
                assert_eq!(ext[0].extn_id.to_string(), "1.2.156.10197.6.7.2.2.1");
                assert_eq!(ext[0].extn_value, b"2.1");
                let kinds: Vec<_> = sig.deviations().iter().map(|d| d.kind().clone()).collect();
                assert_eq!(kinds, vec![DeviationKind::CriticalFalsePresent], "{name}");
                assert_eq!(seal.deviations(), sig.deviations());
                assert_eq!(
                    sig.deviations()[0].field(),
                    "SES_Signature.toSign.eseal.eSealInfo.extDatas[0].critical"
                );
            }
        }
    }
}

#[test]
fn signed_ofd_gomain_fields() {
    let (_, data) = signed_values("signedFile.ofd").remove(0);
    let sig = Signature::from_der(&data, ParseMode::Lenient).unwrap();
    let seal = sig.seal();
    assert_eq!(seal.name(), "国家税务总局江苏省税务局");
    assert_eq!(seal.seal_type(), 3);
    assert_eq!(seal.create_date().as_text(), "20191011000000Z");
    assert_eq!(seal.valid_start().as_text(), "20191010160000Z");
    assert_eq!(seal.valid_end().as_text(), "20230528160000Z");
    assert_eq!(seal.maker_cert_der().len(), 1094);
    assert_eq!(sig.signer_cert_der().len(), 1145);
    match sig.time_info() {
        TimeInfo::Time(t) => assert_eq!(t.to_rfc3339(), "2020-10-04T07:28:55Z"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(sig.structure(), SignatureStructure::V4(_)));
}

#[test]
fn digital_sign_ofd_is_not_ses() {
    for (entry, data) in signed_values("DigitalSign.ofd") {
        for mode in [ParseMode::Strict, ParseMode::Lenient] {
            let err = Signature::from_der(&data, mode).unwrap_err();
            assert!(matches!(err, SesError::NotSes { .. }), "{entry}: {err:?}");
            assert!(err.to_string().contains("INTEGER, INTEGER"), "{err}");
            let err = Seal::from_der(&data, mode).unwrap_err();
            assert!(matches!(err, SesError::NotSes { .. }), "{entry}: {err:?}");
        }
    }
}
