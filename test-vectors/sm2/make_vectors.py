#!/usr/bin/env python3
"""Regenerates the JSON files of this folder.

The positive values are the worked examples of GB/T 32918 (see `source` in each file); the
negative vectors are built here from them by hand, one broken rule each. The ASN.1 ciphertext is
encoded with asn1crypto, an implementation independent of eseal. Run from this folder:
`python3 make_vectors.py` (needs `pip install asn1crypto`).
"""
import json

from asn1crypto.core import Integer, OctetString, Sequence

N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
D = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
PX = "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
PY = "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
K = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21"
R = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
S = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
GX = "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
GY = "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0"
ANNEX = "GB/T 32918.2-2016 / GM/T 0003.5 Annex A (recommended curve); values as quoted in openssl test/sm2_internal_test.c"


def tlv(tag, body):
    assert len(body) < 128
    return bytes([tag, len(body)]) + body


def der_int(value_hex):
    b = bytes.fromhex(value_hex).lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return tlv(0x02, b)


def sig_der(r=R, s=S):
    return tlv(0x30, der_int(r) + der_int(s))


def write(name, doc):
    with open(name, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


write("sign_gbt32918.json", {
    "algorithm": "SM2 signature with SM3",
    "source": ANNEX,
    "notes": "d: private key; px, py: public key; id: distinguishing ID (hex; the GM/T 0009 default "
             "1234567812345678); msg: message (hex of \"message digest\"); z = SM3(ENTL||ID||a||b||xG||yG||px||py); "
             "e = SM3(z||msg); k: the annex's fixed nonce; r, s: the signature.",
    "tests": [{
        "tcId": 1,
        "comment": "GB/T 32918 recommended-curve signature example",
        "d": D, "px": PX, "py": PY,
        "id": b"1234567812345678".hex(),
        "msg": b"message digest".hex(),
        "z": "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3",
        "e": "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640",
        "k": K, "r": R, "s": S,
        "result": "valid",
    }],
})


class SM2Cipher(Sequence):
    _fields = [("x", Integer), ("y", Integer), ("hash", OctetString), ("ciphertext", OctetString)]


C1X = "04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73"
C1Y = "e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0"
C3 = "59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766"
C2 = "21886ca989ca9c7d58087307ca93092d651efa"
asn1 = SM2Cipher({"x": int(C1X, 16), "y": int(C1Y, 16), "hash": bytes.fromhex(C3),
                  "ciphertext": bytes.fromhex(C2)}).dump().hex()
write("encrypt_gbt32918.json", {
    "algorithm": "SM2 public-key encryption with SM3",
    "source": "GB/T 32918.4-2016 / GM/T 0003.5 Annex C (recommended curve), same key and k as the "
              "signature example; values as quoted in openssl test/sm2_internal_test.c. The asn1 "
              "field was created using asn1crypto 1.5.1 (make_vectors.py).",
    "notes": "d, px, py: recipient key; msg: plaintext (hex of \"encryption standard\"); k: ephemeral "
             "scalar; c1 = 04||x1||y1; c3 = SM3(x2||M||y2); c2 = M xor KDF(x2||y2, klen); asn1: the "
             "GM/T 0009 SM2Cipher DER of the same ciphertext (its YCoordinate needs a leading 00).",
    "tests": [{
        "tcId": 1,
        "comment": "GB/T 32918.4 recommended-curve encryption example",
        "d": D, "px": PX, "py": PY,
        "msg": b"encryption standard".hex(),
        "k": K,
        "c1": "04" + C1X + C1Y,
        "c3": C3,
        "c2": C2,
        "asn1": asn1,
        "result": "valid",
    }],
})

valid = sig_der()
n_hex = "%064x" % N
sig_tests = [
    ("valid DER of the GB/T 32918 example (both INTEGERs need a leading 00)", valid.hex(), "valid", "der"),
    ("raw r||s of the same signature (not DER; lenient parsing only)", R + S, "invalid", "raw"),
    ("r with a superfluous leading 00 (non-minimal INTEGER)",
     tlv(0x30, tlv(0x02, b"\0\0" + bytes.fromhex(R)) + der_int(S)).hex(), "invalid", "invalid"),
    ("s with a superfluous leading 00 before a byte < 0x80",
     tlv(0x30, der_int(R) + tlv(0x02, b"\0" + bytes.fromhex("0" * 2 + S[2:]))).hex(), "invalid", "invalid"),
    ("r without its 00 sign byte: a negative INTEGER",
     tlv(0x30, tlv(0x02, bytes.fromhex(R)) + der_int(S)).hex(), "invalid", "invalid"),
    ("one trailing 00 byte after the SEQUENCE", (valid + b"\0").hex(), "invalid", "invalid"),
    ("r = 0", tlv(0x30, tlv(0x02, b"\0") + der_int(S)).hex(), "invalid", "invalid"),
    ("s = n (the group order)", sig_der(R, n_hex).hex(), "invalid", "invalid"),
    ("r = 2^256 - 1 (above n)", sig_der("ff" * 32, S).hex(), "invalid", "invalid"),
    ("r of 33 value bytes", tlv(0x30, tlv(0x02, b"\x01" + bytes.fromhex(R)) + der_int(S)).hex(), "invalid", "invalid"),
    ("outer tag SET (0x31) instead of SEQUENCE", (b"\x31" + valid[1:]).hex(), "invalid", "invalid"),
    ("r as OCTET STRING instead of INTEGER",
     tlv(0x30, tlv(0x04, b"\0" + bytes.fromhex(R)) + der_int(S)).hex(), "invalid", "invalid"),
    ("truncated: last byte missing", valid[:-1].hex(), "invalid", "invalid"),
    ("truncated: only the SEQUENCE header", valid[:2].hex(), "invalid", "invalid"),
    ("empty input", "", "invalid", "invalid"),
    ("BER long-form length 81 46 for the SEQUENCE", (b"\x30\x81" + valid[1:]).hex(), "invalid", "invalid"),
    ("a third INTEGER inside the SEQUENCE", tlv(0x30, der_int(R) + der_int(S) + der_int("01")).hex(), "invalid", "invalid"),
    ("s missing", tlv(0x30, der_int(R)).hex(), "invalid", "invalid"),
    ("64 bytes of raw r||s with r = 0 (neither DER nor a valid raw signature)", "00" * 32 + S, "invalid", "invalid"),
]
write("signature_encoding.json", {
    "algorithm": "SM2 signature encoding (GM/T 0009 SM2Signature DER, raw r||s)",
    "source": "Created by hand from the r, s of " + ANNEX + " (make_vectors.py)",
    "notes": "sig: the encoded signature. result: what the strict DER parser must do. lenient: what "
             "from_der_or_raw must report (der, raw or invalid). Valid ones verify with the key and "
             "message of sign_gbt32918.json.",
    "tests": [{"tcId": i + 1, "comment": c, "sig": s, "result": res, "lenient": len_}
              for i, (c, s, res, len_) in enumerate(sig_tests)],
})

gy1 = "%064x" % (int(GY, 16) + 1)
key_tests = [
    ("private", "raw scalar 0", "00" * 32, "invalid", "InvalidPrivateKey"),
    ("private", "raw scalar n - 1 (SM2 needs d <= n - 2)", "%064x" % (N - 1), "invalid", "InvalidPrivateKey"),
    ("private", "raw scalar n", n_hex, "invalid", "InvalidPrivateKey"),
    ("private", "raw scalar 2^256 - 1", "ff" * 32, "invalid", "InvalidPrivateKey"),
    ("private", "raw scalar of 31 bytes", D[2:], "invalid", "InvalidLength"),
    ("private", "raw scalar of 33 bytes", "00" + D, "invalid", "InvalidLength"),
    ("private", "raw scalar n - 2, the largest valid key", "%064x" % (N - 2), "valid", ""),
    ("private", "raw scalar 1, the smallest valid key", "%064x" % 1, "valid", ""),
    ("private", "GB/T 32918 example key", D, "valid", ""),
    ("public", "GB/T 32918 example key, uncompressed", "04" + PX + PY, "valid", ""),
    ("public", "GB/T 32918 example key, compressed (py is odd)", "03" + PX, "valid", ""),
    ("public", "G with y + 1: not on the curve", "04" + GX + gy1, "invalid", "InvalidPublicKey"),
    ("public", "x = p: coordinate not below p", "04" + "%064x" % P + PY, "invalid", "InvalidPublicKey"),
    ("public", "the point at infinity (00)", "00", "invalid", "InvalidPublicKey"),
    ("public", "64 bytes X||Y without the 04 prefix", PX + PY, "invalid", "Malformed"),
    ("public", "04 prefix with 64 bytes of X only", "04" + PX + PX[:62], "invalid", "InvalidLength"),
    ("public", "hybrid encoding (06), not accepted", "06" + PX + PY, "invalid", "Malformed"),
    ("public", "empty", "", "invalid", "InvalidLength"),
]
write("keys.json", {
    "algorithm": "SM2 key validation",
    "source": "Created by hand from the GB/T 32918 example key and the curve parameters of "
              "GB/T 32918.5 (make_vectors.py)",
    "notes": "kind: private (raw 32-byte scalar, SecretKey::from_bytes) or public (SEC1 point, "
             "PublicKey::from_sec1_bytes); key: the input; error: the CryptoError variant expected "
             "for invalid ones.",
    "tests": [{"tcId": i + 1, "kind": k, "comment": c, "key": v, "result": r, "error": e}
              for i, (k, c, v, r, e) in enumerate(key_tests)],
})
