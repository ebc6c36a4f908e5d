//! Variable-time `[s]G + [t]P` on the SM2 curve, the core of signature verification
//! (GB/T 32918.2 §7.1 B6).
//!
//! The `sm2` crate's point arithmetic uses complete projective formulas, which cost about as much
//! for a doubling as for an addition (some 13 field multiplications), and builds both wNAF
//! tables per call. Verification handles only public values, so it can use faster incomplete
//! formulas with explicit special cases:
//!
//! - Jacobian coordinates `(X / Z², Y / Z³)`, with the `a = −3` doubling `dbl-2001-b`
//!   (3M + 5S), mixed addition `madd-2007-bl` (7M + 4S) and addition `add-2007-bl` (11M + 5S)
//!   of the Explicit-Formulas Database;
//! - one joint wNAF loop for both scalars, sharing the 256 doublings: window 7 for `G`, whose 32
//!   odd multiples are constants in affine form (so each `G` step is a mixed addition), window 5
//!   for `P`, whose 8 odd multiples are computed per call;
//! - one variable-time inversion at the end, for `x1`.
//!
//! The field arithmetic is eseal's `field` module (the same Montgomery form as the `sm2`
//! crate, with a multiplication and a squaring specialised to the SM2 prime). Special
//! cases (an operand at infinity, `P + P`, `P − P`) are handled in each addition, so every input
//! gives the mathematically correct point; the tests compare against the `sm2` crate's own
//! arithmetic over random and edge-case inputs. Not constant time: never call this with secrets.

use super::field::Fe;

/// wNAF window for the scalar of `G`: digits in ±{1, 3, …, 63}.
const G_WINDOW: u32 = 7;
/// wNAF window for the scalar of `P`: digits in ±{1, 3, …, 15}.
const P_WINDOW: u32 = 5;
/// Odd multiples of `P` kept: `P, 3P, …, 15P`.
const P_TABLE: usize = 1 << (P_WINDOW - 2);
/// wNAF digits of a scalar below 2²⁵⁶.
const DIGITS: usize = 257;

/// A point in affine coordinates, never the point at infinity.
#[derive(Clone, Copy)]
struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: -self.y,
        }
    }
}

