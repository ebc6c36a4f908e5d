//! CMS SignedData and RFC 3161 tokens against independent implementations: the `openssl` CLI
//! (3.0) and Python `asn1crypto` + `gmssl` (a second, independent CMS writer and SM2 signer).
//!
//! What OpenSSL 3.0.19 does with SM2 CMS, as these tests assert it:
//! - `openssl cms -cmsout -print` parses eseal's PKCS#7-flavour SignedData field by field; the
//!   GM/T 0010 outer OID is unknown to it (printed as `undefined`, content dumped as `d.other`),
//!   and `cms -verify` refuses that flavour ("content type not signed data").
//! - `openssl cms -verify` (even with `-noverify`) rejects eseal's signature, because OpenSSL
//!   checks SM2 in CMS with the *empty* distinguishing ID; a copy re-signed with the empty ID
//!   passes `-noverify`, and eseal reports that copy invalid by default and valid with
//!   `DistId::empty()`. Chain verification fails as well (certificates signed with the default ID).
//! - `openssl ts -verify` checks the TSA's SM2 signature as a bare signature over
//!   e = SM3(signed attributes), without Z (its PKCS#7 code hands the digest to the key): it
//!   rejects eseal's GB/T 20520 tokens and accepts a copy signed that way, which eseal in turn
//!   rejects under any ID. Its certificate checks use the empty ID, so chains fail first.
//! - OpenSSL 3.0 cannot *create* SM2 CMS, PKCS#7 or timestamp signatures (`cms -sign`:
//!   "illegal zero content"; `smime -sign` / `ts -reply`: "signing not supported for this key
//!   type"), so the independent signer here is Python (asn1crypto structure, gmssl signature).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;
#[path = "support/cross.rs"]
mod cross;

use std::path::Path;

use ca::{Chain, chain, key, rng, t, template};
use der::asn1::AnyRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use eseal::crypto::sm2::DistId;
use eseal::crypto::sm3::sm3;
use eseal::pki::cms::{
    self, Content, DigestCheck, OidFlavour, SignOptions, SignatureCheck, SignedData, VerifyOptions,
};
use eseal::pki::tsp::{
    self, LocalTsa, PkiStatus, TimestampError, TimestampRequest, TimestampResponse,
};
use eseal::pki::{Certificate, CertificateProfile, Signer, SoftwareSigner};

const DOC: &[u8] = b"hello cms from eseal\n";

fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_owned()
}

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

/// Replaces the element reached by `path` (child indices) with `new`.
fn replace(tlv: &[u8], path: &[usize], new: &[u8]) -> Vec<u8> {
    let (tag, contents) = split(tlv);
    let mut kids = children(&contents);
    let (&i, rest) = path.split_first().unwrap();
    kids[i] = if rest.is_empty() {
        new.to_vec()
    } else {
        replace(&kids[i], rest, new)
    };
    join(tag, &kids.concat())
}

fn get(tlv: &[u8], path: &[usize]) -> Vec<u8> {
    let mut cur = tlv.to_vec();
    for &i in path {
        cur = children(&split(&cur).1)[i].clone();
    }
    cur
}

