//! SM2 digital signatures (GB/T 32918.2) and their encodings (GM/T 0009 / GB/T 35276 §7.3).

use std::fmt;

use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use rand_core::TryCryptoRng;
use sm2::elliptic_curve::Curve;
use sm2::elliptic_curve::ops::Reduce;
use sm2::elliptic_curve::point::AffineCoordinates;
use sm2::elliptic_curve::{Group, PrimeField};
use sm3::{Digest, Sm3};
use zeroize::Zeroizing;

use super::curve::{self, FIELD_LEN};
use super::{DistId, PublicKey, SecretKey};
use crate::crypto::CryptoError;

/// Bytes of a raw `r ‖ s` signature.
const RAW_LEN: usize = 2 * FIELD_LEN;
/// Deterministic signing gives up after this many nonces. Each fails with probability about
/// 2⁻²⁵⁵, so exhausting them means the key itself is unusable.
const MAX_SIGN_ATTEMPTS: u8 = 4;

/// An SM2 signature `(r, s)` with `r, s ∈ [1, n−1]` (GB/T 32918.2 §6.1 A7, §7.1 B1–B2).
///
/// Two encodings exist:
///
/// ```text
/// SM2Signature ::= SEQUENCE {      -- GM/T 0009-2012 / GB/T 35276-2017 §7.3, the normative form
///   R INTEGER,
///   S INTEGER }
/// ```
///
/// and raw `r ‖ s` (32 + 32 bytes, big-endian), which some SES and GB/T 35275 producers emit.
/// [`Signature::from_der`] is strict DER; [`Signature::from_der_or_raw`] also takes the raw form
/// and says which one it found, so a verifier can report the deviation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    r: [u8; FIELD_LEN],
    s: [u8; FIELD_LEN],
}

/// Which encoding [`Signature::from_der_or_raw`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// DER `SM2Signature ::= SEQUENCE { R INTEGER, S INTEGER }` (the standard form).
    Der,
    /// Raw `r ‖ s`, 64 bytes (a deviation from GM/T 0009 seen in the field).
    Raw,
}

impl Signature {
    /// A signature from its two components, 32 big-endian bytes each.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`] when `r` or `s` is 0 or not below the group order `n`.
    pub fn new(r: [u8; 32], s: [u8; 32]) -> Result<Self, CryptoError> {
        check_component(&r, "r")?;
        check_component(&s, "s")?;
        Ok(Self { r, s })
    }

    /// The component `r`, 32 big-endian bytes.
    #[must_use]
    pub fn r(&self) -> &[u8; 32] {
        &self.r
    }

    /// The component `s`, 32 big-endian bytes.
    #[must_use]
    pub fn s(&self) -> &[u8; 32] {
        &self.s
    }

    /// Reads a DER `SM2Signature`, strictly: exactly one SEQUENCE of two INTEGERs, each
    /// minimally encoded and positive, with no trailing bytes, and `r`, `s` in `[1, n−1]`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Malformed`], naming the rule that was broken.
    pub fn from_der(der: &[u8]) -> Result<Self, CryptoError> {
        const WHAT: &str = "DER SM2 signature";
        let malformed = |e: der::Error| CryptoError::malformed(WHAT, e.to_string());
        let mut reader = SliceReader::new(der).map_err(malformed)?;
        let (r, s) = reader
            .sequence(|seq| {
                let r = AnyRef::decode(seq)?;
                let s = AnyRef::decode(seq)?;
                Ok::<_, der::Error>((r, s))
            })
            .map_err(malformed)?;
        reader.finish().map_err(malformed)?;
        Self::new(der_integer(r, "r", WHAT)?, der_integer(s, "s", WHAT)?)
    }

    /// Writes the DER `SM2Signature` (70 to 72 bytes for typical values).
    #[must_use]
    pub fn to_der(&self) -> Vec<u8> {
        // Two INTEGERs of at most 33 content bytes: every length fits the short form, so the
        // encoding is written directly and cannot fail.
        let mut body = Vec::with_capacity(70);
        push_der_integer(&mut body, &self.r);
        push_der_integer(&mut body, &self.s);
        let mut out = Vec::with_capacity(body.len() + 2);
        out.push(0x30);
        out.push(u8::try_from(body.len()).unwrap_or(0));
        out.extend_from_slice(&body);
        out
    }

