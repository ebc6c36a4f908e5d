/*
 * Tests of the library-owned buffers, keys, certificates and the SM2/SM4 functions of the
 * eseal C ABI, cross-checked with the openssl command line: signatures made here are verified
 * by `openssl pkeyutl` (with the SM2 ID) and the reverse, ciphertexts decrypt on the other
 * side, SM4 against `openssl enc` and the project's SM4 vectors.
 *
 * Usage: test_crypto VECTORS_DIR WORK_DIR. VECTORS_DIR holds the ofdrw vectors (sign_key.pem,
 * sign_cert.pem, USER.p12); WORK_DIR holds sm4-vectors.txt (written by scripts/c-abi.sh from
 * test-vectors/sm4*: one case a line, "MODE RC KEY IV AAD MSG CT", hex, "-" for empty) and
 * receives temporary files.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "eseal.h"
#include "test_util.h"

static char tmp[4096];

/* Runs a shell command (output discarded), giving its exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  char full[8300];
  snprintf(full, sizeof full, "%s >/dev/null 2>&1", cmd);
  int status = system(full);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *name, const uint8_t *data, size_t len) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len)) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fclose(f);
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
  if (strcmp(hex, "-") == 0) {
    return 0;
  }
  size_t n = strlen(hex) / 2;
  if (n > cap) {
    fprintf(stderr, "vector too long\n");
    exit(2);
  }
  for (size_t i = 0; i < n; i++) {
    unsigned int byte;
    sscanf(hex + 2 * i, "%2x", &byte);
    out[i] = (uint8_t)byte;
  }
  return n;
}

static eseal_key *load_key(const char *dir, const char *name, const char *password) {
  size_t len = 0;
  unsigned char *data = read_file(dir, name, &len);
  eseal_key *key = NULL;
  CHECK_RC(eseal_key_load(data, len, (const uint8_t *)password, password ? strlen(password) : 0,
                          &key),
           ESEAL_OK);
  free(data);
  return key;
}

static eseal_certificate *load_cert(const char *dir, const char *name) {
  size_t len = 0;
  unsigned char *data = read_file(dir, name, &len);
  eseal_certificate *cert = NULL;
  CHECK_RC(eseal_certificate_load(data, len, &cert), ESEAL_OK);
  free(data);
  return cert;
}

static void test_bytes(void) {
  eseal_bytes_free(NULL);
  eseal_bytes empty = {NULL, 0};
  eseal_bytes_free(&empty);
  CHECK(empty.ptr == NULL && empty.len == 0);
  /* An output is reset on failure, filled on success and reset by the free function. */
  eseal_bytes out = {(uint8_t *)&out, 99};
  uint8_t key[16] = {0};
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 15, key, 16, NULL, 0, key, 16, &out),
           ESEAL_MALFORMED);
  CHECK(out.ptr == NULL && out.len == 0);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, key, 16, NULL, 0, key, 16, &out), ESEAL_OK);
  CHECK(out.ptr != NULL && out.len == 32);
  eseal_bytes_free(&out);
  CHECK(out.ptr == NULL && out.len == 0);
  eseal_bytes_free(&out); /* twice is harmless: the first reset it */
}