/// A TSA certificate under the chain's intermediate, the LocalTsa, and its key as PKCS#8 PEM.
fn tsa(c: &Chain) -> (Certificate, LocalTsa<SoftwareSigner>, String) {
    let k = key();
    let pem = k.secret_key().to_pkcs8_pem().to_string();
    let cert = c
        .inter
        .issue(
            &template(CertificateProfile::Tsa, "eseal TSA"),
            &k.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    let policy = der::asn1::ObjectIdentifier::new_unwrap("1.2.156.10197.6.1.4.9.1");
    (cert.clone(), LocalTsa::new(cert, k, policy).unwrap(), pem)
}

fn openssl(args: &[&str]) -> Result<String, String> {
    cross::try_run("openssl", args, None).map(|o| String::from_utf8_lossy(&o).into_owned())
}

#[test]
fn openssl_parses_eseal_signed_data_in_both_flavours() {
    if !cross::have_openssl() {
        return;
    }
    let c = chain();
    let dir = cross::temp_dir();
    let d = dir.path();
    let data = write(d, "data.bin", DOC);

    let opts = SignOptions::new()
        .with_signing_time(t(2))
        .with_signing_certificate_v2()
        .with_chain([c.inter.certificate().clone()]);
    let der = cms::sign(DOC, &c.leaf, &c.leaf_key, &opts).unwrap();
    let file = write(d, "pkcs7.der", &der);
    let printed = openssl(&["cms", "-cmsout", "-print", "-inform", "DER", "-in", &file]).unwrap();
    for expected in [
        "contentType: pkcs7-signedData (1.2.840.113549.1.7.2)",
        "eContentType: pkcs7-data (1.2.840.113549.1.7.1)",
        "eContent: <ABSENT>",
        "algorithm: sm3 (1.2.156.10197.1.401)",
        "object: contentType (1.2.840.113549.1.9.3)",
        "UTCTIME:Jan  3 00:00:00 2024 GMT",
        "object: messageDigest (1.2.840.113549.1.9.4)",
        "id-smime-aa-signingCertificateV2",
        "algorithm: SM2-with-SM3 (1.2.156.10197.1.501)",
        "CN=eseal Test CA",
        &format!(
            "{}",
            u128::from_str_radix(&c.leaf.serial_hex(), 16).unwrap()
        ),
    ] {
        assert!(
            printed.contains(expected),
            "missing {expected:?} in:\n{printed}"
        );
    }
    // The messageDigest bytes as OpenSSL prints them (hex dump in groups of 13 bytes).
    let first = sm3(DOC);
    let dump = format!(
        "{:02x} {:02x} {:02x} {:02x}",
        first[0], first[1], first[2], first[3]
    );
    assert!(
        printed.contains(&dump),
        "digest {dump} not printed:\n{printed}"
    );

    // GM/T 0010 outer OID: OpenSSL does not know it and shows the content as an opaque SEQUENCE.
    let gm = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &opts.clone().with_flavour(OidFlavour::GmT0010),
    )
    .unwrap();
    let gm_file = write(d, "gm.der", &gm);
    let printed = openssl(&[
        "cms", "-cmsout", "-print", "-inform", "DER", "-in", &gm_file,
    ])
    .unwrap();
    assert!(
        printed.contains("contentType: undefined (1.2.156.10197.6.1.4.2.2)"),
        "{printed}"
    );
    assert!(printed.contains("d.other: SEQUENCE"), "{printed}");
    assert!(
        printed.contains("OBJECT            :1.2.156.10197.1.301.1"),
        "{printed}"
    );
    let err = openssl(&[
        "cms",
        "-verify",
        "-noverify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &gm_file,
        "-content",
        &data,
    ])
    .unwrap_err();
    assert!(err.contains("content type not signed data"), "{err}");
}

#[test]
fn openssl_verifies_sm2_cms_with_the_empty_id_only() {
    if !cross::have_openssl() {
        return;
    }
    let c = chain();
    let dir = cross::temp_dir();
    let d = dir.path();
    let data = write(d, "data.bin", DOC);
    let root = write(d, "root.pem", c.root.certificate().to_pem().as_bytes());
    let inter = write(d, "inter.pem", c.inter.certificate().to_pem().as_bytes());
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new().with_signing_time(t(2)),
    )
    .unwrap();
    let file = write(d, "sig.der", &der);

    // eseal's signature (default ID): OpenSSL rejects it, with or without chain checks.
    let err = openssl(&[
        "cms",
        "-verify",
        "-noverify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &file,
        "-content",
        &data,
    ])
    .unwrap_err();
    assert!(
        err.contains("CMS_SignerInfo_verify:verification failure"),
        "{err}"
    );
    let err = openssl(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &file,
        "-content",
        &data,
        "-CAfile",
        &root,
        "-certfile",
        &inter,
        "-purpose",
        "any",
    ])
    .unwrap_err();
    // OpenSSL checks the certificates with the empty ID too, so the path fails (at the first
    // link it tries: reported as a signature failure or as an unknown issuer).
    assert!(
        err.contains("certificate verify error")
            && (err.contains("certificate signature failure")
                || err.contains("unable to get local issuer certificate")),
        "{err}"
    );

    // The same SignedData re-signed over its signed attributes with the empty ID.
    const SI: [usize; 4] = [1, 0, 4, 0];
    let attrs = get(&der, &[1, 0, 4, 0, 3]);
    let mut set = attrs.clone();
    set[0] = 0x31;
    let empty_sig = c
        .leaf_key
        .secret_key()
        .sign_with_id(&DistId::empty(), &set)
        .unwrap()
        .to_der();
    let mut path = SI.to_vec();
    path.push(5);
    let empty = replace(&der, &path, &join(Tag::OctetString, &empty_sig));
    let empty_file = write(d, "empty.der", &empty);
    let out = openssl(&[
        "cms",
        "-verify",
        "-noverify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &empty_file,
        "-content",
        &data,
        "-out",
        "/dev/null",
    ]);
    assert!(
        out.is_ok(),
        "OpenSSL should accept the empty-ID signature: {out:?}"
    );

    // eseal: invalid under the default ID, valid when told to use the empty ID.
    let sd = SignedData::from_der(&empty).unwrap();
    let v = &sd
        .verify(Content::Bytes(DOC), &VerifyOptions::strict())
        .unwrap()[0];
    assert_eq!(v.signature, SignatureCheck::Invalid);
    assert_eq!(v.digest, DigestCheck::Match);
    let v = &sd
        .verify(
            Content::Bytes(DOC),
            &VerifyOptions::strict().with_dist_id(DistId::empty()),
        )
        .unwrap()[0];
    assert!(v.is_valid());
}