    /// Reads a raw signature `r ‖ s`: exactly 64 bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidLength`] unless 64 bytes; [`CryptoError::Malformed`] when `r` or
    /// `s` is outside `[1, n−1]`.
    pub fn from_raw(raw: &[u8]) -> Result<Self, CryptoError> {
        let raw: &[u8; RAW_LEN] = raw.try_into().map_err(|_| CryptoError::InvalidLength {
            what: "raw SM2 signature (r‖s)",
            expected: "64 bytes",
            found: raw.len(),
        })?;
        let (r, s) = raw.split_at(FIELD_LEN);
        let mut rr = [0u8; FIELD_LEN];
        let mut ss = [0u8; FIELD_LEN];
        rr.copy_from_slice(r);
        ss.copy_from_slice(s);
        Self::new(rr, ss)
    }

    /// Writes the raw signature `r ‖ s` (64 bytes).
    #[must_use]
    pub fn to_raw(&self) -> [u8; 64] {
        let mut out = [0u8; RAW_LEN];
        let (r, s) = out.split_at_mut(FIELD_LEN);
        r.copy_from_slice(&self.r);
        s.copy_from_slice(&self.s);
        out
    }

    /// Reads a signature in either encoding: DER when the bytes are a valid DER
    /// `SM2Signature`, otherwise raw `r ‖ s` when they are exactly 64 bytes. Returns the
    /// encoding found, so callers can report non-standard raw signatures.
    ///
    /// # Errors
    ///
    /// The DER error when the input is not 64 bytes, otherwise the raw error.
    pub fn from_der_or_raw(bytes: &[u8]) -> Result<(Self, SignatureEncoding), CryptoError> {
        match Self::from_der(bytes) {
            Ok(sig) => Ok((sig, SignatureEncoding::Der)),
            Err(_) if bytes.len() == RAW_LEN => {
                Self::from_raw(bytes).map(|sig| (sig, SignatureEncoding::Raw))
            }
            Err(e) => Err(e),
        }
    }

    /// The `sm2` crate's form, for the differential tests against its signer and verifier.
    #[cfg(test)]
    fn to_crate(self) -> Result<sm2::dsa::Signature, CryptoError> {
        sm2::dsa::Signature::from_scalars(self.r, self.s).map_err(|_| CryptoError::SignatureInvalid)
    }

    /// From the `sm2` crate's form.
    #[cfg(test)]
    fn from_crate(sig: &sm2::dsa::Signature) -> Result<Self, CryptoError> {
        let mut r = [0u8; FIELD_LEN];
        let mut s = [0u8; FIELD_LEN];
        r.copy_from_slice(&sig.r_bytes());
        s.copy_from_slice(&sig.s_bytes());
        Self::new(r, s)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature { r: ")?;
        for b in self.r {
            write!(f, "{b:02x}")?;
        }
        f.write_str(", s: ")?;
        for b in self.s {
            write!(f, "{b:02x}")?;
        }
        f.write_str(" }")
    }
}

/// Checks a signature component lies in `[1, n−1]`.
fn check_component(v: &[u8; FIELD_LEN], name: &str) -> Result<(), CryptoError> {
    if curve::is_valid_public_scalar(v) {
        Ok(())
    } else if v.iter().all(|&b| b == 0) {
        Err(CryptoError::malformed(
            "SM2 signature",
            format!("{name} is 0; it must lie in [1, n-1]"),
        ))
    } else {
        Err(CryptoError::malformed(
            "SM2 signature",
            format!("{name} is not below the group order n; it must lie in [1, n-1]"),
        ))
    }
}

/// The value of a strict DER INTEGER holding a non-negative number of at most 32 bytes.
fn der_integer(
    any: AnyRef<'_>,
    name: &str,
    what: &'static str,
) -> Result<[u8; FIELD_LEN], CryptoError> {
    if any.tag() != Tag::Integer {
        return Err(CryptoError::malformed(
            what,
            format!("{name}: expected an INTEGER, found {}", any.tag()),
        ));
    }
    let magnitude = integer_magnitude(any.value())
        .map_err(|rule| CryptoError::malformed(what, format!("{name}: {rule}")))?;
    curve::left_pad(magnitude).ok_or_else(|| {
        CryptoError::malformed(
            what,
            format!(
                "{name} is {} bytes long, at most 32 allowed",
                magnitude.len()
            ),
        )
    })
}

/// Applies the DER rules for a non-negative INTEGER (X.690 §8.3.2) and returns the magnitude
/// without the sign byte.
pub(crate) fn integer_magnitude(value: &[u8]) -> Result<&[u8], &'static str> {
    match value {
        [] => Err("INTEGER has no content bytes"),
        [first, ..] if first & 0x80 != 0 => Err("INTEGER is negative"),
        [0, second, ..] if second & 0x80 == 0 => {
            Err("INTEGER is not minimally encoded (superfluous leading 00 byte)")
        }
        [0, rest @ ..] if !rest.is_empty() => Ok(rest),
        _ => Ok(value),
    }
}

