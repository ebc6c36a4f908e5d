//! Arithmetic modulo the SM2 prime `p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1` for signature
//! verification (`verify_mul`): Montgomery form with `R = 2²⁵⁶`, as the `sm2` crate's field
//! elements, four 64-bit limbs, always fully reduced (`< p`).
//!
//! The `sm2` crate's multiplication is fiat-crypto's generic word-by-word Montgomery code
//! (about 340 instructions per multiplication or squaring, squaring no cheaper), which was 70 %
//! of a verification. Here a product is a plain 4 × 4-limb schoolbook product (a squaring
//! computes each cross product once and doubles them), followed by one Montgomery reduction
//! that uses `−p⁻¹ ≡ 1 (mod 2⁶⁴)` (since `p ≡ −1 mod 2⁶⁴`), so each of its four steps
//! multiplies by the low limb itself with no extra multiplication for the quotient digit.
//! Every operation is branch-free, though nothing here needs it: verification handles
//! public values only. Tests compare every operation with the `sm2` crate on random and
//! edge-case inputs.

use sm2::elliptic_curve::PrimeField as _;
use sm2::elliptic_curve::bigint::Invert as _;
use sm2::elliptic_curve::hazmat::FieldArithmetic;

/// The `sm2` crate's field element (for the inversion, done once per verification).
type CrateFe = <sm2::Sm2 as FieldArithmetic>::FieldElement;

/// `p`, little-endian limbs.
const P: [u64; 4] = [
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_0000_0000,
    0xffff_ffff_ffff_ffff,
    0xffff_fffe_ffff_ffff,
];
/// `R² mod p`: multiplying by it converts into Montgomery form.
const R2: [u64; 4] = [
    0x0000_0002_0000_0003,
    0x0000_0002_ffff_ffff,
    0x0000_0001_0000_0001,
    0x0000_0004_0000_0002,
];

/// An element of the SM2 base field in Montgomery form (`a·R mod p`), fully reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fe([u64; 4]);

/// `a + b·c + carry` as (low, high) words; cannot overflow.
#[inline(always)]
const fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) * (c as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a + b + carry` as (sum, carry out).
#[inline(always)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a − b − borrow` (borrow 0 or 1) as (difference, borrow out 0 or 1).
#[inline(always)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub((b as u128) + (borrow as u128));
    (t as u64, (t >> 127) as u64)
}

/// `(hi ‖ t) mod p` for a value below `2p`: subtracts `p` unless that borrows.
#[inline(always)]
const fn reduce_once(t: [u64; 4], hi: u64) -> [u64; 4] {
    let (r0, b) = sbb(t[0], P[0], 0);
    let (r1, b) = sbb(t[1], P[1], b);
    let (r2, b) = sbb(t[2], P[2], b);
    let (r3, b) = sbb(t[3], P[3], b);
    let (_, b) = sbb(hi, 0, b);
    // b = 1: the value was below p, keep it.
    let keep = 0u64.wrapping_sub(b);
    [
        (t[0] & keep) | (r0 & !keep),
        (t[1] & keep) | (r1 & !keep),
        (t[2] & keep) | (r2 & !keep),
        (t[3] & keep) | (r3 & !keep),
    ]
}

/// Montgomery reduction `t·R⁻¹ mod p` of a product `t < p·2²⁵⁶`. Step `i` adds `m·p·2⁶⁴ⁱ`
/// with `m = t_i` (as `−p⁻¹ ≡ 1`), which clears limb `i`.
#[inline(always)]
const fn montgomery_reduce(t: [u64; 8]) -> [u64; 4] {
    let [t0, t1, t2, t3, t4, t5, t6, t7] = t;

    let (_, c) = mac(t0, t0, P[0], 0);
    let (t1, c) = mac(t1, t0, P[1], c);
    let (t2, c) = mac(t2, t0, P[2], c);
    let (t3, c) = mac(t3, t0, P[3], c);
    let (t4, hi) = adc(t4, c, 0);

    let (_, c) = mac(t1, t1, P[0], 0);
    let (t2, c) = mac(t2, t1, P[1], c);
    let (t3, c) = mac(t3, t1, P[2], c);
    let (t4, c) = mac(t4, t1, P[3], c);
    let (t5, hi) = adc(t5, c, hi);

    let (_, c) = mac(t2, t2, P[0], 0);
    let (t3, c) = mac(t3, t2, P[1], c);
    let (t4, c) = mac(t4, t2, P[2], c);
    let (t5, c) = mac(t5, t2, P[3], c);
    let (t6, hi) = adc(t6, c, hi);

    let (_, c) = mac(t3, t3, P[0], 0);
    let (t4, c) = mac(t4, t3, P[1], c);
    let (t5, c) = mac(t5, t3, P[2], c);
    let (t6, c) = mac(t6, t3, P[3], c);
    let (t7, hi) = adc(t7, c, hi);

    reduce_once([t4, t5, t6, t7], hi)
}

