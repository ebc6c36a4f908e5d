//! Signing PDF documents through the core's `pdf::sign_document` (one step, with a key file or
//! a callback key) or `pdf::prepare` → the caller's device signs → finish: a visible stamp
//! (page, rectangle in mm) or an invisible signature, in the SES form (GB/T 38540
//! SES_Signature, `/SubFilter /GB.SES_Signature`) with a seal or the CMS form
//! (`adbe.pkcs7.detached`) without one, with an optional chain, field name and timestamp.

use std::ffi::c_char;

use eseal_core::ofd::TimestampSource;
use eseal_core::pdf::{self, PageSelector, SignRequest, Stamp};
use eseal_core::pki::cms::{self, OidFlavour, SignOptions};
use eseal_core::pki::{Certificate, PkiError, Signer};
use eseal_core::ses::{self, DataToSign, SignatureBuilder};

use crate::buffer::{bytes_output, eseal_bytes};
use crate::key::{eseal_certificate, eseal_key, public_key};
use crate::result::{
    Fail, bytes, bytes_of, core_error, eseal_result, free_handle, guard, handle, new_handle, text,
    time_or_now,
};
use crate::seal::eseal_seal;
use crate::sign::{put_digest, put_message};
use crate::tsa::{Source, eseal_tsa, optional_source};

/// How a PDF signature is made, for [`eseal_pdf_sign`] and [`eseal_pdf_prepare`]. All zero
/// (`{0}` in C) is the default: signed now, invisible, field `Signature<n>`, no chain, no
/// timestamp. Pass NULL for the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct eseal_pdf_options {
    /// Seconds since 1970 UTC (the `/M` entry and the signature's claimed time); 0 for now.
    pub signing_time: u64,
    /// `true`: show the signature at `page`, (`x_mm`, `y_mm`); `false`: invisible (an empty
    /// widget rectangle on the first page).
    pub visible: bool,
    /// The page of a visible signature, 0-based.
    pub page: usize,
    /// The distance of the stamp's left edge from the page's left edge, in mm.
    pub x_mm: f64,
    /// The distance of the stamp's top edge from the page's top edge, in mm.
    pub y_mm: f64,
    /// The stamp's width in mm; with `height_mm` both 0 for the seal picture's size (a visible
    /// CMS signature, which has no picture, needs a size).
    pub width_mm: f64,
    /// The stamp's height in mm.
    pub height_mm: f64,
    /// The signature field's name (`/T`, ASCII without `.`), `field_name_len` bytes; NULL for
    /// the first free `Signature<n>`.
    pub field_name: *const c_char,
    /// The length of `field_name`.
    pub field_name_len: usize,
    /// Intermediate certificates embedded after the signer's in a CMS signature: an array of
    /// `chain_len` certificate handles (read during the call only), or NULL.
    pub chain: *const *const eseal_certificate,
    /// The number of handles in `chain`.
    pub chain_len: usize,
    /// A TSA whose token timestamps the signature value, or NULL for none.
    pub tsa: *const eseal_tsa,
}

/// The options read from C, with what they borrow.
struct Options<'a> {
    signing_time: eseal_core::pki::Time,
    stamp: Option<Stamp>,
    field_name: Option<&'a str>,
    chain: Vec<Certificate>,
    tsa: Option<Source<'a>>,
}

/// Reads `options` (NULL: the defaults).
///
/// # Safety
/// `options` NULL or valid for reading, its pointers as documented on [`eseal_pdf_options`].
unsafe fn options<'a>(options: *const eseal_pdf_options) -> Result<Options<'a>, Fail> {
    // SAFETY: caller's contract.
    let Some(o) = (unsafe { options.as_ref() }) else {
        return Ok(Options {
            signing_time: time_or_now(0)?,
            stamp: None,
            field_name: None,
            chain: Vec::new(),
            tsa: None,
        });
    };
    let stamp = o.visible.then(|| {
        let stamp = Stamp::on_page(PageSelector::Index(o.page), o.x_mm, o.y_mm);
        if o.width_mm != 0.0 || o.height_mm != 0.0 {
            stamp.size(o.width_mm, o.height_mm)
        } else {
            stamp
        }
    });
    let field_name = if o.field_name.is_null() && o.field_name_len == 0 {
        None
    } else {
        // SAFETY: caller's contract for field_name/field_name_len.
        Some(unsafe { text(o.field_name, o.field_name_len, "field_name") }?)
    };
    // SAFETY: caller's contract for chain/chain_len.
    let handles = unsafe { bytes_of(o.chain, o.chain_len, "chain") }?;
    let mut chain = Vec::with_capacity(handles.len());
    for (i, cert) in handles.iter().enumerate() {
        // SAFETY: caller's contract: each element is a live certificate handle.
        let cert = unsafe { handle(*cert, &format!("chain[{i}]")) }?;
        chain.push(cert.cert.clone());
    }
    Ok(Options {
        signing_time: time_or_now(o.signing_time)?,
        stamp,
        field_name,
        chain,
        // SAFETY: caller's contract for tsa.
        tsa: unsafe { optional_source(o.tsa) },
    })
}

