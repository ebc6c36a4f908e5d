//! Sample license metadata for the license tests and the audit benchmark.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use eseal::license::{Date, FaceItem, HolderCodeType, LicenseId, LicenseMetadata, ValidUntil};

/// A business license (营业执照) numbered `serial`, issued on 2024-01-31 and valid until
/// 2025-12-31, with three face items.
pub fn business_license(serial: &str) -> LicenseMetadata {
    let id = LicenseId::new("11100000000013338W011", "11430000006122244L", serial, "002").unwrap();
    let json = format!(
        r#"{{"version": 1, "license_id": "{id}", "title": "营业执照", "type_name": "营业执照",
        "type_code": "11100000000013338W011", "number": "湘工商-{serial}",
        "holder_name": "福州示例科技有限公司", "holder_code": "91350100M000100Y43",
        "holder_code_type": "统一社会信用代码", "holder_code_type_code": "001",
        "issuer_name": "湖南省示例发证机关", "issuer_code": "11430000006122244L",
        "issue_date": "2024-01-31", "valid_from": "2024-01-31", "valid_until": "2025-12-31",
        "jurisdiction": "430000",
        "face": [{{"name": "法定代表人", "value": "张三"}},
                 {{"name": "注册资本", "value": "壹佰万元整"}},
                 {{"name": "经营范围", "value": "软件开发；信息技术咨询服务 (依法须经批准的项目除外)"}}]}}"#
    );
    let meta = LicenseMetadata::from_json(json.as_bytes()).unwrap();
    assert_eq!(
        meta.valid_until,
        Some(ValidUntil::Date(Date::new(2025, 12, 31).unwrap()))
    );
    assert_eq!(meta.holder_code_type, HolderCodeType::Uscc);
    assert_eq!(meta.face[0], FaceItem::new("法定代表人", "张三"));
    meta
}
