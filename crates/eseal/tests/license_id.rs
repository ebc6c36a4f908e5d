//! License identifiers (GB/T 36904): the two published examples, building, and every
//! single-character change of each example rejected for the right reason.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use eseal::license::{CodeError, IdError, IdPart, LicenseId, PREFIX};

/// Published identifiers (issue 11; public platform data quoted in the standards notes §8.2).
const EXAMPLES: [&str; 2] = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
];

#[test]
fn examples_validate_and_print_back() {
    for e in EXAMPLES {
        let id = LicenseId::parse(e).unwrap();
        assert_eq!(id.to_string(), e);
    }
    let id = LicenseId::parse(EXAMPLES[0]).unwrap();
    assert_eq!(id.type_code(), "11100000000013338W011");
    assert_eq!(id.defining_authority(), "11100000000013338W");
    assert_eq!(id.issuer().as_str(), "11430000006122244L");
    assert_eq!(id.serial(), "20230000403");
    assert_eq!(id.version(), "002");
    assert_eq!(id.check(), 'S');
}

#[test]
fn new_computes_the_published_check_characters() {
    let a = LicenseId::new(
        "11100000000013338W011",
        "11430000006122244L",
        "20230000403",
        "002",
    );
    assert_eq!(a.unwrap().to_string(), EXAMPLES[0]);
    let b = LicenseId::new(
        "11100000000013338W009",
        "11330105002500287C",
        "2025052201",
        "002",
    );
    assert_eq!(b.unwrap().to_string(), EXAMPLES[1]);
}

#[test]
fn new_rejects_bad_parts() {
    let e = LicenseId::new("11100000000013338W01", "11430000006122244L", "1", "002");
    assert!(matches!(
        e,
        Err(IdError::Length {
            part: IdPart::TypeCode,
            found: 20,
            ..
        })
    ));
    let e = LicenseId::new("11100000000013338W011", "11430000006122244L", "", "002");
    assert!(matches!(
        e,
        Err(IdError::Length {
            part: IdPart::Serial,
            found: 0,
            ..
        })
    ));
    let long = "1".repeat(65);
    let e = LicenseId::new("11100000000013338W011", "11430000006122244L", &long, "002");
    assert!(matches!(
        e,
        Err(IdError::Length {
            part: IdPart::Serial,
            found: 65,
            ..
        })
    ));
    let e = LicenseId::new("11100000000013338W011", "11430000006122244L", "1", "02");
    assert!(matches!(
        e,
        Err(IdError::Length {
            part: IdPart::Version,
            found: 2,
            ..
        })
    ));
}

#[test]
fn error_messages_say_what_was_expected() {
    let bad = EXAMPLES[0].replace(".S", ".0");
    assert_eq!(
        LicenseId::parse(&bad).unwrap_err().to_string(),
        "check character is 0, expected S"
    );
    let bad = EXAMPLES[0].replace("244L", "244X");
    assert_eq!(
        LicenseId::parse(&bad).unwrap_err().to_string(),
        "issuer code: unified social credit code: check character is X, expected L"
    );
    let too_long = format!("{}{}", EXAMPLES[0], "0".repeat(100));
    assert!(matches!(
        LicenseId::parse(&too_long),
        Err(IdError::TooLong { .. })
    ));
    assert!(matches!(LicenseId::parse(""), Err(IdError::Prefix)));
}

/// The characters tried at every position: the identifier alphabet, the dot, and characters
/// a typist or a hostile input might bring (lowercase, space, a non-ASCII letter).
fn replacements() -> Vec<char> {
    let mut v: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
    v.extend(['.', 'a', 's', 'x', ' ', '-', 'é', '证']);
    v
}

/// The part and 0-based position within it of byte offset `i` of an identifier.
fn locate(id: &str, i: usize) -> Option<(IdPart, usize)> {
    if i < PREFIX.len() {
        return None;
    }
    let parts = [
        IdPart::TypeCode,
        IdPart::IssuerCode,
        IdPart::Serial,
        IdPart::Version,
        IdPart::Check,
    ];
    let mut start = PREFIX.len();
    for (part, text) in parts.into_iter().zip(id[PREFIX.len()..].split('.')) {
        if i < start {
            return None;
        }
        if i < start + text.len() {
            return Some((part, i - start));
        }
        start += text.len() + 1;
    }
    None
}

