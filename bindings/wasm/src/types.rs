//! The TypeScript types of the package (`eseal_wasm.d.ts`): the report schema of
//! `docs/report-schema.md` written as interfaces, the options, and the error.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Certificates or CRLs: DER bytes, PEM text (bundles allowed), or an array of them. */
export type CertificateInput = Uint8Array | ArrayBuffer | string | Array<Uint8Array | ArrayBuffer | string>;

/**
 * Limits on the work one `verify` call does (against zip bombs and hostile XML). Each value can
 * only tighten the core's own limit. Defaults are browser-sized: 64 MiB input and package,
 * 32 MiB per ZIP entry, 128 MiB uncompressed in total, 8 MiB per XML file.
 */
export interface VerifyLimits {
  maxInputBytes?: number;
  maxPackageBytes?: number;
  maxEntries?: number;
  maxEntryBytes?: number;
  maxTotalBytes?: number;
  maxXmlBytes?: number;
  maxSignatures?: number;
  maxPages?: number;
}

/** What `verify` checks against, as the CLI's `--trust`, `--intermediate`, `--crl`, `--at`, `--policy`. */
export interface VerifyOptions {
  /** Trust anchors for signer, seal-maker and TSA certificates. Without them, chains are `indeterminate`. */
  trustAnchors?: CertificateInput;
  /** Intermediate CA certificates to build paths with (any order). */
  intermediates?: CertificateInput;
  /** CRLs (DER or PEM). Without them revocation is `not_applicable`. */
  crls?: CertificateInput;
  /** Certificates for OFD digital signatures (Type="Sign") that embed none. */
  signerCertificates?: CertificateInput;
  /** A preset (`"default"`, `"strict"`, `"relaxed"`) or the text of a JSON policy file. Default `"default"`. */
  policy?: string;
  /** Validation time, RFC 3339 (`2024-05-01T08:00:00Z`). Default: now (the JS clock). */
  at?: string;
  /** The data a detached SES_Signature signs. */
  data?: Uint8Array | string;
  /** Tighter limits: this object (browser defaults, each field capped by the core's), or the
   * text of an `eseal.limits/1` description as the CLI's `--limits FILE` reads (docs/limits.md),
   * each value also capped by the browser defaults. */
  limits?: VerifyLimits | string;
}

export type Status = "valid" | "invalid" | "indeterminate";
export type CheckStatus = "passed" | "failed" | "indeterminate" | "not_applicable";
export type CheckCategory = "format" | "cryptographic" | "binding" | "time" | "trust" | "revocation";
export type Level = "fail" | "warn" | "inform" | "ignore";

/** One check: `id` is stable (docs/report-schema.md lists them), `message` is for people. */
export interface Check {
  id: string;
  category: CheckCategory;
  status: CheckStatus;
  /** Whether this outcome alone makes the report `invalid`. */
  decisive: boolean;
  level: Level;
  message: string;
}

export interface Warning {
  code: string;
  message: string;
}

export interface PictureFacts {
  declared_type: string;
  detected_type: "PNG" | "JPG" | "GIF" | "BMP" | "OFD" | "SVG" | string | null;
  width_mm: number;
  height_mm: number;
  size_bytes: number;
}

export interface SealFacts {
  version: "v1" | "v4" | "v5";
  vendor_id: string;
  es_id: string;
  name: string;
  seal_type: number;
  created: string | null;
  valid_from: string | null;
  valid_to: string | null;
  maker_subject: string | null;
  signers: string[];
  picture: PictureFacts | null;
  maker_signed_form: "seal_info_only" | "seal_info_cert_algorithm" | null;
}

export interface SignatureFacts {
  signer_subject: string | null;
  signing_time: string | null;
  signing_time_source: "claimed" | "timestamp" | null;
  claimed_time: string | null;
  property_info: string;
  algorithm: string | null;
}

/** The report of one seal or signature. */
export interface Report {
  schema_version: number;
  kind: "seal" | "signature";
  status: Status;
  validation_time: string | null;
  policy: string | null;
  checks: Check[];
  warnings: Warning[];
  seal: SealFacts | null;
  signature: SignatureFacts | null;
}

/** The modification analysis of one OFD signature (docs/report-schema.md, "coverage"). */
export interface Coverage {
  protected: string[];
  protected_count: number;
  unprotected: Array<{ path: string; role: { kind: string; [k: string]: unknown }; protected_by: string | null; origin: string }>;
  unlisted: number;
  changed: Array<{ path: string; role: { kind: string; [k: string]: unknown }; change: "modified" | "removed"; changed_by: string | null }>;
  later_signatures: string[];
  whole_protect: boolean;
}