#[test]
fn openssl_cannot_sign_sm2_cms() {
    if !cross::have_openssl() {
        return;
    }
    let c = chain();
    let dir = cross::temp_dir();
    let d = dir.path();
    let cert = write(d, "cert.pem", c.leaf.to_pem().as_bytes());
    let key = write(
        d,
        "key.pem",
        c.leaf_key.secret_key().to_pkcs8_pem().as_bytes(),
    );
    let data = write(d, "data.bin", DOC);
    let out = d.join("out.der");
    let err = openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-md",
        "sm3",
        "-signer",
        &cert,
        "-inkey",
        &key,
        "-in",
        &data,
        "-outform",
        "DER",
        "-out",
        out.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(err.contains("illegal zero content"), "{err}");
    let err = openssl(&[
        "smime",
        "-sign",
        "-binary",
        "-md",
        "sm3",
        "-signer",
        &cert,
        "-inkey",
        &key,
        "-in",
        &data,
        "-outform",
        "DER",
        "-out",
        out.to_str().unwrap(),
    ]);
    // `smime -sign` prints the error but may still exit 0 with an empty file.
    let empty = std::fs::read(&out).map(|b| b.is_empty()).unwrap_or(true);
    assert!(err.is_err() || empty, "{err:?}");
}

const PY_SIGN: &str = r#"
import sys, datetime
from asn1crypto import cms, x509, algos, core
from gmssl import sm2, sm3, func
d, p, cert_path, data_path, out_path = sys.argv[1:6]
cert = x509.Certificate.load(open(cert_path, 'rb').read())
data = open(data_path, 'rb').read()
digest = bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))
# DER order of these three attributes (shortest encoding first).
attrs = cms.CMSAttributes([
    cms.CMSAttribute({'type': 'content_type', 'values': ['data']}),
    cms.CMSAttribute({'type': 'signing_time', 'values': [cms.Time({'utc_time': datetime.datetime(2024, 1, 5, 6, 7, 8, tzinfo=datetime.timezone.utc)})]}),
    cms.CMSAttribute({'type': 'message_digest', 'values': [digest]}),
])
raw = sm2.CryptSM2(private_key=d, public_key=p).sign_with_sm3(attrs.dump())
sig = algos.DSASignature({'r': int(raw[:64], 16), 's': int(raw[64:], 16)}).dump()
si = cms.SignerInfo({
    'version': 'v1',
    'sid': cms.SignerIdentifier({'issuer_and_serial_number': cms.IssuerAndSerialNumber({
        'issuer': cert.issuer, 'serial_number': cert.serial_number})}),
    'digest_algorithm': {'algorithm': '1.2.156.10197.1.401'},
    'signed_attrs': attrs,
    'signature_algorithm': {'algorithm': '1.2.156.10197.1.501'},
    'signature': sig,
})
sd = cms.SignedData({
    'version': 'v1',
    'digest_algorithms': [{'algorithm': '1.2.156.10197.1.401'}],
    'encap_content_info': {'content_type': 'data'},
    'certificates': [cert],
    'signer_infos': [si],
})
open(out_path, 'wb').write(cms.ContentInfo({'content_type': 'signed_data', 'content': sd}).dump())
"#;

