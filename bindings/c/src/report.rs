//! Verification of a buffer of any supported format into a report handle.

use std::ffi::{CString, c_char};

use eseal_core::document::DocumentVerifyOptions;
use eseal_core::pki::Certificate;
use eseal_core::ses::{DataRef, VerifyOptions};
use eseal_core::verify::{CheckStatus, DocumentReport, Level, Status};

use crate::buffer::c_string;
use crate::key::eseal_certificate;
use crate::result::{
    Fail, bytes, bytes_of, clear, core_error, eseal_result, free_handle, guard, handle, new_handle,
    optional_bytes, put, time_or_now,
};
use crate::trust::{eseal_policy, eseal_trust_store};

/// The overall verdict of a report.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_status {
    /// Every applicable check passed.
    ESEAL_STATUS_VALID = 0,
    /// Something is proven wrong.
    ESEAL_STATUS_INVALID = 1,
    /// Nothing is known to be wrong, but something could not be established.
    ESEAL_STATUS_INDETERMINATE = 2,
}

/// The outcome of one check.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_check_status {
    /// The check ran and its condition holds.
    ESEAL_CHECK_PASSED = 0,
    /// The check ran and its condition does not hold.
    ESEAL_CHECK_FAILED = 1,
    /// The check could not reach a conclusion.
    ESEAL_CHECK_INDETERMINATE = 2,
    /// The check does not apply.
    ESEAL_CHECK_NOT_APPLICABLE = 3,
}

/// The validation policy's level for a check, which decided its effect on the verdict.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum eseal_level {
    /// Counts for the verdict.
    ESEAL_LEVEL_FAIL = 0,
    /// Reported as a warning only.
    ESEAL_LEVEL_WARN = 1,
    /// Kept for information only.
    ESEAL_LEVEL_INFORM = 2,
    /// Neither counted nor reported as a warning.
    ESEAL_LEVEL_IGNORE = 3,
}

/// One check of a report, as [`eseal_report_check`] hands it out. The strings are
/// NUL-terminated UTF-8 owned by the report: valid until the report is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct eseal_check {
    /// The stable check identifier, e.g. `ses.signature.value`.
    pub id: *const c_char,
    /// The outcome.
    pub status: eseal_check_status,
    /// The policy level that decided its effect.
    pub level: eseal_level,
    /// Whether this outcome alone makes the result invalid.
    pub decisive: bool,
    /// What was found, for a person.
    pub message: *const c_char,
    /// The index of the signature the check belongs to, or `-1` for a check about the
    /// document as a whole.
    pub signature_index: i64,
}

/// The result of [`eseal_verify`]: the verdict, the checks and the JSON report. Immutable;
/// freed by [`eseal_report_free`], which invalidates every string it handed out.
pub struct eseal_report {
    report: DocumentReport,
    /// Every check, document checks first, then each signature's, with C strings made once.
    checks: Vec<CheckEntry>,
    /// Index into `checks` of [`DocumentReport::first_problem`].
    first_problem: Option<usize>,
}

struct CheckEntry {
    id: CString,
    message: CString,
    status: eseal_check_status,
    level: eseal_level,
    decisive: bool,
    signature_index: i64,
}

fn check_entry(check: &eseal_core::verify::Check, signature_index: i64) -> CheckEntry {
    CheckEntry {
        id: c_string(check.id().as_str()),
        message: c_string(check.message()),
        status: match check.status() {
            CheckStatus::Passed => eseal_check_status::ESEAL_CHECK_PASSED,
            CheckStatus::Failed => eseal_check_status::ESEAL_CHECK_FAILED,
            CheckStatus::NotApplicable => eseal_check_status::ESEAL_CHECK_NOT_APPLICABLE,
            _ => eseal_check_status::ESEAL_CHECK_INDETERMINATE,
        },
        level: match check.level() {
            Level::Fail => eseal_level::ESEAL_LEVEL_FAIL,
            Level::Warn => eseal_level::ESEAL_LEVEL_WARN,
            Level::Inform => eseal_level::ESEAL_LEVEL_INFORM,
            _ => eseal_level::ESEAL_LEVEL_IGNORE,
        },
        decisive: check.decisive(),
        signature_index,
    }
}

