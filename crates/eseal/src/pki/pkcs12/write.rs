//! Writing a PFX in the layout OpenSSL 3 uses: an `AuthenticatedSafe` of an `encryptedData`
//! holding the certificate bags and a `data` holding one `pkcs8ShroudedKeyBag`, protected by a
//! password MAC.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Encode as _, Tag, TagNumber};
use rand_core::TryCryptoRng;
use sha2::Digest as _;

use super::pbe::{self, KdfHash};
use super::{MAX_BAGS, MAX_FRIENDLY_NAME, Pkcs12Builder, Pkcs12Encryption, Pkcs12Error};
use crate::crypto::pbes2::{Pbes2Cipher, Pbkdf2Prf, pbes2_encrypt};
use crate::oid;

/// Length of the random MAC salt, in bytes.
const MAC_SALT_LEN: usize = 16;

pub(super) fn build<R: TryCryptoRng + ?Sized>(
    builder: &Pkcs12Builder<'_>,
    password: &str,
    rng: &mut R,
) -> Result<Vec<u8>, Pkcs12Error> {
    let iterations =
        pbe::check_iterations("PKCS#12 iteration count", u64::from(builder.iterations)).map_err(
            |e| match e {
                Pkcs12Error::InvalidParameter { what, detail } => {
                    Pkcs12Error::InvalidArgument { what, detail }
                }
                other => other,
            },
        )?;
    let public = builder.key.public_key().to_sec1_bytes();
    let matches = builder
        .certificate
        .sm2_public_key()
        .is_ok_and(|point| point == public.as_slice());
    if !matches {
        return Err(Pkcs12Error::InvalidArgument {
            what: "certificate",
            detail: "its public key is not the private key's; pass the key's own certificate"
                .into(),
        });
    }
    if builder.chain.len() >= MAX_BAGS {
        return Err(Pkcs12Error::InvalidArgument {
            what: "certificate chain",
            detail: format!("more than {} certificates", MAX_BAGS - 1).into(),
        });
    }
    if let Some(name) = &builder.friendly_name
        && (name.is_empty() || name.encode_utf16().count() > MAX_FRIENDLY_NAME)
    {
        return Err(Pkcs12Error::InvalidArgument {
            what: "friendly name",
            detail: format!("must be 1 to {MAX_FRIENDLY_NAME} UTF-16 code units").into(),
        });
    }
    let (prf, cipher, mac_hash) = match builder.encryption {
        Pkcs12Encryption::Aes256Sha256 => (
            Pbkdf2Prf::HmacSha256,
            Pbes2Cipher::Aes256Cbc,
            KdfHash::Sha256,
        ),
        Pkcs12Encryption::Sm4Sm3 => (Pbkdf2Prf::HmacSm3, Pbes2Cipher::Sm4Cbc, KdfHash::Sm3),
    };
    let encode = |e: der::Error| Pkcs12Error::InvalidArgument {
        what: "PKCS#12 contents",
        detail: format!("cannot encode: {}", e.kind()).into(),
    };
    let crypto = |e| pbe::crypto_error(e, "PKCS#12 contents");

    // Attributes pairing the key with its certificate: localKeyId = SHA-1 of the certificate,
    // as OpenSSL writes it, and the optional friendly name.
    let local_key_id = sha1::Sha1::digest(builder.certificate.as_der());
    let mut attributes = vec![
        attribute(
            oid::PKCS9_LOCAL_KEY_ID,
            &tlv(Tag::OctetString, &local_key_id).map_err(encode)?,
        )
        .map_err(encode)?,
    ];
    if let Some(name) = &builder.friendly_name {
        let bmp: Vec<u8> = name.encode_utf16().flat_map(u16::to_be_bytes).collect();
        attributes.push(
            attribute(
                oid::PKCS9_FRIENDLY_NAME,
                &tlv(Tag::BmpString, &bmp).map_err(encode)?,
            )
            .map_err(encode)?,
        );
    }
    // DER orders a SET OF by the encodings.
    attributes.sort();
    let attribute_set = tlv(Tag::Set, &attributes.concat()).map_err(encode)?;

    // Certificates: the key's own first (with the attributes), then the chain.
    let mut cert_bags = Vec::new();
    for (i, certificate) in std::iter::once(builder.certificate)
        .chain(builder.chain.iter().copied())
        .enumerate()
    {
        let cert_bag = sequence(&[
            &oid::PKCS9_X509_CERTIFICATE.to_der().map_err(encode)?,
            &explicit0(&tlv(Tag::OctetString, certificate.as_der()).map_err(encode)?)
                .map_err(encode)?,
        ])
        .map_err(encode)?;
        let attrs: &[u8] = if i == 0 { &attribute_set } else { &[] };
        cert_bags.push(safe_bag(oid::PKCS12_CERT_BAG, &cert_bag, attrs).map_err(encode)?);
    }
    let cert_contents =
        sequence(&cert_bags.iter().map(Vec::as_slice).collect::<Vec<_>>()).map_err(encode)?;
    let (cert_alg, cert_ciphertext) = pbes2_encrypt(
        &cert_contents,
        password.as_bytes(),
        prf,
        cipher,
        iterations,
        rng,
    )
    .map_err(crypto)?;
    let encrypted_data = sequence(&[
        &0u8.to_der().map_err(encode)?,
        &sequence(&[
            &oid::PKCS7_DATA.to_der().map_err(encode)?,
            &cert_alg,
            &tlv(
                Tag::ContextSpecific {
                    constructed: false,
                    number: TagNumber(0),
                },
                &cert_ciphertext,
            )
            .map_err(encode)?,
        ])
        .map_err(encode)?,
    ])
    .map_err(encode)?;
    let cert_info = content_info(oid::PKCS7_ENCRYPTED_DATA, &encrypted_data).map_err(encode)?;

    // The key: PKCS#8 under PBES2, in a pkcs8ShroudedKeyBag.
    let pkcs8 = builder.key.to_pkcs8_der();
    let (key_alg, key_ciphertext) =
        pbes2_encrypt(&pkcs8, password.as_bytes(), prf, cipher, iterations, rng).map_err(crypto)?;
    let encrypted_key = sequence(&[
        &key_alg,
        &tlv(Tag::OctetString, &key_ciphertext).map_err(encode)?,
    ])
    .map_err(encode)?;
    let key_bag =
        safe_bag(oid::PKCS12_SHROUDED_KEY_BAG, &encrypted_key, &attribute_set).map_err(encode)?;
    let key_contents = sequence(&[&key_bag]).map_err(encode)?;
    let key_info = content_info(
        oid::PKCS7_DATA,
        &tlv(Tag::OctetString, &key_contents).map_err(encode)?,
    )
    .map_err(encode)?;

    let auth_safe = sequence(&[&cert_info, &key_info]).map_err(encode)?;

    // MAC over the AuthenticatedSafe octets (RFC 7292 §5.1, Appendix B.4).
    let mut mac_salt = [0u8; MAC_SALT_LEN];
    rng.try_fill_bytes(&mut mac_salt)
        .map_err(|_| Pkcs12Error::Rng)?;
    let mac = pbe::compute_mac(mac_hash, password, &mac_salt, iterations, &auth_safe);
    let digest_info = sequence(&[
        &sequence(&[
            &mac_hash.digest_oid().to_der().map_err(encode)?,
            &der::asn1::Null.to_der().map_err(encode)?,
        ])
        .map_err(encode)?,
        &tlv(Tag::OctetString, &mac).map_err(encode)?,
    ])
    .map_err(encode)?;
    let mac_data = sequence(&[
        &digest_info,
        &tlv(Tag::OctetString, &mac_salt).map_err(encode)?,
        &iterations.to_der().map_err(encode)?,
    ])
    .map_err(encode)?;

    sequence(&[
        &3u8.to_der().map_err(encode)?,
        &content_info(
            oid::PKCS7_DATA,
            &tlv(Tag::OctetString, &auth_safe).map_err(encode)?,
        )
        .map_err(encode)?,
        &mac_data,
    ])
    .map_err(encode)
}