const PY_READ: &str = r#"
import sys, json
from asn1crypto import cms, algos
from gmssl import sm2
p = sys.argv[1]
ci = cms.ContentInfo.load(open(sys.argv[2], 'rb').read())
sd = ci['content']
si = sd['signer_infos'][0]
attrs = {a['type'].dotted: a['values'][0] for a in si['signed_attrs']}
signed = bytearray(si['signed_attrs'].dump())
signed[0] = 0x31
sig = algos.DSASignature.load(si['signature'].native)
raw = '%064x%064x' % (sig['r'].native, sig['s'].native)
print(json.dumps({
    'content_type': ci['content_type'].dotted,
    'econtent_type': sd['encap_content_info']['content_type'].dotted,
    'detached': sd['encap_content_info']['content'].native is None,
    'serial': '%x' % si['sid'].chosen['serial_number'].native,
    'digest_algorithm': si['digest_algorithm']['algorithm'].dotted,
    'signature_algorithm': si['signature_algorithm']['algorithm'].dotted,
    'message_digest': attrs['1.2.840.113549.1.9.4'].native.hex(),
    'signing_time': attrs['1.2.840.113549.1.9.5'].native.isoformat(),
    'certificates': len(sd['certificates']),
    'gmssl_verifies': sm2.CryptSM2(private_key=None, public_key=p).verify_with_sm3(raw, bytes(signed)),
}))
"#;

fn have_python() -> bool {
    cross::tool_available(
        "python3 asn1crypto + gmssl",
        &["python3", "-c", "import asn1crypto, gmssl"],
    )
}

#[test]
fn python_reads_eseal_and_eseal_reads_python() {
    if !have_python() {
        return;
    }
    let c = chain();
    let dir = cross::temp_dir();
    let d = dir.path();
    let pubkey = hex::encode(&c.leaf_key.secret_key().public_key().to_sec1_bytes()[1..]);

    // eseal → asn1crypto parse, gmssl checks the signature over the DER SET OF attributes.
    let der = cms::sign(
        DOC,
        &c.leaf,
        &c.leaf_key,
        &SignOptions::new()
            .with_signing_time(t(2))
            .with_chain([c.inter.certificate().clone()]),
    )
    .unwrap();
    let file = write(d, "eseal.der", &der);
    let out = cross::run("python3", &["-c", PY_READ, &pubkey, &file], None);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["content_type"], "1.2.840.113549.1.7.2");
    assert_eq!(v["econtent_type"], "1.2.840.113549.1.7.1");
    assert_eq!(v["detached"], true);
    assert_eq!(v["serial"], c.leaf.serial_hex().trim_start_matches('0'));
    assert_eq!(v["digest_algorithm"], "1.2.156.10197.1.401");
    assert_eq!(v["signature_algorithm"], "1.2.156.10197.1.501");
    assert_eq!(v["message_digest"], hex::encode(sm3(DOC)));
    assert_eq!(v["signing_time"], "2024-01-03T00:00:00+00:00");
    assert_eq!(v["certificates"], 2);
    assert_eq!(v["gmssl_verifies"], true);

    // asn1crypto structure + gmssl signature (default ID) → eseal verifies it strictly.
    let key_hex = hex::encode(*c.leaf_key.secret_key().to_bytes());
    let cert = write(d, "leaf.der", c.leaf.as_der());
    let data = write(d, "data.bin", DOC);
    let out_path = d.join("python.der");
    cross::run(
        "python3",
        &[
            "-c",
            PY_SIGN,
            &key_hex,
            &pubkey,
            &cert,
            &data,
            out_path.to_str().unwrap(),
        ],
        None,
    );
    let theirs = std::fs::read(&out_path).unwrap();
    let sd = SignedData::from_der(&theirs).unwrap();
    let v = &sd
        .verify(Content::Bytes(DOC), &VerifyOptions::strict())
        .unwrap()[0];
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.signer_certificate, c.leaf);
    assert_eq!(
        v.signing_time,
        eseal::pki::Time::from_utc(2024, 1, 5, 6, 7, 8)
    );
    let v = &sd
        .verify(Content::Bytes(b"other"), &VerifyOptions::strict())
        .unwrap()[0];
    assert_eq!(v.digest, DigestCheck::Mismatch);
}