/// Appends a DER INTEGER holding the unsigned big-endian value `v`.
pub(crate) fn push_der_integer(out: &mut Vec<u8>, v: &[u8; FIELD_LEN]) {
    let start = v.iter().position(|&b| b != 0).unwrap_or(FIELD_LEN - 1);
    let magnitude = v.get(start..).unwrap_or(&[0]);
    let sign_byte = magnitude.first().is_some_and(|b| b & 0x80 != 0);
    out.push(0x02);
    // At most 33 bytes: a short-form length.
    out.push(u8::try_from(magnitude.len() + usize::from(sign_byte)).unwrap_or(0));
    if sign_byte {
        out.push(0x00);
    }
    out.extend_from_slice(magnitude);
}

// SM2 verifications made by this thread (every one goes through `verify_digest`), so tests can
// pin how many a verification costs and prove a check was skipped.
#[cfg(test)]
thread_local! {
    pub(crate) static VERIFICATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// SM2 verifications this thread has made so far (tests only).
#[cfg(test)]
pub(crate) fn verifications() -> u64 {
    VERIFICATIONS.with(std::cell::Cell::get)
}

impl PublicKey {
    /// The user hash `Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xP ‖ yP)` of this key under `id`
    /// (GB/T 32918.2 §5.5). Precompute it when verifying many messages of one signer.
    #[must_use]
    pub fn z(&self, id: &DistId) -> [u8; 32] {
        let (x, y) = self.coordinates();
        id.z(&x, &y)
    }

    /// The value actually signed, `e = SM3(Z ‖ M)` (GB/T 32918.2 §6.1 A1–A2), for a message of
    /// this key's owner. Hardware tokens and signing servers take `e` as input
    /// ([`SecretKey::sign_digest`], [`PublicKey::verify_digest`]).
    #[must_use]
    pub fn digest(&self, id: &DistId, msg: &[u8]) -> [u8; 32] {
        let mut h = Sm3::new();
        h.update(self.z(id));
        h.update(msg);
        h.finalize().into()
    }

    /// Verifies `signature` over `msg` with the default ID `1234567812345678`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::SignatureInvalid`] when it does not verify.
    pub fn verify(&self, msg: &[u8], signature: &Signature) -> Result<(), CryptoError> {
        self.verify_with_id(&DistId::DEFAULT, msg, signature)
    }

    /// Verifies `signature` over `msg` with the signer's distinguishing ID `id`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::SignatureInvalid`] when it does not verify.
    pub fn verify_with_id(
        &self,
        id: &DistId,
        msg: &[u8],
        signature: &Signature,
    ) -> Result<(), CryptoError> {
        self.verify_digest(&self.digest(id, msg), signature)
    }

    /// Verifies `signature` over a precomputed `e = SM3(Z ‖ M)` (see [`PublicKey::digest`]).
    ///
    /// # Errors
    ///
    /// [`CryptoError::SignatureInvalid`] when it does not verify.
    pub fn verify_digest(&self, e: &[u8; 32], signature: &Signature) -> Result<(), CryptoError> {
        #[cfg(test)]
        VERIFICATIONS.with(|n| n.set(n.get() + 1));
        // B1–B2: r, s ∈ [1, n−1] holds for every `Signature`; from_repr re-checks `< n`.
        let r = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr(signature.r.into()))
            .ok_or(CryptoError::SignatureInvalid)?;
        let s = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr(signature.s.into()))
            .ok_or(CryptoError::SignatureInvalid)?;
        let e = <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&(*e).into());
        // B5: t = (r + s) mod n ≠ 0.
        let t = r + s;
        if bool::from(t.is_zero()) {
            return Err(CryptoError::SignatureInvalid);
        }
        // B6: (x1, y1) = [s]G + [t]P, rejecting the point at infinity. Every input is public,
        // so this is the variable-time multiplication of `verify_mul`.
        let (px, py) = self.coordinates();
        let x1 =
            super::verify_mul::mul_add_vartime(&s.to_repr().into(), &t.to_repr().into(), &px, &py)
                .ok_or(CryptoError::SignatureInvalid)?;
        // B7: R = (e + x1) mod n must equal r.
        if e + <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&x1.into()) == r {
            Ok(())
        } else {
            Err(CryptoError::SignatureInvalid)
        }
    }
}

