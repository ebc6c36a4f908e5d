// The nodejs build of eseal-wasm against the eseal CLI: for every signed ofdrw sample, the
// CLI's demo files and tampered variants of them, under several option sets, `verify` returns
// exactly the report `eseal verify --json` prints (or throws the code the CLI reports).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  cliVerify, eseal, fixtureDir, optionSets, signedSamples, vectors, wasmVerify,
} from "./support.mjs";

const lib = eseal();

/** The report without what depends on the clock when both sides read their own. */
function comparable(value, clock) {
  if (!clock || value.status === "error") return value;
  return { status: value.status, checks: value.checks?.map((c) => [c.id, c.status]) };
}

function assertSame(file, bytes, set) {
  const expected = cliVerify(file, set.args);
  const actual = wasmVerify(lib, bytes, set.options);
  if (expected.status === "error") {
    assert.equal(actual.status, "error", `${file} (${set.name}): the CLI refused it, eseal-wasm did not`);
    assert.equal(actual.error_code, expected.error_code, `${file} (${set.name}): error code`);
    return actual;
  }
  assert.deepEqual(comparable(actual, set.clock), comparable(expected, set.clock), `${file} (${set.name})`);
  return actual;
}

test("every signed ofdrw sample: the CLI's report, under every option set", () => {
  const samples = signedSamples();
  assert.ok(samples.length >= 10, `only ${samples.length} samples found in ${vectors()}`);
  const statuses = new Set();
  for (const name of samples) {
    const file = path.join(vectors(), name);
    const bytes = readFileSync(file);
    for (const set of optionSets()) statuses.add(assertSame(file, bytes, set).status);
  }
  // The samples are not all alike: the comparison saw valid and not-valid verdicts.
  assert.ok(statuses.has("valid") && statuses.has("indeterminate"), [...statuses].join(","));
});

test("the CLI's demo: valid documents (OFD, PDF, e-license), seals and a detached signature; the tampered copy invalid", () => {
  const demo = path.join(fixtureDir(), "demo");
  const [, , , now] = optionSets();
  const want = {
    "signed.ofd": "valid", "tampered.ofd": "invalid",
    "seal-v1.esl": "valid", "seal-v4.esl": "valid", "seal-v5.esl": "valid",
    // A PDF and an e-license made by eseal, and the unsigned PDF (nothing vouches for it).
    "signed.pdf": "valid", "document.pdf": "indeterminate", "license.ofd": "valid",
    "license.pdf": "valid",
  };
  for (const [name, status] of Object.entries(want)) {
    const file = path.join(demo, name);
    assert.equal(assertSame(file, readFileSync(file), now).status, status, name);
  }
  // A detached SES signature over contract.txt: valid with the data, indeterminate without.
  const sig = readFileSync(path.join(demo, "contract.txt.sig"));
  const data = readFileSync(path.join(demo, "contract.txt"));
  const anchors = now.options.trustAnchors;
  assert.equal(lib.verify(sig, { trustAnchors: anchors, data }).status, "valid");
  assert.equal(lib.verify(sig, { trustAnchors: anchors }).status, "indeterminate");
  assert.equal(lib.verify(sig, { trustAnchors: anchors, data: new Uint8Array([1, 2, 3]) }).status, "invalid");
});

/**
 * Where to flip a byte so that the signed content changes: in a ZIP (OFD), inside the
 * compressed data of its entries (not the ZIP's own bookkeeping, some of which no signature
 * covers or needs to); in DER, at spread-out offsets (headers, content, signature values).
 */
function tamperOffsets(bytes) {
  if (bytes.readUInt32LE(0) !== 0x04034b50) {
    return [0.05, 0.3, 0.5, 0.7, 0.95, 0.999].map((f) => Math.floor(bytes.length * f));
  }
  const data = [];
  for (let at = 0; at + 30 <= bytes.length && bytes.readUInt32LE(at) === 0x04034b50;) {
    const size = bytes.readUInt32LE(at + 18);
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    if (size > 2) data.push(start + Math.floor(size / 2));
    at = start + size;
  }
  // Six entries spread over the package.
  const step = Math.max(1, Math.floor(data.length / 6));
  return data.filter((_, i) => i % step === 0).slice(0, 6);
}

test("tampered variants: the same verdict or error as the CLI, and never valid", () => {
  const dir = fixtureDir();
  const sources = [
    ...["allprotected.ofd", "UserV4.esl", "UserV1.esl", "SignedValueV4.dat"].map((n) => path.join(vectors(), n)),
    path.join(dir, "demo/signed.ofd"),
    path.join(dir, "demo/seal-v4.esl"),
  ];
  const [, relaxed2021, , demoNow] = optionSets();
  let variants = 0;
  for (const source of sources) {
    const original = readFileSync(source);
    const set = source.includes("demo") ? demoNow : relaxed2021;
    for (const at of tamperOffsets(original)) {
      const bytes = Buffer.from(original);
      bytes[at] ^= 0x01;
      const file = path.join(dir, `tampered-${variants++}-${path.basename(source)}`);
      writeFileSync(file, bytes);
      const result = assertSame(file, bytes, set);
      assert.notEqual(result.status, "valid", `${path.basename(source)} with byte ${at} flipped`);
    }
  }
  assert.ok(variants >= 30);
});

