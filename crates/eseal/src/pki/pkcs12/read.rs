//! Reading a PFX: MAC check, then every `ContentInfo` of the `AuthenticatedSafe`, then the bags.

use der::asn1::ObjectIdentifier;
use der::{Decode as _, EncodingRules, Reader as _, SliceReader};
use spki::AlgorithmIdentifierRef;

use super::asn1::{BagValue, ContentInfo, Pfx, SafeBag, from_ber};
use super::pbe::{self, Budget, MacCheck};
use super::{
    CertificateEntry, KeyEntry, MAX_BAG_NESTING, MAX_BAGS, MAX_CONTENT_INFOS, MAX_PKCS12_SIZE,
    MAX_TOTAL_ITERATIONS, MacInfo, Pkcs12, Pkcs12Error, PrivateKey, ReadOptions,
};
use crate::crypto::SecretKey;
use crate::oid;
use crate::pki::Certificate;

/// Everything collected from the bags before keys and certificates are paired.
#[derive(Default)]
struct Collected {
    keys: Vec<KeyEntry>,
    certificates: Vec<CertificateEntry>,
    skipped: Vec<ObjectIdentifier>,
    bags: usize,
}

pub(super) fn read(
    input: &[u8],
    password: &str,
    options: &ReadOptions,
) -> Result<Pkcs12, Pkcs12Error> {
    if input.len() > MAX_PKCS12_SIZE {
        return Err(Pkcs12Error::TooLarge {
            limit: MAX_PKCS12_SIZE,
            found: input.len(),
        });
    }
    let pfx: Pfx<'_> = from_ber(input).map_err(|e| der_error("PFX", e))?;
    if pbe::uint_value(pfx.version) != 3 {
        return Err(Pkcs12Error::Unsupported {
            what: "PFX version",
            detail: format!(
                "{} (RFC 7292 defines version 3 only)",
                pbe::uint_value(pfx.version)
            )
            .into(),
        });
    }
    let auth_safe = match pfx.auth_safe {
        ContentInfo::Data(data) => data,
        ContentInfo::Encrypted(_) => {
            return Err(Pkcs12Error::malformed(
                "PFX",
                "the authSafe is encryptedData; RFC 7292 requires data or signedData",
            ));
        }
        ContentInfo::Other(content_type) => {
            let detail = if content_type == oid::PKCS7_SIGNED_DATA {
                format!(
                    "{content_type} (signedData: public-key integrity mode, which eseal does not \
                     check; re-export the file with a password MAC)"
                )
            } else {
                format!("{content_type} as the authSafe content type")
            };
            return Err(Pkcs12Error::Unsupported {
                what: "PKCS#12 integrity mode",
                detail: detail.into(),
            });
        }
    };

    let mut budget = Budget::new();
    // The password as the KDFs see it. An empty password may have been encoded as the BMP
    // empty string (00 00) or as no bytes at all; the MAC tells which (OpenSSL tries both too).
    let mut effective: Option<&str> = Some(password);
    let mac = match &pfx.mac_data {
        Some(mac_data) => {
            let check = MacCheck {
                digest_algorithm: mac_data.mac.digest_algorithm,
                digest: mac_data.mac.digest.as_bytes(),
                salt: mac_data.mac_salt.as_bytes(),
                iterations: mac_data.iterations.map_or(1, pbe::uint_value),
            };
            let result = match pbe::verify_mac(&check, &auth_safe, Some(password), &mut budget) {
                Err(Pkcs12Error::WrongPassword { .. }) if password.is_empty() => {
                    effective = None;
                    pbe::verify_mac(&check, &auth_safe, None, &mut budget)
                }
                other => other,
            };
            let (hash, iterations) = result?;
            Some(MacInfo {
                digest: hash.digest_oid(),
                iterations,
            })
        }
        None if options.allow_missing_mac => None,
        None => return Err(Pkcs12Error::MacMissing),
    };

    let mut collected = Collected::default();
    let infos = read_authenticated_safe(&auth_safe)?;
    // Refuse before any decryption when the encrypted SafeContents alone would cost too much.
    let planned = infos
        .iter()
        .filter_map(|info| match info {
            ContentInfo::Encrypted(encrypted) => Some(pbe::cost(&encrypted.algorithm)),
            _ => None,
        })
        .fold(0u64, u64::saturating_add);
    if planned > MAX_TOTAL_ITERATIONS {
        return Err(Pkcs12Error::WorkLimit {
            limit: MAX_TOTAL_ITERATIONS,
        });
    }
    for info in &infos {
        match info {
            ContentInfo::Data(data) => {
                read_safe_contents(data, effective, &mut budget, &mut collected, 0)?;
            }
            ContentInfo::Encrypted(encrypted) => {
                let ciphertext = encrypted.encrypted_content.as_deref().ok_or_else(|| {
                    Pkcs12Error::Unsupported {
                        what: "PKCS#12 encryptedData",
                        detail: "the encrypted content is detached (absent)".into(),
                    }
                })?;
                let plain = pbe::decrypt(
                    &encrypted.algorithm,
                    ciphertext,
                    effective,
                    &mut budget,
                    "encrypted SafeContents",
                )?;
                if encrypted.content_type != oid::PKCS7_DATA {
                    return Err(Pkcs12Error::malformed(
                        "encrypted SafeContents",
                        format!("content type {} is not data", encrypted.content_type),
                    ));
                }
                // Padding that happens to check out under a wrong password (no MAC present)
                // leaves garbage that does not parse: report it as a wrong password.
                match read_safe_contents(&plain, effective, &mut budget, &mut collected, 0) {
                    Err(Pkcs12Error::Malformed { .. }) if pfx.mac_data.is_none() => {
                        return Err(Pkcs12Error::WrongPassword {
                            what: "encrypted SafeContents",
                        });
                    }
                    other => other?,
                }
            }
            ContentInfo::Other(content_type) => {
                let detail = if *content_type == oid::PKCS7_ENVELOPED_DATA {
                    format!("{content_type} (envelopedData: public-key privacy mode)")
                } else {
                    content_type.to_string()
                };
                return Err(Pkcs12Error::Unsupported {
                    what: "AuthenticatedSafe content type",
                    detail: detail.into(),
                });
            }
        }
    }

    pair_keys(&mut collected);
    Ok(Pkcs12 {
        keys: collected.keys,
        certificates: collected.certificates,
        mac,
        skipped: collected.skipped,
    })
}