impl SecretKey {
    /// Signs `msg` with the default ID `1234567812345678`, deterministically (RFC 6979 nonce;
    /// see the [module documentation](super)).
    ///
    /// # Errors
    ///
    /// None in practice: [`CryptoError::InvalidPrivateKey`] only if every nonce tried fails, which
    /// a valid key does with probability about 2⁻¹⁰⁰⁰.
    pub fn sign(&self, msg: &[u8]) -> Result<Signature, CryptoError> {
        self.sign_with_id(&DistId::DEFAULT, msg)
    }

    /// Signs `msg` with the distinguishing ID `id`, deterministically.
    ///
    /// # Errors
    ///
    /// As [`SecretKey::sign`].
    pub fn sign_with_id(&self, id: &DistId, msg: &[u8]) -> Result<Signature, CryptoError> {
        self.sign_digest(&self.digest(id, msg))
    }

    /// Signs a precomputed `e = SM3(Z ‖ M)` (see [`PublicKey::digest`]), deterministically.
    ///
    /// # Errors
    ///
    /// As [`SecretKey::sign`].
    pub fn sign_digest(&self, e: &[u8; 32]) -> Result<Signature, CryptoError> {
        if let Some(sig) = self.sign_prehash(e, &[]) {
            return Ok(sig);
        }
        // RFC 6979 failed to give a usable k (r = 0, r + k = n or s = 0). Derive further nonces
        // deterministically with RFC 6979 §3.6 additional data.
        for attempt in 1..MAX_SIGN_ATTEMPTS {
            if let Some(sig) = self.sign_prehash(e, &[attempt; FIELD_LEN]) {
                return Ok(sig);
            }
        }
        Err(CryptoError::InvalidPrivateKey)
    }

