//! `eseal`: make, stamp and verify Chinese electronic seals from the command line.
fn main() {}
