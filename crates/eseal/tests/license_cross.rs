//! Check characters compared with an independent implementation (`scripts/license_check.py`,
//! written from the ISO/IEC 7064 validation rule rather than eseal's closed formulas) over
//! thousands of pseudo-random inputs, and the published examples pinned.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

#[path = "support/cross.rs"]
mod cross;

use eseal::license::{CitizenId, CodeError, LicenseId, Uscc, mod37_36_check};

const ALNUM36: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A linear congruential generator: reproducible, not random.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
    fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

/// eseal's check character for the first 17 characters of a USCC, read from the error of a
/// trial parse.
fn eseal_uscc_check(first17: &str) -> char {
    match Uscc::parse(&format!("{first17}0")) {
        Ok(_) => '0',
        Err(CodeError::CheckCharacter { expected, .. }) => expected,
        Err(e) => panic!("{first17}: {e}"),
    }
}

fn eseal_citizen_check(first17: &str) -> char {
    match CitizenId::parse(&format!("{first17}0")) {
        Ok(_) => '0',
        Err(CodeError::CheckCharacter { expected, .. }) => expected,
        Err(e) => panic!("{first17}: {e}"),
    }
}

#[test]
fn check_characters_agree_with_python() {
    if !cross::tool_available("python3", &["python3", "--version"]) {
        return;
    }
    let mut rng = Lcg(2024);
    let mut lines = String::new();
    let mut ours = Vec::new();
    for _ in 0..2000 {
        let len = 1 + rng.below(80);
        let text = rng.text(ALNUM36, len);
        ours.push(mod37_36_check(&text).unwrap());
        lines.push_str(&format!("mod37_36 {text}\n"));
    }
    for _ in 0..2000 {
        let text = rng.text(USCC_ALPHABET, 17);
        ours.push(eseal_uscc_check(&text));
        lines.push_str(&format!("uscc {text}\n"));
    }
    for _ in 0..2000 {
        // A plausible birth date, so that only the check character can fail.
        let text = format!(
            "{}{}{:02}{:02}{}",
            rng.text(b"0123456789", 6),
            1900 + rng.below(120),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.text(b"0123456789", 3)
        );
        ours.push(eseal_citizen_check(&text));
        lines.push_str(&format!("citizen {text}\n"));
    }
    let script = cross::workspace_root().join("scripts/license_check.py");
    let out = cross::run(
        "python3",
        &[script.to_str().unwrap()],
        Some(lines.as_bytes()),
    );
    let theirs: Vec<char> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| l.chars().next().unwrap())
        .collect();
    assert_eq!(theirs.len(), ours.len());
    for ((line, a), b) in lines.lines().zip(&ours).zip(&theirs) {
        assert_eq!(a, b, "{line}: eseal {a}, python {b}");
    }
}

/// Published values, independent of any implementation here.
#[test]
fn published_examples() {
    // GB 32100 codes quoted on licenses and registers (standards notes §8.5).
    for c in [
        "91350100M000100Y43",
        "11100000000013338W",
        "91370406L24894136J",
    ] {
        assert_eq!(Uscc::parse(c).unwrap().as_str(), c);
    }
    // The GB 11643-1999 example number.
    assert!(CitizenId::parse("11010519491231002X").is_ok());
    // The two published license identifiers, check characters S and 0.
    assert_eq!(
        mod37_36_check("11100000000013338W01111430000006122244L20230000403002"),
        Some('S')
    );
    assert_eq!(
        mod37_36_check("11100000000013338W00911330105002500287C2025052201002"),
        Some('0')
    );
    assert!(
        LicenseId::parse(
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0"
        )
        .is_ok()
    );
    // Lowercase is outside the alphabet.
    assert_eq!(mod37_36_check("a"), None);
}
