//! Trust stores (anchors, intermediates, CRLs) and validation policies.

use std::ffi::c_char;

use eseal_core::document::VerifyLimits;
use eseal_core::pki::{Certificate, Crl, TrustStore};
use eseal_core::verify::ValidationPolicy;

use crate::result::{
    Fail, bytes, core_error, eseal_result, free_handle, guard, handle, new_handle, put, text,
};

/// Trust anchors, intermediate certificates and CRLs for verification.
///
/// Made by [`eseal_trust_store_new`], filled by the `eseal_trust_store_add_*` functions,
/// freed by [`eseal_trust_store_free`]. Verification only reads it.
pub struct eseal_trust_store {
    pub(crate) anchors: TrustStore,
    pub(crate) intermediates: Vec<Certificate>,
    pub(crate) crls: Vec<Crl>,
}

/// A validation policy (a preset or a policy file) and the limits on untrusted input that
/// [`eseal_verify`] applies with it (the library defaults until [`eseal_policy_set_limits`] or
/// [`eseal_policy_set_max_input`] tightens them), made by [`eseal_policy_preset`] or
/// [`eseal_policy_from_json`], freed by [`eseal_policy_free`]. Only the two setters change it:
/// call them before sharing the policy between threads, never while another thread uses it.
pub struct eseal_policy {
    pub(crate) policy: ValidationPolicy,
    pub(crate) limits: VerifyLimits,
}

/// Makes an empty trust store into `*out` (free it with [`eseal_trust_store_free`]).
///
/// # Safety
/// `out` must be valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_new(out: *mut *mut eseal_trust_store) -> eseal_result {
    let make = || {
        Ok(eseal_trust_store {
            anchors: TrustStore::new(),
            intermediates: Vec::new(),
            crls: Vec::new(),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// The body of the `eseal_trust_store_add_*` functions: `add` gets the store and the input.
///
/// # Safety
/// `store` must be NULL or a live trust store not used by another thread; `data` readable for
/// `len` bytes.
unsafe fn add(
    store: *mut eseal_trust_store,
    data: *const u8,
    len: usize,
    add: impl FnOnce(&mut eseal_trust_store, &[u8]) -> Result<(), Fail>,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract: store is live and exclusively ours for this call.
        let store = unsafe { store.as_mut() }.ok_or_else(|| Fail::null("store"))?;
        // SAFETY: caller's contract for data/len.
        let data = unsafe { bytes(data, len, "data") }?;
        add(store, data)
    })
}

/// Adds trust anchors: every certificate of a PEM bundle or one DER certificate.
///
/// # Safety
/// `store` must be a live trust store not used by another thread; `data` must be valid for
/// reading `len` bytes (or NULL with `len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_add_anchors(
    store: *mut eseal_trust_store,
    data: *const u8,
    len: usize,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        add(store, data, len, |store, data| {
            let certs = eseal_core::certfile::read_certificates(data).map_err(core_error)?;
            for cert in certs {
                store.anchors.add(cert);
            }
            Ok(())
        })
    }
}

/// Adds intermediate certificates (PEM bundle or one DER certificate) for building paths.
///
/// # Safety
/// As for [`eseal_trust_store_add_anchors`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_add_intermediates(
    store: *mut eseal_trust_store,
    data: *const u8,
    len: usize,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        add(store, data, len, |store, data| {
            let certs = eseal_core::certfile::read_certificates(data).map_err(core_error)?;
            store.intermediates.extend(certs);
            Ok(())
        })
    }
}

/// Adds CRLs (PEM bundle or one DER CRL) for revocation checks.
///
/// # Safety
/// As for [`eseal_trust_store_add_anchors`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_add_crls(
    store: *mut eseal_trust_store,
    data: *const u8,
    len: usize,
) -> eseal_result {
    // SAFETY: forwarded caller's contract.
    unsafe {
        add(store, data, len, |store, data| {
            let crls = eseal_core::certfile::read_crls(data).map_err(core_error)?;
            store.crls.extend(crls);
            Ok(())
        })
    }
}

/// The number of trust anchors, intermediates and CRLs in a store.
///
/// # Safety
/// `store` must be a live trust store; the out-pointers must be valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_counts(
    store: *const eseal_trust_store,
    anchors: *mut usize,
    intermediates: *mut usize,
    crls: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let store = unsafe { handle(store, "store") }?;
        if anchors.is_null() || intermediates.is_null() || crls.is_null() {
            return Err(Fail::null("an out-pointer"));
        }
        // SAFETY: all three are non-NULL and valid for writes (caller's contract).
        unsafe {
            put(anchors, store.anchors.len(), "anchors")?;
            put(intermediates, store.intermediates.len(), "intermediates")?;
            put(crls, store.crls.len(), "crls")
        }
    })
}

