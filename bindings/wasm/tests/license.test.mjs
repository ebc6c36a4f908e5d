// `licenseInfo` of the nodejs build against the eseal CLI (`eseal license show --json`): the
// demo's license as OFD and as PDF, its metadata file and its 2D-code text; what is no license
// throws with the core's code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { cli, eseal, fixtureDir } from "./support.mjs";

const lib = eseal();
const demo = () => path.join(fixtureDir(), "demo");
const read = (name) => readFileSync(path.join(demo(), name));
/** `eseal license show --json FILE`, parsed. */
const cliShow = (name) =>
  JSON.parse(execFileSync(cli(), ["license", "show", "--json", path.join(demo(), name)], { encoding: "utf8" }));

test("licenseInfo reads the demo license as OFD and as PDF: the CLI's metadata, the embedded 2D code", () => {
  const code = read("license-code.txt").toString("utf8").trim();
  for (const [name, container] of [["license.ofd", "ofd"], ["license.pdf", "pdf"]]) {
    const info = lib.licenseInfo(read(name));
    assert.equal(info.kind, "license", name);
    assert.equal(info.container, container, name);
    assert.deepEqual(info.metadata, cliShow(name), name);
    assert.equal(info.metadata.holder_name, "演示科技有限公司");
    assert.ok(info.code.startsWith("DZZZ:"), info.code);
    assert.equal(info.payload.identifier, info.metadata.license_id);
    assert.equal(info.payload.issueDate, info.metadata.issue_date);
    assert.equal(info.payload.validUntil, info.metadata.valid_until);
    assert.match(info.payload.keyId, /^[0-9a-f]{16}$/);
    assert.match(info.payload.keyFieldsDigest, /^[0-9a-f]{64}$/);
  }
  // The OFD's code is the one the demo wrote out; both files carry the same metadata (digest).
  assert.equal(lib.licenseInfo(read("license.ofd")).code, code);
  assert.equal(
    lib.licenseInfo(read("license.pdf")).payload.keyFieldsDigest,
    lib.licenseInfo(read("license.ofd")).payload.keyFieldsDigest,
  );
});

test("licenseInfo reads a metadata file and a bare 2D-code payload", () => {
  const meta = lib.licenseInfo(read("license.json"));
  assert.equal(meta.kind, "metadata");
  assert.equal(meta.container, null);
  assert.deepEqual(meta.metadata, cliShow("license.json"));
  assert.equal(meta.payload, null);
  const payload = lib.licenseInfo(read("license-code.txt"));
  assert.equal(payload.kind, "payload");
  assert.equal(payload.metadata, null);
  const shown = cliShow("license-code.txt");
  assert.equal(payload.payload.identifier, shown.identifier);
  assert.equal(payload.payload.keyFieldsDigest, shown.key_fields_digest);
  assert.equal(payload.payload.bytes, shown.bytes);
});

test("licenseInfo throws with the core's code for what is no license", () => {
  for (const name of ["signed.pdf", "signed.ofd", "seal-v4.esl"]) {
    assert.throws(() => lib.licenseInfo(read(name)), (e) => e.name === "EsealError" && e.code === "malformed", name);
  }
  assert.throws(() => lib.licenseInfo(new TextEncoder().encode("DZZZ:NOT-BASE32")), (e) => e.code === "malformed");
  assert.throws(() => lib.licenseInfo(new TextEncoder().encode("{\"version\": 1}")), (e) => e.code === "malformed");
});
