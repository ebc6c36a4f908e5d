//! PKCS#12 key stores: the ofdrw files (legacy SHA-1/3DES keys, RC2-40 certificates, BER),
//! cross-checked with the `openssl` CLI; eseal-written files read back by eseal and OpenSSL;
//! wrong passwords; files OpenSSL writes with other algorithms.
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

use std::path::PathBuf;

use eseal::crypto::SecretKey;
use eseal::pki::{
    Certificate, Pkcs12, Pkcs12Builder, Pkcs12Encryption, Pkcs12Error, PrivateKey, ReadOptions,
};

const OFDRW: [(&str, &str); 3] = [
    ("USER.p12", "777777"),
    ("SealBuilder.p12", "777777"),
    ("ROOT.p12", "123456"),
];

fn ofdrw(name: &str) -> PathBuf {
    cross::shared_vectors().join("ofdrw").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(ofdrw(name)).unwrap()
}

/// DER certificates from PEM text (as `openssl pkcs12 -nokeys` prints them).
fn pem_certs(pem: &[u8]) -> Vec<Vec<u8>> {
    Certificate::bundle_from_pem(pem)
        .unwrap()
        .iter()
        .map(|c| c.as_der().to_vec())
        .collect()
}

/// The private scalar of the first key OpenSSL prints (`openssl pkey -text`).
fn openssl_scalar(pem_key: &[u8]) -> Vec<u8> {
    let der = cross::run("openssl", &["pkey", "-outform", "DER"], Some(pem_key));
    // OpenSSL 3.0 writes EC keys in DER as SEC1 `ECPrivateKey`, later releases as PKCS#8.
    SecretKey::from_sec1_der(&der)
        .or_else(|_| SecretKey::from_pkcs8_der(&der))
        .unwrap()
        .to_bytes()
        .to_vec()
}

fn check_key_matches(key: &SecretKey, cert: &Certificate) {
    let sig = key.sign(b"pkcs12 key check").unwrap();
    let public = eseal::crypto::PublicKey::from_sec1_bytes(cert.sm2_public_key().unwrap()).unwrap();
    public.verify(b"pkcs12 key check", &sig).unwrap();
}

#[test]
fn ofdrw_files_open_with_their_passwords() {
    for (name, password) in OFDRW {
        let store = Pkcs12::from_der(&read(name), password).unwrap();
        assert_eq!(store.keys().len(), 1, "{name}");
        assert_eq!(store.certificates().len(), 1, "{name}");
        let entry = &store.keys()[0];
        assert!(entry.was_encrypted());
        assert_eq!(entry.friendly_name(), Some("private"), "{name}");
        assert_eq!(entry.certificate_index(), Some(0));
        assert_eq!(
            entry.local_key_id(),
            store.certificates()[0].local_key_id(),
            "{name}"
        );
        let mac = store.mac().unwrap();
        assert_eq!(mac.digest, eseal::oid::SHA1);
        assert_eq!(mac.iterations, 102_400);
        let (key, cert) = store.key_and_certificate().unwrap();
        check_key_matches(key, cert);
        assert_eq!(store.chain(entry).len(), 1);
        assert!(store.skipped_bags().is_empty());
    }
}

