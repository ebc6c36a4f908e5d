//! The round-trip properties of the license parsers, shared by the fuzz targets
//! (`fuzz/fuzz_targets/license_*.rs`) and the deterministic test `tests/license_fuzz.rs`.
//!
//! Include with `#[path = ".../support/license_roundtrip.rs"] mod license_roundtrip;`.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::panic)]

use eseal::license::{CitizenId, Date, LicenseId, Uscc};

/// Parses `data` (UTF-8, lossily) as a license identifier; whatever parses prints back to the
/// same text, re-parses to the same value and rebuilds from its parts. Returns whether it parsed.
pub fn license_id(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let Ok(id) = LicenseId::parse(&text) else {
        return false;
    };
    let printed = id.to_string();
    assert_eq!(printed, text, "accepted text must be canonical");
    assert_eq!(LicenseId::parse(&printed).as_ref(), Ok(&id));
    let rebuilt = LicenseId::new(
        id.type_code(),
        id.issuer().as_str(),
        id.serial(),
        id.version(),
    );
    assert_eq!(rebuilt.as_ref(), Ok(&id));
    true
}

/// Parses `data` (UTF-8, lossily) as a USCC, a citizen ID number and a date; whatever parses
/// prints and re-parses to the same value. Returns how many of the three parsed.
pub fn codes(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let mut parsed = 0;
    if let Ok(c) = Uscc::parse(&text) {
        assert_eq!(c.as_str(), text);
        assert_eq!(Uscc::parse(&c.to_string()).as_ref(), Ok(&c));
        let _ = c.organisation_code_valid();
        parsed += 1;
    }
    if let Ok(c) = CitizenId::parse(&text) {
        assert_eq!(c.as_str(), text);
        assert_eq!(CitizenId::parse(&c.to_string()).as_ref(), Ok(&c));
        let birth = c.birth_date();
        assert_eq!(Date::parse(&birth.to_string()), Some(birth));
        assert!(CitizenId::parse_at(&text, birth).is_ok());
        parsed += 1;
    }
    if let Some(d) = Date::parse(&text) {
        assert_eq!(Date::parse(&d.to_string()), Some(d));
        assert_eq!(Date::new(d.year(), d.month(), d.day()), Some(d));
        parsed += 1;
    }
    parsed
}

/// Parses `data` as license metadata XML; whatever parses is valid, serialises to XML and
/// JSON that parse back to the same value, and its XML form is a fixed point.
pub fn metadata_xml(data: &[u8]) -> bool {
    let Ok(m) = eseal::license::LicenseMetadata::from_xml(data) else {
        return false;
    };
    metadata_round_trip(&m);
    true
}

/// As [`metadata_xml`], from JSON.
pub fn metadata_json(data: &[u8]) -> bool {
    let Ok(m) = eseal::license::LicenseMetadata::from_json(data) else {
        return false;
    };
    metadata_round_trip(&m);
    true
}

fn metadata_round_trip(m: &eseal::license::LicenseMetadata) {
    use eseal::license::LicenseMetadata;
    m.validate().unwrap();
    let xml = m.to_xml();
    let from_xml = LicenseMetadata::from_xml(xml.as_bytes()).unwrap();
    assert_eq!(&from_xml, m);
    assert_eq!(from_xml.to_xml(), xml);
    let json = m.to_json();
    assert_eq!(&LicenseMetadata::from_json(json.as_bytes()).unwrap(), m);
    assert_eq!(from_xml.key_fields_digest(), m.key_fields_digest());
}

/// Parses `data` as a 2D-code payload (text or URL form); whatever parses re-encodes to the
/// same binary and text, and its signed part is the binary without the 64-byte signature.
pub fn payload(data: &[u8]) -> bool {
    use eseal::license::Payload;
    let text = String::from_utf8_lossy(data);
    let Ok(p) = Payload::parse(&text) else {
        return false;
    };
    let bytes = p.to_bytes();
    assert_eq!(Payload::from_bytes(&bytes).as_ref(), Ok(&p));
    assert_eq!(Payload::parse(&p.to_text()).as_ref(), Ok(&p));
    assert_eq!(p.signed_bytes().len() + 64, bytes.len());
    assert!(p.identifier.starts_with(eseal::license::PREFIX));
    if let Ok(url) = p.to_url("https://v.example/l/") {
        assert_eq!(Payload::parse(&url).as_ref(), Ok(&p));
    }
    true
}