/// A point in Jacobian coordinates; `Z = 0` is the point at infinity.
#[derive(Clone, Copy)]
struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Jacobian {
    const IDENTITY: Self = Self {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    fn from_affine(p: &Affine) -> Self {
        Self {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
        }
    }

    fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: -self.y,
            z: self.z,
        }
    }

    /// `2 self`, `dbl-2001-b` for `a = −3`. The identity (Z = 0) gives Z3 = 0 again; no point of
    /// the prime-order SM2 group has Y = 0.
    fn double(&self) -> Self {
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x * gamma;
        let alpha = (self.x - delta) * (self.x + delta);
        let alpha = alpha.double() + alpha;
        let beta4 = beta.double().double();
        let x3 = alpha.square() - beta4.double();
        let z3 = (self.y + self.z).square() - gamma - delta;
        let gamma2 = gamma.square();
        let y3 = alpha * (beta4 - x3) - gamma2.double().double().double();
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `self + q` for an affine `q`, `madd-2007-bl`.
    fn add_affine(&self, q: &Affine) -> Self {
        if self.is_identity() {
            return Self::from_affine(q);
        }
        let z1z1 = self.z.square();
        let u2 = q.x * z1z1;
        let s2 = q.y * self.z * z1z1;
        let h = u2 - self.x;
        let r = (s2 - self.y).double();
        if h.is_zero() {
            // Same x: q = self (double) or q = −self (infinity).
            return if r.is_zero() {
                self.double()
            } else {
                Self::IDENTITY
            };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h * i;
        let v = self.x * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (self.y * j).double();
        let z3 = (self.z + h).square() - z1z1 - hh;
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `self + q`, `add-2007-bl`.
    fn add(&self, q: &Self) -> Self {
        if self.is_identity() {
            return *q;
        }
        if q.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x * z2z2;
        let u2 = q.x * z1z1;
        let s1 = self.y * q.z * z2z2;
        let s2 = q.y * self.z * z1z1;
        let h = u2 - u1;
        let r = (s2 - s1).double();
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Self::IDENTITY
            };
        }
        let i = h.double().square();
        let j = h * i;
        let v = u1 * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (s1 * j).double();
        let z3 = ((self.z + q.z).square() - z1z1 - z2z2) * h;
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// The affine x-coordinate, big-endian; `None` for the point at infinity.
    fn affine_x(&self) -> Option<[u8; 32]> {
        let z_inv = self.z.invert_vartime()?;
        Some((self.x * z_inv.square()).to_bytes())
    }
}

/// The width-`w` non-adjacent form of a big-endian 256-bit value, least significant digit
/// first: every non-zero digit is odd, below 2^(w−1) in absolute value, and followed by at least
/// w − 1 zeros.
fn wnaf(scalar: &[u8; 32], w: u32) -> [i8; DIGITS] {
    // Little-endian limbs with one spare for the carries of negative digits.
    let mut k = [0u64; 5];
    for (limb, chunk) in k.iter_mut().zip(scalar.rchunks_exact(8)) {
        *limb = u64::from_be_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
    }
    let window = 1u64 << w;
    let mut digits = [0i8; DIGITS];
    for digit in &mut digits {
        if k.iter().all(|&l| l == 0) {
            break;
        }
        if k[0] & 1 == 1 {
            let m = k[0] & (window - 1);
            if m >= window / 2 {
                // Digit m − 2^w < 0: add 2^w − m, which clears the low w bits.
                *digit = (m as i64 - window as i64) as i8;
                let mut carry = window - m;
                for limb in &mut k {
                    let (sum, overflow) = limb.overflowing_add(carry);
                    *limb = sum;
                    carry = u64::from(overflow);
                    if carry == 0 {
                        break;
                    }
                }
            } else {
                *digit = m as i8;
                k[0] -= m;
            }
        }
        let mut high = 0u64;
        for limb in k.iter_mut().rev() {
            let low = *limb & 1;
            *limb = (*limb >> 1) | (high << 63);
            high = low;
        }
    }
    digits
}

/// The table entry of an odd wNAF digit `d`, negated when `d < 0`.
fn pick<T: Copy>(table: &[T], d: i8, neg: impl Fn(&T) -> T) -> Option<T> {
    let entry = *table.get(usize::from(d.unsigned_abs() >> 1))?;
    Some(if d < 0 { neg(&entry) } else { entry })
}

/// The affine x-coordinate of `[s]G + [t]P` (scalars and coordinates big-endian), or `None`
/// when the sum is the point at infinity or `(px, py)` are not field elements. The caller
/// guarantees that `P` is on the curve.
pub(crate) fn mul_add_vartime(
    s: &[u8; 32],
    t: &[u8; 32],
    px: &[u8; 32],
    py: &[u8; 32],
) -> Option<[u8; 32]> {
    let p = Affine {
        x: Fe::from_bytes(px)?,
        y: Fe::from_bytes(py)?,
    };
    let p1 = Jacobian::from_affine(&p);
    let p2 = p1.double();
    let mut p_table = [p1; P_TABLE];
    let mut previous = p1;
    for slot in p_table.iter_mut().skip(1) {
        previous = previous.add(&p2);
        *slot = previous;
    }
    let s_digits = wnaf(s, G_WINDOW);
    let t_digits = wnaf(t, P_WINDOW);
    let mut acc = Jacobian::IDENTITY;
    for (&ds, &dt) in s_digits.iter().zip(t_digits.iter()).rev() {
        acc = acc.double();
        if ds != 0 {
            if let Some(q) = pick(&G_TABLE, ds, Affine::neg) {
                acc = acc.add_affine(&q);
            }
        }
        if dt != 0 {
            if let Some(q) = pick(&p_table, dt, Jacobian::neg) {
                acc = acc.add(&q);
            }
        }
    }
    acc.affine_x()
}

const fn affine(x: &str, y: &str) -> Affine {
    Affine {
        x: Fe::from_hex(x),
        y: Fe::from_hex(y),
    }
}

/// `G, 3G, 5G, …, 63G` in affine coordinates (x, y big-endian hex), checked against the `sm2`
/// crate's arithmetic by a test.
const G_TABLE: [Affine; 1 << (G_WINDOW - 2)] = [
    affine(
        "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7",
        "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0",
    ),
    affine(
        "A97F7CD4B3C993B4BE2DAA8CDB41E24CA13F6BD945302244E26918F1D0509EBF",
        "530B5DD88C688EF5CCC5CEC08A72150F7C400EE5CD045292AAACDD037458F6E6",
    ),
    affine(
        "C749061668652E26040E008FDD5EB77A344A417B7FCE19DBA575DA57CC372A9E",
        "F2DF5DB2D144E9454504C622B51CF38F5006206EB579FF7DA6976EFF5FBE6480",
    ),
    affine(
        "DDF092555409C19DFDBE86A75C139906A80198337744EE78CD27E384D9FCAF15",
        "847D18FFB38E87065CD6B6E9C12D2922037937707D6A49A2223B949657E52BC1",
    ),
    affine(
        "A27233F3A59595080B4A2444A46A74C5FE8D59CB43619E4F173472A58CCA247E",
        "379E72F63722C924768F7689B210F45FC3A8433140D1EBCA85227940922C02E9",
    ),
    affine(
        "04B3CB10C9C6D8E27C1AAB770F67F543125DCDD589C2FF82668C74D78CE20ACE",
        "63516355287E39FE4918E5C02E2B0B930C94816E63C4BC72739A8FD805174A4B",
    ),
    affine(
        "952072D6FF9C65BDFA804513275F58AA7BEA65C6421E189E2B834F1D509B9CD0",
        "E6BB9804458BB70F1A473F8D9748F23858D1434AE934BA7503891E105E009B00",
    ),
    affine(
        "F73B839F13912C1A3291676C38D393243B424F35F0ECCE4C461B1BBCB80F829C",
        "32EC7722695DC7CF5EE9FAB985C12455DC2E788FB170AA144C3533771DB0955E",
    ),
    affine(
        "DD18AA4AEC26EAC41C993F01115C57F7BF5113AB85B5ED4436969F8B77125E6A",
        "161E5851969DA8223361493F76FAC50F6CCE6001D7C0B853E0180D54D4AE2221",
    ),
    affine(
        "A68B2EC49D1921D0E2E0586BB5DC9419F7C96C55940A47261323F252E493952A",
        "96F361A23B3DEB99933EF442FCA7A734B95F2DE69200269EFD4520A63F5CC585",
    ),
    affine(
        "6407BE639BC5B738137CBF4E8AA505355B551C86A8976933E1DE5F100950C8AB",
        "141CAEE612E7AB0712A9423FD80DEA5460FCFD988FFF6DECF945321148E90344",
    ),
    affine(
        "AC8DF677299E828815C07A8C04226FE3BB570A9F430EA7F64DBB2FCD069D45DB",
        "AEF82CF361DB1C7130C43BE69B23CC140E9B9643D766DA337BD8B7C847718CE5",
    ),
    affine(
        "178D1F6BD584AFCCCE1564C3DF7D67EA7E8581FBBCF5DE010263B20D539E4139",
        "F575F34E5F6C63C653DA45CEC1CAADA17021AAFC29AC8E869B499A7DA7820BF9",
    ),
    affine(
        "EC6F34CEACAA73A0D7A1F169475B4DDF02A85A7410754529CE37E84FC9541B4B",
        "3C85CF62A744817E6F251C63FBBD2927E607F33BE20135EA73306A0FF0485872",
    ),
    affine(
        "28221C36398C4C3A625773CAE69BBE05C9816BE068BE66DB9DD4EF421635B9DC",
        "3B4D172D6963510BAB2012C41627CD8164C77A81858D4CA12995225E66B162BA",
    ),
    affine(
        "08DAAE840B2A43EBD6B48259B69E853027D053C0F150FE10AC995C5066BDAAA5",
        "80CC0A980495AF87C1B8E58150DA662DF7DC310560BBE83A2458B9E3C73BF657",
    ),
    affine(
        "A1AA7F4A428089084624F85FE9B7CB83451641E8455EEDB66D69B1BD07837DC9",
        "3D420DEE447499CFEB15FCCC636948306E67FD81941C6A60C3C8BD75B5FE25DE",
    ),
    affine(
        "68126A90B051062B46DAB2EBA04AFD78BAF30F4638D2231B549786448C4F3F4D",
        "7E72F70A2EAF1BF435ECF208BDEC5980E7FEC8984BE512515A8CE092C6B7C016",
    ),
    affine(
        "3242E1DE1FA494C58B8F45B58A12E6CC8C641A6CB43AE7DA31F8514DC6115CB5",
        "CBF18EF2F229C025AA27B4380A8333AD56AB9BCF11B6F25A7DAB7B373C8F551B",
    ),
    affine(
        "E6857F7FC33453855B075BE3C412AD0310E34D63F48C5ED4CD1BB864637CF4F9",
        "6B61903F2BA03769581DFA7D2B4C09E35D72264551D68EAE1CA28A8EE15F1878",
    ),
    affine(
        "F537773939D38A9B490DF25E43F73F1330ABB6EAB3F0292147D58AF32A91DDC2",
        "BEB6132D28FF40998E2E511CCE74BE1863AE367EB959D9F8F9099FA3212D8FC1",
    ),
    affine(
        "897DA7BB358B6D214B92B8F64E804905134911D8E4BBAAEC0180BB9D84D7141B",
        "995B4A9A20D88C89F571032510364CD26543E7E5A787F93D38ECB2E51CAF0AAE",
    ),
    affine(
        "D2593661CF6DAF1245254A01BAAE8A2E0462308A30D9D3E53D24524AC4D2C465",
        "416B602161B2BBF66CF13824AF9F6508A169DA8AFCB3A6205DCA599ABE435BF0",
    ),
    affine(
        "8AB85F67EEC67F0698E2F9DF22A96604DAEDA7DA80DDE8CEEC0DDC2B82CB0747",
        "0D90C6F4584C9D1553E29B91B9AFD2530445B6381FC45C42E2874AB08C6C6E2B",
    ),
    affine(
        "968513D803C0A611DF25CD6E045B914D787AB24D5A604FB92755C80BB1316DD9",
        "B0992FA258261DE1893C927B9668DDD59A31B57F2E43047860F9FD6E5A72901A",
    ),
    affine(
        "01EEB7B6A14944752D531DD8552F276517905F2A781DE54035EAA6E36461D0D3",
        "ABD4A0F7FAC6DEB466A2ABF1C7753BB87460AD9D8BCCEEB9B769488B3901A9F3",
    ),
    affine(
        "D909BB3BE4C02CD84CD09B8E39701FF16D96E2A601B93C0E828CC5C0F20462A9",
        "10D8C2A3B3396BD85BB65608AA16F24F05977FB39ADACEC75EEFA9A3EC3F9511",
    ),
    affine(
        "6A13800155EF04B7CBDE1F5982ACE379015C9BF09E75950AC86610F34F66B3DF",
        "2DE1CDF12E9CB8C084F5B14011D026DB41D95D9E42639AC61D092851B33025B7",
    ),
    affine(
        "7CCBC3BF87CC4D5426804860AF6A7E95721DD5DACCE5BC3D123308B4A9C5711A",
        "C6EBDE08ADED9AF4145518B80573D4C03ACFB676B987C2135995334C3E242616",
    ),
    affine(
        "99FF4D8FF311E9A0F5ABA10BA06BEFDE9CAB4FB10369EF34CD43853968E0F8C3",
        "0B3CC5A35C82A6B7DD523FC5310A3ECFF2B3182557BF0529D35AAA101D22C55A",
    ),
    affine(
        "D3A606C601B5C66FF382D60F67FCC2E28869B952943A29FC0C5516AA79811C1C",
        "16429ACF62BB2D8F8726D00ED296C2B33EF8E988F9E9E6C00D6B519F677F9E84",
    ),
    affine(
        "5EEE8921F4FCD3427048DCD10CDECE635C4A52F82AD10DF329DC4C21401D787F",
        "B6B3462B6A39A55B73516BBAD0F603E4F39E93DC1C8B27AD9FFE119727F734AE",
    ),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use sm2::elliptic_curve::Group;
    use sm2::elliptic_curve::PrimeField as _;
    use sm2::elliptic_curve::ops::MulByGeneratorVartime;
    use sm2::elliptic_curve::sec1::ToSec1Point;
    use sm3::{Digest, Sm3};

    fn stream(seed: &[u8], i: u32) -> [u8; 32] {
        let mut h = Sm3::new();
        h.update(seed);
        h.update(i.to_be_bytes());
        h.finalize().into()
    }

    fn scalar(bytes: &[u8; 32]) -> sm2::Scalar {
        use sm2::elliptic_curve::ops::Reduce;
        <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&(*bytes).into())
    }

    fn coordinates(p: &sm2::ProjectivePoint) -> Option<([u8; 32], [u8; 32])> {
        let enc = p.to_affine().to_sec1_point(false);
        Some(((*enc.x()?).into(), (*enc.y()?).into()))
    }

    /// The `sm2` crate's answer.
    fn reference(s: &sm2::Scalar, t: &sm2::Scalar, p: &sm2::ProjectivePoint) -> Option<[u8; 32]> {
        let sum = sm2::ProjectivePoint::mul_by_generator_vartime(s) + *p * t;
        coordinates(&sum).map(|(x, _)| x)
    }

    fn ours(s: &sm2::Scalar, t: &sm2::Scalar, p: &sm2::ProjectivePoint) -> Option<[u8; 32]> {
        let (px, py) = coordinates(p).unwrap();
        mul_add_vartime(&s.to_repr().into(), &t.to_repr().into(), &px, &py)
    }

    #[test]
    fn the_g_table_holds_the_odd_multiples_of_g() {
        let g = sm2::ProjectivePoint::generator();
        let mut p = g;
        for entry in &G_TABLE {
            let (x, y) = coordinates(&p).unwrap();
            assert_eq!(entry.x.to_bytes(), x);
            assert_eq!(entry.y.to_bytes(), y);
            p += g.double();
        }
    }

    #[test]
    fn agrees_with_the_sm2_crate_on_random_inputs() {
        for i in 0..200 {
            let s = scalar(&stream(b"s", i));
            let t = scalar(&stream(b"t", i));
            let p = sm2::ProjectivePoint::mul_by_generator(&scalar(&stream(b"p", i)));
            assert_eq!(ours(&s, &t, &p), reference(&s, &t, &p), "input {i}");
            assert!(ours(&s, &t, &p).is_some());
        }
    }

    #[test]
    fn agrees_with_the_sm2_crate_on_edge_cases() {
        let g = sm2::ProjectivePoint::generator();
        let one = sm2::Scalar::ONE;
        let zero = sm2::Scalar::ZERO;
        let n_1 = -one;
        let p = sm2::ProjectivePoint::mul_by_generator(&scalar(&stream(b"edge", 0)));
        let cases = [
            (one, one, g),   // G + G: the doubling case of an addition
            (one, n_1, g),   // G − G: infinity
            (n_1, one, g),   // −G + G: infinity
            (zero, one, p),  // only [t]P
            (one, zero, p),  // only [s]G
            (zero, zero, p), // infinity
            (n_1, n_1, p),   // the largest scalars
            (n_1, n_1, -g),  // −(n−1)G… = 2G
            (scalar(&[0xff; 32]), scalar(&[0x80; 32]), p),
            (sm2::Scalar::from(63u64), sm2::Scalar::from(15u64), p), // top table entries
            (sm2::Scalar::from(64u64), sm2::Scalar::from(16u64), g), // carries out of a window
        ];
        for (i, (s, t, p)) in cases.iter().enumerate() {
            assert_eq!(ours(s, t, p), reference(s, t, p), "case {i}");
        }
        assert_eq!(ours(&one, &n_1, &g), None);
        assert_eq!(ours(&zero, &zero, &p), None);
    }

    #[test]
    fn wnaf_digits_are_well_formed_and_sum_to_the_scalar() {
        for i in 0..64 {
            let k = stream(b"wnaf", i);
            for w in [P_WINDOW, G_WINDOW] {
                let digits = wnaf(&k, w);
                // Σ dᵢ 2ⁱ, evaluated as a scalar mod n, equals k mod n.
                let mut sum = sm2::Scalar::ZERO;
                for &d in digits.iter().rev() {
                    sum = sum.double();
                    let m = sm2::Scalar::from(u64::from(d.unsigned_abs()));
                    sum = if d < 0 { sum - m } else { sum + m };
                }
                assert_eq!(sum, scalar(&k), "input {i}, w {w}");
                let mut last_nonzero: Option<usize> = None;
                for (pos, &d) in digits.iter().enumerate() {
                    if d != 0 {
                        assert!(d % 2 != 0 && i32::from(d).abs() < 1 << (w - 1));
                        if let Some(prev) = last_nonzero {
                            assert!(pos - prev >= w as usize, "digits too close");
                        }
                        last_nonzero = Some(pos);
                    }
                }
            }
        }
    }
}
