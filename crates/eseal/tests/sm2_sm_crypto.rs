//! Cross-checks eseal's SM2 against npm `sm-crypto` (JavaScript, pinned in
//! scripts/node/package-lock.json), in both directions: signatures (raw `r‖s` and DER, default
//! and custom ID, `hash: true` so sm-crypto computes Z itself) and raw ciphertexts in both
//! layouts (`cipherMode` 1 = C1C3C2, 0 = C1C2C3).
//!
//! sm-crypto writes C1 without its `04` prefix; the tests add and strip it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
use cross::TestRng;

use eseal::crypto::{CiphertextFormat, DistId, SecretKey, Signature};

/// Runs `body` under node with `sm2` bound to sm-crypto's SM2 and `args` as `process.argv[1..]`;
/// returns what it prints, trimmed.
fn node(body: &str, args: &[&str]) -> String {
    let module = cross::node_modules().join("sm-crypto");
    let script = format!(
        "const sm2 = require({:?}).sm2;\nconst hex = (h) => Array.from(Buffer.from(h, 'hex'));\n{body}",
        module.display().to_string()
    );
    let mut argv = vec!["-e", script.as_str(), "--"];
    argv.extend_from_slice(args);
    String::from_utf8(cross::run("node", &argv, None))
        .unwrap()
        .trim()
        .to_owned()
}

fn keys() -> Vec<SecretKey> {
    (0..2)
        .map(|i| SecretKey::generate_with_rng(&mut TestRng(i * 50 + 1)).unwrap())
        .collect()
}

const MESSAGES: [&[u8]; 3] = [b"message digest", b"\x00\xff binary \x80", &[0x61; 200]];

/// Hex of every message, as node arguments.
fn message_args() -> Vec<String> {
    MESSAGES.iter().map(hex::encode).collect()
}

#[test]
fn sm_crypto_signs_eseal_verifies() {
    if !cross::have_sm_crypto() {
        return;
    }
    let alice = DistId::try_from("ALICE123@YAHOO.COM").unwrap();
    for key in keys() {
        let d = hex::encode(*key.to_bytes());
        let p = hex::encode(key.public_key().to_sec1_bytes());
        let mut args = vec![d.as_str(), p.as_str()];
        let msgs = message_args();
        args.extend(msgs.iter().map(String::as_str));
        // Per message: raw r||s, DER, raw under the ID ALICE123@YAHOO.COM.
        let out = node(
            "const [d, p, ...ms] = process.argv.slice(1);
             for (const m of ms) {
               console.log(sm2.doSignature(hex(m), d, {hash: true, der: false, publicKey: p}));
               console.log(sm2.doSignature(hex(m), d, {hash: true, der: true}));
               console.log(sm2.doSignature(hex(m), d, {hash: true, userId: 'ALICE123@YAHOO.COM'}));
             }",
            &args,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3 * MESSAGES.len());
        for (msg, sigs) in MESSAGES.iter().zip(lines.chunks(3)) {
            let raw = Signature::from_raw(&hex::decode(sigs[0]).unwrap()).unwrap();
            key.public_key().verify(msg, &raw).unwrap();
            let der = Signature::from_der(&hex::decode(sigs[1]).unwrap()).unwrap();
            key.public_key().verify(msg, &der).unwrap();
            let custom = Signature::from_raw(&hex::decode(sigs[2]).unwrap()).unwrap();
            key.public_key()
                .verify_with_id(&alice, msg, &custom)
                .unwrap();
            assert!(key.public_key().verify(msg, &custom).is_err());
        }
    }
}

#[test]
fn eseal_signs_sm_crypto_verifies() {
    if !cross::have_sm_crypto() {
        return;
    }
    let alice = DistId::try_from("ALICE123@YAHOO.COM").unwrap();
    for key in keys() {
        let p = hex::encode(key.public_key().to_sec1_bytes());
        // Per message: m, raw, der, raw under ALICE123@YAHOO.COM.
        let mut args = vec![p.clone()];
        for msg in MESSAGES {
            let sig = key.sign(msg).unwrap();
            let alice_sig = key.sign_with_id(&alice, msg).unwrap();
            args.push(hex::encode(msg));
            args.push(hex::encode(sig.to_raw()));
            args.push(hex::encode(sig.to_der()));
            args.push(hex::encode(alice_sig.to_raw()));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = node(
            "const [p, ...rest] = process.argv.slice(1);
             for (let i = 0; i < rest.length; i += 4) {
               const [m, raw, der, alice] = rest.slice(i, i + 4);
               console.log([
                 sm2.doVerifySignature(hex(m), raw, p, {hash: true}),
                 sm2.doVerifySignature(hex(m), der, p, {hash: true, der: true}),
                 sm2.doVerifySignature(hex(m), raw, p, {hash: true, userId: 'someone-else'}),
                 sm2.doVerifySignature(hex(m), alice, p, {hash: true, userId: 'ALICE123@YAHOO.COM'}),
               ].join(' '));
             }",
            &args,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines, vec!["true true false true"; MESSAGES.len()]);
    }
}

#[test]
fn sm_crypto_encrypts_eseal_decrypts() {
    if !cross::have_sm_crypto() {
        return;
    }
    for key in keys() {
        let p = hex::encode(key.public_key().to_sec1_bytes());
        let mut args = vec![p.as_str()];
        let msgs = message_args();
        args.extend(msgs.iter().map(String::as_str));
        // Per message: cipherMode 1 (C1C3C2), then 0 (C1C2C3).
        let out = node(
            "const [p, ...ms] = process.argv.slice(1);
             for (const m of ms) {
               console.log(sm2.doEncrypt(hex(m), p, 1));
               console.log(sm2.doEncrypt(hex(m), p, 0));
             }",
            &args,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2 * MESSAGES.len());
        for (msg, cts) in MESSAGES.iter().zip(lines.chunks(2)) {
            for (ct, format) in cts
                .iter()
                .zip([CiphertextFormat::C1C3C2, CiphertextFormat::C1C2C3])
            {
                // sm-crypto omits C1's 04 prefix.
                let ct = hex::decode(format!("04{ct}")).unwrap();
                assert_eq!(key.decrypt(&ct, format).unwrap().as_slice(), *msg);
            }
        }
    }
}

#[test]
fn eseal_encrypts_sm_crypto_decrypts() {
    if !cross::have_sm_crypto() {
        return;
    }
    let mut rng = TestRng(99);
    for key in keys() {
        let d = hex::encode(*key.to_bytes());
        // Per message: C1C3C2 then C1C2C3, each without C1's 04 prefix.
        let mut args = vec![d.clone()];
        for msg in MESSAGES {
            for format in [CiphertextFormat::C1C3C2, CiphertextFormat::C1C2C3] {
                let ct = key
                    .public_key()
                    .encrypt_with_rng(&mut rng, msg, format)
                    .unwrap();
                assert_eq!(ct[0], 0x04);
                args.push(hex::encode(&ct[1..]));
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = node(
            "const [d, ...cs] = process.argv.slice(1);
             cs.forEach((c, i) => {
               const out = sm2.doDecrypt(c, d, i % 2 === 0 ? 1 : 0, {output: 'array'});
               console.log(Buffer.from(out).toString('hex'));
             });",
            &args,
        );
        let expected: Vec<String> = MESSAGES
            .iter()
            .flat_map(|m| [hex::encode(m), hex::encode(m)])
            .collect();
        assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    }
}
