// The offline page in Debian's Chromium (headless, driven by playwright-core): served by a
// tiny static server on localhost and opened from file://, files loaded through the file
// inputs, the displayed verdict and checks compared with `eseal verify --json` for the same
// files and options, a screenshot saved, and no request may leave localhost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { artifacts, cliVerify, fixtureDir, vectors, wasmDir } from "./support.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const www = path.join(wasmDir, "www");
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };

let server;
let origin;
let browser;
const requests = [];

before(async () => {
  server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.join(www, rel);
    try {
      if (!file.startsWith(www + path.sep) || !(await stat(file)).isFile()) throw new Error("no");
      res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function openPage(url) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "true", errors.join("\n"));
  return { page, context, errors };
}

/** Chooses `file` in the page's file input and waits for the verdict it shows. */
async function verifyInPage(page, file) {
  await page.evaluate(() => { document.getElementById("status").dataset.status = ""; });
  await page.setInputFiles("#file", file);
  await page.waitForFunction(() => document.getElementById("status").dataset.status);
  const status = await page.getAttribute("#status", "data-status");
  const checks = await page.$$eval("tr.check", (rows) =>
    rows.map((r) => [r.dataset.check, ["passed", "failed", "indeterminate", "not_applicable"].find((s) => r.classList.contains(s))]));
  return { status, checks };
}

/** The CLI's verdict and check statuses in the page's order (signatures, then document checks). */
function cliShown(file, args) {
  const r = cliVerify(file, args);
  const checks = [...r.signatures.flatMap((s) => s.report.checks), ...r.checks].map((c) => [c.id, c.status]);
  return { status: r.status, checks };
}

test("served on localhost: statuses and checks as the CLI's; anchors listed and replaceable; no request leaves localhost", async () => {
  const demo = path.join(fixtureDir(), "demo");
  const demoRoot = path.join(demo, "root.pem");
  const ofdrwRoot = path.join(fixtureDir(), "ofdrw-root.pem");
  const { page, context, errors } = await openPage(`${origin}/index.html`);

  // No anchors to start with, said in plain words.
  assert.equal(await page.locator("#anchors li.none").count(), 1);
  // Without anchors: nothing is trusted, so at best indeterminate, as the CLI says.
  const signed = path.join(demo, "signed.ofd");
  assert.deepEqual(await verifyInPage(page, signed), cliShown(signed, []));

  await page.setInputFiles("#anchor-file", demoRoot);
  await page.waitForSelector("#anchors li.anchor");
  assert.match(await page.textContent("#anchors"), /eseal demo root|Root|CN=/i);
  for (const name of ["signed.ofd", "tampered.ofd", "seal-v4.esl", "seal-v1.esl", "signed.pdf", "license.ofd"]) {
    const file = path.join(demo, name);
    const shown = await verifyInPage(page, file);
    assert.deepEqual(shown, cliShown(file, ["--trust", demoRoot]), name);
    assert.equal(shown.status, name === "tampered.ofd" ? "invalid" : "valid", name);
  }
  // The seal picture is shown, for a seal file and for the signature of an OFD document.
  // How many seal pictures are shown, decoded.
  const picturesShown = () => page.$$eval("img.seal-picture", (imgs) => Promise.all(imgs.map((img) =>
    new Promise((resolve) => (img.complete ? resolve(img.naturalWidth > 0) : img.addEventListener("load", () => resolve(img.naturalWidth > 0))))))
    .then((ok) => ok.filter(Boolean).length));
  assert.equal(await picturesShown(), 1);
  await verifyInPage(page, path.join(demo, "signed.ofd"));
  const signatures = await page.locator("article.signature").count();
  assert.ok(signatures >= 1);
  assert.equal(await picturesShown(), signatures, "one picture per seal signature of the OFD");
  // A PDF stamped with a seal shows its picture too.
  await verifyInPage(page, path.join(demo, "signed.pdf"));
  assert.equal(await picturesShown(), 1, "the seal picture of the PDF's SES signature");
  assert.match(await page.textContent("#status-word"), /有效/);
  // The tampered copy: the failing check is named in plain words.
  await verifyInPage(page, path.join(demo, "tampered.ofd"));
  assert.match(await page.textContent("#status-word"), /无效/);
  assert.match(await page.textContent("#status-explain"), /主要原因/);

  // The user's own roots replace the list; policy and time as the CLI's flags.
  await page.setInputFiles("#anchor-file", ofdrwRoot);
  await page.waitForFunction(() => document.querySelectorAll("#anchors li.anchor").length === 1);
  await page.selectOption("#policy", "relaxed");
  await page.fill("#at", "2021-06-01T00:00:00Z");
  const args = ["--trust", ofdrwRoot, "--policy", "relaxed", "--at", "2021-06-01T00:00:00Z"];
  for (const name of ["allprotected.ofd", "SESV4SignDoc.ofd", "signedFile.ofd", "UserV4.esl", "SignedValueV4.dat"]) {
    const file = path.join(vectors(), name);
    assert.deepEqual(await verifyInPage(page, file), cliShown(file, args), name);
  }
  assert.equal((await verifyInPage(page, path.join(vectors(), "allprotected.ofd"))).status, "valid");

  // English labels.
  await page.click("#lang-en");
  await page.waitForFunction(() => document.getElementById("status-word").textContent === "VALID");
  assert.match(await page.textContent("h1"), /Offline e-seal verification/);
  await page.screenshot({ path: path.join(artifacts(), "page-en.png"), fullPage: true });
  await page.click("#lang-zh");

  // A pasted 2D-code payload (Base64 of a seal file).
  await page.fill("#at", "");
  await page.setInputFiles("#anchor-file", demoRoot);
  await page.waitForSelector("#anchors li.anchor");
  await page.evaluate(() => { document.getElementById("payload-box").open = true; document.getElementById("status").dataset.status = ""; });
  await page.fill("#payload", readFileSync(path.join(demo, "seal-v5.esl")).toString("base64").replace(/(.{76})/g, "$1\n"));
  await page.click("#payload-verify");
  await page.waitForFunction(() => document.getElementById("status").dataset.status);
  assert.equal(await page.getAttribute("#status", "data-status"), "valid");

  // Garbage: an error with the core's code, not a crash.
  await page.evaluate(() => { document.getElementById("status").dataset.status = ""; });
  await page.setInputFiles("#file", { name: "garbage.bin", mimeType: "application/octet-stream", buffer: Buffer.from("not a seal at all") });
  await page.waitForFunction(() => document.getElementById("status").dataset.status);
  assert.equal(await page.getAttribute("#status", "data-status"), "error");
  assert.match(await page.textContent("#error"), /malformed \(1\)/);

  // Back to a verdict for the screenshot.
  await page.setInputFiles("#file", path.join(demo, "signed.ofd"));
  await page.waitForFunction(() => document.getElementById("status").dataset.status === "valid");
  await page.locator("img.seal-picture").first().waitFor();
  await page.screenshot({ path: path.join(artifacts(), "page.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  const outside = requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(outside, [], "requests that left localhost");
  // The page asked for its own files only.
  assert.ok(requests.every((u) => !u.startsWith(origin) || /\/(index\.html|style\.css|eseal_wasm\.js|anchors\.js|i18n\.js|app\.js)$/.test(u)), requests.join("\n"));
});

test("opened from file:// it works the same, with no network request", async () => {
  const before = requests.length;
  const demo = path.join(fixtureDir(), "demo");
  const { page, context, errors } = await openPage(pathToFileURL(path.join(www, "index.html")).href);
  await page.setInputFiles("#anchor-add", path.join(demo, "root.pem"));
  await page.waitForSelector("#anchors li.anchor");
  const file = path.join(demo, "signed.ofd");
  assert.deepEqual(await verifyInPage(page, file), cliShown(file, ["--trust", path.join(demo, "root.pem")]));
  assert.equal(await page.getAttribute("#status", "data-status"), "valid");
  assert.deepEqual(errors, []);
  await context.close();
  const mine = requests.slice(before);
  assert.ok(mine.length > 0);
  assert.deepEqual(mine.filter((u) => !/^(file|data|blob):/.test(u)), []);
});
