//! The fuzz targets' round-trip properties (`support/license_roundtrip.rs`) over a few thousand
//! deterministic inputs: mutations of valid identifiers and codes, mutants repaired to be valid
//! again, random bytes, and oversized input. Runs in CI, where the fuzzers only run briefly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

#[path = "support/license_roundtrip.rs"]
mod license_roundtrip;

use eseal::license::{CitizenId, LicenseId, Uscc};

const IDS: [&str; 2] = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
];
const USCCS: [&str; 5] = [
    "11100000000013338W",
    "11430000006122244L",
    "11330105002500287C",
    "91350100M000100Y43",
    "91370406L24894136J",
];
const CITIZEN_IDS: [&str; 1] = ["11010519491231002X"];

/// xorshift64*: reproducible, not random.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes a mutation inserts: the alphabets, dots, lowercase, a few multi-byte and invalid bytes.
const INTERESTING: &[&[u8]] = &[
    b"0",
    b"9",
    b"A",
    b"S",
    b"X",
    b"Z",
    b"I",
    b"O",
    b".",
    b"..",
    b"a",
    b"x",
    b" ",
    b"-",
    b"\0",
    "é".as_bytes(),
    "证".as_bytes(),
    "１".as_bytes(),
    b"\xff",
    b"\xc3",
    b"1.2.156.3005.2.",
];

/// One to three random edits: substitute, insert, delete, duplicate a range, truncate.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if at < v.len() => v[at] = INTERESTING[rng.below(INTERESTING.len())][0],
            1 => {
                let ins = INTERESTING[rng.below(INTERESTING.len())];
                v.splice(at..at, ins.iter().copied());
            }
            2 if at < v.len() => {
                v.remove(at);
            }
            3 if at < v.len() => {
                let end = at + rng.below(v.len() - at) + 1;
                let dup = v[at..end].to_vec();
                v.splice(at..at, dup);
            }
            4 => v.truncate(at),
            _ if at < v.len() => v[at] = (rng.next() & 0xff) as u8,
            _ => {}
        }
    }
    v
}

/// A mutant identifier whose parts still pass their own rules, rebuilt with a fresh check
/// character: it must parse.
fn repaired(text: &str) -> Option<String> {
    let rest = text.strip_prefix(eseal::license::PREFIX)?;
    let p: Vec<&str> = rest.split('.').collect();
    let [t, i, s, v, _] = p.as_slice() else {
        return None;
    };
    LicenseId::new(t, i, s, v).ok().map(|id| id.to_string())
}

#[test]
fn license_id_round_trip_over_mutants() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut tried, mut accepted, mut repaired_ok) = (0, 0, 0);
    for seed in IDS {
        assert!(license_roundtrip::license_id(seed.as_bytes()));
        for _ in 0..3000 {
            let m = mutate(&mut rng, seed.as_bytes());
            tried += 1;
            if license_roundtrip::license_id(&m) {
                accepted += 1;
            }
            // Mutants confined to the serial (digits and letters) survive repair.
            if let Some(r) = repaired(&String::from_utf8_lossy(&m)) {
                assert!(license_roundtrip::license_id(r.as_bytes()), "{r}");
                repaired_ok += 1;
            }
        }
    }
    assert_eq!(tried, 6000);
    eprintln!("{tried} mutants: {accepted} accepted, {repaired_ok} repaired and accepted");
    // MOD 37,36 catches every single substitution; a multi-edit mutant slips through about
    // once in 36 tries at most.
    assert!(accepted < 200, "{accepted} mutants accepted");
    assert!(repaired_ok > 50, "only {repaired_ok} mutants repaired");
}

#[test]
fn codes_round_trip_over_mutants() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut accepted = 0;
    for seed in USCCS.iter().chain(&CITIZEN_IDS) {
        assert_eq!(license_roundtrip::codes(seed.as_bytes()), 1, "{seed}");
        for _ in 0..1000 {
            let m = mutate(&mut rng, seed.as_bytes());
            accepted += license_roundtrip::codes(&m);
        }
    }
    // Dates: mutants of both spellings.
    for seed in ["2024-02-29", "20240229", "1999-12-31"] {
        assert_eq!(license_roundtrip::codes(seed.as_bytes()), 1, "{seed}");
        for _ in 0..500 {
            accepted += license_roundtrip::codes(&mutate(&mut rng, seed.as_bytes()));
        }
    }
    eprintln!("{accepted} code and date mutants accepted");
    assert!(accepted > 0);
}

#[test]
fn random_bytes_and_oversized_input_are_refused_without_panicking() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let len = rng.below(100);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        assert!(!license_roundtrip::license_id(&bytes));
        license_roundtrip::codes(&bytes);
    }
    // A megabyte of identifier-like text is refused on its length.
    let huge = format!("{}{}", IDS[0], "0".repeat(1 << 20));
    assert!(LicenseId::parse(&huge).is_err());
    assert!(Uscc::parse(&huge).is_err());
    assert!(CitizenId::parse(&huge).is_err());
    let dots = ".".repeat(1 << 20);
    assert!(LicenseId::parse(&dots).is_err());
}