    /// Signs `msg` with the ID `id`, mixing fresh randomness from `rng` into the RFC 6979 nonce
    /// ("hedged" signing).
    ///
    /// # Errors
    ///
    /// [`CryptoError::Rng`] when `rng` fails.
    pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        id: &DistId,
        msg: &[u8],
    ) -> Result<Signature, CryptoError> {
        self.sign_digest_with_rng(rng, &self.digest(id, msg))
    }

    /// Signs a precomputed `e`, mixing fresh randomness from `rng` into the nonce.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Rng`] when `rng` fails.
    pub fn sign_digest_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        e: &[u8; 32],
    ) -> Result<Signature, CryptoError> {
        for _ in 0..MAX_SIGN_ATTEMPTS {
            let mut extra = Zeroizing::new([0u8; FIELD_LEN]);
            rng.try_fill_bytes(extra.as_mut())
                .map_err(|_| CryptoError::Rng)?;
            if let Some(sig) = self.sign_prehash(e, extra.as_ref()) {
                return Ok(sig);
            }
        }
        Err(CryptoError::InvalidPrivateKey)
    }

    /// `e = SM3(Z ‖ M)` with the precomputed `Z` when `id` is the default.
    fn digest(&self, id: &DistId, msg: &[u8]) -> [u8; 32] {
        let mut h = Sm3::new();
        h.update(self.z(id));
        h.update(msg);
        h.finalize().into()
    }

    /// GB/T 32918.2 §6.1 A3–A7 over `e`, with `k` from RFC 6979 HMAC-DRBG (SM3) over `d`, `e`
    /// and the additional data `data` (§3.6). `None` when this `k` is unusable (`r = 0`,
    /// `r + k = n` or `s = 0`); the caller then retries with other `data`.
    ///
    /// The nonce derivation is the `sm2` crate's (`SigningKey::sign_prehash`), so signatures are
    /// the same as the crate's; what differs is that the public point and `(1 + d)⁻¹` are not
    /// recomputed per call.
    fn sign_prehash(&self, e: &[u8; 32], data: &[u8]) -> Option<Signature> {
        let e = <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&(*e).into());
        let d = Zeroizing::new(*self.nonzero_scalar());
        let d_bytes = Zeroizing::new(d.to_repr());
        let order: &sm2::U256 = sm2::Sm2::ORDER.as_ref();
        let mut kgen =
            rfc6979::KGenerator::<Sm3, sm2::U256>::new(&d_bytes, &e.to_repr(), data, order);
        let mut k_bytes = Zeroizing::new(sm2::FieldBytes::default());
        kgen.fill_next_k(&mut k_bytes);
        // fill_next_k only returns values in [1, n−1].
        let k = Zeroizing::new(Option::<sm2::Scalar>::from(sm2::Scalar::from_repr(
            *k_bytes,
        ))?);
        // A4–A5: (x1, y1) = [k]G; r = (e + x1) mod n.
        let x1 = sm2::ProjectivePoint::mul_by_generator(&*k).to_affine().x();
        let r = e + <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&x1);
        if bool::from(r.is_zero() | (r + *k).is_zero()) {
            return None;
        }
        // A6: s = (1 + d)⁻¹ · (k − r·d) mod n. `Signature::new` rejects s = 0.
        let s = *self.d_plus_1_inv() * (*k - r * *d);
        Signature::new(r.to_repr().into(), s.to_repr().into()).ok()
    }
}