#[test]
fn ofdrw_subjects_certificates_and_keys_match_openssl() {
    if !cross::have_openssl() {
        return;
    }
    for (name, password) in OFDRW {
        let path = ofdrw(name);
        let path = path.to_str().unwrap();
        let pass = format!("pass:{password}");
        let store = Pkcs12::from_der(&read(name), password).unwrap();

        // Certificates: the DER OpenSSL extracts equals the DER eseal extracts.
        let pem = cross::run(
            "openssl",
            &[
                "pkcs12", "-in", path, "-passin", &pass, "-nokeys", "-legacy",
            ],
            None,
        );
        let theirs = pem_certs(&pem);
        let ours: Vec<Vec<u8>> = store
            .certificates()
            .iter()
            .map(|c| c.certificate().as_der().to_vec())
            .collect();
        assert_eq!(ours, theirs, "{name}");

        // Subjects as `openssl x509 -subject -nameopt RFC2253` prints them: same certificate,
        // so this checks our name rendering against OpenSSL's for each RDN.
        let subject = cross::run(
            "openssl",
            &["x509", "-noout", "-subject", "-nameopt", "RFC2253"],
            Some(&pem),
        );
        let subject = String::from_utf8(subject).unwrap();
        let subject = subject.trim().trim_start_matches("subject=");
        let cert = store.certificates()[0].certificate();
        for part in subject.split(',') {
            assert!(
                cert.subject_string().contains(part),
                "{name}: {part:?} not in {:?}",
                cert.subject_string()
            );
        }

        // The key: OpenSSL's scalar equals ours.
        let key_pem = cross::run(
            "openssl",
            &[
                "pkcs12", "-in", path, "-passin", &pass, "-nocerts", "-nodes", "-legacy",
            ],
            None,
        );
        let ours = store.keys()[0].sm2_key().unwrap().to_bytes().to_vec();
        assert_eq!(ours, openssl_scalar(&key_pem), "{name}");
    }
}

#[test]
fn wrong_password_is_a_typed_error() {
    for (name, _) in OFDRW {
        let err = Pkcs12::from_der(&read(name), "wrong").unwrap_err();
        assert_eq!(
            err,
            Pkcs12Error::WrongPassword {
                what: "integrity MAC"
            },
            "{name}"
        );
        assert!(err.to_string().contains("wrong password"));
    }
    // The passwords are not interchangeable.
    assert!(matches!(
        Pkcs12::from_der(&read("ROOT.p12"), "777777"),
        Err(Pkcs12Error::WrongPassword { .. })
    ));
}

/// The ofdrw PFX is BER with an indefinite outer length: `30 80 … 00 00`, with the `MacData`
/// last. Removing it leaves a valid file without a MAC, whose inner parts can then be changed.
fn strip_mac(p12: &[u8]) -> Vec<u8> {
    assert_eq!(&p12[..2], &[0x30, 0x80]);
    let mac_start = p12.len() - 2 - 64;
    assert_eq!(&p12[mac_start..mac_start + 2], &[0x30, 0x3e]);
    let mut out = p12[..mac_start].to_vec();
    out.extend_from_slice(&[0, 0]);
    out
}

fn replace_once(haystack: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let pos = haystack
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern present");
    haystack[pos..pos + to.len()].copy_from_slice(to);
}

#[test]
fn missing_mac_is_refused_unless_allowed() {
    let stripped = strip_mac(&read("USER.p12"));
    assert_eq!(
        Pkcs12::from_der(&stripped, "777777").unwrap_err(),
        Pkcs12Error::MacMissing
    );
    let allow = ReadOptions::new().allow_missing_mac(true);
    let store = Pkcs12::from_der_with(&stripped, "777777", &allow).unwrap();
    assert!(store.mac().is_none());
    assert!(store.key_and_certificate().is_some());
    // Without a MAC, a wrong password is still caught (padding or structure).
    let err = Pkcs12::from_der_with(&stripped, "wrong", &allow).unwrap_err();
    assert!(matches!(err, Pkcs12Error::WrongPassword { .. }), "{err:?}");
}

#[test]
fn unsupported_pbe_is_named() {
    let allow = ReadOptions::new().allow_missing_mac(true);
    let mut p12 = strip_mac(&read("USER.p12"));
    // pbeWithSHAAnd40BitRC2-CBC → pbeWithSHAAnd128BitRC4.
    replace_once(
        &mut p12,
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06],
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x01],
    );
    let err = Pkcs12::from_der_with(&p12, "777777", &allow).unwrap_err();
    let Pkcs12Error::Unsupported { detail, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(detail.contains("1.2.840.113549.1.12.1.1"), "{detail}");
    assert!(detail.contains("RC4"), "{detail}");
}

