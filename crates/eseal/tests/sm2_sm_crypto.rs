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

/// A deterministic test RNG (not secure; tests only).
struct TestRng(u8);

impl eseal::rand_core::TryRng for TestRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unimplemented!()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unimplemented!()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            self.0 = self.0.wrapping_mul(73).wrapping_add(41);
            *d = self.0;
        }
        Ok(())
    }
}
impl eseal::rand_core::TryCryptoRng for TestRng {}

fn keys() -> Vec<SecretKey> {
    (0..2)
        .map(|i| SecretKey::generate_with_rng(&mut TestRng(i * 50 + 1)).unwrap())
        .collect()
}

const MESSAGES: [&[u8]; 3] = [b"message digest", b"\x00\xff binary \x80", &[0x61; 200]];

#[test]
fn sm_crypto_signs_eseal_verifies() {
    if !cross::have_sm_crypto() {
        return;
    }
    for key in keys() {
        let d = hex::encode(*key.to_bytes());
        let p = hex::encode(key.public_key().to_sec1_bytes());
        for msg in MESSAGES {
            let m = hex::encode(msg);
            let raw = node(
                "const [m, d, p] = process.argv.slice(1);
                 console.log(sm2.doSignature(hex(m), d, {hash: true, der: false, publicKey: p}));",
                &[&m, &d, &p],
            );
            let sig = Signature::from_raw(&hex::decode(raw).unwrap()).unwrap();
            key.public_key().verify(msg, &sig).unwrap();

            let der = node(
                "const [m, d] = process.argv.slice(1);
                 console.log(sm2.doSignature(hex(m), d, {hash: true, der: true}));",
                &[&m, &d],
            );
            let sig = Signature::from_der(&hex::decode(der).unwrap()).unwrap();
            key.public_key().verify(msg, &sig).unwrap();

            let custom = node(
                "const [m, d] = process.argv.slice(1);
                 console.log(sm2.doSignature(hex(m), d, {hash: true, userId: 'ALICE123@YAHOO.COM'}));",
                &[&m, &d],
            );
            let sig = Signature::from_raw(&hex::decode(custom).unwrap()).unwrap();
            let alice = DistId::try_from("ALICE123@YAHOO.COM").unwrap();
            key.public_key().verify_with_id(&alice, msg, &sig).unwrap();
            assert!(key.public_key().verify(msg, &sig).is_err());
        }
    }
}

#[test]
fn eseal_signs_sm_crypto_verifies() {
    if !cross::have_sm_crypto() {
        return;
    }
    let verify = "const [m, s, p, der, id] = process.argv.slice(1);
         const opts = {hash: true, der: der === 'der'};
         if (id) opts.userId = id;
         console.log(sm2.doVerifySignature(hex(m), s, p, opts));";
    for key in keys() {
        let p = hex::encode(key.public_key().to_sec1_bytes());
        for msg in MESSAGES {
            let m = hex::encode(msg);
            let sig = key.sign(msg).unwrap();
            let raw = hex::encode(sig.to_raw());
            let der = hex::encode(sig.to_der());
            assert_eq!(node(verify, &[&m, &raw, &p, "raw", ""]), "true");
            assert_eq!(node(verify, &[&m, &der, &p, "der", ""]), "true");
            // sm-crypto must reject it under another ID.
            assert_eq!(
                node(verify, &[&m, &raw, &p, "raw", "someone-else"]),
                "false"
            );

            let alice = DistId::try_from("ALICE123@YAHOO.COM").unwrap();
            let sig = key.sign_with_id(&alice, msg).unwrap();
            let raw = hex::encode(sig.to_raw());
            assert_eq!(
                node(verify, &[&m, &raw, &p, "raw", "ALICE123@YAHOO.COM"]),
                "true"
            );
        }
    }
}

#[test]
fn sm_crypto_encrypts_eseal_decrypts() {
    if !cross::have_sm_crypto() {
        return;
    }
    for key in keys() {
        let p = hex::encode(key.public_key().to_sec1_bytes());
        for msg in MESSAGES {
            let m = hex::encode(msg);
            for (mode, format) in [
                ("1", CiphertextFormat::C1C3C2),
                ("0", CiphertextFormat::C1C2C3),
            ] {
                let ct = node(
                    "const [m, p, mode] = process.argv.slice(1);
                     console.log(sm2.doEncrypt(hex(m), p, Number(mode)));",
                    &[&m, &p, mode],
                );
                // sm-crypto omits C1's 04 prefix.
                let ct = hex::decode(format!("04{ct}")).unwrap();
                let plain = key.decrypt(&ct, format).unwrap();
                assert_eq!(plain.as_slice(), msg, "mode {mode}");
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
        for msg in MESSAGES {
            for (mode, format) in [
                ("1", CiphertextFormat::C1C3C2),
                ("0", CiphertextFormat::C1C2C3),
            ] {
                let ct = key
                    .public_key()
                    .encrypt_with_rng(&mut rng, msg, format)
                    .unwrap();
                assert_eq!(ct[0], 0x04);
                let plain = node(
                    "const [c, d, mode] = process.argv.slice(1);
                     const out = sm2.doDecrypt(c, d, Number(mode), {output: 'array'});
                     console.log(Buffer.from(out).toString('hex'));",
                    &[&hex::encode(&ct[1..]), &d, mode],
                );
                assert_eq!(plain, hex::encode(msg), "mode {mode}");
            }
        }
    }
}