/// Signs `e` with the caller's nonce `k` (GB/T 32918.2 §6.1 A3–A7), to reproduce the worked
/// example of GB/T 32918.2 Annex A.
///
/// **Test hook, not for production.** A nonce that repeats, is predictable or leaks reveals the
/// private key. Reached as `eseal::internal::sm2_sign_digest_with_fixed_k`.
///
/// # Errors
///
/// [`CryptoError::InvalidParameter`] when `k` is not in `[1, n−1]` or gives `r = 0`,
/// `r + k = n` or `s = 0` (the standard then asks for another `k`).
pub fn sign_digest_with_fixed_k(
    key: &SecretKey,
    e: &[u8; 32],
    k: &[u8; 32],
) -> Result<Signature, CryptoError> {
    let bad_k = |detail: &'static str| CryptoError::InvalidParameter {
        what: "SM2 nonce k",
        detail: detail.into(),
    };
    let k = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr((*k).into()))
        .ok_or_else(|| bad_k("k is not below n"))?;
    if bool::from(k.is_zero()) {
        return Err(bad_k("k is 0"));
    }
    // A4–A5: (x1, y1) = [k]G; r = (e + x1) mod n.
    let e = <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&(*e).into());
    let x1 = sm2::ProjectivePoint::mul_by_generator(&k).to_affine().x();
    let r = e + <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&x1);
    if bool::from(r.is_zero() | (r + k).is_zero()) {
        return Err(bad_k("r = 0 or r + k = n; choose another k"));
    }
    // A6: s = (1 + d)⁻¹ · (k − r·d) mod n.
    let d = Zeroizing::new(*key.nonzero_scalar());
    let s = *key.d_plus_1_inv() * (k - r * *d);
    if bool::from(s.is_zero()) {
        return Err(bad_k("s = 0; choose another k"));
    }
    Signature::new(r.to_repr().into(), s.to_repr().into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use std::convert::Infallible;

    use rand_core::TryRng;
    use sm2::dsa::signature::hazmat::{PrehashSigner, PrehashVerifier, RandomizedPrehashSigner};

    /// An "RNG" repeating one byte: what the retry loop of `sign_digest` feeds the nonce
    /// derivation as additional data, in the form the `sm2` crate's randomized signer takes.
    struct RetryData(u8);

    impl TryRng for RetryData {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(u32::from(self.0))
        }

        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            Ok(u64::from(self.0))
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            dst.fill(self.0);
            Ok(())
        }
    }

    impl TryCryptoRng for RetryData {}

    /// An "RNG" handing out 32 fixed bytes, as RFC 6979 additional data.
    struct FixedData([u8; FIELD_LEN]);

    impl Drop for FixedData {
        fn drop(&mut self) {
            zeroize::Zeroize::zeroize(&mut self.0);
        }
    }

    impl TryRng for FixedData {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_be_bytes(b))
        }

        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_be_bytes(b))
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            for (d, s) in dst.iter_mut().zip(self.0.iter().cycle()) {
                *d = *s;
            }
            Ok(())
        }
    }

    impl TryCryptoRng for FixedData {}

    #[test]
    fn der_writer_matches_the_der_crate() {
        use der::Encode;
        for (r0, s0) in [(0x00u8, 0x7f), (0x80, 0x01), (0xff, 0x00), (0x01, 0x80)] {
            let mut r = [0x11u8; 32];
            let mut s = [0x22u8; 32];
            r[0] = r0;
            s[0] = s0;
            if r0 == 0 {
                r[1] = 0;
                r[2] = 0x90;
            }
            let r = if r0 == 0xff { curve::N_MINUS_1 } else { r };
            let sig = Signature::new(r, s).unwrap();
            let seq = (
                der::asn1::UintRef::new(&r).unwrap(),
                der::asn1::UintRef::new(&s).unwrap(),
            );
            let mut expected = Vec::new();
            // A SEQUENCE OF two INTEGERs, encoded through the der crate.
            let body = [seq.0.to_der().unwrap(), seq.1.to_der().unwrap()].concat();
            expected.push(0x30);
            expected.push(body.len() as u8);
            expected.extend_from_slice(&body);
            assert_eq!(sig.to_der(), expected);
            assert_eq!(Signature::from_der(&expected).unwrap(), sig);
        }
    }

    #[test]
    fn integer_rules() {
        assert!(integer_magnitude(&[]).is_err());
        assert!(integer_magnitude(&[0x80]).is_err());
        assert!(integer_magnitude(&[0x00, 0x7f]).is_err());
        assert_eq!(integer_magnitude(&[0x00]).unwrap(), &[0x00]);
        assert_eq!(integer_magnitude(&[0x00, 0x80]).unwrap(), &[0x80]);
        assert_eq!(integer_magnitude(&[0x7f, 0x00]).unwrap(), &[0x7f, 0x00]);
    }

    #[test]
    fn deterministic_and_hedged_signatures_verify() {
        let key = SecretKey::from_bytes(&[0x42; 32]).unwrap();
        let a = key.sign(b"abc").unwrap();
        let b = key.sign(b"abc").unwrap();
        assert_eq!(a, b, "deterministic");
        key.public_key().verify(b"abc", &a).unwrap();
        let mut rng = FixedData([7; 32]);
        let c = key
            .sign_with_rng(&mut rng, &DistId::DEFAULT, b"abc")
            .unwrap();
        assert_ne!(a, c, "additional data changes k");
        key.public_key().verify(b"abc", &c).unwrap();
        let d = key
            .sign_digest_with_rng(&mut RetryData(1), &[0; 32])
            .unwrap();
        key.public_key().verify_digest(&[0; 32], &d).unwrap();
    }

    /// A deterministic stream of test inputs: SM3 in counter mode.
    fn stream(seed: &[u8], i: u32) -> [u8; 32] {
        let mut h = Sm3::new();
        h.update(seed);
        h.update(i.to_be_bytes());
        h.finalize().into()
    }

    #[test]
    fn signatures_equal_the_sm2_crate_signers() {
        // The prepared signer must give exactly the `sm2` crate's signatures, deterministic and
        // with additional data, over random keys and digests.
        for i in 0..48 {
            let Ok(key) = SecretKey::from_bytes(&stream(b"key", i)) else {
                continue;
            };
            let e = stream(b"digest", i);
            let reference = sm2::dsa::SigningKey::new("", key.as_inner()).unwrap();
            let ours = key.sign_digest(&e).unwrap();
            let theirs = Signature::from_crate(&reference.sign_prehash(&e).unwrap()).unwrap();
            assert_eq!(ours, theirs, "deterministic, input {i}");

            let extra = stream(b"extra", i);
            let ours = key.sign_digest_with_rng(&mut FixedData(extra), &e).unwrap();
            let theirs = reference
                .sign_prehash_with_rng(&mut FixedData(extra), &e)
                .unwrap();
            assert_eq!(
                ours,
                Signature::from_crate(&theirs).unwrap(),
                "hedged, input {i}"
            );
            key.public_key().verify_digest(&e, &ours).unwrap();
        }
    }

    #[test]
    fn default_id_uses_the_precomputed_z() {
        let key = SecretKey::from_bytes(&stream(b"key", 1000)).unwrap();
        let id = DistId::new(b"1234567812345678".to_vec()).unwrap();
        assert_eq!(
            key.z(&DistId::DEFAULT),
            key.public_key().z(&DistId::DEFAULT)
        );
        assert_eq!(key.z(&id), key.public_key().z(&id));
        let other = DistId::new(b"alice@example".to_vec()).unwrap();
        assert_eq!(key.z(&other), key.public_key().z(&other));
        assert_ne!(key.z(&other), key.z(&DistId::DEFAULT));
        let sig = key.sign_with_id(&other, b"msg").unwrap();
        key.public_key()
            .verify_with_id(&other, b"msg", &sig)
            .unwrap();
        assert!(key.public_key().verify(b"msg", &sig).is_err());
    }

    #[test]
    fn verification_agrees_with_the_sm2_crate() {
        // Valid signatures, and each part altered: both verifiers must give the same answer.
        let n_minus = |v: &[u8; 32]| {
            // n − v, for a signature whose r + s = n (t = 0, B5).
            let v = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr((*v).into())).unwrap();
            (-v).to_repr().into()
        };
        for i in 0..24 {
            let Ok(key) = SecretKey::from_bytes(&stream(b"vkey", i)) else {
                continue;
            };
            let other = SecretKey::from_bytes(&stream(b"vother", i)).unwrap();
            let e = stream(b"vdigest", i);
            let sig = key.sign_digest(&e).unwrap();
            let mut r2 = sig.r;
            r2[31] ^= 1;
            let mut e2 = e;
            e2[0] ^= 0x80;
            let cases: Vec<(&PublicKey, [u8; 32], Option<Signature>)> = vec![
                (key.public_key(), e, Some(sig)),
                (key.public_key(), e2, Some(sig)),
                (other.public_key(), e, Some(sig)),
                (key.public_key(), e, Signature::new(r2, sig.s).ok()),
                (
                    key.public_key(),
                    e,
                    Signature::new(sig.r, stream(b"s", i)).ok(),
                ),
                (
                    key.public_key(),
                    e,
                    Signature::new(sig.r, n_minus(&sig.r)).ok(),
                ),
                (key.public_key(), e, Signature::new(sig.s, sig.r).ok()),
            ];
            for (case, (public, e, sig)) in cases.into_iter().enumerate() {
                let Some(sig) = sig else { continue };
                let crate_verifier = sm2::dsa::VerifyingKey::new("", *public.as_inner()).unwrap();
                let theirs = crate_verifier
                    .verify_prehash(&e, &sig.to_crate().unwrap())
                    .is_ok();
                let ours = public.verify_digest(&e, &sig).is_ok();
                assert_eq!(ours, theirs, "input {i}, case {case}");
                assert_eq!(ours, case == 0, "input {i}, case {case}");
            }
        }
    }
}
