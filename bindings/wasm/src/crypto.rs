//! SM2, SM3 and SM4 helpers over `eseal::crypto`. Verification and hashing are in every build;
//! signing and key generation only in the `sign` build, which carries an RNG.

use eseal::crypto::sm2::{DistId, PublicKey, Signature};
use eseal::crypto::sm4::{self, Sm4Key};
use eseal::crypto::{CryptoError, sm3};
use eseal::pki::Certificate;
use wasm_bindgen::prelude::*;

use crate::error::{JsResult, context, throw};
use crate::options::bytes_of;

/// The distinguishing ID: absent means the GM/T 0009 default `1234567812345678`; text is taken
/// as UTF-8, bytes as they are.
fn dist_id(id: Option<&JsValue>) -> JsResult<DistId> {
    match id.filter(|v| !v.is_undefined() && !v.is_null()) {
        None => Ok(DistId::DEFAULT),
        Some(v) => {
            let bytes = bytes_of(v)
                .ok_or_else(|| crate::error::invalid("the SM2 ID must be a Uint8Array or text"))?;
            DistId::new(bytes).map_err(|e| throw(&e.into()))
        }
    }
}

/// An SM2 public key from SEC1 bytes (`04‖x‖y` or compressed), an SPKI (DER or PEM), or a
/// certificate (DER or PEM) holding one.
fn parse_public_key(bytes: &[u8]) -> Result<PublicKey, eseal::Error> {
    if matches!(bytes.first(), Some(0x02..=0x04)) && matches!(bytes.len(), 33 | 65) {
        return Ok(PublicKey::from_sec1_bytes(bytes)?);
    }
    if let Ok(key) = PublicKey::from_spki_der(bytes) {
        return Ok(key);
    }
    if let Some(key) = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| t.contains("-----BEGIN PUBLIC KEY-----"))
        .and_then(|t| PublicKey::from_spki_pem(t).ok())
    {
        return Ok(key);
    }
    let cert = Certificate::from_der_or_pem(bytes)
        .map_err(|e| context("not an SM2 public key (SEC1, SPKI) nor a certificate", e))?;
    Ok(PublicKey::from_sec1_bytes(cert.sm2_public_key()?)?)
}

/// Verifies an SM2 signature (DER or raw `r‖s`) over `message` with the signer's `publicKey`
/// (SEC1 bytes, SPKI or a certificate, DER or PEM) and distinguishing ID (default
/// `1234567812345678`). Returns `false` for a signature that does not verify; throws for an
/// unreadable key or signature encoding.
#[wasm_bindgen(js_name = sm2Verify)]
pub fn sm2_verify(
    #[wasm_bindgen(js_name = publicKey)] public_key: &[u8],
    message: &[u8],
    signature: &[u8],
    id: Option<JsValue>,
) -> JsResult<bool> {
    let key = parse_public_key(public_key).map_err(|e| throw(&e))?;
    let id = dist_id(id.as_ref())?;
    let (signature, _) = Signature::from_der_or_raw(signature).map_err(|e| throw(&e.into()))?;
    match key.verify_with_id(&id, message, &signature) {
        Ok(()) => Ok(true),
        Err(CryptoError::SignatureInvalid) => Ok(false),
        Err(e) => Err(throw(&e.into())),
    }
}

/// SM3 of `data` (32 bytes).
#[wasm_bindgen(js_name = sm3)]
#[must_use]
pub fn sm3_digest(data: &[u8]) -> Vec<u8> {
    sm3::sm3(data).to_vec()
}

/// HMAC-SM3 of `data` under `key` (32 bytes).
#[wasm_bindgen(js_name = hmacSm3)]
#[must_use]
pub fn hmac_sm3(key: &[u8], data: &[u8]) -> Vec<u8> {
    sm3::hmac_sm3(key, data).to_vec()
}

fn sm4_key(key: &[u8]) -> JsResult<Sm4Key> {
    Sm4Key::from_slice(key).map_err(|e| throw(&e.into()))
}

fn crypto<T>(result: Result<T, CryptoError>) -> JsResult<T> {
    result.map_err(|e| throw(&e.into()))
}

/// SM4-CBC encryption with PKCS#7 padding (16-byte key and IV).
#[wasm_bindgen(js_name = sm4CbcEncrypt)]
pub fn sm4_cbc_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> JsResult<Vec<u8>> {
    crypto(sm4::cbc_encrypt(&sm4_key(key)?, iv, plaintext))
}