fn report_handle(report: DocumentReport) -> eseal_report {
    let mut checks = Vec::new();
    let mut first_problem = None;
    let problem = report.first_problem().map(std::ptr::from_ref);
    let all = report.checks().iter().map(|c| (c, -1_i64)).chain(
        report
            .signatures()
            .iter()
            .zip(0_i64..)
            .flat_map(|(s, i)| s.report().checks().iter().map(move |c| (c, i))),
    );
    for (check, signature_index) in all {
        if problem.is_some_and(|p| std::ptr::eq(p, check)) {
            first_problem = Some(checks.len());
        }
        checks.push(check_entry(check, signature_index));
    }
    eseal_report {
        report,
        checks,
        first_problem,
    }
}

/// Verifies a file of any format the core recognises by content (an OFD document, an
/// electronic seal, a detached SES signature without its data) into a report handle in
/// `*report` (free it with [`eseal_report_free`]).
///
/// `trust` may be NULL (or empty) for no trust anchors: trust checks then stay
/// indeterminate, as with `eseal verify` without `--trust`. `policy` may be NULL for the
/// default policy. `validation_time` is seconds since 1970 UTC, or `0` for now (the system
/// clock). The policy's limits (see [`eseal_policy_set_limits`]) bound the work on the file.
/// A readable file always gets a report, however broken its signatures: the verdict
/// is in the report, not in the result code. A file that cannot be verified at all gives an
/// error code (`ESEAL_MALFORMED` for unrecognised or unreadable content, `ESEAL_UNSUPPORTED`
/// for an encrypted PDF) and `*report` is NULL.
///
/// # Safety
/// `data` must be valid for reading `len` bytes; `trust` and `policy` NULL or live handles
/// not modified during the call; `report` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_verify(
    data: *const u8,
    len: usize,
    trust: *const eseal_trust_store,
    policy: *const eseal_policy,
    validation_time: u64,
    report: *mut *mut eseal_report,
) -> eseal_result {
    // SAFETY: forwarded caller's contract; no detached data, no signer certificates.
    unsafe {
        eseal_verify_with(
            data,
            len,
            trust,
            policy,
            validation_time,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            report,
        )
    }
}

/// [`eseal_verify`] with the inputs some signatures need besides the file:
///
/// - `detached_data` (`detached_len` bytes): the data a detached SES_Signature signs (as made
///   by [`eseal_sign_data`]); NULL when there is none (its data-hash check then stays
///   indeterminate); a non-NULL pointer with length 0 is empty data. Ignored for seals and
///   OFD documents, which carry their own.
/// - `signer_certificates`: an array of `signer_certificate_count` certificate handles to try
///   for OFD digital signatures (`Type="Sign"`) that embed no certificate; NULL with count 0
///   for none. The handles are only read during the call.
///
/// # Safety
/// As for [`eseal_verify`]; `detached_data` NULL or readable for `detached_len` bytes;
/// `signer_certificates` NULL (count 0) or readable for `signer_certificate_count` pointers,
/// each a live certificate.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_verify_with(
    data: *const u8,
    len: usize,
    trust: *const eseal_trust_store,
    policy: *const eseal_policy,
    validation_time: u64,
    detached_data: *const u8,
    detached_len: usize,
    signer_certificates: *const *const eseal_certificate,
    signer_certificate_count: usize,
    report: *mut *mut eseal_report,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for data/len.
        let data = unsafe { bytes(data, len, "data") }?;
        // SAFETY: caller's contract for detached_data/detached_len.
        let detached = unsafe { optional_bytes(detached_data, detached_len, "detached_data") }?;
        // SAFETY: caller's contract: an array of live certificate handles (or NULL, 0).
        let handles = unsafe {
            bytes_of::<*const eseal_certificate>(
                signer_certificates,
                signer_certificate_count,
                "signer_certificates",
            )
        }?;
        let mut signers: Vec<Certificate> = Vec::with_capacity(handles.len());
        for (i, cert) in handles.iter().enumerate() {
            // SAFETY: caller's contract: every entry is a live certificate.
            let cert = unsafe { handle(*cert, &format!("signer_certificates[{i}]")) }?;
            signers.push(cert.cert.clone());
        }
        // SAFETY: caller's contract: NULL or a live trust store.
        let trust = unsafe { trust.as_ref() };
        // SAFETY: caller's contract: NULL or a live policy.
        let policy = unsafe { policy.as_ref() };
        let limits = policy.map(|p| p.limits.clone()).unwrap_or_default();
        let policy = policy.map(|p| p.policy.clone()).unwrap_or_default();
        let at = time_or_now(validation_time)?;
        let mut ses = VerifyOptions::new()
            .validation_policy(policy)
            .validation_time(at);
        if let Some(trust) = trust {
            ses = ses.intermediates(&trust.intermediates).crls(&trust.crls);
            if !trust.anchors.is_empty() {
                ses = ses.trust_anchors(&trust.anchors);
            }
        }
        let mut options =
            limits.apply(DocumentVerifyOptions::new(ses).signer_certificates(&signers));
        if let Some(detached) = detached {
            options = options.detached_data(DataRef::Bytes(detached));
        }
        let verified = eseal_core::document::verify(data, &options).map_err(core_error)?;
        Ok(report_handle(verified))
    };
    // SAFETY: caller's contract for report.
    unsafe { new_handle(report, make) }
}

