//! Making seals and signatures from parts: canonical DER, the bytes to sign, and assembly from
//! the parts plus signature bytes (the signing itself belongs to the crypto layer).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use der::DateTime;
use der::asn1::BitString;
use eseal::oid;
use eseal::ses::{
    BitOrOctetString, CertList, ExtData, ExtDatasEncoding, ExtensionDatas, MakerSignedForm,
    ParseMode, Seal, SealStructure, SesError, SesEsPictrueInfo, SesEsPropertyInfo, SesHeader,
    SesSealInfo, SesTime, SesVersion, Signature, SignatureStructure, TimeInfo, TimeKind, TimeStamp,
    v1, v4,
};

const CERT: &[u8] = b"\x30\x03\x02\x01\x01";

fn seal_info(version: SesVersion) -> SesSealInfo {
    let t = |y| SesTime::for_version(version, DateTime::new(y, 1, 2, 3, 4, 5).unwrap()).unwrap();
    SesSealInfo {
        header: SesHeader::new(version, "ESEAL"),
        es_id: "33010600000001".into(),
        property: SesEsPropertyInfo::new(
            version,
            1,
            "测试单位公章",
            CertList::Certs(vec![CERT.to_vec()]),
            t(2024),
            t(2024),
            t(2029),
        ),
        picture: SesEsPictrueInfo::new("PNG", b"\x89PNG\r\n\x1a\n".to_vec(), 40, 40),
        ext_datas: None,
    }
}

#[test]
fn make_v1_seal_and_signature() {
    let info = seal_info(SesVersion::V1);
    assert_eq!(info.property.create_date.kind(), TimeKind::UtcTime);
    assert_eq!(info.property.cert_list_type, None);
    let to_sign = v1::maker_signed_data(&info, CERT, &oid::SM2_WITH_SM3).unwrap();
    let sign_info = v1::SesSignInfo {
        cert: CERT.to_vec(),
        signature_algorithm: oid::SM2_WITH_SM3,
        sign_data: BitString::from_bytes(&[0xAB; 64]).unwrap(),
    };
    let seal = Seal::from_structure(&SealStructure::V1(v1::SesSeal::new(
        info.clone(),
        sign_info,
    )))
    .unwrap();
    assert_eq!(seal.version(), SesVersion::V1);
    assert!(seal.deviations().is_empty());
    // The parse of the assembled seal yields exactly the bytes the maker signed.
    assert_eq!(
        &*seal
            .maker_signed_bytes(MakerSignedForm::SealInfoCertAlgorithm)
            .unwrap(),
        &to_sign[..]
    );
    assert_eq!(seal.seal_info_der(), &info.to_der().unwrap()[..]);
    assert_eq!(seal.create_date().as_text(), "240102030405Z");
    // Strict parsing accepts what eseal writes.
    assert!(Seal::from_der(seal.as_der(), ParseMode::Strict).is_ok());

    let tbs = v1::TbsSign {
        version: 1,
        eseal: seal.clone(),
        time_info: BitOrOctetString::bit_string(b"2024-06-01 12:00:00").unwrap(),
        data_hash: BitOrOctetString::bit_string(&[9; 32]).unwrap(),
        property_info: "/Doc_0/Signs/Sign_0/Signature.xml".into(),
        cert: CERT.to_vec(),
        signature_algorithm: oid::SM2_WITH_SM3,
    };
    let tbs_der = tbs.to_der().unwrap();
    let sig = Signature::from_structure(&SignatureStructure::V1(v1::SesSignature::new(
        tbs,
        BitString::from_bytes(&[0xCD; 64]).unwrap(),
    )))
    .unwrap();
    assert_eq!(sig.version(), SesVersion::V1);
    assert_eq!(sig.tbs_der(), &tbs_der[..]);
    assert_eq!(
        sig.seal(),
        &Seal::from_der(seal.as_der(), ParseMode::Strict).unwrap()
    );
    assert!(
        matches!(sig.time_info(), TimeInfo::V1 { parsed: Some(t), .. } if t.to_string() == "2024-06-01T12:00:00Z")
    );
    assert!(Signature::from_der(sig.as_der(), ParseMode::Strict).is_ok());
}