/// A DER TLV with the given tag around `content`.
fn tlv(tag: Tag, content: &[u8]) -> der::Result<Vec<u8>> {
    AnyRef::new(tag, content)?.to_der()
}

fn sequence(parts: &[&[u8]]) -> der::Result<Vec<u8>> {
    tlv(Tag::Sequence, &parts.concat())
}

/// `[0] EXPLICIT` around a complete TLV.
fn explicit0(inner: &[u8]) -> der::Result<Vec<u8>> {
    tlv(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        },
        inner,
    )
}

/// `ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY }`.
fn content_info(content_type: ObjectIdentifier, content: &[u8]) -> der::Result<Vec<u8>> {
    sequence(&[&content_type.to_der()?, &explicit0(content)?])
}

/// `SafeBag ::= SEQUENCE { bagId, bagValue [0] EXPLICIT, bagAttributes SET OF … OPTIONAL }`;
/// `attributes` is the encoded SET or empty.
fn safe_bag(bag_id: ObjectIdentifier, value: &[u8], attributes: &[u8]) -> der::Result<Vec<u8>> {
    sequence(&[&bag_id.to_der()?, &explicit0(value)?, attributes])
}

/// `PKCS12Attribute ::= SEQUENCE { attrId, attrValues SET OF ANY }` with one value.
fn attribute(attr_id: ObjectIdentifier, value: &[u8]) -> der::Result<Vec<u8>> {
    sequence(&[&attr_id.to_der()?, &tlv(Tag::Set, value)?])
}
