//! License metadata (GB/T 36903): XML and JSON round trips, errors that name the element, and
//! the bounds on untrusted input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "license_support/sample.rs"]
mod sample;

use eseal::ErrorCode;
use eseal::license::{
    Annotation, Date, Field, HolderCodeType, LicenseError, LicenseMetadata, MAX_FACE_ITEMS,
    MAX_METADATA_LEN, ValidUntil,
};

fn sample_meta() -> LicenseMetadata {
    let mut m = sample::business_license("20230000403");
    m.annotations.push(Annotation {
        made_on: Date::new(2024, 6, 1).unwrap(),
        maker: "湖南省示例发证机关".into(),
        reason: "变更 & 补注 <测试>".into(),
        valid_until: None,
    });
    m
}

#[test]
fn xml_and_json_round_trip() {
    let m = sample_meta();
    let xml = m.to_xml();
    assert!(
        xml.contains(
            "<ZZBS>1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S</ZZBS>"
        ),
        "{xml}"
    );
    assert!(xml.contains("<CZZTDMLXDM>001</CZZTDMLXDM>"));
    assert!(xml.contains("&amp; 补注 &lt;测试&gt;"));
    let back = LicenseMetadata::from_xml(xml.as_bytes()).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.to_xml(), xml, "the XML form is canonical");
    let json = m.to_json();
    let back = LicenseMetadata::from_json(json.as_bytes()).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.to_json(), json);
    // Element order is free in XML input.
    let reordered = xml
        .replace("  <ZZMC>营业执照</ZZMC>\n", "")
        .replace("</DZZZ>", "  <ZZMC>营业执照</ZZMC>\n</DZZZ>");
    assert_eq!(LicenseMetadata::from_xml(reordered.as_bytes()).unwrap(), m);
}

