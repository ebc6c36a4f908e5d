//! Pictures for PDF rendering (seal pictures come from untrusted seals): PNG/JPEG decoding and
//! writing; an accepted picture must render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use eseal::pdf::render::{DocumentBuilder, DocumentMeta, PageSize, Rect};
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    if let Ok(image) = doc.add_image(data) {
        doc.add_page(PageSize::A4)
            .image(image, Rect::new(10.0, 10.0, 40.0, 40.0));
        assert!(doc.finish().is_ok(), "a decoded picture must render");
    }
});