/// `a·b·R⁻¹ mod p`.
#[inline(always)]
const fn mul(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (t0, c) = mac(0, a[0], b[0], 0);
    let (t1, c) = mac(0, a[0], b[1], c);
    let (t2, c) = mac(0, a[0], b[2], c);
    let (t3, t4) = mac(0, a[0], b[3], c);

    let (t1, c) = mac(t1, a[1], b[0], 0);
    let (t2, c) = mac(t2, a[1], b[1], c);
    let (t3, c) = mac(t3, a[1], b[2], c);
    let (t4, t5) = mac(t4, a[1], b[3], c);

    let (t2, c) = mac(t2, a[2], b[0], 0);
    let (t3, c) = mac(t3, a[2], b[1], c);
    let (t4, c) = mac(t4, a[2], b[2], c);
    let (t5, t6) = mac(t5, a[2], b[3], c);

    let (t3, c) = mac(t3, a[3], b[0], 0);
    let (t4, c) = mac(t4, a[3], b[1], c);
    let (t5, c) = mac(t5, a[3], b[2], c);
    let (t6, t7) = mac(t6, a[3], b[3], c);

    montgomery_reduce([t0, t1, t2, t3, t4, t5, t6, t7])
}

/// `a²·R⁻¹ mod p`: the six cross products once, doubled, plus the four squares.
#[inline(always)]
const fn square(a: &[u64; 4]) -> [u64; 4] {
    let (t1, c) = mac(0, a[0], a[1], 0);
    let (t2, c) = mac(0, a[0], a[2], c);
    let (t3, t4) = mac(0, a[0], a[3], c);
    let (t3, c) = mac(t3, a[1], a[2], 0);
    let (t4, t5) = mac(t4, a[1], a[3], c);
    let (t5, t6) = mac(t5, a[2], a[3], 0);

    let t7 = t6 >> 63;
    let t6 = (t6 << 1) | (t5 >> 63);
    let t5 = (t5 << 1) | (t4 >> 63);
    let t4 = (t4 << 1) | (t3 >> 63);
    let t3 = (t3 << 1) | (t2 >> 63);
    let t2 = (t2 << 1) | (t1 >> 63);
    let t1 = t1 << 1;

    let (t0, c) = mac(0, a[0], a[0], 0);
    let (t1, c) = adc(t1, 0, c);
    let (t2, c) = mac(t2, a[1], a[1], c);
    let (t3, c) = adc(t3, 0, c);
    let (t4, c) = mac(t4, a[2], a[2], c);
    let (t5, c) = adc(t5, 0, c);
    let (t6, c) = mac(t6, a[3], a[3], c);
    let (t7, _) = adc(t7, 0, c);

    montgomery_reduce([t0, t1, t2, t3, t4, t5, t6, t7])
}

/// Limbs of a big-endian 32-byte value.
fn limbs(bytes: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        *limb = u64::from_be_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
    }
    out
}

/// Whether little-endian limbs are below `p`.
fn below_p(x: &[u64; 4]) -> bool {
    let (_, b) = sbb(x[0], P[0], 0);
    let (_, b) = sbb(x[1], P[1], b);
    let (_, b) = sbb(x[2], P[2], b);
    let (_, b) = sbb(x[3], P[3], b);
    b == 1
}

impl Fe {
    /// 0.
    pub(super) const ZERO: Self = Self([0; 4]);
    /// 1, that is `R mod p`.
    pub(super) const ONE: Self = Self([
        0x0000_0000_0000_0001,
        0x0000_0000_ffff_ffff,
        0x0000_0000_0000_0000,
        0x0000_0001_0000_0000,
    ]);

