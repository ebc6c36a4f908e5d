//! PKCS#12 key stores (DER or BER), opened with a fixed password; iteration work is capped by the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eseal::pki::Pkcs12::from_der(data, "777777");
});