/// The core's request for `kind` with the options.
fn request<'a>(
    seal: Option<&'a eseal_seal>,
    cert: &'a Certificate,
    signer: &'a dyn Signer,
    o: &'a Options<'a>,
) -> SignRequest<'a> {
    let mut request = match seal {
        Some(seal) => SignRequest::seal(&seal.seal, cert, signer, o.signing_time),
        None => SignRequest::digital(cert, signer, o.signing_time),
    };
    if let Some(stamp) = &o.stamp {
        request = request.stamp(*stamp);
    }
    if let Some(name) = o.field_name {
        request = request.field_name(name);
    }
    if let Some(tsa) = &o.tsa {
        request = request.timestamp(tsa);
    }
    request.chain(&o.chain)
}

/// Signs the PDF `pdf` by incremental update into a new document in `*out` (free it with
/// [`eseal_bytes_free`]; `pdf` is not changed): with `seal` (a seal signature, SES form) as
/// the holder of `signer_certificate` and `key`, or with `seal` NULL a CMS signature
/// (`adbe.pkcs7.detached`, SM2/SM3, embedding `signer_certificate` and `options->chain`). `key`
/// may be a callback key (USB key, HSM). `options` as [`eseal_pdf_options`] says, NULL for the
/// defaults. Verify the result with [`eseal_verify`].
///
/// Refused with the core's code: an unreadable or encrypted PDF (`ESEAL_MALFORMED`,
/// `ESEAL_UNSUPPORTED`), a page the document does not have, a stamp partly off its page, a
/// taken field name or a visible CMS signature without a size (`ESEAL_INVALID_ARGUMENT`), a signer the seal does not list, a
/// signing time outside the seal's or certificate's validity, a key that cannot sign or a
/// TSA that gives no token over the value (`ESEAL_CRYPTO`, with the step in the message).
///
/// # Safety
/// `pdf` readable for `pdf_len` bytes; `seal` NULL or a live handle; `key` and
/// `signer_certificate` live handles; `options` NULL or valid as documented; `out` valid for
/// writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_sign(
    pdf: *const u8,
    pdf_len: usize,
    seal: *const eseal_seal,
    key: *const eseal_key,
    signer_certificate: *const eseal_certificate,
    options: *const eseal_pdf_options,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for every argument.
        let (pdf, seal, key, cert, o) = unsafe {
            (
                bytes(pdf, pdf_len, "pdf")?,
                seal.as_ref(),
                handle(key, "key")?,
                handle(signer_certificate, "signer_certificate")?,
                self::options(options)?,
            )
        };
        let request = request(seal, &cert.cert, key.signer(), &o);
        pdf::sign_document(pdf, &request).map_err(core_error)
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// The signer of the request [`eseal_pdf_prepare`] lays out: the core's `pdf::prepare` only
/// needs the certificate's key, and the value comes later (`eseal_pdf_prepared_finish`).
struct Deferred {
    spki: Vec<u8>,
}

impl Signer for Deferred {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.spki.clone())
    }

    fn sign_sm2_sm3(&self, _message: &[u8]) -> Result<Vec<u8>, PkiError> {
        Err(PkiError::Signing {
            detail: "the value comes later (eseal_pdf_prepared_finish)".into(),
        })
    }
}

/// A PDF signature waiting for the signer's value: made by [`eseal_pdf_prepare`], completed by
/// [`eseal_pdf_prepared_finish`], freed by [`eseal_pdf_prepared_free`]. Immutable: its
/// functions may share it read-only between threads; the bytes it hands out live until it is
/// freed. It keeps copies of the seal, certificates and options, not the handles; its TSA
/// handle (if any) must stay live until finish.
pub struct eseal_pdf_prepared {
    document: pdf::PreparedSignature,
    inner: Inner,
    /// SM3(Z ‖ message) for the signer's key and the default ID.
    digest: [u8; 32],
    tsa: *const eseal_tsa,
}