    /// A big-endian value below `p`; `None` otherwise.
    pub(super) fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let x = limbs(bytes);
        below_p(&x).then(|| Self(mul(&x, &R2)))
    }

    /// A field element from 64 hex digits (big-endian, below `p`), for constants. A digit that
    /// is not hex counts as 0; the tests check every constant against the `sm2` crate.
    // Evaluated at compile time on constants; `i < 64` bounds both indices.
    #[allow(clippy::indexing_slicing)]
    pub(super) const fn from_hex(hex: &str) -> Self {
        let bytes = hex.as_bytes();
        let mut x = [0u64; 4];
        let mut i = 0;
        while i < 64 && i < bytes.len() {
            let d = match bytes[i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => 0,
            } as u64;
            let limb = 3 - i / 16;
            x[limb] = (x[limb] << 4) | d;
            i += 1;
        }
        Self(mul(&x, &R2))
    }

    /// The big-endian value.
    pub(super) fn to_bytes(self) -> [u8; 32] {
        let x = montgomery_reduce([self.0[0], self.0[1], self.0[2], self.0[3], 0, 0, 0, 0]);
        let mut out = [0u8; 32];
        for (chunk, limb) in out.rchunks_exact_mut(8).zip(x) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// Whether this is 0.
    pub(super) fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// `self²`.
    #[inline]
    pub(super) fn square(&self) -> Self {
        Self(square(&self.0))
    }

    /// `2·self`.
    #[inline]
    pub(super) fn double(&self) -> Self {
        *self + *self
    }

    /// `self⁻¹` (variable time; once per verification, through the `sm2` crate), `None` for 0.
    pub(super) fn invert_vartime(&self) -> Option<Self> {
        let x = Option::<CrateFe>::from(CrateFe::from_repr(self.to_bytes().into()))?;
        let inv = Option::<CrateFe>::from(x.invert_vartime())?;
        Self::from_bytes(&inv.to_repr().into())
    }
}

impl core::ops::Add for Fe {
    type Output = Self;

    #[inline]
    fn add(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        let (s0, c) = adc(a[0], b[0], 0);
        let (s1, c) = adc(a[1], b[1], c);
        let (s2, c) = adc(a[2], b[2], c);
        let (s3, c) = adc(a[3], b[3], c);
        Self(reduce_once([s0, s1, s2, s3], c))
    }
}

impl core::ops::Sub for Fe {
    type Output = Self;

    #[inline]
    fn sub(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        let (d0, bw) = sbb(a[0], b[0], 0);
        let (d1, bw) = sbb(a[1], b[1], bw);
        let (d2, bw) = sbb(a[2], b[2], bw);
        let (d3, bw) = sbb(a[3], b[3], bw);
        // A borrow: the difference wrapped below 0; add p back.
        let mask = 0u64.wrapping_sub(bw);
        let (d0, c) = adc(d0, P[0] & mask, 0);
        let (d1, c) = adc(d1, P[1] & mask, c);
        let (d2, c) = adc(d2, P[2] & mask, c);
        let (d3, _) = adc(d3, P[3] & mask, c);
        Self([d0, d1, d2, d3])
    }
}

impl core::ops::Neg for Fe {
    type Output = Self;