/// SM4-CBC decryption, checking and removing PKCS#7 padding.
#[wasm_bindgen(js_name = sm4CbcDecrypt)]
pub fn sm4_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> JsResult<Vec<u8>> {
    crypto(sm4::cbc_decrypt(&sm4_key(key)?, iv, ciphertext)).map(|p| p.to_vec())
}

/// SM4-CTR (encryption and decryption are the same operation; 16-byte initial counter).
#[wasm_bindgen(js_name = sm4Ctr)]
pub fn sm4_ctr(
    key: &[u8],
    #[wasm_bindgen(js_name = initialCounter)] initial_counter: &[u8],
    data: &[u8],
) -> JsResult<Vec<u8>> {
    crypto(sm4::ctr_encrypt(&sm4_key(key)?, initial_counter, data))
}

/// SM4-GCM encryption: ciphertext followed by the 16-byte tag (12-byte nonce).
#[wasm_bindgen(js_name = sm4GcmEncrypt)]
pub fn sm4_gcm_encrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> JsResult<Vec<u8>> {
    crypto(sm4::gcm_encrypt(&sm4_key(key)?, nonce, aad, plaintext))
}

/// SM4-GCM decryption of ciphertext ‖ tag; throws (code `crypto`) when the tag does not match.
#[wasm_bindgen(js_name = sm4GcmDecrypt)]
pub fn sm4_gcm_decrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    #[wasm_bindgen(js_name = ciphertextAndTag)] ciphertext_and_tag: &[u8],
) -> JsResult<Vec<u8>> {
    crypto(sm4::gcm_decrypt(
        &sm4_key(key)?,
        nonce,
        aad,
        ciphertext_and_tag,
    ))
    .map(|p| p.to_vec())
}

#[cfg(feature = "sign")]
pub use signing::*;

/// Signing: only in the `sign` build.
#[cfg(feature = "sign")]
mod signing {
    use eseal::crypto::sm2::SecretKey;
    use wasm_bindgen::prelude::*;

    use super::{crypto, dist_id};
    use crate::error::{JsResult, context, throw};

    /// A secret key from 32 raw bytes, PKCS#8 or SEC1 (DER or PEM).
    fn parse_secret_key(bytes: &[u8]) -> Result<SecretKey, eseal::Error> {
        if bytes.len() == 32 {
            return Ok(SecretKey::from_bytes(bytes)?);
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            if let Ok(key) = SecretKey::from_pkcs8_pem(text) {
                return Ok(key);
            }
            if let Ok(key) = SecretKey::from_sec1_pem(text) {
                return Ok(key);
            }
        }
        SecretKey::from_pkcs8_der(bytes)
            .or_else(|_| SecretKey::from_sec1_der(bytes))
            .map_err(|e| context("not an SM2 secret key (raw, PKCS#8, SEC1)", e))
    }

    /// Signs `message` with `secretKey` (32 raw bytes, PKCS#8 or SEC1, DER or PEM) and the
    /// distinguishing ID (default `1234567812345678`); the nonce is RFC 6979 hedged with the
    /// platform's random generator. Returns the DER signature.
    #[wasm_bindgen(js_name = sm2Sign)]
    pub fn sm2_sign(
        #[wasm_bindgen(js_name = secretKey)] secret_key: &[u8],
        message: &[u8],
        id: Option<JsValue>,
    ) -> JsResult<Vec<u8>> {
        let key = parse_secret_key(secret_key).map_err(|e| throw(&e))?;
        let id = dist_id(id.as_ref())?;
        crypto(key.sign_with_rng(&mut getrandom::SysRng, &id, message)).map(|s| s.to_der())
    }

    /// A fresh SM2 key pair: `secretKey` (PKCS#8 DER) and `publicKey` (SEC1, 65 bytes).
    #[wasm_bindgen(js_name = sm2GenerateKeyPair)]
    pub fn sm2_generate_key_pair() -> JsResult<js_sys::Object> {
        let key = crypto(SecretKey::generate())?;
        let out = js_sys::Object::new();
        let pkcs8 = js_sys::Uint8Array::from(key.to_pkcs8_der().as_slice());
        let public = js_sys::Uint8Array::from(key.public_key().to_sec1_bytes().as_slice());
        js_sys::Reflect::set(&out, &"secretKey".into(), &pkcs8)?;
        js_sys::Reflect::set(&out, &"publicKey".into(), &public)?;
        Ok(out)
    }
}