#[test]
fn absurd_iteration_counts_are_refused() {
    // MAC iterations 102400 → 16,777,215: the MacData (definite length, last in the indefinite
    // PFX) is rebuilt with a 4-byte INTEGER.
    let original = read("USER.p12");
    let mac_start = original.len() - 2 - 64;
    let mut mac = original[mac_start..original.len() - 2].to_vec();
    assert_eq!(&mac[mac.len() - 5..], &[0x02, 0x03, 0x01, 0x90, 0x00]);
    mac.truncate(mac.len() - 5);
    mac.extend_from_slice(&[0x02, 0x04, 0x00, 0xff, 0xff, 0xff]);
    mac[1] += 1;
    let mut p12 = original[..mac_start].to_vec();
    p12.extend_from_slice(&mac);
    p12.extend_from_slice(&[0, 0]);
    let err = Pkcs12::from_der(&p12, "777777").unwrap_err();
    assert!(
        matches!(&err, Pkcs12Error::InvalidParameter { detail, .. } if detail.contains("10000000")),
        "{err:?}"
    );

    // The key bag's PBE iterations 51200 → 16,777,215 in a file without MAC: the INTEGER
    // grows by one byte, and so does every definite length around it.
    let allow = ReadOptions::new().allow_missing_mac(true);
    let mut p12 = strip_mac(&original);
    let edits: [(&[u8], &[u8]); 4] = [
        // The authSafe's first OCTET STRING chunk, then the key's SafeContents and SafeBag.
        (
            &[0x04, 0x82, 0x03, 0xe8, 0x30, 0x80],
            &[0x04, 0x82, 0x03, 0xe9, 0x30, 0x80],
        ),
        (
            &[
                0x04, 0x82, 0x01, 0x27, 0x30, 0x82, 0x01, 0x23, 0x30, 0x82, 0x01, 0x1f,
            ],
            &[
                0x04, 0x82, 0x01, 0x28, 0x30, 0x82, 0x01, 0x24, 0x30, 0x82, 0x01, 0x20,
            ],
        ),
        (
            &[0xa0, 0x81, 0xc9, 0x30, 0x81, 0xc6, 0x30, 0x29],
            &[0xa0, 0x81, 0xca, 0x30, 0x81, 0xc7, 0x30, 0x2a],
        ),
        // The bag's EncryptedPrivateKeyInfo, AlgorithmIdentifier and pkcs-12PbeParams.
        (
            &[0x01, 0x0c, 0x01, 0x03, 0x30, 0x1b],
            &[0x01, 0x0c, 0x01, 0x03, 0x30, 0x1c],
        ),
    ];
    for (from, to) in edits {
        replace_once(&mut p12, from, to);
    }
    let pos = p12
        .windows(5)
        .position(|w| w == [0x02, 0x03, 0x00, 0xc8, 0x00])
        .unwrap();
    p12.splice(pos..pos + 5, [0x02, 0x04, 0x00, 0xff, 0xff, 0xff]);
    let err = Pkcs12::from_der_with(&p12, "777777", &allow).unwrap_err();
    assert!(
        matches!(&err, Pkcs12Error::InvalidParameter { detail, .. } if detail.contains("10000000")),
        "{err:?}"
    );

    // A non-canonical INTEGER (00 00 00) is malformed; a zero count is refused by the unit
    // tests of the KDF module.
    let mut p12 = strip_mac(&original);
    replace_once(
        &mut p12,
        &[0x02, 0x03, 0x00, 0xc8, 0x00],
        &[0x02, 0x03, 0x00, 0x00, 0x00],
    );
    let err = Pkcs12::from_der_with(&p12, "777777", &allow).unwrap_err();
    assert!(matches!(err, Pkcs12Error::Malformed { .. }), "{err:?}");
}

