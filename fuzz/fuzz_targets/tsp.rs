//! RFC 3161 structures: TimeStampToken (verified over fixed data), TSTInfo, TimeStampResp, TimeStampReq.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::pki::tsp::{
        Imprint, TimestampRequest, TimestampResponse, TimestampToken, TimestampVerifyOptions, TstInfo,
    };
    if let Ok(token) = TimestampToken::from_der(data) {
        let _ = token.verify(Imprint::Data(b"fuzz"), &TimestampVerifyOptions::lenient());
    }
    let _ = TstInfo::from_der(data);
    let _ = TimestampResponse::from_der(data);
    let _ = TimestampRequest::from_der(data);
});