export interface SignatureEntry {
  id: string | null;
  location: string | null;
  report: Report;
  coverage: Coverage | null;
  summary: string | null;
}

/**
 * The report of one file: exactly the JSON of `DocumentReport::to_json` (docs/report-schema.md).
 * New fields, check ids and enum values may appear: ignore what you do not know.
 */
export interface DocumentReport {
  schema_version: number;
  /** `ofd`, `seal`, `ses_signature`, and any format the core adds. */
  format: string;
  status: Status;
  validation_time: string | null;
  checks: Check[];
  signatures: SignatureEntry[];
  warnings: Warning[];
}

/** What `inspectSeal` returns. `status` and `checks` are the seal verified alone (no anchors, no time): no verdict on trust. */
export interface SealInspection {
  format: "seal" | "ses_signature";
  seal: SealFacts;
  status: Status;
  checks: Check[];
  warnings: Warning[];
  picture: {
    declaredType: string;
    /** For an `<img>`; null for OFD vector pictures and unknown formats. */
    mimeType: string | null;
    widthMm: number;
    heightMm: number;
    data: Uint8Array;
  };
}

/** One seal of a file, as `documentSeals` lists them. */
export interface FoundSeal extends Omit<SealInspection, "format"> {
  /** The report's `signatures[].id` of the signature carrying it; null for a bare seal or signature file. */
  signatureId: string | null;
}

/** A certificate, described by `readCertificates`. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sm3Fingerprint: string;
  isCa: boolean;
  selfIssued: boolean;
  der: Uint8Array;
}

/** The fields of a license 2D-code payload (docs/license.md, "The 2D code"). */
export interface LicensePayloadInfo {
  /** The license identifier (电子证照标识), with its prefix. */
  identifier: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  validFrom: string | null;
  /** YYYY-MM-DD, or "长期" (long-term). */
  validUntil: string | null;
  /** First 8 bytes of SM3 over the issuer's public key, hex. */
  keyId: string;
  /** SM3 of the key fields, hex. */
  keyFieldsDigest: string;
  /** Length of the binary payload. */
  bytes: number;
}

/**
 * What `licenseInfo` reads (nothing verified: call `verify` for a verdict).
 * `kind` "license": a license file (`container` "ofd" or "pdf") with its `metadata`, and the
 * 2D-code text embedded beside it (`code`, `payload`) when present; "metadata": a metadata
 * file (XML or JSON); "payload": a 2D-code text (`metadata` null).
 */
export interface LicenseInfo {
  kind: "license" | "metadata" | "payload";
  container: "ofd" | "pdf" | null;
  /** The metadata's JSON form (docs/license.md, "Metadata"): `license_id`, `holder_name`, …, `face`. */
  metadata: {
    version: number;
    license_id: string;
    type_name: string;
    type_code: string;
    number: string;
    holder_name: string;
    holder_code: string;
    issuer_name: string;
    issuer_code: string;
    issue_date: string;
    valid_from?: string;
    valid_until?: string;
    face?: Array<{ name: string; value: string }>;
    [element: string]: unknown;
  } | null;
  /** The exact 2D-code text (`DZZZ:…` or its URL form). */
  code: string | null;
  payload: LicensePayloadInfo | null;
}

/**
 * Every function throws an `EsealError`: a JS `Error` whose `code` is the core's stable error
 * code name and `codeNumber` its number (docs/error-codes.md).
 */
export interface EsealError extends Error {
  name: "EsealError";
  code: "malformed" | "unsupported" | "limit_exceeded" | "invalid_argument" | "not_found"
    | "password_required" | "wrong_password" | "policy_refused" | "verification_failed"
    | "untrusted" | "outside_validity" | "crypto" | "io" | "internal" | string;
  codeNumber: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// TypeScript `SealInspection`.
    #[wasm_bindgen(typescript_type = "SealInspection")]
    pub type JsSealInspection;
    /// TypeScript `FoundSeal`.
    #[wasm_bindgen(typescript_type = "FoundSeal")]
    pub type JsFoundSeal;
    /// TypeScript `CertificateInfo`.
    #[wasm_bindgen(typescript_type = "CertificateInfo")]
    pub type JsCertificateInfo;
    /// TypeScript `LicenseInfo`.
    #[wasm_bindgen(typescript_type = "LicenseInfo")]
    pub type JsLicenseInfo;
}
