//! The seals a file carries, each with the signature that uses it: to show their pictures and
//! facts beside a verification report (the WebAssembly page), without a second reading of
//! the file's format outside the core.

use crate::ofd::{OfdPackage, SignatureType};
use crate::ses::{self, ParseMode, Seal};
use crate::verify::DocumentFormat;

use super::{DocumentError, DocumentVerifyOptions, sniff};

/// A seal found in a file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FoundSeal {
    /// The signature that carries it, as the report's `signatures[].id` names it (OFD:
    /// `Signature/@ID`); `None` for a bare seal or signature file.
    pub signature_id: Option<String>,
    /// The seal (parsed leniently).
    pub seal: Seal,
}

/// Every seal `bytes` carries, in the order of the report's signatures: a bare seal itself, the
/// seal of an SES_Signature, the seal of each OFD `Type="Seal"` signature, the seal of each PDF
/// signature whose value is an SES_Signature (the report's id: the field name). Signatures whose
/// seal cannot be read are left out (their report says why); formats without seals give none.
///
/// # Errors
/// As [`super::verify`]: a file over [`DocumentVerifyOptions::max_input_len`], of no supported
/// format, or an OFD package that cannot be read within its limits.
pub fn seals(
    bytes: &[u8],
    options: &DocumentVerifyOptions<'_>,
) -> Result<Vec<FoundSeal>, DocumentError> {
    if let Some(limit) = options.max_input_len.filter(|&limit| bytes.len() > limit) {
        return Err(DocumentError::TooLarge {
            len: bytes.len(),
            limit,
        });
    }
    let format = sniff(bytes).ok_or_else(|| DocumentError::Unrecognised {
        start: bytes.iter().take(8).copied().collect(),
    })?;
    let ses_error = |source| DocumentError::Ses { format, source };
    let bare = |seal| {
        vec![FoundSeal {
            signature_id: None,
            seal,
        }]
    };
    match format {
        DocumentFormat::Seal => Ok(bare(
            Seal::from_der(bytes, ParseMode::Lenient).map_err(ses_error)?,
        )),
        DocumentFormat::SesSignature => Ok(bare(
            ses::Signature::from_der(bytes, ParseMode::Lenient)
                .map_err(ses_error)?
                .seal()
                .clone(),
        )),
        // A PDF (or PDF e-license): its /GB.SES_Signature values, under their field names (the
        // report's ids).
        DocumentFormat::Pdf | DocumentFormat::License if super::is_pdf(bytes) => {
            Ok(crate::pdf::seal_signatures(bytes, &options.pdf_limits)
                .map_err(|source| DocumentError::Pdf { source })?
                .into_iter()
                .map(|(name, signature)| FoundSeal {
                    signature_id: Some(name),
                    seal: signature.seal().clone(),
                })
                .collect())
        }
        // An OFD e-license: its seals are the OFD's.
        DocumentFormat::Ofd | DocumentFormat::License => ofd_seals(bytes, options),
        // Formats added later list no seals until they are taught to here.
        #[allow(unreachable_patterns)]
        _ => Ok(Vec::new()),
    }
}

fn ofd_seals(
    bytes: &[u8],
    options: &DocumentVerifyOptions<'_>,
) -> Result<Vec<FoundSeal>, DocumentError> {
    let ofd_error = |source| DocumentError::Ofd { source };
    let pkg = OfdPackage::from_bytes(bytes, &options.ofd_limits).map_err(ofd_error)?;
    let info = pkg.ofd().map_err(ofd_error)?;
    let mut out = Vec::new();
    for body in &info.bodies {
        let Ok(Some(list)) = pkg.signature_list(body) else {
            continue;
        };
        for entry in list
            .entries
            .iter()
            .filter(|e| e.kind == SignatureType::Seal)
        {
            let seal = pkg
                .signature(entry)
                .ok()
                .and_then(|file| pkg.get(&file.signed_value_path))
                .and_then(|value| ses::Signature::from_der(value, ParseMode::Lenient).ok());
            if let Some(signature) = seal {
                out.push(FoundSeal {
                    signature_id: Some(entry.id.clone()),
                    seal: signature.seal().clone(),
                });
            }
        }
    }
    Ok(out)
}
