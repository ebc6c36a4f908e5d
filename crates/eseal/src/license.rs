//! Electronic licenses (电子证照, GB/T 36901–36905): the license identifier (GB/T 36904) and
//! the holder and issuer codes it and the metadata carry.
//!
//! | item | what it is |
//! |---|---|
//! | [`LicenseId`], [`IdError`], [`IdPart`] | `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`, built and validated |
//! | [`Uscc`], [`CitizenId`], [`CodeError`] | unified social credit code (GB 32100) and citizen ID number (GB 11643) |
//! | [`mod37_36_check`] | the ISO/IEC 7064 MOD 37,36 check character of the identifier |
//! | [`Date`] | calendar dates as licenses carry them |
//!
//! What the standards' texts say could not all be checked; `docs/license.md` lists which rules
//! are inferred from deployed data (the type code split, the serial alphabet and length).

mod code;
mod identifier;

pub use code::{CitizenId, CodeError, CodeKind, Date, Uscc, mod37_36_check};
pub use identifier::{IdError, IdPart, LicenseId, MAX_LEN, MAX_SERIAL_LEN, PREFIX};