fn is_alnum36(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase()
}

fn is_uscc_char(c: char) -> bool {
    is_alnum36(c) && !"IOSVZ".contains(c)
}

/// Every single-character substitution fails, and with the reason that fits where it is.
#[test]
fn every_single_character_change_fails_for_the_right_reason() {
    let mut tried = 0;
    for original in EXAMPLES {
        let orig_check = original.chars().last().unwrap();
        for (i, was) in original.char_indices() {
            for r in replacements() {
                if r == was {
                    continue;
                }
                let mut changed = String::from(&original[..i]);
                changed.push(r);
                changed.push_str(&original[i + was.len_utf8()..]);
                let err = LicenseId::parse(&changed).unwrap_err();
                tried += 1;
                let ctx = format!("position {i} {was:?} -> {r:?}: {changed}: {err:?}");
                match locate(original, i) {
                    // Prefix characters and its dots.
                    None if i < PREFIX.len() => assert_eq!(err, IdError::Prefix, "{ctx}"),
                    // A separating dot replaced: two parts merge.
                    None => assert_eq!(err, IdError::PartCount { found: 4 }, "{ctx}"),
                    // A dot inserted: one part splits.
                    Some(_) if r == '.' => {
                        assert_eq!(err, IdError::PartCount { found: 6 }, "{ctx}")
                    }
                    Some((part @ (IdPart::TypeCode | IdPart::IssuerCode), pos)) if pos < 18 => {
                        let IdError::Code { part: p, error } = &err else {
                            panic!("{ctx}")
                        };
                        assert_eq!(*p, part, "{ctx}");
                        if !is_uscc_char(r) {
                            assert!(
                                matches!(error, CodeError::Character { position, found, .. } if *position == pos + 1 && *found == r),
                                "{ctx}"
                            );
                        } else {
                            assert!(matches!(error, CodeError::CheckCharacter { .. }), "{ctx}");
                        }
                    }
                    Some((part, pos)) => {
                        let allowed = match part {
                            IdPart::TypeCode | IdPart::Version => r.is_ascii_digit(),
                            _ => is_alnum36(r),
                        };
                        if !allowed {
                            assert_eq!(
                                std::mem::discriminant(&err),
                                std::mem::discriminant(&IdError::Character {
                                    part,
                                    position: 0,
                                    found: ' ',
                                    expected: ""
                                }),
                                "{ctx}"
                            );
                            let IdError::Character {
                                part: p,
                                position,
                                found,
                                ..
                            } = err
                            else {
                                panic!("{ctx}")
                            };
                            assert_eq!((p, position, found), (part, pos + 1, r), "{ctx}");
                        } else if part == IdPart::Check {
                            assert_eq!(
                                err,
                                IdError::CheckCharacter {
                                    found: r,
                                    expected: was
                                },
                                "{ctx}"
                            );
                        } else {
                            // MOD 37,36 detects every single substitution.
                            let IdError::CheckCharacter { found, expected } = err else {
                                panic!("{ctx}")
                            };
                            assert_eq!(found, orig_check, "{ctx}");
                            assert_ne!(expected, orig_check, "{ctx}");
                        }
                    }
                }
            }
        }
    }
    // 72 + 71 characters, 44 replacements each, minus the unchanged ones.
    assert!(tried > 6000, "{tried}");
}

/// Deleting or duplicating any one character also fails.
#[test]
fn every_deletion_and_duplication_fails() {
    for original in EXAMPLES {
        for (i, c) in original.char_indices() {
            let deleted = format!("{}{}", &original[..i], &original[i + 1..]);
            assert!(LicenseId::parse(&deleted).is_err(), "{deleted}");
            let doubled = format!("{}{c}{}", &original[..i], &original[i..]);
            assert!(LicenseId::parse(&doubled).is_err(), "{doubled}");
        }
    }
}
