//! Certificate names as RFC 4514 text, exactly as `x509-cert`'s `Display` writes them, but
//! without its attribute-name search.
//!
//! `x509-cert` finds each attribute's name by scanning `const-oid`'s whole OID database (over
//! a thousand entries) per attribute: formatting the three subjects of a seal signature was
//! 5 % of its cold verification. Here the names of the usual attribute types are asked of
//! `x509-cert` once (so they are its names by construction) and kept; anything else (another
//! attribute type, a value that is not a string) is still written by `x509-cert` itself.

use std::fmt::Write as _;
use std::sync::OnceLock;

use der::asn1::{
    Any, Ia5StringRef, ObjectIdentifier, PrintableStringRef, TeletexStringRef, Utf8StringRef,
};
use der::{Tag, Tagged as _};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// The attribute types met in seal, signer and CA certificates (X.520, PKCS #9, RFC 4519).
const COMMON: [&str; 14] = [
    "2.5.4.3",                    // commonName
    "2.5.4.6",                    // countryName
    "2.5.4.7",                    // localityName
    "2.5.4.8",                    // stateOrProvinceName
    "2.5.4.10",                   // organizationName
    "2.5.4.11",                   // organizationalUnitName
    "2.5.4.5",                    // serialNumber
    "2.5.4.9",                    // streetAddress
    "2.5.4.12",                   // title
    "2.5.4.4",                    // surname
    "2.5.4.42",                   // givenName
    "1.2.840.113549.1.9.1",       // emailAddress
    "0.9.2342.19200300.100.1.25", // domainComponent
    "0.9.2342.19200300.100.1.1",  // userId
];

/// `(type, name)` of the [`COMMON`] types, the name as `x509-cert` writes it.
fn known_names() -> &'static [(ObjectIdentifier, String)] {
    static NAMES: OnceLock<Vec<(ObjectIdentifier, String)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        COMMON
            .iter()
            .filter_map(|dotted| {
                let oid = ObjectIdentifier::new(dotted).ok()?;
                let value = Any::new(Tag::PrintableString, b"x".as_slice()).ok()?;
                let text = AttributeTypeAndValue { oid, value }.to_string();
                let name = text.strip_suffix("=x")?;
                Some((oid, name.to_owned()))
            })
            .collect()
    })
}

/// `name` in RFC 4514 form (the RDNs in reverse order, `,` between them, `+` within one).
pub(crate) fn name_string(name: &Name) -> String {
    let rdns: Vec<_> = name.iter_rdn().collect();
    let mut out = String::new();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            push_attribute(&mut out, atv);
        }
    }
    out
}

/// One `TYPE=value`, escaped as RFC 4514 §2.4 (and `x509-cert`) do.
fn push_attribute(out: &mut String, atv: &AttributeTypeAndValue) {
    let name = known_names()
        .iter()
        .find(|(oid, _)| *oid == atv.oid)
        .map(|(_, name)| name);
    let value = match atv.value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        _ => None,
    };
    let (Some(name), Some(value)) = (name, value) else {
        // Another type, or a value that is not a string (written as `OID=#hex`).
        let _ = write!(out, "{atv}");
        return;
    };
    out.push_str(name);
    out.push('=');
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x00'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\{:02x}", c as u8);
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::str::FromStr as _;

    use der::{Decode as _, Encode as _};

    use super::*;

    fn atv(oid: &str, tag: Tag, value: &str) -> AttributeTypeAndValue {
        AttributeTypeAndValue {
            oid: ObjectIdentifier::new(oid).unwrap(),
            value: Any::new(tag, value.as_bytes()).unwrap(),
        }
    }

    /// A name of the given RDNs (each a list of attributes), built through DER.
    fn name(rdns: &[&[AttributeTypeAndValue]]) -> Name {
        let mut der = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for a in *rdn {
                a.encode_to_vec(&mut set).unwrap();
            }
            // SET OF, sorted by DER (the attributes here are given in DER order).
            der::Header::new(Tag::Set, der::Length::try_from(set.len()).unwrap())
                .encode_to_vec(&mut der)
                .unwrap();
            der.extend_from_slice(&set);
        }
        let mut seq = Vec::new();
        der::Header::new(Tag::Sequence, der::Length::try_from(der.len()).unwrap())
            .encode_to_vec(&mut seq)
            .unwrap();
        seq.extend_from_slice(&der);
        Name::from_der(&seq).unwrap()
    }

    #[test]
    fn the_usual_types_have_x509_cert_names() {
        assert_eq!(known_names().len(), COMMON.len());
        let cn = known_names()
            .iter()
            .find(|(o, _)| o.to_string() == "2.5.4.3");
        assert_eq!(cn.unwrap().1, "CN");
    }

    /// The same text as `x509-cert`'s `Display` for names with every attribute type, every
    /// string type, characters to escape, unknown types and non-string values.
    #[test]
    fn agrees_with_x509_cert() {
        let values = [
            "bench signer",
            "电子印章 测试",
            "#lead",
            " both ends ",
            "a,b+c;d<e>f\"g\\h",
            "ctl\x01\x1f\x7fend",
            "x",
            "",
            "# ",
        ];
        let mut names = Vec::new();
        for (i, oid) in COMMON.iter().chain(&["1.2.3.4", "2.5.4.97"]).enumerate() {
            for (j, v) in values.iter().enumerate() {
                let tag = [Tag::Utf8String, Tag::PrintableString, Tag::Ia5String][(i + j) % 3];
                let ok = Any::new(tag, v.as_bytes()).is_ok();
                if ok {
                    names.push(name(&[
                        &[atv("2.5.4.6", Tag::PrintableString, "CN")],
                        &[atv(oid, tag, v)],
                    ]));
                }
            }
        }
        // Multi-valued RDN, a teletex string, a non-string value, an empty name.
        names.push(name(&[&[
            atv("2.5.4.3", Tag::Utf8String, "a"),
            atv("2.5.4.10", Tag::Utf8String, "b"),
        ]]));
        names.push(name(&[&[atv("2.5.4.3", Tag::TeletexString, "teletex")]]));
        names.push(name(&[&[atv("2.5.4.3", Tag::OctetString, "raw")]]));
        names.push(name(&[]));
        names.push(Name::from_str("C=CN,O=某某市公安局,OU=治安支队,CN=印章制作").unwrap());
        assert!(names.len() > 100);
        for n in &names {
            assert_eq!(name_string(n), n.to_string());
        }
    }
}
