//! A signing key and its certificate, as `seal make` and `sign` take them: `--key` in any key
//! file format (PEM/DER PKCS#8, encrypted PKCS#8, SEC1, PKCS#12) and `--cert`, which may be left
//! out when the key file is a PKCS#12 that carries the key's certificate.

use std::path::Path;

use anyhow::{Context as _, bail};
use eseal::pki::{Certificate, SoftwareSigner};

use crate::password::Source;

/// A key that signs, and the certificate for it.
pub(crate) struct Credential {
    pub(crate) signer: SoftwareSigner,
    pub(crate) certificate: Certificate,
}

/// Loads `key` (asking for its password from `source` only if it is encrypted) and `cert`;
/// `role` names them in errors ("maker", "signer", "TSA").
pub(crate) fn load(
    key: &Path,
    cert: Option<&Path>,
    source: &Source,
    role: &str,
) -> anyhow::Result<Credential> {
    let file = crate::key::load(key, source)?;
    let public = file.secret_key().public_key().to_sec1_bytes();
    let matches = |c: &Certificate| c.sm2_public_key().is_ok_and(|k| k == public.as_slice());
    let certificate = match cert {
        Some(path) => {
            let data = crate::files::read(path)?;
            let certs = eseal::certfile::read_certificates(&data).with_context(|| {
                format!("{} is not a readable certificate file", path.display())
            })?;
            let Some(first) = certs.into_iter().next() else {
                bail!("{} holds no certificate", path.display());
            };
            if !matches(&first) {
                bail!(
                    "the {role} key {} does not belong to the certificate in {} (\"{}\")",
                    key.display(),
                    path.display(),
                    first.subject_string()
                );
            }
            first
        }
        None => match file.certificates().iter().find(|c| matches(c)) {
            Some(c) => c.clone(),
            None => bail!(
                "{} carries no certificate for its key: give the {role} certificate with --{}",
                key.display(),
                cert_option(role)
            ),
        },
    };
    Ok(Credential {
        signer: SoftwareSigner::from_secret_key(file.into_secret_key()),
        certificate,
    })
}

fn cert_option(role: &str) -> &'static str {
    match role {
        "TSA" => "tsa-cert",
        _ => "cert",
    }
}