#[test]
fn eseal_round_trip_both_encryptions() {
    let chain = ca::chain();
    let leaf_key = chain.leaf_key.secret_key();
    for encryption in [Pkcs12Encryption::Aes256Sha256, Pkcs12Encryption::Sm4Sm3] {
        let p12 = Pkcs12Builder::new(leaf_key, &chain.leaf)
            .add_chain_certificate(chain.inter.certificate())
            .add_chain_certificate(chain.root.certificate())
            .friendly_name("印章 key")
            .encryption(encryption)
            .iterations(1_000)
            .build_with("pässwörd");
        let store = Pkcs12::from_der(&p12, "pässwörd").unwrap();
        let entry = &store.keys()[0];
        assert_eq!(entry.friendly_name(), Some("印章 key"));
        assert_eq!(store.certificates().len(), 3);
        assert_eq!(store.certificates()[0].friendly_name(), Some("印章 key"));
        let (key, cert) = store.key_and_certificate().unwrap();
        assert_eq!(key.to_bytes(), leaf_key.to_bytes());
        assert_eq!(cert, &chain.leaf);
        let got: Vec<&Certificate> = store.chain(entry);
        assert_eq!(
            got,
            vec![
                &chain.leaf,
                chain.inter.certificate(),
                chain.root.certificate()
            ]
        );
        let mac = store.mac().unwrap();
        let expected = match encryption {
            Pkcs12Encryption::Aes256Sha256 => eseal::oid::SHA256,
            _ => eseal::oid::SM3,
        };
        assert_eq!(mac.digest, expected);
        assert_eq!(mac.iterations, 1_000);
        assert!(matches!(
            Pkcs12::from_der(&p12, "passwörd"),
            Err(Pkcs12Error::WrongPassword { .. })
        ));
    }
}

trait BuildWith {
    fn build_with(&mut self, password: &str) -> Vec<u8>;
}

impl BuildWith for Pkcs12Builder<'_> {
    fn build_with(&mut self, password: &str) -> Vec<u8> {
        self.build(password, &mut ca::rng()).unwrap()
    }
}

#[test]
fn builder_refuses_bad_arguments() {
    let chain = ca::chain();
    let other = SecretKey::generate().unwrap();
    let err = Pkcs12Builder::new(&other, &chain.leaf)
        .iterations(10)
        .build("x", &mut ca::rng())
        .unwrap_err();
    assert!(matches!(
        err,
        Pkcs12Error::InvalidArgument {
            what: "certificate",
            ..
        }
    ));
    let key = chain.leaf_key.secret_key();
    for n in [0, 10_000_001] {
        let err = Pkcs12Builder::new(key, &chain.leaf)
            .iterations(n)
            .build("x", &mut ca::rng())
            .unwrap_err();
        assert!(
            matches!(err, Pkcs12Error::InvalidArgument { .. }),
            "{n}: {err:?}"
        );
    }
    let err = Pkcs12Builder::new(key, &chain.leaf)
        .friendly_name("")
        .iterations(10)
        .build("x", &mut ca::rng())
        .unwrap_err();
    assert!(matches!(
        err,
        Pkcs12Error::InvalidArgument {
            what: "friendly name",
            ..
        }
    ));
}

#[test]
fn eseal_default_output_opens_with_openssl_without_legacy() {
    if !cross::have_openssl() {
        return;
    }
    let chain = ca::chain();
    let key = chain.leaf_key.secret_key();
    let p12 = Pkcs12Builder::new(key, &chain.leaf)
        .add_chain_certificate(chain.inter.certificate())
        .friendly_name("seal")
        .iterations(2_048)
        .build_with("secret");
    let dir = cross::temp_dir();
    let path = dir.path().join("out.p12");
    std::fs::write(&path, &p12).unwrap();
    let path = path.to_str().unwrap();
    let out = cross::run(
        "openssl",
        &["pkcs12", "-in", path, "-passin", "pass:secret", "-nodes"],
        None,
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("friendlyName: seal"), "{text}");
    let certs = pem_certs(&out);
    assert_eq!(
        certs,
        vec![
            chain.leaf.as_der().to_vec(),
            chain.inter.certificate().as_der().to_vec()
        ]
    );
    assert_eq!(openssl_scalar(&out), key.to_bytes().to_vec());
    // OpenSSL checks the MAC: a wrong password fails.
    assert!(
        cross::try_run(
            "openssl",
            &["pkcs12", "-in", path, "-passin", "pass:wrong", "-nodes"],
            None
        )
        .is_err()
    );
}