enum Inner {
    Seal(Box<ses::PreparedSignature>),
    Cms(Box<cms::PreparedSignedData>),
}

impl Inner {
    fn message(&self) -> &[u8] {
        match self {
            Inner::Seal(p) => p.tbs_bytes(),
            Inner::Cms(p) => p.message(),
        }
    }

    fn digest_e(&self) -> [u8; 32] {
        match self {
            Inner::Seal(p) => p.digest_e(),
            Inner::Cms(p) => p.digest_e(),
        }
    }
}

/// The CMS options the core's PDF signer writes (GM/T 0010 OIDs, signingTime, the chain).
fn cms_options(o: &Options<'_>) -> SignOptions {
    SignOptions::new()
        .with_flavour(OidFlavour::GmT0010)
        .with_signing_time(o.signing_time)
        .with_chain(o.chain.iter().cloned())
}

/// The first half of [`eseal_pdf_sign`] for a key the library cannot call (a signing server,
/// a device used asynchronously): lays out the signed document with room for the value and
/// makes `*prepared`. Then have the key sign [`eseal_pdf_prepared_message`] (SM2 with SM3 and
/// the default ID; for the SES form the DER `TBS_Sign`, for the CMS form the DER signed
/// attributes), or its digest [`eseal_pdf_prepared_digest`], and pass the value to
/// [`eseal_pdf_prepared_finish`]. Arguments as for [`eseal_pdf_sign`], without the key. With
/// a TSA in `options`, the TSA is asked once here (to size the placeholder) and once at
/// finish.
///
/// # Safety
/// As for [`eseal_pdf_sign`]; `prepared` valid for writing a pointer; the TSA handle of
/// `options`, if any, live until [`eseal_pdf_prepared_finish`] returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_prepare(
    pdf: *const u8,
    pdf_len: usize,
    seal: *const eseal_seal,
    signer_certificate: *const eseal_certificate,
    options: *const eseal_pdf_options,
    prepared: *mut *mut eseal_pdf_prepared,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for every argument.
        let (pdf, seal, cert, o, tsa) = unsafe {
            (
                bytes(pdf, pdf_len, "pdf")?,
                seal.as_ref(),
                handle(signer_certificate, "signer_certificate")?,
                self::options(options)?,
                options.as_ref().map_or(std::ptr::null(), |o| o.tsa),
            )
        };
        let public_key = public_key(cert.cert.sm2_public_key().map_err(core_error)?)?;
        let deferred = Deferred {
            spki: public_key.to_spki_der(),
        };
        let request = request(seal, &cert.cert, &deferred, &o);
        // The field name the core picks, for sizing the value.
        let name = pdf::prepare(pdf, &request, 1)
            .map_err(core_error)?
            .field_name()
            .to_owned();
        let token_room = match &o.tsa {
            // The token of a trial value, as the core sizes its placeholder.
            Some(tsa) => tsa.timestamp(&[0u8; 64]).map_err(core_error)?.len() + 64,
            None => 0,
        };
        let cert_len = cert.cert.as_der().len();
        let capacity = match seal {
            Some(seal) => {
                let trial = ses_builder(seal, &cert.cert, [0; 32], &name, &o)
                    .prepare()
                    .map_err(core_error)?;
                // SES_Signature: TBS_Sign, the certificate (v4), the algorithm, the value.
                trial.tbs_bytes().len() + cert_len + 256
            }
            None => {
                let trial = cms::prepare_digest(&[0; 32], &cert.cert, &cms_options(&o))
                    .map_err(core_error)?;
                let attributes = trial.message();
                let chain: usize = o.chain.iter().map(|c| c.as_der().len()).sum();
                // SignedData: the attributes, the certificates, issuer and serial, the value.
                attributes.len() + 2 * cert_len + chain + 512
            }
        } + token_room;
        let document = pdf::prepare(pdf, &request, capacity).map_err(core_error)?;
        let digest = document.sm3_digest();
        let inner = match seal {
            Some(seal) => Inner::Seal(Box::new(
                ses_builder(seal, &cert.cert, digest, document.field_name(), &o)
                    .prepare()
                    .map_err(core_error)?,
            )),
            None => Inner::Cms(Box::new(
                cms::prepare_digest(&digest, &cert.cert, &cms_options(&o)).map_err(core_error)?,
            )),
        };
        let digest_e = inner.digest_e();
        Ok(eseal_pdf_prepared {
            document,
            inner,
            digest: digest_e,
            tsa,
        })
    };
    // SAFETY: caller's contract for prepared.
    unsafe { new_handle(prepared, make) }
}

