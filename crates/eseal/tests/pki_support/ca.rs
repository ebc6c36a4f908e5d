//! Fixtures shared by the `pki_*` tests: a root → intermediate → leaf chain built with eseal.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use eseal::pki::{
    CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    SoftwareSigner, Time,
};

/// The operating system's RNG as a `rand_core::CryptoRng`.
pub fn rng() -> eseal::rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
}

pub fn key() -> SoftwareSigner {
    SoftwareSigner::generate(&mut rng()).unwrap()
}

/// 2024-01-01T00:00:00Z.
pub const T0: u64 = 1_704_067_200;
pub const YEAR: u64 = 365 * 24 * 3600;

pub fn t(offset_days: i64) -> Time {
    Time::from_unix_seconds(T0.checked_add_signed(offset_days * 86_400).unwrap())
}

pub fn dn(cn: &str) -> DistinguishedName {
    DistinguishedName::new()
        .country("CN")
        .organization("eseal 测试")
        .organizational_unit("PKI")
        .common_name(cn)
}

pub fn template(profile: CertificateProfile, cn: &str) -> CertificateTemplate {
    CertificateTemplate::new(profile, dn(cn), t(-1), t(3650))
}

pub struct Chain {
    pub root: CertificateAuthority<SoftwareSigner>,
    pub inter: CertificateAuthority<SoftwareSigner>,
    pub leaf: eseal::pki::Certificate,
    pub leaf_key: SoftwareSigner,
}

/// Root (pathLen 1) → intermediate (pathLen 0) → signer leaf, valid 2023-12-31 .. 2033-12-28.
pub fn chain() -> Chain {
    let mut r = rng();
    let root = CertificateAuthority::self_signed(
        key(),
        &template(
            CertificateProfile::Root { path_len: Some(1) },
            "eseal Test Root",
        ),
        &mut r,
    )
    .unwrap();
    let inter = root
        .issue_ca(
            key(),
            &template(
                CertificateProfile::Intermediate { path_len: Some(0) },
                "eseal Test CA",
            ),
            &mut r,
        )
        .unwrap();
    let leaf_key = key();
    let leaf = inter
        .issue(
            &template(CertificateProfile::Signer, "签章者 Zhang San"),
            &eseal::pki::Signer::public_key_spki(&leaf_key).unwrap(),
            &mut r,
        )
        .unwrap();
    Chain {
        root,
        inter,
        leaf,
        leaf_key,
    }
}

/// A local TSA whose certificate (profile `Tsa`, "eseal Test TSA") `ca` issues; policy
/// `1.2.3.4.5`.
pub fn tsa(ca: &CertificateAuthority<SoftwareSigner>) -> eseal::pki::tsp::LocalTsa<SoftwareSigner> {
    let tsa_key = key();
    let cert = ca
        .issue(
            &template(CertificateProfile::Tsa, "eseal Test TSA"),
            &eseal::pki::Signer::public_key_spki(&tsa_key).unwrap(),
            &mut rng(),
        )
        .unwrap();
    eseal::pki::tsp::LocalTsa::new(
        cert,
        tsa_key,
        der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4.5"),
    )
    .unwrap()
}
