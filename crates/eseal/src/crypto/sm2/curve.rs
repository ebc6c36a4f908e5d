//! Parameters of the SM2 recommended curve (GB/T 32918.5 §4) that eseal needs as bytes:
//! `a`, `b` and `G` enter `Z`, `n` bounds signature values and private keys.
//!
//! All arithmetic is done by the `sm2` crate; a wrong constant here would change `Z`, which the
//! standard's worked example (test-vectors/sm2/) catches.

/// Bytes of a field element or scalar.
pub(crate) const FIELD_LEN: usize = 32;

/// Curve coefficient `a = p − 3`.
pub(crate) const A: [u8; FIELD_LEN] = [
    0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,
];

/// Curve coefficient `b`.
pub(crate) const B: [u8; FIELD_LEN] = [
    0x28, 0xe9, 0xfa, 0x9e, 0x9d, 0x9f, 0x5e, 0x34, 0x4d, 0x5a, 0x9e, 0x4b, 0xcf, 0x65, 0x09, 0xa7,
    0xf3, 0x97, 0x89, 0xf5, 0x15, 0xab, 0x8f, 0x92, 0xdd, 0xbc, 0xbd, 0x41, 0x4d, 0x94, 0x0e, 0x93,
];

/// x coordinate of the base point `G`.
pub(crate) const GX: [u8; FIELD_LEN] = [
    0x32, 0xc4, 0xae, 0x2c, 0x1f, 0x19, 0x81, 0x19, 0x5f, 0x99, 0x04, 0x46, 0x6a, 0x39, 0xc9, 0x94,
    0x8f, 0xe3, 0x0b, 0xbf, 0xf2, 0x66, 0x0b, 0xe1, 0x71, 0x5a, 0x45, 0x89, 0x33, 0x4c, 0x74, 0xc7,
];

/// y coordinate of the base point `G`.
pub(crate) const GY: [u8; FIELD_LEN] = [
    0xbc, 0x37, 0x36, 0xa2, 0xf4, 0xf6, 0x77, 0x9c, 0x59, 0xbd, 0xce, 0xe3, 0x6b, 0x69, 0x21, 0x53,
    0xd0, 0xa9, 0x87, 0x7c, 0xc6, 0x2a, 0x47, 0x40, 0x02, 0xdf, 0x32, 0xe5, 0x21, 0x39, 0xf0, 0xa0,
];

/// The group order `n`.
pub(crate) const N: [u8; FIELD_LEN] = [
    0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b, 0x53, 0xbb, 0xf4, 0x09, 0x39, 0xd5, 0x41, 0x23,
];

/// `n − 1`: a valid scalar, but not a valid SM2 private key, because signing needs `(1 + d)⁻¹`.
pub(crate) const N_MINUS_1: [u8; FIELD_LEN] = [
    0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b, 0x53, 0xbb, 0xf4, 0x09, 0x39, 0xd5, 0x41, 0x22,
];

/// Whether a big-endian 32-byte value lies in `[1, n − 1]` (signature components `r`, `s`).
/// Not constant time: only for public values.
pub(crate) fn is_valid_public_scalar(v: &[u8; FIELD_LEN]) -> bool {
    v.iter().any(|&b| b != 0) && v < &N
}

/// Left-pads a big-endian magnitude of at most 32 bytes to 32 bytes.
pub(crate) fn left_pad(magnitude: &[u8]) -> Option<[u8; FIELD_LEN]> {
    let offset = FIELD_LEN.checked_sub(magnitude.len())?;
    let mut out = [0u8; FIELD_LEN];
    out.get_mut(offset..)?.copy_from_slice(magnitude);
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use sm2::elliptic_curve::sec1::{FromSec1Point, ToSec1Point};
    use sm2::elliptic_curve::{Curve, Group};

    #[test]
    fn generator_matches_the_crate() {
        let g = sm2::ProjectivePoint::generator().to_affine();
        let enc = g.to_sec1_point(false);
        assert_eq!(enc.x().unwrap().as_slice(), &GX);
        assert_eq!(enc.y().unwrap().as_slice(), &GY);
    }

    #[test]
    fn order_matches_the_crate() {
        let n = sm2::Sm2::ORDER.get().to_be_bytes();
        assert_eq!(n.as_slice(), &N);
        let mut n1 = N;
        n1[31] -= 1;
        assert_eq!(n1, N_MINUS_1);
    }

    #[test]
    fn generator_bytes_decode_on_the_crate_curve() {
        // A and B are checked through Z against the GB/T 32918 worked example (tests/sm2_vectors.rs).
        let mut sec1 = [0u8; 65];
        sec1[0] = 4;
        sec1[1..33].copy_from_slice(&GX);
        sec1[33..].copy_from_slice(&GY);
        let point = sm2::Sec1Point::from_bytes(sec1).unwrap();
        assert!(bool::from(
            sm2::AffinePoint::from_sec1_point(&point).is_some()
        ));
    }

    #[test]
    fn scalar_range() {
        assert!(!is_valid_public_scalar(&[0; 32]));
        assert!(is_valid_public_scalar(&N_MINUS_1));
        assert!(!is_valid_public_scalar(&N));
        assert!(!is_valid_public_scalar(&[0xff; 32]));
        let mut one = [0; 32];
        one[31] = 1;
        assert!(is_valid_public_scalar(&one));
    }
}
