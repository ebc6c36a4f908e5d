// SM2/SM3/SM4 helpers and inspectSeal/readCertificates of the nodejs build, cross-checked with
// the independent JavaScript implementations sm-crypto and sm-crypto-v2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { cliVerify, eseal, fixtureDir, vectors } from "./support.mjs";

const lib = eseal();
const require = createRequire(import.meta.url);
const smCrypto = require("sm-crypto");
const smCryptoV2 = require("sm-crypto-v2");

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

test("sm2Verify accepts sm-crypto signatures (DER and raw, default and custom ID) and refuses altered ones", () => {
  for (const lib2 of [smCrypto, smCryptoV2]) {
    for (let i = 0; i < 5; i++) {
      const { publicKey, privateKey } = lib2.sm2.generateKeyPairHex();
      const message = new TextEncoder().encode(`message ${i} 电子印章`);
      const key = unhex(publicKey);
      const der = unhex(lib2.sm2.doSignature(message, privateKey, { der: true, hash: true }));
      assert.equal(lib.sm2Verify(key, message, der), true);
      const raw = unhex(lib2.sm2.doSignature(message, privateKey, { hash: true, userId: "alice@example" }));
      assert.equal(lib.sm2Verify(key, message, raw, "alice@example"), true);
      assert.equal(lib.sm2Verify(key, message, raw), false, "wrong ID");
      const altered = Uint8Array.from(message);
      altered[0] ^= 1;
      assert.equal(lib.sm2Verify(key, altered, der), false);
      const badSig = Uint8Array.from(raw);
      badSig[40] ^= 1;
      assert.equal(lib.sm2Verify(key, message, badSig, "alice@example"), false);
    }
  }
});

test("sm2Verify takes a certificate as the key; malformed keys and signatures throw", () => {
  const cert = readFileSync(path.join(vectors(), "sign_cert.pem"));
  const message = new TextEncoder().encode("abc");
  // The certificate's key, signed with sm-crypto from the PEM key file's scalar.
  const keyPem = readFileSync(path.join(vectors(), "sign_key.pem"), "utf8");
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  // PKCS#8 or SEC1: the 32-byte scalar follows the OCTET STRING header 04 20.
  const at = der.indexOf(Buffer.from([0x04, 0x20]));
  const scalar = der.subarray(at + 2, at + 34).toString("hex");
  const sig = unhex(smCrypto.sm2.doSignature(message, scalar, { der: true, hash: true }));
  assert.equal(lib.sm2Verify(cert, message, sig), true);
  assert.equal(lib.sm2Verify(new Uint8Array(cert), new TextEncoder().encode("abd"), sig), false);
  assert.throws(() => lib.sm2Verify(new Uint8Array([4, 1, 2]), message, sig), (e) => e.code === "malformed");
  assert.throws(() => lib.sm2Verify(cert, message, new Uint8Array([1, 2, 3])), (e) => typeof e.code === "string");
});