/// The overall verdict of a report.
///
/// # Safety
/// `report` must be a live report; `status` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_status(
    report: *const eseal_report,
    status: *mut eseal_status,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        let value = match report.report.status() {
            Status::Valid => eseal_status::ESEAL_STATUS_VALID,
            Status::Invalid => eseal_status::ESEAL_STATUS_INVALID,
            _ => eseal_status::ESEAL_STATUS_INDETERMINATE,
        };
        // SAFETY: caller's contract for status.
        unsafe { put(status, value, "status") }
    })
}

/// The number of signatures (for a seal or a detached signature: 1).
///
/// # Safety
/// `report` must be a live report; `count` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_signature_count(
    report: *const eseal_report,
    count: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        // SAFETY: caller's contract for count.
        unsafe { put(count, report.report.signatures().len(), "count") }
    })
}

/// The number of checks: the document's own, then every signature's, in document order.
///
/// # Safety
/// `report` must be a live report; `count` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_check_count(
    report: *const eseal_report,
    count: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        // SAFETY: caller's contract for count.
        unsafe { put(count, report.checks.len(), "count") }
    })
}

/// Check number `index` (below [`eseal_report_check_count`]) into `*check`; its strings
/// belong to the report. An index too large gives `ESEAL_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `report` must be a live report; `check` valid for writing an `eseal_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_check(
    report: *const eseal_report,
    index: usize,
    check: *mut eseal_check,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        let entry = report.checks.get(index).ok_or_else(|| {
            Fail::new(
                eseal_result::ESEAL_INDEX_OUT_OF_RANGE,
                &format!(
                    "check {index} asked for; the report has {}",
                    report.checks.len()
                ),
            )
        })?;
        let value = eseal_check {
            id: entry.id.as_ptr(),
            status: entry.status,
            level: entry.level,
            decisive: entry.decisive,
            message: entry.message.as_ptr(),
            signature_index: entry.signature_index,
        };
        // SAFETY: caller's contract for check.
        unsafe { put(check, value, "check") }
    })
}

/// The check that best explains why the report is not valid: `*found` is true and `*index`
/// its index for [`eseal_report_check`], or `*found` is false (and `*index` 0) when nothing
/// keeps it from being valid.
///
/// # Safety
/// `report` must be a live report; `found` and `index` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_first_problem(
    report: *const eseal_report,
    found: *mut bool,
    index: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        if found.is_null() || index.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        // SAFETY: both are non-NULL and valid for writes (caller's contract).
        unsafe {
            put(found, report.first_problem.is_some(), "found")?;
            put(index, report.first_problem.unwrap_or(0), "index")
        }
    })
}

/// The report as JSON (the schema of `eseal verify --json`), NUL-terminated, into `*json`
/// with its length without the NUL in `*len`. The text belongs to the caller: free it with
/// [`eseal_string_free`].
///
/// # Safety
/// `report` must be a live report; `json` and `len` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_json(
    report: *const eseal_report,
    json: *mut *mut c_char,
    len: *mut usize,
) -> eseal_result {
    // SAFETY: caller's contract for json.
    unsafe { clear(json) };
    guard(|| {
        // SAFETY: caller's contract.
        let report = unsafe { handle(report, "report") }?;
        // SAFETY: caller's contract for json/len.
        unsafe { crate::buffer::put_string(json, len, &report.report.to_json()) }
    })
}

/// Frees a report; NULL is ignored. Every string it handed out becomes invalid.
///
/// # Safety
/// `report` must be NULL or a report from [`eseal_verify`] not freed before and not in use by
/// another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_report_free(report: *mut eseal_report) {
    // SAFETY: caller's contract.
    unsafe { free_handle(report) }
}