/// `AuthenticatedSafe ::= SEQUENCE OF ContentInfo` (RFC 7292 §4.1), at most
/// [`MAX_CONTENT_INFOS`] entries.
fn read_authenticated_safe(data: &[u8]) -> Result<Vec<ContentInfo<'_>>, Pkcs12Error> {
    const WHAT: &str = "AuthenticatedSafe";
    let mut too_many = false;
    let parsed = ber_sequence_of(data, |r, out: &mut Vec<ContentInfo<'_>>| {
        if out.len() >= MAX_CONTENT_INFOS {
            too_many = true;
            return Err(r.error(der::ErrorKind::Overlength));
        }
        out.push(ContentInfo::decode(r)?);
        Ok(())
    });
    match parsed {
        Ok(infos) => Ok(infos),
        Err(_) if too_many => Err(Pkcs12Error::TooMany {
            what: WHAT,
            limit: MAX_CONTENT_INFOS,
        }),
        Err(e) => Err(der_error(WHAT, e)),
    }
}

/// `SafeContents ::= SEQUENCE OF SafeBag` (RFC 7292 §4.2): turns every bag into an entry.
fn read_safe_contents(
    data: &[u8],
    password: Option<&str>,
    budget: &mut Budget,
    collected: &mut Collected,
    depth: usize,
) -> Result<(), Pkcs12Error> {
    const WHAT: &str = "SafeContents";
    if depth > MAX_BAG_NESTING {
        return Err(Pkcs12Error::TooDeep {
            limit: MAX_BAG_NESTING,
        });
    }
    let already = collected.bags;
    let mut too_many = false;
    let parsed = ber_sequence_of(data, |r, out: &mut Vec<SafeBag<'_>>| {
        if already + out.len() >= MAX_BAGS {
            too_many = true;
            return Err(r.error(der::ErrorKind::Overlength));
        }
        out.push(SafeBag::decode(r)?);
        Ok(())
    });
    let bags = match parsed {
        Ok(bags) => bags,
        Err(_) if too_many => {
            return Err(Pkcs12Error::TooMany {
                what: "PKCS#12 file (bags)",
                limit: MAX_BAGS,
            });
        }
        Err(e) => return Err(der_error(WHAT, e)),
    };
    collected.bags += bags.len();
    for bag in bags {
        let SafeBag {
            value,
            friendly_name,
            local_key_id,
        } = bag;
        match value {
            BagValue::Key(pkcs8) => {
                let key = private_key(&pkcs8, collected.keys.len())?;
                collected.keys.push(KeyEntry {
                    key,
                    friendly_name,
                    local_key_id,
                    certificate: None,
                    encrypted: false,
                });
            }
            BagValue::ShroudedKey(info) => {
                let alg: AlgorithmIdentifierRef<'_> = info.encryption_algorithm;
                let pkcs8 = pbe::decrypt(
                    &alg,
                    info.encrypted_data.as_bytes(),
                    password,
                    budget,
                    "pkcs8ShroudedKeyBag",
                )?;
                // A wrong password can still leave valid padding (about 1 in 256): the
                // structure check below catches that.
                if pkcs8::PrivateKeyInfoRef::from_der(&pkcs8).is_err() {
                    return Err(Pkcs12Error::WrongPassword {
                        what: "pkcs8ShroudedKeyBag",
                    });
                }
                let key = private_key(&pkcs8, collected.keys.len())?;
                collected.keys.push(KeyEntry {
                    key,
                    friendly_name,
                    local_key_id,
                    certificate: None,
                    encrypted: true,
                });
            }
            BagValue::Cert { cert_type, der } => match der {
                Some(der) => {
                    let index = collected.certificates.len();
                    let certificate = Certificate::from_der(&der)
                        .map_err(|error| Pkcs12Error::Certificate { index, error })?;
                    collected.certificates.push(CertificateEntry {
                        certificate,
                        friendly_name,
                        local_key_id,
                    });
                }
                None => collected.skipped.push(cert_type),
            },
            BagValue::SafeContents(nested) => {
                read_safe_contents(nested, password, budget, collected, depth + 1)?;
            }
            BagValue::Other(bag_id) => collected.skipped.push(bag_id),
        }
    }
    Ok(())
}