/// Frees a trust store; NULL is ignored.
///
/// # Safety
/// `store` must be NULL or a trust store from [`eseal_trust_store_new`] not freed before and
/// not in use by another thread. It must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_trust_store_free(store: *mut eseal_trust_store) {
    // SAFETY: caller's contract.
    unsafe { free_handle(store) }
}

/// A preset policy by name (`default`, `strict` or `relaxed`) into `*out`; an unknown name
/// gives `ESEAL_INVALID_ARGUMENT`.
///
/// # Safety
/// `name` must be valid for reading `len` bytes (UTF-8, no NUL needed); `out` valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_policy_preset(
    name: *const c_char,
    len: usize,
    out: *mut *mut eseal_policy,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for name/len.
        let name = unsafe { text(name, len, "name") }?;
        let policy = ValidationPolicy::preset(name).ok_or_else(|| {
            Fail::new(
                eseal_result::ESEAL_INVALID_ARGUMENT,
                &format!("{name:?} is not a policy preset (default, strict, relaxed)"),
            )
        })?;
        Ok(eseal_policy {
            policy,
            limits: VerifyLimits::new(),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// A policy from the JSON text of a policy file (see `docs/validation-policy.md`) into
/// `*out`. A refused file gives its error code (e.g. `ESEAL_INVALID_ARGUMENT` for an unknown
/// key, `ESEAL_MALFORMED` for broken JSON) and message.
///
/// # Safety
/// `json` must be valid for reading `len` bytes; `out` valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_policy_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut eseal_policy,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for json/len.
        let json = unsafe { text(json, len, "json") }?;
        let policy = ValidationPolicy::from_json(json).map_err(core_error)?;
        Ok(eseal_policy {
            policy,
            limits: VerifyLimits::new(),
        })
    };
    // SAFETY: caller's contract for out.
    unsafe { new_handle(out, make) }
}

/// Frees a policy; NULL is ignored.
///
/// # Safety
/// `policy` must be NULL or a policy from this library not freed before; it must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_policy_free(policy: *mut eseal_policy) {
    // SAFETY: caller's contract.
    unsafe { free_handle(policy) }
}

/// Sets the limits `policy` verifies under from the JSON text of a limits description
/// (schema `eseal.limits/1`, see `docs/limits.md`): e.g. `{"schema": "eseal.limits/1",
/// "max_input_bytes": 33554432, "ofd": {"max_entries": 2000}, "pdf": {"max_objects": 100000}}`.
/// Fields left out keep the library defaults (and replace earlier settings). Each value may
/// only tighten its default: a larger one gives `ESEAL_INVALID_ARGUMENT` naming the field, an
/// unknown field `ESEAL_INVALID_ARGUMENT`, broken JSON or another schema `ESEAL_MALFORMED`,
/// text over 16 KiB `ESEAL_LIMIT_EXCEEDED`; on failure the policy is unchanged. Files beyond
/// a limit are then refused by [`eseal_verify`] with `ESEAL_LIMIT_EXCEEDED` (or reported
/// indeterminate, for signatures over `pdf.max_signatures`).
///
/// # Safety
/// `policy` must be a live policy no other thread uses during the call; `json` valid for
/// reading `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_policy_set_limits(
    policy: *mut eseal_policy,
    json: *const c_char,
    len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let (policy, json) = unsafe {
            (
                policy.as_mut().ok_or_else(|| Fail::null("policy"))?,
                text(json, len, "json")?,
            )
        };
        policy.limits = VerifyLimits::from_json(json).map_err(core_error)?;
        Ok(())
    })
}

/// Sets the largest file `policy` lets [`eseal_verify`] read, in bytes (the
/// `max_input_bytes` of the limits; each format's own limits still apply), refusing larger
/// buffers with `ESEAL_LIMIT_EXCEEDED` before they are parsed. 0 refuses every file.
///
/// # Safety
/// `policy` must be a live policy no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_policy_set_max_input(
    policy: *mut eseal_policy,
    max_bytes: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let policy = unsafe { policy.as_mut() }.ok_or_else(|| Fail::null("policy"))?;
        policy.limits.max_input_bytes = Some(max_bytes);
        Ok(())
    })
}
