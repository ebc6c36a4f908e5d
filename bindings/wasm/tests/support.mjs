// Shared by the Node and browser tests: the nodejs build of eseal-wasm, the eseal CLI (the
// reference), and fixtures made once per run (the CLI's demo files, the ofdrw root as PEM).
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const wasmDir = path.resolve(here, "..");
export const root = path.resolve(wasmDir, "../..");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through scripts/wasm.sh`);
  return value;
}

export const cli = () => required("ESEAL_CLI");
export const vectors = () =>
  path.join(process.env.ESEAL_SHARED_VECTORS ?? path.resolve(root, "../shared/test-vectors"), "ofdrw");
export const artifacts = () => required("ESEAL_ARTIFACTS");

/** The nodejs build (bindings/wasm/pkg/node). */
export function eseal() {
  const require = createRequire(import.meta.url);
  return require(path.join(wasmDir, "pkg/node/eseal_wasm.js"));
}

/** Every ofdrw sample that carries a seal or a signature. */
export function signedSamples() {
  const unsigned = new Set(["helloworld.ofd", "doc1File.ofd", "VPage7.ofd", "namespace_no_std.ofd"]);
  return readdirSync(vectors())
    .filter((n) => /\.(ofd|esl|DER|dat)$/.test(n) && !unsigned.has(n))
    .sort();
}

let fixtures;
/** A temporary directory with `demo/` (eseal demo) and `ofdrw-root.pem`; made once. */
export function fixtureDir() {
  if (fixtures) return fixtures;
  fixtures = mkdtempSync(path.join(tmpdir(), "eseal-wasm-"));
  execFileSync(cli(), ["demo", "--out", "demo"], { cwd: fixtures, stdio: "ignore" });
  execFileSync("openssl", [
    "pkcs12", "-in", path.join(vectors(), "ROOT.p12"), "-nokeys", "-passin", "pass:123456",
    "-legacy", "-out", path.join(fixtures, "ofdrw-root.pem"),
  ], { stdio: "ignore" });
  if (!existsSync(path.join(fixtures, "demo/signed.ofd"))) throw new Error("eseal demo made no signed.ofd");
  return fixtures;
}

/**
 * `eseal verify --json FILE` with CLI options; returns the parsed JSON (a report with its
 * `file` field removed, or `{ status: "error", error_code }`).
 */
export function cliVerify(file, args = []) {
  const run = spawnSync(cli(), ["verify", "--json", ...args, file], { encoding: "utf8" });
  if (!run.stdout) throw new Error(`eseal verify printed nothing: ${run.stderr}`);
  const value = JSON.parse(run.stdout);
  delete value.file;
  return value;
}

/** The same options in both forms: CLI arguments and the binding's options object. */
export function optionSets() {
  const dir = fixtureDir();
  const ofdrwRoot = path.join(dir, "ofdrw-root.pem");
  const demoRoot = path.join(dir, "demo/root.pem");
  return [
    { name: "defaults at a fixed time", args: ["--at", "2026-01-01T00:00:00Z"], options: { at: "2026-01-01T00:00:00Z" } },
    {
      name: "ofdrw root, relaxed, 2021",
      args: ["--at", "2021-06-01T00:00:00Z", "--trust", ofdrwRoot, "--policy", "relaxed"],
      options: { at: "2021-06-01T00:00:00Z", trustAnchors: readFileSync(ofdrwRoot, "utf8"), policy: "relaxed" },
    },
    {
      name: "ofdrw root, strict, 2022",
      args: ["--at", "2022-06-01T00:00:00Z", "--trust", ofdrwRoot, "--policy", "strict"],
      options: { at: "2022-06-01T00:00:00Z", trustAnchors: [readFileSync(ofdrwRoot)], policy: "strict" },
    },
    {
      name: "demo root, now",
      args: ["--trust", demoRoot],
      options: { trustAnchors: new Uint8Array(readFileSync(demoRoot)) },
      // Both read their own clock: only the verdicts are compared.
      clock: true,
    },
  ];
}

/** The binding's result in the CLI's JSON shape: the report, or the error's code. */
export function wasmVerify(lib, bytes, options) {
  try {
    return lib.verify(bytes, options);
  } catch (e) {
    if (typeof e.code !== "string") throw e;
    return { status: "error", error_code: e.code, error: e.message };
  }
}