#[test]
fn long_term_and_citizen_holders() {
    let mut m = sample_meta();
    m.valid_until = Some(ValidUntil::LongTerm);
    m.holder_code_type = HolderCodeType::CitizenId;
    m.holder_code = "11010519491231002X".into();
    m.validate().unwrap();
    let xml = m.to_xml();
    assert!(xml.contains("<ZZYXQJZRQ>长期</ZZYXQJZRQ>"));
    assert_eq!(LicenseMetadata::from_xml(xml.as_bytes()).unwrap(), m);
    m.holder_code = "110105194912310021".into();
    let err = m.validate().unwrap_err();
    assert!(
        matches!(
            err,
            LicenseError::Invalid {
                field: Field::HolderCode,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("持证主体代码 (CZZTDM, holder_code)"),
        "{err}"
    );
}

/// Every core element's removal and every core element's corruption is reported for that
/// element (or, for the codes the identifier carries, for the element that disagrees).
#[test]
fn errors_name_the_field() {
    let m = sample_meta();
    let xml = m.to_xml();
    let mandatory = [
        Field::LicenseId,
        Field::TypeName,
        Field::TypeCode,
        Field::Number,
        Field::HolderName,
        Field::HolderCode,
        Field::HolderCodeType,
        Field::HolderCodeTypeCode,
        Field::IssuerName,
        Field::IssuerCode,
        Field::IssueDate,
    ];
    for (field, value) in m.core_values() {
        let n = field.xml_name();
        let line = format!("  <{n}>{}</{n}>\n", value.replace('&', "&amp;"));
        assert!(xml.contains(&line), "{line}");
        let without = xml.replace(&line, "");
        let r = LicenseMetadata::from_xml(without.as_bytes());
        if mandatory.contains(&field) {
            assert_eq!(r.unwrap_err(), LicenseError::Missing { field }, "{field}");
        } else {
            assert!(r.is_ok(), "{field} is optional");
        }
        let doubled = xml.replace(&line, &format!("{line}{line}"));
        assert_eq!(
            LicenseMetadata::from_xml(doubled.as_bytes()).unwrap_err(),
            LicenseError::Duplicate { field }
        );
        if field == Field::Title {
            continue; // free text: any value is acceptable
        }
        // A value no element accepts: a control-free but wrong one, per field.
        let wrong = match field {
            Field::TypeName | Field::Number | Field::HolderName | Field::IssuerName => " x".into(),
            Field::HolderCodeType => "护照".into(),
            _ => format!("{value}Z"),
        };
        let changed = xml.replace(&line, &format!("  <{n}>{wrong}</{n}>\n"));
        let err = LicenseMetadata::from_xml(changed.as_bytes()).unwrap_err();
        let named = match &err {
            LicenseError::Invalid { field: f, .. } | LicenseError::TooLong { field: f, .. } => *f,
            other => panic!("{field}: {other}"),
        };
        assert_eq!(named, field, "{field}: {err}");
        assert_eq!(err.code(), ErrorCode::Malformed);
    }
    let json = m.to_json();
    let err =
        LicenseMetadata::from_json(json.replace("\"issue_date\"", "\"issue_day\"").as_bytes())
            .unwrap_err();
    assert!(err.to_string().contains("issue_day"), "{err}");
    let err = LicenseMetadata::from_json(
        json.replace("\"issue_date\": \"2024-01-31\"", "\"issue_date\": 20240131")
            .as_bytes(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            LicenseError::Invalid {
                field: Field::IssueDate,
                ..
            }
        ),
        "{err}"
    );
    let err =
        LicenseMetadata::from_xml(b"<DZZZ Version=\"1\"><ZZBS>1</ZZBS><Evil/></DZZZ>").unwrap_err();
    assert!(
        err.to_string().contains("Evil")
            || matches!(
                err,
                LicenseError::Invalid {
                    field: Field::LicenseId,
                    ..
                }
            ),
        "{err}"
    );
    let err = LicenseMetadata::from_xml(b"<DZZZ Version=\"2\"/>").unwrap_err();
    assert!(
        matches!(
            err,
            LicenseError::Invalid {
                field: Field::Document,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn bounds_refuse_before_parsing() {
    let big = vec![b' '; MAX_METADATA_LEN + 1];
    assert_eq!(
        LicenseMetadata::from_xml(&big).unwrap_err().code(),
        ErrorCode::LimitExceeded
    );
    assert_eq!(
        LicenseMetadata::from_json(&big).unwrap_err().code(),
        ErrorCode::LimitExceeded
    );
    let m = sample_meta();
    let items: String = (0..=MAX_FACE_ITEMS)
        .map(|i| format!("<Item Name=\"k{i}\">v</Item>"))
        .collect();
    let xml = m.to_xml().replace("<ZMKZXX>", &format!("<ZMKZXX>{items}"));
    let err = LicenseMetadata::from_xml(xml.as_bytes()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitExceeded, "{err}");
    let long = "长".repeat(400);
    let xml = m
        .to_xml()
        .replace("<CZZT>福州示例科技有限公司", &format!("<CZZT>{long}"));
    assert!(matches!(
        LicenseMetadata::from_xml(xml.as_bytes()).unwrap_err(),
        LicenseError::TooLong {
            field: Field::HolderName,
            ..
        }
    ));
    // Deep nesting and entity tricks are refused by the XML layer.
    let deep = format!(
        "<DZZZ Version=\"1\">{}{}</DZZZ>",
        "<a>".repeat(50),
        "</a>".repeat(50)
    );
    assert!(LicenseMetadata::from_xml(deep.as_bytes()).is_err());
    let dtd = "<!DOCTYPE DZZZ [<!ENTITY x \"y\">]><DZZZ Version=\"1\"/>";
    assert!(LicenseMetadata::from_xml(dtd.as_bytes()).is_err());
}

#[test]
fn key_field_digest_changes_with_every_field() {
    let m = sample_meta();
    let d = m.key_fields_digest();
    let mut other = m.clone();
    other.face[1].value.push('零');
    assert_ne!(other.key_fields_digest(), d);
    let mut other = m.clone();
    other.face.swap(0, 1);
    assert_ne!(other.key_fields_digest(), d, "face order counts");
    let mut other = m.clone();
    other.annotations[0].reason.push('x');
    assert_ne!(other.key_fields_digest(), d);
    let mut other = m.clone();
    other.jurisdiction = None;
    assert_ne!(other.key_fields_digest(), d);
    assert_eq!(m.clone().key_fields_digest(), d);
}
