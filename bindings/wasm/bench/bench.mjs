// SM2 verification and SM3 hashing: eseal-wasm (the nodejs build) against the JavaScript
// libraries sm-crypto and sm-crypto-v2, in the same Node process on the same inputs.
//
//   scripts/wasm.sh --build && node bindings/wasm/bench/bench.mjs [--quick]
//
// Every signature is made by sm-crypto and checked once by each library before timing, so all
// three verify the same, valid signatures (DER, default ID, SM3(Z‖M)).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const eseal = require(path.join(here, "../pkg/node/eseal_wasm.js"));
const smCrypto = require("sm-crypto");
const smCryptoV2 = require("sm-crypto-v2");

const quick = process.argv.includes("--quick");
// Each figure is the best of `rounds` rounds of `seconds`, the libraries' rounds interleaved,
// so that a busy machine slows every library alike and the best round shows what each can do.
const rounds = quick ? 2 : 5;
const seconds = quick ? 0.25 : 0.5;

/** Calls per second of each of `fns` (an object of functions), best of the interleaved rounds. */
function rates(fns) {
  const best = Object.fromEntries(Object.keys(fns).map((k) => [k, 0]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) best[name] = Math.max(best[name], rate(fn));
  }
  return best;
}

/** Runs `fn` repeatedly for about `seconds`; returns calls per second. */
function rate(fn) {
  for (let i = 0; i < 3; i++) fn(i); // warm up (JIT, wasm tier-up)
  let calls = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    fn(calls++);
    elapsed = process.hrtime.bigint() - start;
  }
  return calls / (Number(elapsed) / 1e9);
}

const hexToBytes = (h) => new Uint8Array(Buffer.from(h, "hex"));

// SM2: 16 keys and signatures, cycled.
const cases = Array.from({ length: 16 }, (_, i) => {
  const { publicKey, privateKey } = smCrypto.sm2.generateKeyPairHex();
  const message = new TextEncoder().encode(`eseal benchmark message ${i}: 电子印章验证`.repeat(3));
  const sigHex = smCrypto.sm2.doSignature(message, privateKey, { der: true, hash: true });
  return { publicKey, key: hexToBytes(publicKey), message, sigHex, sig: hexToBytes(sigHex) };
});
const precomputed = cases.map((c) => smCryptoV2.sm2.precomputePublicKey(c.publicKey));
for (const [i, c] of cases.entries()) {
  const ok = [
    eseal.sm2Verify(c.key, c.message, c.sig),
    smCrypto.sm2.doVerifySignature(c.message, c.sigHex, c.publicKey, { der: true, hash: true }),
    smCryptoV2.sm2.doVerifySignature(c.message, c.sigHex, c.publicKey, { der: true, hash: true }),
    smCryptoV2.sm2.doVerifySignature(c.message, c.sigHex, precomputed[i], { der: true, hash: true, publicKey: c.publicKey }),
  ];
  if (!ok.every(Boolean)) throw new Error(`signature ${i} does not verify everywhere: ${ok}`);
}
const pick = (i) => cases[i % cases.length];

const sm2 = rates({
  "eseal-wasm": (i) => { const c = pick(i); eseal.sm2Verify(c.key, c.message, c.sig); },
  "sm-crypto": (i) => { const c = pick(i); smCrypto.sm2.doVerifySignature(c.message, c.sigHex, c.publicKey, { der: true, hash: true }); },
  "sm-crypto-v2": (i) => { const c = pick(i); smCryptoV2.sm2.doVerifySignature(c.message, c.sigHex, c.publicKey, { der: true, hash: true }); },
  "sm-crypto-v2 (precomputed key)": (i) => {
    const c = pick(i);
    smCryptoV2.sm2.doVerifySignature(c.message, c.sigHex, precomputed[i % cases.length], { der: true, hash: true, publicKey: c.publicKey });
  },
});

// SM3 over 1 MiB.
const mib = new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24);
const mibArray = Array.from(mib);
const ref = Buffer.from(eseal.sm3(mib)).toString("hex");
if (smCrypto.sm3(mibArray) !== ref || smCryptoV2.sm3(mib) !== ref) throw new Error("SM3 results differ");
const sm3 = rates({
  "eseal-wasm": () => eseal.sm3(mib),
  "sm-crypto": () => smCrypto.sm3(mibArray),
  "sm-crypto-v2": () => smCryptoV2.sm3(mib),
});

const row = (name, value, unit, base) =>
  `| ${name.padEnd(32)} | ${value.toFixed(value < 100 ? 1 : 0).padStart(9)} ${unit} | ${(value / base).toFixed(2).padStart(6)}× |`;
console.log(`Node ${process.version}, best of ${rounds} interleaved rounds of ${seconds} s per figure\n`);
console.log("| SM2 verify (DER, default ID)     | per second       | vs sm-crypto-v2 |");
console.log("|---|---:|---:|");
for (const [name, v] of Object.entries(sm2)) console.log(row(name, v, "/s   ", sm2["sm-crypto-v2"]));
console.log("\n| SM3 (1 MiB buffers)              | throughput       | vs sm-crypto-v2 |");
console.log("|---|---:|---:|");
for (const [name, v] of Object.entries(sm3)) console.log(row(name, v, "MiB/s", sm3["sm-crypto-v2"]));
const ratio = sm2["eseal-wasm"] / sm2["sm-crypto-v2"];
console.log(`\neseal-wasm / sm-crypto-v2 at SM2 verify: ${ratio.toFixed(2)}× (goal: at least 5×)`);