/// With SM4 + HMAC-SM3, OpenSSL 3.0 checks the MAC (HMAC-SM3 with the RFC 7292 KDF) but
/// cannot decrypt the bags, since it does not know the PRF OID 1.2.156.10197.1.401.2.
#[test]
fn sm4_sm3_output_and_openssl() {
    if !cross::have_openssl() {
        return;
    }
    let chain = ca::chain();
    let key = chain.leaf_key.secret_key();
    let p12 = Pkcs12Builder::new(key, &chain.leaf)
        .encryption(Pkcs12Encryption::Sm4Sm3)
        .iterations(2_048)
        .build_with("secret");
    let dir = cross::temp_dir();
    let path = dir.path().join("sm.p12");
    std::fs::write(&path, &p12).unwrap();
    let path = path.to_str().unwrap();
    let run = |pass: &str| {
        cross::try_run(
            "openssl",
            &["pkcs12", "-in", path, "-passin", pass, "-nodes"],
            None,
        )
    };
    // Wrong password: OpenSSL's HMAC-SM3 check fails.
    let wrong = run("pass:wrong").unwrap_err();
    assert!(wrong.contains("Mac verify error"), "{wrong}");
    // Right password: the MAC passes, then OpenSSL 3.0 stops at the unknown PBKDF2 PRF.
    // (A later OpenSSL that knows 1.2.156.10197.1.401.2 would read it all.)
    match run("pass:secret") {
        Err(e) => {
            assert!(!e.contains("Mac verify error"), "{e}");
            assert!(e.contains("unsupported prf"), "{e}");
        }
        Ok(out) => assert_eq!(openssl_scalar(&out), key.to_bytes().to_vec()),
    }
}

/// Files OpenSSL writes with other protections: its default (PBES2 AES-256, MAC SHA-256),
/// legacy RC2-128 / 2-key 3DES, no encryption at all, an SM3 MAC, an empty password.
#[test]
fn openssl_written_files_are_read() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let d = |f: &str| dir.path().join(f).to_str().unwrap().to_owned();
    cross::run(
        "openssl",
        &["genpkey", "-algorithm", "SM2", "-out", &d("k.pem")],
        None,
    );
    cross::run(
        "openssl",
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            &d("k.pem"),
            "-subj",
            "/C=CN/O=eseal/CN=p12 test",
            "-days",
            "10",
            "-sm3",
            "-sigopt",
            "distid:1234567812345678",
            "-out",
            &d("c.pem"),
        ],
        None,
    );
    let key_pem = std::fs::read(d("k.pem")).unwrap();
    let cert_der = pem_certs(&std::fs::read(d("c.pem")).unwrap()).remove(0);
    let scalar = openssl_scalar(&key_pem);
    let (key_path, cert_path) = (d("k.pem"), d("c.pem"));
    let cases: &[(&str, &[&str], &str)] = &[
        ("default", &[], "pw"),
        ("legacy", &["-legacy"], "pw"),
        (
            "rc2-128",
            &[
                "-legacy",
                "-certpbe",
                "PBE-SHA1-RC2-128",
                "-keypbe",
                "PBE-SHA1-2DES",
            ],
            "pw",
        ),
        (
            "unencrypted",
            &["-certpbe", "NONE", "-keypbe", "NONE"],
            "pw",
        ),
        ("sm3-mac", &["-macalg", "sm3"], "pw"),
        ("sm4", &["-certpbe", "SM4-CBC", "-keypbe", "SM4-CBC"], "pw"),
        ("empty-password", &[], ""),
    ];
    for (label, extra, password) in cases {
        let out = d(&format!("{label}.p12"));
        let pass = format!("pass:{password}");
        let mut args = vec![
            "pkcs12", "-export", "-inkey", &key_path, "-in", &cert_path, "-name", "alias",
            "-passout", &pass, "-out", &out,
        ];
        args.extend_from_slice(extra);
        if let Err(e) = cross::try_run("openssl", &args, None) {
            eprintln!("SKIPPED {label}: openssl cannot write it: {e}");
            continue;
        }
        let p12 = std::fs::read(&out).unwrap();
        let store = Pkcs12::from_der(&p12, password).unwrap_or_else(|e| panic!("{label}: {e}"));
        let entry = &store.keys()[0];
        assert_eq!(entry.friendly_name(), Some("alias"), "{label}");
        assert_eq!(
            entry.sm2_key().unwrap().to_bytes().to_vec(),
            scalar,
            "{label}"
        );
        assert_eq!(
            store.certificates()[0].certificate().as_der(),
            cert_der,
            "{label}"
        );
        assert_eq!(entry.certificate_index(), Some(0), "{label}");
        assert!(
            matches!(
                Pkcs12::from_der(&p12, "nope"),
                Err(Pkcs12Error::WrongPassword { .. })
            ),
            "{label}"
        );
    }
}