fn ses_builder<'a>(
    seal: &'a eseal_seal,
    cert: &'a Certificate,
    digest: [u8; 32],
    name: &str,
    o: &Options<'_>,
) -> SignatureBuilder<'a> {
    SignatureBuilder::new(
        &seal.seal,
        cert,
        DataToSign::Sm3Digest(digest),
        name.to_owned(),
        o.signing_time,
    )
}

/// The bytes the signer signs: `*message` points to `*message_len` bytes owned by
/// `prepared`, valid until it is freed.
///
/// # Safety
/// `prepared` must be live; `message` and `message_len` valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_prepared_message(
    prepared: *const eseal_pdf_prepared,
    message: *mut *const u8,
    message_len: *mut usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let prepared = unsafe { handle(prepared, "prepared") }?;
        // SAFETY: caller's contract; the bytes live with the handle.
        unsafe { put_message(prepared.inner.message(), message, message_len) }
    })
}

/// The 32-byte digest `e = SM3(Z ‖ message)` (the signer certificate's key, default ID) into
/// `out` (`out_len` at least 32, else `ESEAL_BUFFER_TOO_SMALL`), for devices that sign digests.
///
/// # Safety
/// `prepared` must be live; `out` valid for writing `out_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_prepared_digest(
    prepared: *const eseal_pdf_prepared,
    out: *mut u8,
    out_len: usize,
) -> eseal_result {
    guard(|| {
        // SAFETY: caller's contract.
        let prepared = unsafe { handle(prepared, "prepared") }?;
        // SAFETY: caller's contract for out.
        unsafe { put_digest(&prepared.digest, out, out_len) }
    })
}

/// Completes a prepared PDF signature with the signer's value (DER `SM2Signature` or raw
/// 64-byte `r ‖ s`), timestamps it when the options named a TSA, and writes the signed
/// document to `*out` (free it with [`eseal_bytes_free`]). A value that does not verify with
/// the signer certificate gives `ESEAL_VERIFICATION_FAILED`. `prepared` stays usable (another
/// value may be tried) until freed.
///
/// # Safety
/// `prepared` must be live (with its TSA handle, if any); `value` readable for `value_len`
/// bytes; `out` valid for writing an `eseal_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_prepared_finish(
    prepared: *const eseal_pdf_prepared,
    value: *const u8,
    value_len: usize,
    out: *mut eseal_bytes,
) -> eseal_result {
    let make = || {
        // SAFETY: caller's contract for prepared, value and the TSA the options named.
        let (p, value, tsa) = unsafe {
            let p = handle(prepared, "prepared")?;
            (p, bytes(value, value_len, "value")?, optional_source(p.tsa))
        };
        let der = match &p.inner {
            Inner::Seal(inner) => {
                let signature = ses::PreparedSignature::clone(inner)
                    .finish(value)
                    .map_err(core_error)?;
                let signature = match &tsa {
                    Some(tsa) => {
                        let token = tsa
                            .timestamp(signature.signature_value())
                            .map_err(core_error)?;
                        ses::attach_timestamp(&signature, &token).map_err(core_error)?
                    }
                    None => signature,
                };
                signature.as_der().to_vec()
            }
            Inner::Cms(inner) => {
                let der = inner.finish(value).map_err(|e| match e {
                    cms::CmsError::Signing { .. } => {
                        Fail::new(eseal_result::ESEAL_VERIFICATION_FAILED, &e.to_string())
                    }
                    other => core_error(other),
                })?;
                match &tsa {
                    Some(tsa) => {
                        let parsed = cms::SignedData::from_der(&der).map_err(core_error)?;
                        let stamped = parsed.signature_value(0).ok_or_else(|| {
                            Fail::new(eseal_result::ESEAL_INTERNAL, "no SignerInfo was written")
                        })?;
                        let token = tsa.timestamp(stamped).map_err(core_error)?;
                        cms::add_signature_timestamp(&der, &token).map_err(core_error)?
                    }
                    None => der,
                }
            }
        };
        p.document.clone().finish(&der).map_err(core_error)
    };
    // SAFETY: caller's contract for out.
    unsafe { bytes_output(out, "out", make) }
}

/// Frees a prepared PDF signature; NULL is ignored.
///
/// # Safety
/// `prepared` must be NULL or from this library, not freed before and not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn eseal_pdf_prepared_free(prepared: *mut eseal_pdf_prepared) {
    // SAFETY: caller's contract.
    unsafe { free_handle(prepared) }
}
