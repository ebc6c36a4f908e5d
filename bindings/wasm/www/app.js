// The offline verification page: reads a file (or a pasted payload), verifies it with
// eseal-wasm against the trust anchors listed, and shows the report in plain words. Every
// verdict is the core's; this file only displays it. Text from files is set with textContent,
// never parsed as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const I18N = window.ESEAL_I18N;
  let lang = /^zh/i.test(navigator.language || "") ? "zh" : "en";
  let lib = null;
  /** The anchors in use: [{ der: Uint8Array, info }]. */
  let anchors = [];
  /** The last input, to verify again when the language, policy or anchors change. */
  let last = null;

  const t = (key) => I18N[lang][key];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = lang === "zh" ? "电子印章离线验证 · Offline e-seal verification" : "Offline e-seal verification · 电子印章离线验证";
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const value = t(node.dataset.i18n);
      if (typeof value === "string") node.textContent = value;
    }
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    }
    $("lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
    $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
    renderAnchors();
    if (last) run(last);
  }

  // ---- trust anchors ----

  function readAnchorBytes(bytes) {
    return lib.readCertificates(bytes).map((info) => ({ der: info.der, info }));
  }

  function setDefaultAnchors() {
    anchors = [];
    for (const pem of window.ESEAL_DEFAULT_ANCHORS || []) {
      anchors.push(...readAnchorBytes(new TextEncoder().encode(pem)));
    }
  }

  function renderAnchors() {
    const list = $("anchors");
    list.replaceChildren();
    if (!lib) return;
    if (anchors.length === 0) {
      list.append(el("li", { class: "none" }, t("anchorsNone")));
      return;
    }
    anchors.forEach((a, i) => {
      const remove = el("button", { type: "button", class: "remove" }, t("anchorRemove"));
      remove.addEventListener("click", () => {
        anchors.splice(i, 1);
        renderAnchors();
        if (last) run(last);
      });
      list.append(el("li", { class: "anchor" },
        el("div", { class: "anchor-subject" }, a.info.subject),
        el("div", { class: "anchor-meta" },
          `${t("validUntil")} ${a.info.notAfter} · SM3 ${a.info.sm3Fingerprint.slice(0, 16)}…`),
        remove));
    });
  }

  async function loadAnchorFiles(files, replace) {
    $("anchor-error").hidden = true;
    try {
      const read = [];
      for (const file of files) {
        read.push(...readAnchorBytes(new Uint8Array(await file.arrayBuffer())));
      }
      anchors = replace ? read : anchors.concat(read);
    } catch (e) {
      showError($("anchor-error"), e);
    }
    renderAnchors();
    if (last) run(last);
  }

  // ---- input ----

  /** A pasted 2D-code payload: hex or Base64 of a file when it decodes to one eseal knows, else the text itself. */
  function payloadBytes(text) {
    const compact = text.replace(/\s+/g, "");
    if (/^([0-9a-fA-F]{2})+$/.test(compact)) {
      const bytes = new Uint8Array(compact.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(compact.substr(i * 2, 2), 16);
      if (lib.sniff(bytes)) return bytes;
    }
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
      try {
        const bin = atob(compact.replace(/-/g, "+").replace(/_/g, "/"));
        const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
        if (lib.sniff(bytes)) return bytes;
      } catch (_) { /* not Base64 */ }
    }
    return new TextEncoder().encode(text.trim());
  }

  function options() {
    const o = { policy: $("policy").value, trustAnchors: anchors.map((a) => a.der) };
    const at = $("at").value.trim();
    if (at) o.at = at;
    return o;
  }

  // ---- result ----

  function showError(node, e) {
    node.hidden = false;
    node.replaceChildren(
      el("div", {}, e && e.message ? e.message : String(e)),
      e && e.code ? el("div", { class: "code" }, `${t("errorCode")}: ${e.code} (${e.codeNumber})`) : null);
  }

  function firstProblem(report) {
    const all = report.checks.concat(...report.signatures.map((s) => s.report.checks));
    const counts = (c) => c.level === "fail" && c.status !== "passed" && c.status !== "not_applicable";
    return all.find((c) => counts(c) && c.decisive)
      || all.find((c) => counts(c) && c.status === "failed")
      || all.find((c) => counts(c) && c.status === "indeterminate");
  }

  function checkName(id) {
    return t("check")[id] || id;
  }

  function checksTable(checks) {
    const rows = checks.map((c) => el("tr", { class: `check ${c.status}`, "data-check": c.id },
      el("td", { class: "mark" }, { passed: "✓", failed: "✗", indeterminate: "?", not_applicable: "–" }[c.status] || "?"),
      el("td", { class: "what" }, el("div", { class: "check-name" }, checkName(c.id)), el("div", { class: "check-id" }, c.id)),
      el("td", { class: "check-status" }, t("checkStatus")[c.status] || c.status),
      el("td", { class: "check-message" }, c.message)));
    return el("table", { class: "checks" }, el("tbody", {}, ...rows));
  }

  function facts(obj, keys) {
    const dl = el("dl", { class: "facts" });
    for (const key of keys) {
      let value = obj[key];
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) continue;
      if (key === "signing_time_source") value = t("timeSource")[value] || value;
      if (Array.isArray(value)) value = value.join("\n");
      dl.append(el("dt", {}, t("fields")[key] || key), el("dd", { "data-field": key }, value));
    }
    return dl;
  }

  /** The seal pictures of the file, by signature id (`null` for a bare seal or signature file). */
  function picturesOf(bytes) {
    const pictures = new Map();
    let seals = [];
    try {
      seals = lib.documentSeals(bytes, { limits: {} });
    } catch (_) {
      return pictures; // the report already says why the file cannot be read
    }
    for (const s of seals) {
      if (!s.picture.mimeType) {
        pictures.set(s.signatureId, el("p", { class: "hint" }, t("pictureNone")));
        continue;
      }
      const url = URL.createObjectURL(new Blob([s.picture.data], { type: s.picture.mimeType }));
      pictures.set(s.signatureId, el("img", { class: "seal-picture", src: url, alt: t("picture") }));
    }
    return pictures;
  }

  function warningsList(warnings) {
    if (!warnings || warnings.length === 0) return null;
    return el("details", { class: "warnings" }, el("summary", {}, `${t("warnings")} (${warnings.length})`),
      el("ul", {}, ...warnings.map((w) => el("li", {}, el("code", {}, w.code), " ", w.message))));
  }

  function render(name, bytes, report) {
    $("error").hidden = true;
    const status = report.status;
    $("status").className = `status ${status}`;
    $("status").dataset.status = status;
    $("status-word").textContent = t("status")[status];
    const problem = status === "valid" ? null : firstProblem(report);
    $("status-explain").replaceChildren(el("div", {}, t("statusExplain")[status]));
    if (problem) {
      $("status-explain").append(
        el("div", { class: "reason" }, t("mainReason"), checkName(problem.id), " — ", problem.message));
    }
    $("status-file").textContent = `${name} · ${t("format")[report.format] || report.format}`;

    const pictures = picturesOf(bytes);
    const sigs = $("signatures");
    sigs.replaceChildren();
    report.signatures.forEach((s, i) => {
      const r = s.report;
      const what = r.kind === "seal" ? t("sealFacts") : t("signature");
      const title = report.signatures.length > 1 || s.id ? `${what} ${s.id || i + 1}` : what;
      const box = el("article", { class: `signature ${r.status}`, "data-status": r.status },
        el("h3", {}, title, " · ", el("span", { class: "sig-status" }, t("status")[r.status])));
      if (s.summary) box.append(el("p", { class: "summary" }, s.summary));
      const side = el("div", { class: "facts-row" });
      const picture = pictures.get(s.id ?? null);
      if (picture) side.append(el("figure", {}, picture, el("figcaption", {}, t("picture"))));
      if (r.seal) side.append(el("div", {}, el("h4", {}, t("sealFacts")),
        facts(r.seal, ["name", "es_id", "version", "vendor_id", "seal_type", "created", "valid_from", "valid_to", "maker_subject", "signers"])));
      if (r.signature) side.append(el("div", {}, el("h4", {}, t("signerFacts")),
        facts(r.signature, ["signer_subject", "signing_time", "signing_time_source", "property_info", "algorithm"])));
      box.append(side, el("h4", {}, t("checks")), checksTable(r.checks), warningsList(r.warnings) || "");
      sigs.append(box);
    });
    $("doc-checks").replaceChildren(...(report.checks.length
      ? [el("h3", {}, t("documentChecks")), checksTable(report.checks)] : []));
    $("doc-warnings").replaceChildren(warningsList(report.warnings) || "");
    $("result").hidden = false;
  }

  function renderError(name, e) {
    $("status").className = "status error";
    $("status").dataset.status = "error";
    $("status-word").textContent = t("status").error;
    $("status-explain").textContent = t("statusExplain").error;
    $("status-file").textContent = name;
    showError($("error"), e);
    for (const id of ["signatures", "doc-checks", "doc-warnings"]) $(id).replaceChildren();
    $("result").hidden = false;
  }

  function run(input) {
    last = input;
    try {
      render(input.name, input.bytes, lib.verify(input.bytes, options()));
    } catch (e) {
      renderError(input.name, e);
    }
  }

  async function runFile(file) {
    run({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  }

  // ---- wiring ----

  function wire() {
    $("file").addEventListener("change", (ev) => {
      const file = ev.target.files[0];
      // Cleared so that choosing the same file again verifies it again.
      ev.target.value = "";
      if (file) runFile(file);
    });
    const drop = $("drop");
    drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (ev) => {
      ev.preventDefault();
      drop.classList.remove("over");
      if (ev.dataTransfer.files[0]) runFile(ev.dataTransfer.files[0]);
    });
    drop.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); $("file").click(); }
    });
    $("payload-verify").addEventListener("click", () => {
      const text = $("payload").value;
      if (text.trim()) run({ name: t("payloadTitle"), bytes: payloadBytes(text) });
    });
    $("policy").addEventListener("change", () => last && run(last));
    $("at").addEventListener("change", () => last && run(last));
    for (const [id, replace] of [["anchor-file", true], ["anchor-add", false]]) {
      $(id).addEventListener("change", (ev) => {
        const files = [...ev.target.files];
        ev.target.value = "";
        loadAnchorFiles(files, replace);
      });
    }
    $("anchors-reset").addEventListener("click", () => {
      setDefaultAnchors();
      renderAnchors();
      if (last) run(last);
    });
    $("lang-zh").addEventListener("click", () => { lang = "zh"; applyLanguage(); });
    $("lang-en").addEventListener("click", () => { lang = "en"; applyLanguage(); });
  }

  async function start() {
    // The module is inlined in eseal_wasm.js (scripts/wasm.sh): nothing is fetched.
    const b64 = wasm_bindgen.inlineModule;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    await wasm_bindgen({ module_or_path: bytes });
    lib = wasm_bindgen;
    $("version").textContent = `v${lib.version()}`;
    setDefaultAnchors();
    wire();
    applyLanguage();
    document.body.dataset.ready = "true";
  }

  start().catch((e) => {
    document.body.dataset.ready = "failed";
    renderError("eseal", e);
  });
})();