    #[inline]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl core::ops::Mul for Fe {
    type Output = Self;

    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Self(mul(&self.0, &rhs.0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use sm3::{Digest, Sm3};

    /// p − 1 … and other values at the edges of the limbs, big-endian.
    fn edge_values() -> Vec<[u8; 32]> {
        let p_minus = |k: u8| {
            let mut b = [0u8; 32];
            for (chunk, limb) in b.rchunks_exact_mut(8).zip(P) {
                chunk.copy_from_slice(&limb.to_be_bytes());
            }
            b[31] -= k;
            b
        };
        let mut one = [0u8; 32];
        one[31] = 1;
        let mut two_64 = [0u8; 32];
        two_64[23] = 1;
        let mut top = [0u8; 32];
        top[0] = 0x80;
        vec![
            [0; 32],
            one,
            two_64,
            top,
            p_minus(1),
            p_minus(2),
            p_minus(0xff),
            [0xff; 32].map(|b| b & 0x7f),
            {
                let mut v = [0xffu8; 32];
                v[0] = 0xfe;
                v[4..8].fill(0); // below p: the limb p has zero bits in
                v
            },
        ]
    }

    fn random_values(n: u32) -> Vec<[u8; 32]> {
        (0..n)
            .map(|i| {
                let mut h = Sm3::new();
                h.update(b"field");
                h.update(i.to_be_bytes());
                h.finalize().into()
            })
            .filter(|v| below_p(&limbs(v)))
            .collect()
    }

    fn theirs(v: &[u8; 32]) -> CrateFe {
        CrateFe::from_repr((*v).into()).unwrap()
    }

    fn bytes(x: CrateFe) -> [u8; 32] {
        x.to_repr().into()
    }

    #[test]
    fn constants() {
        assert_eq!(Fe::from_bytes(&bytes(CrateFe::ONE)), Some(Fe::ONE));
        assert_eq!(Fe::ONE.to_bytes(), bytes(CrateFe::ONE));
        assert_eq!(Fe::ZERO.to_bytes(), [0; 32]);
        let hex = "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7";
        let mut x = [0u8; 32];
        for (i, b) in x.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        assert_eq!(Fe::from_hex(hex), Fe::from_bytes(&x).unwrap());
        assert_eq!(
            Fe::from_hex(&hex.to_lowercase()),
            Fe::from_bytes(&x).unwrap()
        );
    }

    #[test]
    fn values_at_and_above_p_are_refused() {
        let mut p = [0u8; 32];
        for (chunk, limb) in p.rchunks_exact_mut(8).zip(P) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        assert_eq!(Fe::from_bytes(&p), None);
        assert_eq!(Fe::from_bytes(&[0xff; 32]), None);
        p[31] -= 1;
        assert!(Fe::from_bytes(&p).is_some());
    }

    /// Every operation against the `sm2` crate's field arithmetic, over all pairs of edge
    /// values and random values.
    #[test]
    fn agrees_with_the_sm2_crate() {
        let mut values = edge_values();
        values.extend(random_values(120));
        for a in &values {
            let (x, tx) = (Fe::from_bytes(a).unwrap(), theirs(a));
            assert_eq!(x.to_bytes(), *a);
            assert_eq!(x.square().to_bytes(), bytes(tx.square()));
            assert_eq!(x.double().to_bytes(), bytes(tx.double()));
            assert_eq!((-x).to_bytes(), bytes(-tx));
            assert_eq!(x.is_zero(), bool::from(tx.is_zero()));
            assert_eq!(
                x.invert_vartime().map(Fe::to_bytes),
                Option::<CrateFe>::from(tx.invert()).map(bytes)
            );
            for b in &values {
                let (y, ty) = (Fe::from_bytes(b).unwrap(), theirs(b));
                assert_eq!((x * y).to_bytes(), bytes(tx * ty));
                assert_eq!((x + y).to_bytes(), bytes(tx + ty));
                assert_eq!((x - y).to_bytes(), bytes(tx - ty));
            }
        }
    }

    /// Values whose limbs are each one of the carry-prone patterns (0, 1, 2³² − 1, 2³²,
    /// 2⁶³, 2⁶⁴ − 2³², 2⁶⁴ − 1) or random, against the crate: 3,000 of them, as values and as
    /// Montgomery limbs, each multiplied, squared, added and subtracted with the next.
    #[test]
    fn limb_patterns_agree_with_the_sm2_crate() {
        const PATTERNS: [u64; 7] = [
            0,
            1,
            0xffff_ffff,
            0x1_0000_0000,
            1 << 63,
            0xffff_ffff_0000_0000,
            u64::MAX,
        ];
        let random = random_values(64);
        let mut values = Vec::new();
        let mut i = 0usize;
        while values.len() < 3000 {
            let r = &random[i % random.len()];
            let mut limbs = limbs(r);
            for (k, limb) in limbs.iter_mut().enumerate() {
                let pick = (i / 8usize.pow(k as u32)) % 8;
                if pick < PATTERNS.len() {
                    *limb = PATTERNS[pick];
                }
            }
            i += 1;
            if below_p(&limbs) {
                let mut b = [0u8; 32];
                for (chunk, limb) in b.rchunks_exact_mut(8).zip(limbs) {
                    chunk.copy_from_slice(&limb.to_be_bytes());
                }
                values.push(b);
            }
        }
        // The patterns both as values and as the Montgomery limbs themselves.
        let elements: Vec<Fe> = values
            .iter()
            .flat_map(|v| [Fe::from_bytes(v).unwrap(), Fe(limbs(v))])
            .collect();
        for pair in elements.windows(2) {
            let (x, tx) = (pair[0], theirs(&pair[0].to_bytes()));
            let (y, ty) = (pair[1], theirs(&pair[1].to_bytes()));
            assert_eq!((x * y).to_bytes(), bytes(tx * ty));
            assert_eq!(x.square().to_bytes(), bytes(tx.square()));
            assert_eq!((x + y).to_bytes(), bytes(tx + ty));
            assert_eq!((x - y).to_bytes(), bytes(tx - ty));
            assert_eq!((-x).to_bytes(), bytes(-tx));
        }
    }

    /// Long chains (the results of one operation feeding the next, as in a scalar
    /// multiplication) stay equal to the crate's.
    #[test]
    fn chains_agree_with_the_sm2_crate() {
        let start = random_values(4);
        let (mut x, mut y) = (Fe::from_bytes(&start[0]).unwrap(), theirs(&start[0]));
        let (k, tk) = (Fe::from_bytes(&start[1]).unwrap(), theirs(&start[1]));
        for i in 0..5000 {
            (x, y) = match i % 4 {
                0 => (x.square(), y.square()),
                1 => (x * k, y * tk),
                2 => (x - k.double(), y - tk.double()),
                _ => (x + x.square(), y + y.square()),
            };
            assert_eq!(x.to_bytes(), bytes(y), "step {i}");
        }
    }
}