/// An RSA key in a PKCS#12 file is reported with its algorithm, not decoded, and not a crash.
#[test]
fn rsa_key_is_reported_not_decoded() {
    if !cross::have_openssl() {
        return;
    }
    let dir = cross::temp_dir();
    let d = |f: &str| dir.path().join(f).to_str().unwrap().to_owned();
    cross::run(
        "openssl",
        &[
            "req",
            "-new",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &d("k.pem"),
            "-subj",
            "/CN=rsa",
            "-days",
            "1",
            "-out",
            &d("c.pem"),
        ],
        None,
    );
    cross::run(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &d("k.pem"),
            "-in",
            &d("c.pem"),
            "-passout",
            "pass:pw",
            "-out",
            &d("r.p12"),
        ],
        None,
    );
    let p12 = std::fs::read(d("r.p12")).unwrap();
    match Pkcs12::from_der(&p12, "pw") {
        Ok(store) => {
            let entry = &store.keys()[0];
            assert!(matches!(
                entry.key(),
                PrivateKey::Other { algorithm, .. }
                    if algorithm.to_string() == "1.2.840.113549.1.1.1"
            ));
            assert!(store.key_and_certificate().is_none());
        }
        // eseal's certificate parser may refuse a non-SM2 certificate; that is a typed error.
        Err(e) => assert!(matches!(e, Pkcs12Error::Certificate { .. }), "{e:?}"),
    }
}

/// `keyfile::read` opens the ofdrw key stores: the SM2 key, its certificate first.
#[test]
fn keyfile_reads_pkcs12() {
    use eseal::keyfile::{self, KeyFileError, KeyFormat};
    let bytes = std::fs::read(cross::shared_vectors().join("ofdrw/USER.p12")).unwrap();
    assert_eq!(keyfile::detect(&bytes).unwrap(), KeyFormat::Pkcs12);
    assert!(matches!(
        keyfile::read(&bytes, None),
        Err(KeyFileError::PasswordRequired { .. })
    ));
    assert!(matches!(
        keyfile::read(&bytes, Some(b"wrong")),
        Err(KeyFileError::WrongPassword { .. })
    ));
    let file = keyfile::read(&bytes, Some(b"777777")).unwrap();
    let cert = file.certificates().first().expect("the key's certificate");
    let public = eseal::crypto::PublicKey::from_sec1_bytes(cert.sm2_public_key().unwrap()).unwrap();
    assert_eq!(file.secret_key().public_key(), &public);
}