#[test]
fn make_v4_and_v5_seal_and_signature() {
    let mut info = seal_info(SesVersion::V4);
    info.ext_datas = Some(ExtensionDatas::new(
        ExtDatasEncoding::Untagged,
        vec![ExtData::new(oid::SM3, false, b"x".to_vec())],
    ));
    assert_eq!(info.property.cert_list_type, Some(1));
    let to_sign = info.to_der().unwrap();
    let v4_seal = v4::SesSeal::new(
        info,
        CERT.to_vec(),
        oid::SM2_WITH_SM3,
        BitString::from_bytes(&[1; 64]).unwrap(),
    );
    let seal = Seal::from_structure(&SealStructure::V4(v4_seal)).unwrap();
    assert_eq!(seal.version(), SesVersion::V4);
    assert!(seal.deviations().is_empty(), "{:?}", seal.deviations());
    assert_eq!(
        &*seal
            .maker_signed_bytes(MakerSignedForm::SealInfoOnly)
            .unwrap(),
        &to_sign[..]
    );
    assert_eq!(seal.create_date().as_text(), "20240102030405Z");
    assert_eq!(
        seal.ext_datas().unwrap().iter().next().unwrap().critical,
        None
    );

    let mut tbs = v4::TbsSign::new(
        seal.clone(),
        SesTime::generalized(DateTime::new(2024, 6, 1, 12, 0, 0).unwrap()),
        &[9; 32],
        "/Doc_0/Signs/Sign_0/Signature.xml",
    )
    .unwrap();
    assert_eq!(tbs.version, 4);
    tbs.ext_datas = Some(ExtensionDatas::new(ExtDatasEncoding::Explicit, vec![]));
    let tbs_der = tbs.to_der().unwrap();
    let mut ses = v4::SesSignature::new(
        tbs,
        CERT.to_vec(),
        oid::SM2_WITH_SM3,
        BitString::from_bytes(&[2; 64]).unwrap(),
    );
    ses.time_stamp = Some(TimeStamp::new(b"\x30\x00").unwrap());
    let sig = Signature::from_structure(&SignatureStructure::V4(ses)).unwrap();
    assert!(sig.deviations().is_empty());
    assert_eq!(sig.tbs_der(), &tbs_der[..]);
    assert_eq!(sig.timestamp().unwrap().token(), b"\x30\x00");
    assert!(Signature::from_der(sig.as_der(), ParseMode::Strict).is_ok());

    // v5: header version 5 and a maker timestamp.
    let mut v5 = v4::SesSeal::new(
        seal_info(SesVersion::V5),
        CERT.to_vec(),
        oid::SM2_WITH_SM3,
        BitString::from_bytes(&[1; 64]).unwrap(),
    );
    v5.time_stamp = Some(TimeStamp::new(b"\x30\x00").unwrap());
    let seal5 = Seal::from_structure(&SealStructure::V4(v5)).unwrap();
    assert_eq!(seal5.version(), SesVersion::V5);
    assert!(seal5.deviations().is_empty());
    assert_eq!(seal5.maker_timestamp().unwrap().token(), b"\x30\x00");
    let tbs5 = v4::TbsSign::new(
        seal5,
        SesTime::generalized(DateTime::new(2026, 1, 1, 0, 0, 0).unwrap()),
        &[1; 32],
        "p",
    )
    .unwrap();
    assert_eq!(tbs5.version, 5);
    let sig5 = Signature::from_structure(&SignatureStructure::V4(v4::SesSignature::new(
        tbs5,
        CERT.to_vec(),
        oid::SM2_WITH_SM3,
        BitString::from_bytes(&[2; 64]).unwrap(),
    )))
    .unwrap();
    assert_eq!(sig5.version(), SesVersion::V5);
}

#[test]
fn invalid_values_are_refused() {
    let mut info = seal_info(SesVersion::V4);
    info.es_id = "印章".into(); // IA5String is ASCII only
    let err = info.to_der().unwrap_err();
    assert!(
        matches!(&err, SesError::InvalidValue { field, .. } if field == "SES_SealInfo.esID"),
        "{err:?}"
    );
    // UTCTime cannot hold 2050 and later.
    let err = SesTime::utc(DateTime::new(2050, 1, 1, 0, 0, 0).unwrap()).unwrap_err();
    assert!(err.to_string().contains("GeneralizedTime"), "{err}");
}