test("sm3 and hmacSm3 equal sm-crypto's", () => {
  for (const len of [0, 1, 55, 56, 64, 1000, 100_000]) {
    const data = new Uint8Array(len).map((_, i) => (i * 31 + len) & 0xff);
    assert.equal(hex(lib.sm3(data)), smCrypto.sm3(Array.from(data)), `len ${len}`);
    assert.equal(hex(lib.sm3(data)), smCryptoV2.sm3(data), `len ${len}`);
  }
  assert.equal(hex(lib.sm3(new TextEncoder().encode("abc"))),
    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  const key = new TextEncoder().encode("key");
  const data = new TextEncoder().encode("data");
  assert.equal(hex(lib.hmacSm3(key, data)), smCrypto.sm3("data", { key: hex(key) }));
});

test("SM4 CBC equals sm-crypto's; CTR and GCM round-trip and GCM refuses a bad tag", () => {
  const key = unhex("0123456789abcdeffedcba9876543210");
  const iv = unhex("000102030405060708090a0b0c0d0e0f");
  for (const len of [0, 1, 15, 16, 17, 100]) {
    const data = new Uint8Array(len).map((_, i) => i);
    const ours = lib.sm4CbcEncrypt(key, iv, data);
    const theirs = smCrypto.sm4.encrypt(Array.from(data), hex(key), { mode: "cbc", iv: hex(iv) });
    assert.equal(hex(ours), theirs, `len ${len}`);
    assert.deepEqual(lib.sm4CbcDecrypt(key, iv, ours), data);
    assert.deepEqual(lib.sm4Ctr(key, iv, lib.sm4Ctr(key, iv, data)), data);
  }
  const nonce = unhex("00112233445566778899aabb");
  const sealed = lib.sm4GcmEncrypt(key, nonce, new Uint8Array([9]), new Uint8Array([1, 2, 3]));
  assert.equal(sealed.length, 3 + 16);
  assert.deepEqual(lib.sm4GcmDecrypt(key, nonce, new Uint8Array([9]), sealed), new Uint8Array([1, 2, 3]));
  sealed[0] ^= 1;
  assert.throws(() => lib.sm4GcmDecrypt(key, nonce, new Uint8Array([9]), sealed), (e) => typeof e.code === "string");
  assert.throws(() => lib.sm4CbcEncrypt(new Uint8Array(3), iv, iv), (e) => e.code === "invalid_argument" || e.code === "malformed");
});

test("signing is absent from the verify-only build", () => {
  assert.equal(lib.canSign(), false);
  assert.equal(typeof lib.sm2Sign, "undefined");
  assert.match(lib.version(), /^\d+\.\d+\.\d+/);
});

test("inspectSeal: the report's seal facts and the picture bytes, for seals and signatures", () => {
  for (const name of ["UserV1.esl", "UserV4.esl", "UserV5.esl", "SESealData.DER", "SignedValueV4.dat"]) {
    const file = path.join(vectors(), name);
    const info = lib.inspectSeal(readFileSync(file));
    assert.equal(info.format, name.endsWith(".dat") ? "ses_signature" : "seal", name);
    if (info.format === "seal") {
      // Exactly the facts the CLI reports for the same seal.
      const cli = cliVerify(file, ["--at", "2026-01-01T00:00:00Z"]);
      assert.deepEqual(info.seal, cli.signatures[0].report.seal, name);
    }
    assert.ok(info.picture.data instanceof Uint8Array);
    assert.equal(info.picture.data.length, info.seal.picture.size_bytes, name);
    assert.equal(info.picture.widthMm, info.seal.picture.width_mm);
    if (info.seal.picture.detected_type === "PNG") {
      assert.equal(info.picture.mimeType, "image/png");
      assert.deepEqual([...info.picture.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    }
  }
  const demoSeal = readFileSync(path.join(fixtureDir(), "demo/seal-v4.esl"));
  const demoPng = readFileSync(path.join(fixtureDir(), "demo/seal.png"));
  assert.deepEqual(Buffer.from(lib.inspectSeal(demoSeal).picture.data), demoPng);
  assert.throws(() => lib.inspectSeal(new Uint8Array([1, 2, 3])), (e) => e.code === "malformed");
});

test("readCertificates describes bundles for the page's anchor list", () => {
  const demo = path.join(fixtureDir(), "demo");
  const bundle = readFileSync(path.join(demo, "root.pem"), "utf8") + readFileSync(path.join(demo, "signer.pem"), "utf8");
  const certs = lib.readCertificates(new TextEncoder().encode(bundle));
  assert.equal(certs.length, 2);
  assert.equal(certs[0].isCa, true);
  assert.equal(certs[0].selfIssued, true);
  assert.equal(certs[1].isCa, false);
  assert.match(certs[0].sm3Fingerprint, /^[0-9a-f]{64}$/);
  assert.match(certs[0].notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The DER goes back in as an anchor.
  const signed = readFileSync(path.join(demo, "signed.ofd"));
  assert.equal(lib.verify(signed, { trustAnchors: [certs[0].der] }).status, "valid");
  assert.throws(() => lib.readCertificates(new Uint8Array([1])), (e) => e.code === "malformed");
});

test("the signing build signs (hedged RFC 6979) what sm-crypto and the verify-only build accept", () => {
  const signing = createRequire(import.meta.url)(process.env.ESEAL_WASM_SIGN ?? "missing: run scripts/wasm.sh");
  assert.equal(signing.canSign(), true);
  const { secretKey, publicKey } = signing.sm2GenerateKeyPair();
  assert.equal(publicKey.length, 65);
  const message = new TextEncoder().encode("签章 signed in WebAssembly");
  const a = signing.sm2Sign(secretKey, message);
  const b = signing.sm2Sign(secretKey, message);
  assert.notDeepEqual(a, b, "hedged: fresh randomness in each nonce");
  for (const sig of [a, b]) {
    assert.equal(lib.sm2Verify(publicKey, message, sig), true);
    assert.equal(smCrypto.sm2.doVerifySignature(message, hex(sig), hex(publicKey), { der: true, hash: true }), true);
  }
  const withId = signing.sm2Sign(secretKey, message, "bob");
  assert.equal(lib.sm2Verify(publicKey, message, withId, "bob"), true);
  assert.equal(smCryptoV2.sm2.doVerifySignature(message, hex(withId), hex(publicKey), { der: true, hash: true, userId: "bob" }), true);
  assert.throws(() => signing.sm2Sign(new Uint8Array(5), message), (e) => typeof e.code === "string");
});

test("documentSeals: the seals of any file, matched to the report's signatures", () => {
  const files = ["SESV4SignDoc.ofd", "allprotected.ofd", "signedFile.ofd", "UserV4.esl", "SignedValueV4.dat", "DigitalSign.ofd"]
    .map((n) => path.join(vectors(), n))
    // PDFs: the seals of their SES signatures, by field name (the demo's PDF and PDF license).
    .concat(["signed.pdf", "license.pdf"].map((n) => path.join(fixtureDir(), "demo", n)));
  for (const name of files) {
    const bytes = readFileSync(name);
    const report = lib.verify(bytes);
    const seals = lib.documentSeals(bytes);
    const sealed = report.signatures.filter((s) => s.report.seal);
    assert.equal(seals.length, sealed.length, name);
    seals.forEach((s, i) => {
      assert.equal(s.signatureId, sealed[i].id, name);
      assert.deepEqual(s.seal, sealed[i].report.seal, name);
      assert.equal(s.picture.data.length, s.seal.picture.size_bytes, name);
    });
  }
  const ofd = readFileSync(path.join(fixtureDir(), "demo/signed.ofd"));
  const [seal] = lib.documentSeals(ofd);
  assert.deepEqual(Buffer.from(seal.picture.data), readFileSync(path.join(fixtureDir(), "demo/seal.png")));
  assert.throws(() => lib.documentSeals(new Uint8Array([1, 2])), (e) => e.code === "malformed");
  assert.throws(() => lib.documentSeals(ofd, { limits: { maxInputBytes: 10 } }), (e) => e.code === "limit_exceeded");
});