const PY_TST: &str = r#"
import sys, json
from asn1crypto import cms, tsp
ci = cms.ContentInfo.load(open(sys.argv[1], 'rb').read())
sd = ci['content']
tst = sd['encap_content_info']['content'].parsed
acc = tst['accuracy']
print(json.dumps({
    'econtent_type': sd['encap_content_info']['content_type'].dotted,
    'policy': tst['policy'].dotted,
    'serial': tst['serial_number'].native,
    'gen_time': tst['gen_time'].native.isoformat(),
    'hash_algorithm': tst['message_imprint']['hash_algorithm']['algorithm'].dotted,
    'hashed_message': tst['message_imprint']['hashed_message'].native.hex(),
    'nonce': tst['nonce'].native,
    'accuracy': [acc['seconds'].native, acc['millis'].native, acc['micros'].native],
    'signed_attrs': sorted(a['type'].dotted for a in sd['signer_infos'][0]['signed_attrs']),
}))
"#;

#[test]
fn timestamps_against_openssl_and_asn1crypto() {
    if !cross::have_openssl() || !have_python() {
        return;
    }
    let c = chain();
    let (tsa_cert, tsa, tsa_key_pem) = tsa(&c);
    let tsa = tsa.with_accuracy(tsp::Accuracy {
        seconds: 2,
        millis: 5,
        micros: 0,
    });
    let dir = cross::temp_dir();
    let d = dir.path();
    let data = write(d, "data.bin", DOC);
    let root = write(d, "root.pem", c.root.certificate().to_pem().as_bytes());
    let inter = write(d, "inter.pem", c.inter.certificate().to_pem().as_bytes());
    let _ = write(d, "tsa.pem", tsa_cert.to_pem().as_bytes());

    let gen_time = t(5).saturating_add_seconds(45_296); // 2024-01-06T12:34:56Z
    let token = tsa
        .timestamp(DOC, gen_time, &[0x01, 0x23, 0x45], Some(&[0x0a, 0xbc]))
        .unwrap();
    let token_file = write(d, "token.der", &token);

    // OpenSSL prints eseal's TSTInfo.
    let text = openssl(&[
        "ts",
        "-reply",
        "-token_in",
        "-in",
        &token_file,
        "-text",
        "-token_out",
    ])
    .unwrap();
    for expected in [
        "Version: 1",
        "Policy OID: 1.2.156.10197.6.1.4.9.1",
        "Hash Algorithm: sm3",
        "Serial number: 0x012345",
        "Time stamp: Jan  6 12:34:56 2024 GMT",
        "Accuracy: 0x02 seconds, 0x05 millis, unspecified micros",
        "Nonce: 0x0ABC",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    // asn1crypto reads the same fields.
    let out = cross::run("python3", &["-c", PY_TST, &token_file], None);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["econtent_type"], "1.2.840.113549.1.9.16.1.4");
    assert_eq!(v["policy"], "1.2.156.10197.6.1.4.9.1");
    assert_eq!(v["serial"], 0x012345);
    assert_eq!(v["gen_time"], "2024-01-06T12:34:56+00:00");
    assert_eq!(v["hash_algorithm"], "1.2.156.10197.1.401");
    assert_eq!(v["hashed_message"], hex::encode(sm3(DOC)));
    assert_eq!(v["nonce"], 0x0abc);
    assert_eq!(v["accuracy"], serde_json::json!([2, 5, null]));
    assert_eq!(
        v["signed_attrs"],
        serde_json::json!([
            "1.2.840.113549.1.9.16.2.47",
            "1.2.840.113549.1.9.3",
            "1.2.840.113549.1.9.4"
        ])
    );

    // An OpenSSL TimeStampReq (SM3, certReq, no nonce) answered by eseal's LocalTsa.
    let req = d.join("req.tsq");
    openssl(&[
        "ts",
        "-query",
        "-data",
        &data,
        "-sm3",
        "-cert",
        "-no_nonce",
        "-out",
        req.to_str().unwrap(),
    ])
    .unwrap();
    let req_der = std::fs::read(&req).unwrap();
    let parsed = TimestampRequest::from_der(&req_der).unwrap();
    assert_eq!(parsed.hashed_message, sm3(DOC).to_vec());
    assert!(parsed.cert_req);
    assert_eq!(parsed.nonce, None);
    let resp = tsa.respond(&req_der, gen_time, &[7]).unwrap();
    let resp_file = write(d, "resp.tsr", &resp);
    let text = openssl(&["ts", "-reply", "-in", &resp_file, "-text"]).unwrap();
    assert!(text.contains("Status: Granted."), "{text}");
    // OpenSSL's own verification of the SM2 token: it checks SM2 with the empty ID, so it fails
    // on the signature (eseal signs with the default ID, as GB/T 20520 tokens do).
    let verify = openssl(&[
        "ts",
        "-verify",
        "-in",
        &resp_file,
        "-queryfile",
        req.to_str().unwrap(),
        "-CAfile",
        &root,
        "-untrusted",
        &inter,
    ]);
    let err = verify.unwrap_err();
    assert!(
        err.contains("ts_verify_cert:certificate verify error"),
        "{err}"
    );
    // With the TSA certificate itself as the anchor (no chain links to check), OpenSSL reaches
    // the token signature, which it checks with the empty ID.
    let tsa_pem = d.join("tsa.pem");
    let partial = openssl(&[
        "ts",
        "-verify",
        "-in",
        &resp_file,
        "-queryfile",
        req.to_str().unwrap(),
        "-CAfile",
        tsa_pem.to_str().unwrap(),
        "-partial_chain",
    ]);
    let err = partial.unwrap_err();
    assert!(
        err.contains("TS_RESP_verify_signature:signature failure"),
        "{err}"
    );
    let token = TimestampResponse::from_der(&resp)
        .unwrap()
        .into_token()
        .unwrap();
    let info = tsp::verify_token(&token, DOC).unwrap();
    assert_eq!(info.serial, vec![7]);

    // What OpenSSL's `ts -verify` (its PKCS#7 code) actually checks: the same token re-signed
    // over e = SM3(signed attributes), with no Z at all, passes. That is not an SM2 signature
    // under any distinguishing ID, so eseal reports it invalid, also with the empty ID.
    let tsa_secret = eseal::crypto::SecretKey::from_pkcs8_pem(&tsa_key_pem).unwrap();
    let mut set = get(&token, &[1, 0, 4, 0, 3]);
    set[0] = 0x31;
    let sig = tsa_secret.sign_digest(&sm3(&set)).unwrap().to_der();
    let no_z = replace(&token, &[1, 0, 4, 0, 5], &join(Tag::OctetString, &sig));
    let no_z_resp = write(d, "no_z.tsr", &tsp::granted_response(&no_z).unwrap());
    let ok = openssl(&[
        "ts",
        "-verify",
        "-in",
        &no_z_resp,
        "-queryfile",
        req.to_str().unwrap(),
        "-CAfile",
        tsa_pem.to_str().unwrap(),
        "-partial_chain",
    ])
    .unwrap();
    assert!(ok.contains("Verification: OK"), "{ok}");
    assert_eq!(
        tsp::verify_token(&no_z, DOC).unwrap_err(),
        TimestampError::SignatureInvalid
    );
    let empty_id = tsp::TimestampVerifyOptions::strict().with_dist_id(DistId::empty());
    assert_eq!(
        tsp::TimestampToken::from_der(&no_z)
            .unwrap()
            .verify(tsp::Imprint::Data(DOC), &empty_id)
            .unwrap_err(),
        TimestampError::SignatureInvalid
    );

    // OpenSSL's TSA with an SM2 key answers with a rejection; eseal reads it as not granted.
    let tsa_key = write(d, "tsa.key", tsa_key_pem.as_bytes());
    let cnf = format!(
        "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = {dir}/serial\nsigner_cert = {dir}/tsa.pem\nsigner_key = {tsa_key}\nsigner_digest = sm3\ndefault_policy = 1.2.3.4.1\ndigests = sm3\n",
        dir = d.display()
    );
    let cnf_file = write(d, "tsa.cnf", cnf.as_bytes());
    let _ = write(d, "serial", b"01\n");
    let rejected = d.join("rejected.tsr");
    let _ = openssl(&[
        "ts",
        "-reply",
        "-config",
        &cnf_file,
        "-queryfile",
        req.to_str().unwrap(),
        "-out",
        rejected.to_str().unwrap(),
    ]);
    let rejected = std::fs::read(&rejected).unwrap();
    let parsed = TimestampResponse::from_der(&rejected).unwrap();
    assert_eq!(parsed.status, PkiStatus::Rejection);
    assert!(parsed.token.is_none());
    assert!(matches!(
        parsed.into_token().unwrap_err(),
        TimestampError::NotGranted { status: 2, .. }
    ));
}