/// A `PrivateKeyInfo`: an SM2 key, or a note of another algorithm.
fn private_key(pkcs8_der: &[u8], index: usize) -> Result<PrivateKey, Pkcs12Error> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8_der)
        .map_err(|e| Pkcs12Error::malformed("PrivateKeyInfo in a key bag", e.to_string()))?;
    let algorithm = info.algorithm.oid;
    let parameter = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let is_sm2 = algorithm == oid::SM2
        || (algorithm == oid::EC_PUBLIC_KEY && parameter.is_none_or(|p| p == oid::SM2));
    if !is_sm2 {
        return Ok(PrivateKey::Other {
            algorithm,
            parameter,
        });
    }
    let key = SecretKey::from_pkcs8_der(pkcs8_der)
        .map_err(|error| Pkcs12Error::PrivateKey { index, error })?;
    Ok(PrivateKey::Sm2(key))
}

/// Pairs every key with its certificate: the one with the same `localKeyId` *and* public key,
/// else the first whose public key matches. Keys of other algorithms pair by `localKeyId` only.
fn pair_keys(collected: &mut Collected) {
    let certificates = &collected.certificates;
    for key in &mut collected.keys {
        let same_id = |c: &CertificateEntry| {
            key.local_key_id.is_some() && c.local_key_id.as_deref() == key.local_key_id.as_deref()
        };
        key.certificate = match &key.key {
            PrivateKey::Sm2(secret) => {
                let public = secret.public_key().to_sec1_bytes();
                let same_key = |c: &CertificateEntry| {
                    c.certificate
                        .sm2_public_key()
                        .is_ok_and(|point| point == public.as_slice())
                };
                certificates
                    .iter()
                    .position(|c| same_id(c) && same_key(c))
                    .or_else(|| certificates.iter().position(same_key))
            }
            PrivateKey::Other { .. } => certificates.iter().position(same_id),
        };
    }
}

/// Decodes a BER `SEQUENCE OF`, calling `item` for each element.
fn ber_sequence_of<'a, T>(
    data: &'a [u8],
    mut item: impl FnMut(&mut SliceReader<'a>, &mut Vec<T>) -> der::Result<()>,
) -> der::Result<Vec<T>> {
    let mut reader = SliceReader::new_with_encoding_rules(data, EncodingRules::Ber)?;
    let out = reader.sequence(|r| {
        let mut out = Vec::new();
        while !r.is_finished() {
            item(r, &mut out)?;
        }
        Ok::<_, der::Error>(out)
    })?;
    reader.finish()?;
    Ok(out)
}

/// A DER/BER decoding error with its kind and byte position.
pub(super) fn der_error(what: &'static str, err: der::Error) -> Pkcs12Error {
    Pkcs12Error::malformed(what, crate::pki::error::der_detail(err))
}
