//! Cross-check of the SES parse against an independent DER parser: Python `asn1crypto`'s
//! generic parse (`asn1crypto.core.load`), walked by position in a small script.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::io::Read;

use eseal::ses::{CertList, ParseMode, Seal, Signature};

const SCRIPT: &str = r#"
import json, sys
from asn1crypto import core
data = sys.stdin.buffer.read()
top = core.load(data)
kind = sys.argv[1]
out = {}
if kind == "signature":
    tbs = top[0]
    if len(top) == 2:
        seal, out["signer_cert"], out["property_info"] = tbs[1], tbs[5].contents.hex(), tbs[4].native
    else:
        seal, out["signer_cert"], out["property_info"] = tbs[1], top[1].contents.hex(), tbs[4].native
    out["tbs"] = tbs.dump().hex()
else:
    seal = top
info = seal[0]
if len(seal) == 2:
    maker_cert = seal[1][0].contents
else:
    maker_cert = seal[1].contents
prop = info[2]
certs = prop[2] if len(prop) == 6 else prop[3]
out.update({
    "version": info[0][1].native,
    "vid": info[0][2].native,
    "es_id": info[1].native,
    "name": prop[1].native,
    "certs": [certs[i].contents.hex() for i in range(len(certs))],
    "picture_type": info[3][0].native,
    "picture_len": len(info[3][1].contents),
    "width": info[3][2].native,
    "maker_cert": maker_cert.hex(),
    "seal_info": info.dump().hex(),
})
print(json.dumps(out))
"#;

fn python_view(kind: &str, data: &[u8]) -> serde_json::Value {
    let out = cross::run("python3", &["-c", SCRIPT, kind], Some(data));
    serde_json::from_slice(&out).unwrap()
}

fn check_seal(name: &str, seal: &Seal, py: &serde_json::Value) {
    assert_eq!(py["version"], seal.header().version, "{name}");
    assert_eq!(py["vid"], seal.header().vid, "{name}");
    assert_eq!(py["es_id"], seal.es_id(), "{name}");
    assert_eq!(py["name"], seal.name(), "{name}");
    assert_eq!(py["picture_type"], seal.picture().picture_type, "{name}");
    assert_eq!(py["picture_len"], seal.picture().data.len(), "{name}");
    assert_eq!(py["width"], seal.picture().width, "{name}");
    assert_eq!(
        py["maker_cert"],
        hex::encode(seal.maker_cert_der()),
        "{name}"
    );
    assert_eq!(py["seal_info"], hex::encode(seal.seal_info_der()), "{name}");
    let CertList::Certs(certs) = seal.cert_list() else {
        panic!("{name}: expected certificates")
    };
    let ours: Vec<String> = certs.iter().map(hex::encode).collect();
    assert_eq!(py["certs"], serde_json::json!(ours), "{name}");
}

#[test]
fn matches_asn1crypto() {
    if !cross::tool_available(
        "python3 asn1crypto",
        &["python3", "-c", "import asn1crypto"],
    ) {
        return;
    }
    let dir = cross::shared_vectors().join("ofdrw");
    for name in ["UserV1.esl", "UserV4.esl", "UserV5.esl", "SESealData.DER"] {
        let data = std::fs::read(dir.join(name)).unwrap();
        let seal = Seal::from_der(&data, ParseMode::Lenient).unwrap();
        check_seal(name, &seal, &python_view("seal", &data));
    }
    let mut signatures = vec![(
        "SignedValueV4.dat".to_owned(),
        std::fs::read(dir.join("SignedValueV4.dat")).unwrap(),
    )];
    for ofd in [
        "SESV4SignDoc.ofd",
        "allprotected.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
    ] {
        let file = std::fs::File::open(dir.join(ofd)).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            if entry.name().ends_with("SignedValue.dat") {
                let mut data = Vec::new();
                entry.read_to_end(&mut data).unwrap();
                signatures.push((format!("{ofd}!{}", entry.name()), data));
            }
        }
    }
    assert_eq!(signatures.len(), 5);
    for (name, data) in signatures {
        let sig = Signature::from_der(&data, ParseMode::Lenient).unwrap();
        let py = python_view("signature", &data);
        check_seal(&name, sig.seal(), &py);
        assert_eq!(
            py["signer_cert"],
            hex::encode(sig.signer_cert_der()),
            "{name}"
        );
        assert_eq!(py["property_info"], sig.property_info(), "{name}");
        assert_eq!(py["tbs"], hex::encode(sig.tbs_der()), "{name}");
    }
}