test("garbage throws an EsealError with the core's code", () => {
  const cases = [
    [new Uint8Array(0), "malformed"],
    [new TextEncoder().encode("hello, world"), "malformed"],
    [new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01]), "malformed"],
    [new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff), "malformed"],
  ];
  for (const [bytes, code] of cases) {
    assert.throws(() => lib.verify(bytes), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, "EsealError");
      assert.equal(e.code, code);
      assert.equal(e.codeNumber, 1);
      assert.ok(e.message.length > 10, e.message);
      return true;
    });
  }
  // A truncated OFD package: a ZIP that names OFD.xml but cannot be read.
  const ofd = readFileSync(path.join(vectors(), "allprotected.ofd"));
  assert.throws(() => lib.verify(ofd.subarray(0, 200)), (e) => e.code === "malformed");
});

test("options are checked and errors carry codes", () => {
  const seal = readFileSync(path.join(vectors(), "UserV4.esl"));
  const expectCode = (options, code, pattern) =>
    assert.throws(() => lib.verify(seal, options), (e) => {
      assert.equal(e.code, code, e.message);
      if (pattern) assert.match(e.message, pattern);
      return true;
    });
  expectCode({ policy: "lenient" }, "invalid_argument", /preset/);
  expectCode({ policy: "{ \"schema_version\": 1, \"checks\": { \"no.such\": \"fail\" } }" }, "invalid_argument");
  expectCode({ at: "yesterday" }, "malformed", /^at: /);
  expectCode({ trustAnchors: new Uint8Array([1, 2, 3]) }, "malformed", /^trustAnchors\[0\]: /);
  expectCode({ crls: ["not a crl"] }, "malformed", /^crls\[0\]: /);
  expectCode({ trustAnchors: 42 }, "invalid_argument");
  expectCode({ limits: { maxInputBytes: -1 } }, "invalid_argument");
  expectCode("strict", "invalid_argument");
  // A JSON policy file's text works like the CLI's --policy FILE.
  const policy = JSON.stringify({ schema_version: 1, name: "page-test", base: "strict" });
  const report = lib.verify(seal, { policy, at: "2021-06-01T00:00:00Z" });
  assert.equal(report.signatures[0].report.policy, "page-test");
});

test("limits can be tightened from JavaScript", () => {
  const ofd = readFileSync(path.join(vectors(), "allprotected.ofd"));
  assert.equal(lib.verify(ofd).format, "ofd");
  const tooBig = (limits) =>
    assert.throws(() => lib.verify(ofd, { limits }), (e) => e.code === "limit_exceeded" && e.codeNumber === 3);
  tooBig({ maxInputBytes: ofd.length - 1 });
  tooBig({ maxEntries: 2 });
  tooBig({ maxPackageBytes: 1000 });
  tooBig({ maxXmlBytes: 10 });
  // Loosening past the core's limits is capped, not an error.
  assert.equal(lib.verify(ofd, { limits: { maxInputBytes: 2 ** 52 } }).format, "ofd");
});

test("limits also take the eseal.limits/1 text of the CLI's --limits", () => {
  const ofd = readFileSync(path.join(vectors(), "allprotected.ofd"));
  const text = (fields) => JSON.stringify({ schema: "eseal.limits/1", ...fields });
  assert.equal(lib.verify(ofd, { limits: text({}) }).format, "ofd");
  assert.throws(
    () => lib.verify(ofd, { limits: text({ ofd: { max_entries: 2 } }) }),
    (e) => e.code === "limit_exceeded",
  );
  assert.throws(
    () => lib.verify(ofd, { limits: text({ max_input_bytes: ofd.length - 1 }) }),
    (e) => e.code === "limit_exceeded",
  );
  assert.throws(
    () => lib.verify(ofd, { limits: text({ pdf: { max_objects: 2000001 } }) }),
    (e) => e.code === "invalid_argument" && /pdf\.max_objects/.test(e.message),
  );
  assert.throws(() => lib.verify(ofd, { limits: "{ not json" }), (e) => e.code === "malformed");
});

test("sniff names the format verify takes the file for", () => {
  assert.equal(lib.sniff(readFileSync(path.join(vectors(), "allprotected.ofd"))), "ofd");
  assert.equal(lib.sniff(readFileSync(path.join(vectors(), "UserV5.esl"))), "seal");
  assert.equal(lib.sniff(readFileSync(path.join(vectors(), "SignedValueV4.dat"))), "ses_signature");
  assert.equal(lib.sniff(new Uint8Array([1, 2, 3])), undefined);
});
