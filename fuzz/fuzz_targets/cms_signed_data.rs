//! CMS SignedData (PKCS#7 and GM/T 0010 OIDs): parse, then verify over fixed content in both modes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::pki::cms::{Content, SignedData, VerifyOptions};
    let Ok(signed) = SignedData::from_der(data) else { return };
    for options in [VerifyOptions::strict(), VerifyOptions::lenient()] {
        let _ = signed.verify(Content::Bytes(b"fuzz"), &options);
        let _ = signed.verify(Content::Attached, &options);
    }
});