static void test_keys(const char *dir) {
  eseal_key *key = load_key(dir, "sign_key.pem", NULL);
  eseal_certificate *cert = load_cert(dir, "sign_cert.pem");
  const char *name = NULL;
  CHECK_RC(eseal_key_format(key, &name), ESEAL_OK);
  CHECK(name != NULL && strcmp(name, "sec1-pem") == 0);
  size_t count = 9;
  CHECK_RC(eseal_key_certificate_count(key, &count), ESEAL_OK);
  CHECK(count == 0);
  eseal_certificate *none = (eseal_certificate *)&none;
  CHECK_RC(eseal_key_certificate(key, 0, &none), ESEAL_INDEX_OUT_OF_RANGE);
  CHECK(none == NULL);

  /* The key belongs to the certificate: same public key. */
  eseal_bytes from_key = {NULL, 0}, from_cert = {NULL, 0};
  CHECK_RC(eseal_key_public_key(key, &from_key), ESEAL_OK);
  CHECK_RC(eseal_certificate_public_key(cert, &from_cert), ESEAL_OK);
  CHECK(from_key.len > 65 && from_key.len == from_cert.len &&
        memcmp(from_key.ptr, from_cert.ptr, from_key.len) == 0);
  /* openssl reads the public key and agrees with the certificate's. */
  write_file("pub.der", from_key.ptr, from_key.len);
  CHECK(run("openssl pkey -pubin -inform DER -in %s/pub.der -out %s/pub.pem", tmp, tmp) == 0);
  CHECK(run("openssl x509 -in %s/sign_cert.pem -pubkey -noout | cmp -s - %s/pub.pem", dir, tmp) ==
        0);
  eseal_bytes_free(&from_key);
  eseal_bytes_free(&from_cert);

  /* Certificate fields, as openssl prints them. */
  const char *subject = NULL, *issuer = NULL, *serial = NULL;
  CHECK_RC(eseal_certificate_subject(cert, &subject), ESEAL_OK);
  CHECK_RC(eseal_certificate_issuer(cert, &issuer), ESEAL_OK);
  CHECK_RC(eseal_certificate_serial(cert, &serial), ESEAL_OK);
  CHECK(subject != NULL && strstr(subject, "CN=Test Certificate") != NULL);
  CHECK(issuer != NULL && strstr(issuer, "CN=OFD Reader and WriterROOT Certificate") != NULL);
  CHECK(serial != NULL && strcmp(serial, "017af20e3374") == 0);
  uint64_t not_before = 0, not_after = 0;
  CHECK_RC(eseal_certificate_validity(cert, &not_before, &not_after), ESEAL_OK);
  CHECK(not_before == 1627558654u); /* 2021-07-29T11:37:34Z */
  CHECK(not_after == 1627558654u + 730u * 86400u);
  eseal_bytes der = {NULL, 0};
  CHECK_RC(eseal_certificate_der(cert, &der), ESEAL_OK);
  write_file("cert.der", der.ptr, der.len);
  CHECK(run("openssl x509 -inform DER -in %s/cert.der -noout", tmp) == 0);
  /* The DER reloads into the same certificate. */
  eseal_certificate *again = NULL;
  CHECK_RC(eseal_certificate_load(der.ptr, der.len, &again), ESEAL_OK);
  const char *serial2 = NULL;
  CHECK_RC(eseal_certificate_serial(again, &serial2), ESEAL_OK);
  CHECK(serial2 != NULL && strcmp(serial2, serial) == 0);
  eseal_certificate_free(again);

  /* Certificate garbage and NULLs. */
  eseal_certificate *bad = (eseal_certificate *)&bad;
  CHECK_RC(eseal_certificate_load((const uint8_t *)"garbage", 7, &bad), ESEAL_MALFORMED);
  CHECK(bad == NULL);
  CHECK_RC(eseal_certificate_load(der.ptr, der.len / 2, &bad), ESEAL_MALFORMED);
  CHECK_RC(eseal_certificate_load(NULL, 0, &bad), ESEAL_MALFORMED);
  CHECK_RC(eseal_certificate_load(NULL, 5, &bad), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_load(der.ptr, der.len, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_subject(NULL, &subject), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_subject(cert, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_issuer(NULL, &issuer), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_serial(NULL, &serial), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_validity(NULL, &not_before, &not_after), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_validity(cert, NULL, &not_after), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_validity(cert, &not_before, NULL), ESEAL_NULL_POINTER);
  eseal_bytes scratch = {(uint8_t *)&scratch, 1};
  CHECK_RC(eseal_certificate_der(NULL, &scratch), ESEAL_NULL_POINTER);
  CHECK(scratch.ptr == NULL && scratch.len == 0); /* a failed call resets the output */
  CHECK_RC(eseal_certificate_der(cert, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_public_key(NULL, &scratch), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_certificate_public_key(cert, NULL), ESEAL_NULL_POINTER);
  eseal_certificate_free(NULL);

  /* PKCS#12 (legacy PBE from ofdrw): the password decides. */
  size_t p12_len = 0;
  unsigned char *p12 = read_file(dir, "USER.p12", &p12_len);
  eseal_key *p12_key = (eseal_key *)&p12_key;
  CHECK_RC(eseal_key_load(p12, p12_len, NULL, 0, &p12_key), ESEAL_PASSWORD_REQUIRED);
  CHECK(p12_key == NULL);
  CHECK_RC(eseal_key_load(p12, p12_len, (const uint8_t *)"777776", 6, &p12_key),
           ESEAL_WRONG_PASSWORD);
  CHECK(strstr(last_error(), "password") != NULL);
  CHECK_RC(eseal_key_load(p12, p12_len, (const uint8_t *)"", 0, &p12_key), ESEAL_WRONG_PASSWORD);
  CHECK_RC(eseal_key_load(p12, p12_len, (const uint8_t *)"777777", 6, &p12_key), ESEAL_OK);
  CHECK_RC(eseal_key_format(p12_key, &name), ESEAL_OK);
  CHECK(strcmp(name, "pkcs12") == 0);
  CHECK_RC(eseal_key_certificate_count(p12_key, &count), ESEAL_OK);
  CHECK(count >= 1);
  eseal_certificate *p12_cert = NULL;
  CHECK_RC(eseal_key_certificate(p12_key, 0, &p12_cert), ESEAL_OK);
  /* The first certificate is the key's own. */
  CHECK_RC(eseal_key_public_key(p12_key, &from_key), ESEAL_OK);
  CHECK_RC(eseal_certificate_public_key(p12_cert, &from_cert), ESEAL_OK);
  CHECK(from_key.len == from_cert.len && memcmp(from_key.ptr, from_cert.ptr, from_key.len) == 0);
  eseal_bytes_free(&from_key);
  eseal_bytes_free(&from_cert);
  eseal_certificate_free(p12_cert);
  eseal_key_free(p12_key);
  /* A truncated PKCS#12 file is refused, never a crash. */
  CHECK_RC(eseal_key_load(p12, p12_len / 2, (const uint8_t *)"777777", 6, &p12_key),
           ESEAL_MALFORMED);
  free(p12);

  /* Encrypted PKCS#8 written by openssl (PBES2, AES-256-CBC, HMAC-SHA256), PEM and DER. */
  CHECK(run("openssl pkcs8 -topk8 -in %s/sign_key.pem -passout pass:s3cret -out %s/enc.pem", dir,
            tmp) == 0);
  CHECK(run("openssl pkcs8 -topk8 -in %s/sign_key.pem -passout pass:s3cret -outform DER "
            "-out %s/enc.der",
            dir, tmp) == 0);
  CHECK(run("openssl pkcs8 -topk8 -nocrypt -in %s/sign_key.pem -outform DER -out %s/plain.der",
            dir, tmp) == 0);
  const char *files[] = {"enc.pem", "enc.der"};
  const char *formats[] = {"encrypted-pkcs8-pem", "encrypted-pkcs8-der"};
  for (int i = 0; i < 2; i++) {
    size_t len = 0;
    unsigned char *data = read_file(tmp, files[i], &len);
    eseal_key *k = NULL;
    CHECK_RC(eseal_key_load(data, len, NULL, 0, &k), ESEAL_PASSWORD_REQUIRED);
    CHECK_RC(eseal_key_load(data, len, (const uint8_t *)"s3cre", 5, &k), ESEAL_WRONG_PASSWORD);
    CHECK(k == NULL);
    CHECK_RC(eseal_key_load(data, len, (const uint8_t *)"s3cret", 6, &k), ESEAL_OK);
    CHECK_RC(eseal_key_format(k, &name), ESEAL_OK);
    CHECK(strcmp(name, formats[i]) == 0);
    CHECK_RC(eseal_key_public_key(k, &from_key), ESEAL_OK);
    CHECK_RC(eseal_certificate_public_key(cert, &from_cert), ESEAL_OK);
    CHECK(from_key.len == from_cert.len &&
          memcmp(from_key.ptr, from_cert.ptr, from_key.len) == 0);
    eseal_bytes_free(&from_key);
    eseal_bytes_free(&from_cert);
    eseal_key_free(k);
    free(data);
  }
  eseal_key *plain = load_key(tmp, "plain.der", NULL);
  CHECK_RC(eseal_key_format(plain, &name), ESEAL_OK);
  CHECK(strcmp(name, "pkcs8-der") == 0);
  eseal_key_free(plain);

  /* Key garbage and NULLs. */
  eseal_key *k = (eseal_key *)&k;
  CHECK_RC(eseal_key_load((const uint8_t *)"garbage", 7, NULL, 0, &k), ESEAL_MALFORMED);
  CHECK(k == NULL);
  CHECK_RC(eseal_key_load(NULL, 0, NULL, 0, &k), ESEAL_MALFORMED);
  size_t cert_len = 0;
  unsigned char *cert_pem = read_file(dir, "sign_cert.pem", &cert_len);
  CHECK_RC(eseal_key_load(cert_pem, cert_len, NULL, 0, &k), ESEAL_MALFORMED); /* not a key */
  CHECK(strstr(last_error(), "certificate") != NULL);
  free(cert_pem);
  CHECK_RC(eseal_key_load(NULL, 4, NULL, 0, &k), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_load((const uint8_t *)"x", 1, NULL, 3, &k), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_load((const uint8_t *)"x", 1, NULL, 0, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_format(NULL, &name), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_format(key, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_public_key(NULL, &from_key), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_public_key(key, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_certificate_count(NULL, &count), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_certificate_count(key, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_certificate(NULL, 0, &none), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_certificate(key, 0, NULL), ESEAL_NULL_POINTER);
  eseal_key_free(NULL);

  eseal_bytes_free(&der);
  eseal_certificate_free(cert);
  eseal_key_free(key);
}

/* A stand-in for a USB key: it signs the message it is given with a key handle it holds (the
 * default ID, as such devices do), counts its calls, and can be told to refuse or to return
 * garbage or an impossible length. */
struct device {
  const eseal_key *key;
  int calls;
  int mode; /* 0 sign the message, 1 refuse, 2 return garbage, 3 overflow the length */
};

static int device_sign(void *user_data, const uint8_t *message, size_t message_len,
                       const uint8_t *digest, uint8_t *signature, size_t capacity,
                       size_t *signature_len) {
  struct device *d = user_data;
  d->calls++;
  (void)digest;
  if (d->mode == 1) {
    return 7;
  }
  if (d->mode == 2) {
    memset(signature, 0x30, 8);
    *signature_len = 8;
    return 0;
  }
  if (d->mode == 3) {
    *signature_len = capacity + 1;
    return 0;
  }
  eseal_bytes sig = {NULL, 0};
  if (eseal_sm2_sign(d->key, NULL, 0, message, message_len, &sig) != ESEAL_OK ||
      sig.len > capacity) {
    eseal_bytes_free(&sig);
    return 1;
  }
  memcpy(signature, sig.ptr, sig.len);
  *signature_len = sig.len;
  eseal_bytes_free(&sig);
  return 0;
}

static void test_sm2(const char *dir) {
  eseal_key *key = load_key(dir, "sign_key.pem", NULL);
  eseal_certificate *cert = load_cert(dir, "sign_cert.pem");
  eseal_bytes pub = {NULL, 0};
  CHECK_RC(eseal_certificate_public_key(cert, &pub), ESEAL_OK);
  const uint8_t msg[] = "message to sign, signed in C";
  size_t msg_len = sizeof msg - 1;
  write_file("msg.bin", msg, msg_len);

  /* Sign here with the default ID; openssl verifies with distid 1234567812345678, not with
   * another ID; eseal verifies both ways round. */
  eseal_bytes sig = {NULL, 0};
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, msg, msg_len, &sig), ESEAL_OK);
  CHECK(sig.len >= 8 && sig.len <= 72 && sig.ptr[0] == 0x30);
  write_file("sig.der", sig.ptr, sig.len);
  const char *verify = "openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey %s/pub.pem "
                       "-in %s/msg.bin -sigfile %s/sig.der -pkeyopt distid:%s";
  CHECK(run(verify, tmp, tmp, tmp, "1234567812345678") == 0);
  CHECK(run(verify, tmp, tmp, tmp, "someone-else") != 0);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, sig.ptr, sig.len), ESEAL_OK);
  const uint8_t default_id[] = "1234567812345678";
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, default_id, 16, msg, msg_len, sig.ptr, sig.len),
           ESEAL_OK);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, default_id, 15, msg, msg_len, sig.ptr, sig.len),
           ESEAL_VERIFICATION_FAILED);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len - 1, sig.ptr, sig.len),
           ESEAL_VERIFICATION_FAILED);
  eseal_bytes_free(&sig);

  /* A custom ID and the empty ID (non-NULL, length 0), checked by openssl. */
  const uint8_t alice[] = "alice@example.cn";
  CHECK_RC(eseal_sm2_sign(key, alice, sizeof alice - 1, msg, msg_len, &sig), ESEAL_OK);
  write_file("sig.der", sig.ptr, sig.len);
  CHECK(run(verify, tmp, tmp, tmp, "alice@example.cn") == 0);
  CHECK(run(verify, tmp, tmp, tmp, "1234567812345678") != 0);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, alice, sizeof alice - 1, msg, msg_len, sig.ptr,
                            sig.len),
           ESEAL_OK);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, sig.ptr, sig.len),
           ESEAL_VERIFICATION_FAILED);
  eseal_bytes_free(&sig);
  CHECK_RC(eseal_sm2_sign(key, alice, 0, msg, msg_len, &sig), ESEAL_OK);
  write_file("sig.der", sig.ptr, sig.len);
  CHECK(run("openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey %s/pub.pem -in %s/msg.bin "
            "-sigfile %s/sig.der",
            tmp, tmp, tmp) == 0); /* OpenSSL 3's default is the empty ID */
  eseal_bytes_free(&sig);

  /* openssl signs, eseal verifies (with the certificate's key as DER and as a SEC1 point). */
  CHECK(run("openssl pkeyutl -sign -rawin -digest sm3 -inkey %s/sign_key.pem -in %s/msg.bin "
            "-out %s/ossl.sig -pkeyopt distid:1234567812345678",
            dir, tmp, tmp) == 0);
  size_t ossl_len = 0;
  unsigned char *ossl = read_file(tmp, "ossl.sig", &ossl_len);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, ossl, ossl_len), ESEAL_OK);
  CHECK(pub.len > 65);
  const uint8_t *point = pub.ptr + pub.len - 65; /* the BIT STRING's content: 04 || x || y */
  CHECK(point[0] == 0x04);
  CHECK_RC(eseal_sm2_verify(point, 65, NULL, 0, msg, msg_len, ossl, ossl_len), ESEAL_OK);
  CHECK_RC(eseal_sm2_verify(point, 65, alice, sizeof alice - 1, msg, msg_len, ossl, ossl_len),
           ESEAL_VERIFICATION_FAILED);
  /* Garbage signatures and keys. */
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, ossl, ossl_len - 1),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, (const uint8_t *)"xx", 2),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_verify(point, 64, NULL, 0, msg, msg_len, ossl, ossl_len), ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_verify((const uint8_t *)"\x30\x03\x02\x01\x01", 5, NULL, 0, msg, msg_len,
                            ossl, ossl_len),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_verify(NULL, 0, NULL, 0, msg, msg_len, ossl, ossl_len), ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_verify(NULL, 65, NULL, 0, msg, msg_len, ossl, ossl_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_verify(point, 65, NULL, 3, msg, msg_len, ossl, ossl_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_verify(point, 65, NULL, 0, NULL, 3, ossl, ossl_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_verify(point, 65, NULL, 0, msg, msg_len, NULL, 3), ESEAL_NULL_POINTER);
  free(ossl);
  CHECK_RC(eseal_sm2_sign(NULL, NULL, 0, msg, msg_len, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, msg, msg_len, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, NULL, 1, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_sign(key, NULL, 1, msg, msg_len, &sig), ESEAL_NULL_POINTER);
  static uint8_t long_id[8192];
  CHECK_RC(eseal_sm2_sign(key, long_id, sizeof long_id, msg, msg_len, &sig),
           ESEAL_INVALID_ARGUMENT);
  CHECK(sig.ptr == NULL);

  /* Encryption, the DER layout both ways with openssl, the raw layouts round trip. */
  eseal_bytes ct = {NULL, 0}, pt = {NULL, 0};
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, ESEAL_SM2_ASN1, msg, msg_len, &ct), ESEAL_OK);
  write_file("ct.der", ct.ptr, ct.len);
  CHECK(run("openssl pkeyutl -decrypt -inkey %s/sign_key.pem -in %s/ct.der -out %s/pt.bin", dir,
            tmp, tmp) == 0);
  size_t back_len = 0;
  unsigned char *back = read_file(tmp, "pt.bin", &back_len);
  CHECK(back_len == msg_len && memcmp(back, msg, msg_len) == 0);
  free(back);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, ct.ptr, ct.len, &pt), ESEAL_OK);
  CHECK(pt.len == msg_len && memcmp(pt.ptr, msg, msg_len) == 0);
  eseal_bytes_free(&pt);
  /* The wrong layout, an altered ciphertext, garbage. */
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_C1C3C2, ct.ptr, ct.len, &pt), ESEAL_MALFORMED);
  ct.ptr[ct.len - 1] ^= 1;
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, ct.ptr, ct.len, &pt), ESEAL_CRYPTO);
  CHECK(pt.ptr == NULL);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, ct.ptr, ct.len / 2, &pt), ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, (const uint8_t *)"junk", 4, &pt),
           ESEAL_MALFORMED);
  eseal_bytes_free(&ct);
  CHECK(run("openssl pkeyutl -encrypt -pubin -inkey %s/pub.pem -in %s/msg.bin -out %s/ct2.der",
            tmp, tmp, tmp) == 0);
  size_t ct2_len = 0;
  unsigned char *ct2 = read_file(tmp, "ct2.der", &ct2_len);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, ct2, ct2_len, &pt), ESEAL_OK);
  CHECK(pt.len == msg_len && memcmp(pt.ptr, msg, msg_len) == 0);
  eseal_bytes_free(&pt);
  free(ct2);
  for (uint32_t format = ESEAL_SM2_C1C3C2; format <= ESEAL_SM2_C1C2C3; format++) {
    CHECK_RC(eseal_sm2_encrypt(point, 65, format, msg, msg_len, &ct), ESEAL_OK);
    CHECK(ct.len == 65 + 32 + msg_len);
    CHECK_RC(eseal_sm2_decrypt(key, format, ct.ptr, ct.len, &pt), ESEAL_OK);
    CHECK(pt.len == msg_len && memcmp(pt.ptr, msg, msg_len) == 0);
    eseal_bytes_free(&pt);
    eseal_bytes_free(&ct);
  }
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, 3, msg, msg_len, &ct), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, ESEAL_SM2_ASN1, msg, 0, &ct),
           ESEAL_INVALID_ARGUMENT); /* SM2 cannot encrypt nothing */
  CHECK_RC(eseal_sm2_encrypt((const uint8_t *)"junk", 4, ESEAL_SM2_ASN1, msg, msg_len, &ct),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_sm2_encrypt(NULL, 1, ESEAL_SM2_ASN1, msg, msg_len, &ct), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, ESEAL_SM2_ASN1, NULL, 1, &ct), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, ESEAL_SM2_ASN1, msg, msg_len, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_decrypt(key, 7, msg, msg_len, &pt), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_sm2_decrypt(NULL, ESEAL_SM2_ASN1, msg, msg_len, &pt), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, NULL, 1, &pt), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm2_decrypt(key, ESEAL_SM2_ASN1, msg, msg_len, NULL), ESEAL_NULL_POINTER);

  /* An external key: its signatures come from the callback and are checked. */
  struct device device = {key, 0, 0};
  eseal_key *external = NULL;
  CHECK_RC(eseal_key_from_callback(cert, device_sign, &device, &external), ESEAL_OK);
  const char *name = NULL;
  CHECK_RC(eseal_key_format(external, &name), ESEAL_OK);
  CHECK(strcmp(name, "external") == 0);
  size_t count = 0;
  CHECK_RC(eseal_key_certificate_count(external, &count), ESEAL_OK);
  CHECK(count == 1);
  CHECK_RC(eseal_sm2_sign(external, NULL, 0, msg, msg_len, &sig), ESEAL_OK);
  CHECK(device.calls == 1);
  CHECK_RC(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, msg_len, sig.ptr, sig.len), ESEAL_OK);
  eseal_bytes_free(&sig);
  device.mode = 1;
  CHECK_RC(eseal_sm2_sign(external, NULL, 0, msg, msg_len, &sig), ESEAL_CRYPTO);
  CHECK(strstr(last_error(), "refused") != NULL);
  device.mode = 2;
  CHECK_RC(eseal_sm2_sign(external, NULL, 0, msg, msg_len, &sig), ESEAL_CRYPTO);
  device.mode = 3;
  CHECK_RC(eseal_sm2_sign(external, NULL, 0, msg, msg_len, &sig), ESEAL_CRYPTO);
  CHECK(sig.ptr == NULL);
  /* The device signs with the default ID only: another ID's digest does not match. */
  device.mode = 0;
  CHECK_RC(eseal_sm2_sign(external, alice, sizeof alice - 1, msg, msg_len, &sig), ESEAL_CRYPTO);
  CHECK(strstr(last_error(), "does not verify") != NULL);
  CHECK_RC(eseal_sm2_decrypt(external, ESEAL_SM2_ASN1, msg, msg_len, &pt), ESEAL_UNSUPPORTED);
  CHECK_RC(eseal_key_public_key(external, &sig), ESEAL_OK);
  CHECK(sig.len == pub.len && memcmp(sig.ptr, pub.ptr, pub.len) == 0);
  eseal_bytes_free(&sig);
  eseal_key_free(external);
  CHECK_RC(eseal_key_from_callback(NULL, device_sign, &device, &external), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_key_from_callback(cert, NULL, &device, &external), ESEAL_NULL_POINTER);
  CHECK(external == NULL);
  CHECK_RC(eseal_key_from_callback(cert, device_sign, &device, NULL), ESEAL_NULL_POINTER);

  eseal_bytes_free(&pub);
  eseal_certificate_free(cert);
  eseal_key_free(key);
}

