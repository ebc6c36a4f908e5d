//! Sign a message with SM2 (SM3, default distinguishing ID) and verify it; print what another
//! implementation needs to check the same signature.
//!
//! `cargo run -p eseal --example sm2_sign_verify -- "message text"`

use eseal::crypto::{DistId, SecretKey, Signature};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let message = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "电子印章".to_owned());
    let key = SecretKey::generate()?;
    let signature = key.sign(message.as_bytes())?;
    key.public_key().verify(message.as_bytes(), &signature)?;

    // The DER form is what certificates, seals and CMS carry; r||s is what some SDKs expect.
    let der = signature.to_der();
    assert_eq!(Signature::from_der(&der)?, signature);
    println!("message:         {message}");
    println!("public key SPKI:\n{}", key.public_key().to_spki_pem());
    println!("signature (DER): {}", hex(&der));
    println!("signature (r|s): {}", hex(&signature.to_raw()));
    println!(
        "e = SM3(Z || M): {}",
        hex(&key
            .public_key()
            .digest(&DistId::default(), message.as_bytes()))
    );
    println!(
        "check with: openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 \
         -pkeyopt distid:1234567812345678 -in msg.txt -sigfile sig.der"
    );
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