static void test_sm4_vectors(const char *work) {
  size_t len = 0;
  unsigned char *text = read_file(work, "sm4-vectors.txt", &len);
  char *save = NULL;
  int cases = 0;
  for (char *line = strtok_r((char *)text, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    char mode_name[8], key_hex[80], iv_hex[80], aad_hex[2100], msg_hex[2100], ct_hex[2200];
    int want = 0;
    if (sscanf(line, "%7s %d %79s %79s %2099s %2099s %2199s", mode_name, &want, key_hex, iv_hex,
               aad_hex, msg_hex, ct_hex) != 7) {
      fprintf(stderr, "bad vector line: %s\n", line);
      exit(2);
    }
    uint32_t mode = strcmp(mode_name, "cbc") == 0   ? ESEAL_SM4_CBC
                    : strcmp(mode_name, "ctr") == 0 ? ESEAL_SM4_CTR
                                                    : ESEAL_SM4_GCM;
    uint8_t key[40], iv[40], aad[1050], msg[1050], ct[1100];
    size_t key_len = unhex(key_hex, key, sizeof key), iv_len = unhex(iv_hex, iv, sizeof iv);
    size_t aad_len = unhex(aad_hex, aad, sizeof aad), msg_len = unhex(msg_hex, msg, sizeof msg);
    size_t ct_len = unhex(ct_hex, ct, sizeof ct);
    eseal_bytes out = {NULL, 0};
    cases++;
    if (want == 0) {
      CHECK_RC(eseal_sm4_encrypt(mode, key, key_len, iv, iv_len, aad, aad_len, msg, msg_len, &out),
               ESEAL_OK);
      CHECK(out.len == ct_len && (ct_len == 0 || memcmp(out.ptr, ct, ct_len) == 0));
      eseal_bytes_free(&out);
      CHECK_RC(eseal_sm4_decrypt(mode, key, key_len, iv, iv_len, aad, aad_len, ct, ct_len, &out),
               ESEAL_OK);
      CHECK(out.len == msg_len && (msg_len == 0 || memcmp(out.ptr, msg, msg_len) == 0));
      eseal_bytes_free(&out);
    } else {
      CHECK_RC(eseal_sm4_decrypt(mode, key, key_len, iv, iv_len, aad, aad_len, ct, ct_len, &out),
               (eseal_result)want);
      CHECK(out.ptr == NULL && out.len == 0);
    }
  }
  CHECK(cases >= 40);
  free(text);
}

static void test_sm4_openssl(void) {
  /* Random-looking data of awkward lengths, through openssl enc both ways. */
  const char *key_hex = "000102030405060708090a0b0c0d0e0f";
  const char *iv_hex = "f0e0d0c0b0a090807060504030201000";
  uint8_t key[16], iv[16];
  unhex(key_hex, key, sizeof key);
  unhex(iv_hex, iv, sizeof iv);
  static uint8_t data[1000];
  for (size_t i = 0; i < sizeof data; i++) {
    data[i] = (uint8_t)(i * 37 + 11);
  }
  const char *modes[] = {"cbc", "ctr"};
  size_t lengths[] = {1, 15, 16, 17, 1000};
  for (int m = 0; m < 2; m++) {
    for (int l = 0; l < 5; l++) {
      size_t n = lengths[l];
      write_file("sm4.in", data, n);
      CHECK(run("openssl enc -sm4-%s -K %s -iv %s -in %s/sm4.in -out %s/sm4.out", modes[m],
                key_hex, iv_hex, tmp, tmp) == 0);
      size_t theirs_len = 0;
      unsigned char *theirs = read_file(tmp, "sm4.out", &theirs_len);
      eseal_bytes ours = {NULL, 0};
      CHECK_RC(eseal_sm4_encrypt((uint32_t)m, key, 16, iv, 16, NULL, 0, data, n, &ours), ESEAL_OK);
      CHECK(ours.len == theirs_len && memcmp(ours.ptr, theirs, theirs_len) == 0);
      eseal_bytes back = {NULL, 0};
      CHECK_RC(eseal_sm4_decrypt((uint32_t)m, key, 16, iv, 16, NULL, 0, theirs, theirs_len, &back),
               ESEAL_OK);
      CHECK(back.len == n && memcmp(back.ptr, data, n) == 0);
      eseal_bytes_free(&back);
      eseal_bytes_free(&ours);
      free(theirs);
    }
  }
  /* GCM: a tampered tag or wrong AAD releases nothing. */
  uint8_t nonce[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  eseal_bytes sealed = {NULL, 0}, opened = {NULL, 0};
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_GCM, key, 16, nonce, 12, (const uint8_t *)"hdr", 3, data,
                             100, &sealed),
           ESEAL_OK);
  CHECK(sealed.len == 116);
  CHECK_RC(eseal_sm4_decrypt(ESEAL_SM4_GCM, key, 16, nonce, 12, (const uint8_t *)"hdX", 3,
                             sealed.ptr, sealed.len, &opened),
           ESEAL_CRYPTO);
  CHECK(opened.ptr == NULL);
  CHECK_RC(eseal_sm4_decrypt(ESEAL_SM4_GCM, key, 16, nonce, 12, (const uint8_t *)"hdr", 3,
                             sealed.ptr, 15, &opened),
           ESEAL_MALFORMED); /* shorter than a tag */
  CHECK_RC(eseal_sm4_decrypt(ESEAL_SM4_GCM, key, 16, nonce, 11, (const uint8_t *)"hdr", 3,
                             sealed.ptr, sealed.len, &opened),
           ESEAL_MALFORMED);
  eseal_bytes_free(&sealed);
  /* Arguments: an unknown mode, AAD outside GCM, NULLs. */
  eseal_bytes out = {NULL, 0};
  CHECK_RC(eseal_sm4_encrypt(3, key, 16, iv, 16, NULL, 0, data, 16, &out), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, iv, 16, data, 1, data, 16, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, NULL, 16, iv, 16, NULL, 0, data, 16, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, NULL, 16, NULL, 0, data, 16, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_GCM, key, 16, nonce, 12, NULL, 5, data, 16, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, iv, 16, NULL, 0, NULL, 16, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, iv, 16, NULL, 0, data, 16, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_decrypt(ESEAL_SM4_CBC, key, 16, iv, 16, NULL, 0, data, 16, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm4_decrypt(9, key, 16, iv, 16, NULL, 0, data, 16, &out), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_sm4_decrypt(ESEAL_SM4_CBC, key, 16, iv, 16, NULL, 0, data, 17, &out),
           ESEAL_MALFORMED);
  CHECK(out.ptr == NULL);
  /* Empty input: CBC pads to one block, CTR gives nothing. */
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CBC, key, 16, iv, 16, NULL, 0, NULL, 0, &out), ESEAL_OK);
  CHECK(out.len == 16);
  eseal_bytes_free(&out);
  CHECK_RC(eseal_sm4_encrypt(ESEAL_SM4_CTR, key, 16, iv, 16, NULL, 0, NULL, 0, &out), ESEAL_OK);
  CHECK(out.ptr == NULL && out.len == 0);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s VECTORS_DIR WORK_DIR\n", argv[0]);
    return 2;
  }
  snprintf(tmp, sizeof tmp, "%s/crypto.XXXXXX", argv[2]);
  if (mkdtemp(tmp) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_bytes();
  test_keys(argv[1]);
  test_sm2(argv[1]);
  test_sm4_vectors(argv[2]);
  test_sm4_openssl();
  run("rm -rf %s", tmp);
  return finish("test_crypto");
}
