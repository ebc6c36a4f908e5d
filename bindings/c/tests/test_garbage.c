/*
 * Garbage for every function of the eseal C ABI that reads a format: random bytes, and real
 * files (seals, certificates, key files, OFD packages, signatures) with bytes flipped, cut or
 * inserted. Every call must come back (no crash; valgrind and ASan watch the memory), with a
 * result code of the core's or the boundary's set, never ESEAL_PANIC or ESEAL_INTERNAL, and a
 * failed call must leave its output empty. The generator is seeded, so a failure repeats.
 *
 * Usage: test_garbage VECTORS_DIR [WORK_DIR] (the ofdrw vectors; with WORK_DIR also PDFs,
 * licenses, timestamps and limits from the files of eseal demo in WORK_DIR/demo).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal.h"
#include "test_util.h"

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1du;
}

/* A result a garbage input may give: success, a core code, or a boundary code other than a
 * caught panic. */
#define CHECK_SANE(rc)                                                                        \
  CHECK((rc) == ESEAL_OK || ((rc) >= ESEAL_MALFORMED && (rc) < ESEAL_INTERNAL) ||           \
        (rc) == ESEAL_INVALID_UTF8)

/* `len` bytes: random, or `base` (of `base_len`) with a few bytes flipped, cut short or with
 * bytes inserted. Returns a malloc'd buffer. */
static uint8_t *garbage(const uint8_t *base, size_t base_len, size_t *len) {
  if (base == NULL || next() % 8 == 0) {
    *len = next() % 300;
    uint8_t *out = malloc(*len + 1);
    for (size_t i = 0; i < *len; i++) {
      out[i] = (uint8_t)next();
    }
    /* Start like a DER SEQUENCE, a ZIP or PEM now and then, to get past the first check. */
    if (*len > 4) {
      switch (next() % 4) {
      case 0:
        out[0] = 0x30;
        break;
      case 1:
        memcpy(out, "PK\x03\x04", 4);
        break;
      case 2:
        memcpy(out, "-----", 5 < *len ? 5 : *len);
        break;
      default:
        break;
      }
    }
    return out;
  }
  uint8_t *out = malloc(base_len + 64);
  memcpy(out, base, base_len);
  *len = base_len;
  switch (next() % 3) {
  case 0: /* flip 1 to 4 bytes */
    for (int n = 1 + (int)(next() % 4); n > 0 && base_len > 0; n--) {
      out[next() % base_len] ^= (uint8_t)(1 + next() % 255);
    }
    break;
  case 1: /* cut */
    *len = base_len > 0 ? (size_t)(next() % base_len) : 0;
    break;
  default: { /* insert up to 64 bytes somewhere */
    size_t at = base_len > 0 ? (size_t)(next() % base_len) : 0, n = 1 + next() % 64;
    memmove(out + at + n, out + at, base_len - at);
    for (size_t i = 0; i < n; i++) {
      out[at + i] = (uint8_t)next();
    }
    *len = base_len + n;
    break;
  }
  }
  return out;
}

struct file {
  uint8_t *data;
  size_t len;
};

static struct file load(const char *dir, const char *name) {
  struct file f;
  f.data = read_file(dir, name, &f.len);
  return f;
}

static void garbage_keys_and_certificates(const struct file *key, const struct file *p12,
                                          const struct file *cert) {
  for (int i = 0; i < 60; i++) {
    const struct file *base = i % 3 == 0 ? key : i % 3 == 1 ? p12 : cert;
    size_t len = 0;
    uint8_t *data = garbage(base->data, base->len, &len);
    eseal_key *k = (eseal_key *)&k;
    eseal_result rc = eseal_key_load(data, len, (const uint8_t *)"777777", 6, &k);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (k != NULL));
    eseal_key_free(k);
    rc = eseal_key_load(data, len, NULL, 0, &k);
    CHECK_SANE(rc);
    eseal_key_free(k);
    eseal_certificate *c = (eseal_certificate *)&c;
    rc = eseal_certificate_load(data, len, &c);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (c != NULL));
    eseal_certificate_free(c);
    eseal_trust_store *store = NULL;
    CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
    CHECK_SANE(eseal_trust_store_add_anchors(store, data, len));
    CHECK_SANE(eseal_trust_store_add_intermediates(store, data, len));
    CHECK_SANE(eseal_trust_store_add_crls(store, data, len));
    eseal_trust_store_free(store);
    free(data);
  }
}

static void garbage_seals_and_documents(const struct file *seal_file, const struct file *ofd,
                                        const struct file *signed_ofd,
                                        const struct file *signature, const eseal_key *key,
                                        const eseal_certificate *cert) {
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_load(seal_file->data, seal_file->len, &seal), ESEAL_OK);
  for (int i = 0; i < 60; i++) {
    const struct file *base = i % 4 == 0   ? seal_file
                              : i % 4 == 1 ? ofd
                              : i % 4 == 2 ? signed_ofd
                                           : signature;
    size_t len = 0;
    uint8_t *data = garbage(base->data, base->len, &len);
    eseal_seal *s = (eseal_seal *)&s;
    eseal_result rc = eseal_seal_load(data, len, &s);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (s != NULL));
    if (s != NULL) { /* a seal that reads gives its fields */
      eseal_bytes der = {NULL, 0}, picture = {NULL, 0};
      const char *a = NULL, *b = NULL;
      int64_t w = 0, h = 0;
      CHECK_RC(eseal_seal_der(s, &der), ESEAL_OK);
      CHECK_RC(eseal_seal_identity(s, &a, &b), ESEAL_OK);
      CHECK_RC(eseal_seal_picture(s, &picture, &a, &w, &h), ESEAL_OK);
      eseal_certificate *maker = NULL;
      CHECK_SANE(eseal_seal_maker_certificate(s, &maker));
      eseal_certificate_free(maker);
      size_t signers = 0;
      bool by_digest = false, listed = false;
      CHECK_RC(eseal_seal_signer_count(s, &signers, &by_digest), ESEAL_OK);
      for (size_t n = 0; n < signers && n < 4; n++) {
        eseal_certificate *signer = NULL;
        CHECK_SANE(eseal_seal_signer_certificate(s, n, &signer));
        eseal_certificate_free(signer);
      }
      CHECK_SANE(eseal_seal_lists_signer(s, cert, &listed));
      eseal_bytes_free(&picture);
      eseal_bytes_free(&der);
      eseal_seal_free(s);
    }
    eseal_report *report = (eseal_report *)&report;
    rc = eseal_verify_with(data, len, NULL, NULL, 1656633600u, data, len / 2, &cert, 1, &report);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (report != NULL));
    if (report != NULL) {
      char *json = NULL;
      size_t json_len = 0;
      CHECK_RC(eseal_report_json(report, &json, &json_len), ESEAL_OK);
      eseal_string_free(json);
      eseal_report_free(report);
    }
    if (base == ofd || base == signed_ofd) {
      eseal_bytes out = {(uint8_t *)&out, 1};
      rc = eseal_ofd_stamp(data, len, seal, key, cert, 1656633600u, 0, 10.0, 10.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out);
      CHECK_SANE(rc);
      CHECK((rc == ESEAL_OK) == (out.ptr != NULL));
      eseal_bytes_free(&out);
    }
    free(data);
  }
  eseal_seal_free(seal);
}

static void garbage_crypto(const eseal_key *key, const eseal_certificate *cert) {
  eseal_bytes pub = {NULL, 0}, ct = {NULL, 0}, sig = {NULL, 0};
  const uint8_t msg[] = "garbage test message";
  CHECK_RC(eseal_certificate_public_key(cert, &pub), ESEAL_OK);
  CHECK_RC(eseal_sm2_encrypt(pub.ptr, pub.len, ESEAL_SM2_ASN1, msg, sizeof msg, &ct), ESEAL_OK);
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, msg, sizeof msg, &sig), ESEAL_OK);
  for (int i = 0; i < 150; i++) {
    size_t len = 0;
    const eseal_bytes *base = i % 3 == 0 ? &pub : i % 3 == 1 ? &ct : &sig;
    uint8_t *data = garbage(base->ptr, base->len, &len);
    eseal_bytes out = {NULL, 0};
    /* As a public key, a signature, a ciphertext of each layout, an SM4 input. */
    CHECK_SANE(eseal_sm2_verify(data, len, NULL, 0, msg, sizeof msg, sig.ptr, sig.len));
    CHECK_SANE(eseal_sm2_verify(pub.ptr, pub.len, NULL, 0, msg, sizeof msg, data, len));
    CHECK_SANE(eseal_sm2_encrypt(data, len, ESEAL_SM2_C1C3C2, msg, sizeof msg, &out));
    eseal_bytes_free(&out);
    for (uint32_t format = 0; format < 3; format++) {
      eseal_result rc = eseal_sm2_decrypt(key, format, data, len, &out);
      CHECK(rc == ESEAL_OK || rc == ESEAL_MALFORMED || rc == ESEAL_CRYPTO);
      CHECK((rc == ESEAL_OK) == (out.ptr != NULL));
      eseal_bytes_free(&out);
    }
    for (uint32_t mode = 0; mode < 3; mode++) {
      size_t key_len = len < 16 ? len : (size_t)(16 + i % 2), iv_len = mode == 2 ? 12 : 16;
      const uint8_t *iv = len >= iv_len ? data + len - iv_len : data;
      eseal_result rc = eseal_sm4_decrypt(mode, data, key_len, iv, len >= iv_len ? iv_len : len,
                                          NULL, 0, data, len, &out);
      CHECK_SANE(rc);
      eseal_bytes_free(&out);
    }
    /* As text: a policy file, an e-license identifier, a preset name. */
    eseal_policy *policy = (eseal_policy *)&policy;
    eseal_result rc = eseal_policy_from_json((const char *)data, len, &policy);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (policy != NULL));
    eseal_policy_free(policy);
    CHECK_SANE(eseal_license_id_validate((const char *)data, len));
    CHECK_SANE(eseal_policy_preset((const char *)data, len, &policy));
    eseal_policy_free(policy);
    free(data);
  }
  eseal_bytes_free(&sig);
  eseal_bytes_free(&ct);
  eseal_bytes_free(&pub);
}

static void garbage_prepared(const struct file *seal_file, const eseal_key *key,
                             const eseal_certificate *cert) {
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_load(seal_file->data, seal_file->len, &seal), ESEAL_OK);
  /* The ofdrw seal lists another signer: preparing is refused with a typed error. */
  eseal_prepared *prepared = (eseal_prepared *)&prepared;
  CHECK_RC(
      eseal_signature_prepare(seal, cert, (const uint8_t *)"x", 1, "p", 1, 1656633600u, &prepared),
      ESEAL_UNTRUSTED);
  CHECK(prepared == NULL);
  /* A seal of our own, with the ofdrw seal's picture, lists our signer. */
  eseal_bytes picture = {NULL, 0};
  const char *type = NULL;
  int64_t w = 0, h = 0;
  CHECK_RC(eseal_seal_picture(seal, &picture, &type, &w, &h), ESEAL_OK);
  eseal_seal_free(seal);
  seal = NULL;
  eseal_seal_builder *builder = NULL;
  CHECK_RC(eseal_seal_builder_new("1", 1, "seal", 4, 1, 1640995200u, 1640995200u, 1672531200u,
                                  picture.ptr, picture.len, 40, 40, &builder),
           ESEAL_OK);
  eseal_bytes_free(&picture);
  CHECK_RC(eseal_seal_builder_add_signer(builder, cert), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_build(builder, key, cert, &seal), ESEAL_OK);
  eseal_seal_builder_free(builder);
  CHECK_RC(
      eseal_signature_prepare(seal, cert, (const uint8_t *)"x", 1, "p", 1, 1656633600u, &prepared),
      ESEAL_OK);
  if (prepared != NULL) {
    for (int i = 0; i < 40; i++) {
      size_t len = 0;
      uint8_t *data = garbage(NULL, 0, &len);
      eseal_bytes out = {NULL, 0};
      CHECK_RC(eseal_prepared_finish_signature(prepared, data, len, &out),
               ESEAL_VERIFICATION_FAILED);
      free(data);
    }
  }
  eseal_prepared_free(prepared);
  eseal_seal_free(seal);
}

/* Mutated PDFs to the PDF signers, mutated license metadata and templates to the license
 * issuer, mutated signatures to the timestamper, mutated 2D-code texts and identifiers, and
 * mutated limits texts (from the files of eseal demo in WORK_DIR/demo). */
static void garbage_pdf_license_limits(const char *demo) {
  struct file pdf = load(demo, "document.pdf"), signed_pdf = load(demo, "signed.pdf"),
              meta = load(demo, "license.json"), code = load(demo, "license-code.txt"),
              sig = load(demo, "contract.txt.sig"), key_file = load(demo, "signer.key"),
              cert_file = load(demo, "signer.pem"), seal_file = load(demo, "seal-v4.esl"),
              tsa_key_file = load(demo, "tsa.key"), tsa_cert_file = load(demo, "tsa.pem");
  eseal_key *key = NULL, *tsa_key = NULL;
  eseal_certificate *cert = NULL, *tsa_cert = NULL;
  eseal_seal *seal = NULL;
  eseal_tsa *tsa = NULL;
  CHECK_RC(eseal_key_load(key_file.data, key_file.len, NULL, 0, &key), ESEAL_OK);
  CHECK_RC(eseal_key_load(tsa_key_file.data, tsa_key_file.len, NULL, 0, &tsa_key), ESEAL_OK);
  CHECK_RC(eseal_certificate_load(cert_file.data, cert_file.len, &cert), ESEAL_OK);
  CHECK_RC(eseal_certificate_load(tsa_cert_file.data, tsa_cert_file.len, &tsa_cert), ESEAL_OK);
  CHECK_RC(eseal_seal_load(seal_file.data, seal_file.len, &seal), ESEAL_OK);
  CHECK_RC(eseal_tsa_new_local(tsa_key, tsa_cert, 0, &tsa), ESEAL_OK);
  static const char limits[] =
      "{\"schema\": \"eseal.limits/1\", \"max_input_bytes\": 1000000, \"ofd\": {\"max_entries\": 50},"
      " \"pdf\": {\"max_objects\": 1000, \"max_signatures\": 4}}";
  eseal_policy *policy = NULL;
  CHECK_RC(eseal_policy_preset("default", 7, &policy), ESEAL_OK);
  for (int i = 0; i < 40; i++) {
    size_t len = 0;
    const struct file *base = i % 2 ? &pdf : &signed_pdf;
    uint8_t *data = garbage(base->data, base->len, &len);
    eseal_bytes out = {(uint8_t *)&out, 1};
    eseal_pdf_options o;
    memset(&o, 0, sizeof o);
    o.visible = i % 3 != 0;
    o.x_mm = 10;
    o.y_mm = 10;
    o.width_mm = o.height_mm = i % 3 == 2 ? 30 : 0;
    eseal_result rc = eseal_pdf_sign(data, len, i % 5 ? seal : NULL, key, cert, &o, &out);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (out.ptr != NULL));
    eseal_bytes_free(&out);
    eseal_pdf_prepared *p = (eseal_pdf_prepared *)&p;
    rc = eseal_pdf_prepare(data, len, seal, cert, NULL, &p);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (p != NULL));
    if (p != NULL) {
      /* A garbage value: refused. */
      CHECK_SANE(eseal_pdf_prepared_finish(p, data, len < 72 ? len : 72, &out));
      eseal_bytes_free(&out);
      eseal_pdf_prepared_free(p);
    }
    eseal_report *report = (eseal_report *)&report;
    rc = eseal_verify(data, len, NULL, policy, 0, &report);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (report != NULL));
    eseal_report_free(report);
    free(data);
  }
  for (int i = 0; i < 30; i++) {
    size_t len = 0;
    uint8_t *data = garbage(meta.data, meta.len, &len);
    eseal_bytes out = {(uint8_t *)&out, 1};
    char *text = (char *)&text;
    size_t text_len = 0;
    eseal_result rc = eseal_license_issue(ESEAL_LICENSE_OFD, data, len, NULL, 0, NULL, 0, seal, key,
                                          cert, NULL, &out, &text, &text_len);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (out.ptr != NULL && text != NULL));
    eseal_bytes_free(&out);
    eseal_string_free(text);
    /* The same bytes as a face template, a photo, a limits text. */
    rc = eseal_license_issue(ESEAL_LICENSE_PDF, meta.data, meta.len, data, len, data, len, seal,
                             key, cert, NULL, &out, NULL, NULL);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (out.ptr != NULL));
    eseal_bytes_free(&out);
    uint8_t *lim = garbage((const uint8_t *)limits, sizeof limits - 1, &len);
    CHECK_SANE(eseal_policy_set_limits(policy, (const char *)lim, len));
    free(lim);
    free(data);
  }
  for (int i = 0; i < 60; i++) {
    size_t len = 0;
    const struct file *base = i % 2 ? &code : &sig;
    uint8_t *data = garbage(base->data, base->len, &len);
    eseal_bytes out = {(uint8_t *)&out, 1};
    eseal_result rc = eseal_signature_add_timestamp(data, len, tsa, &out);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (out.ptr != NULL));
    eseal_bytes_free(&out);
    eseal_report *report = (eseal_report *)&report;
    rc = eseal_verify_with(data, len, NULL, NULL, 0, NULL, 0, (const eseal_certificate **)&cert, 1,
                           &report);
    CHECK_SANE(rc);
    CHECK((rc == ESEAL_OK) == (report != NULL));
    eseal_report_free(report);
    CHECK_SANE(eseal_license_id_validate((const char *)data, len));
    CHECK_SANE(eseal_license_code_validate((uint32_t)(i % 3), (const char *)data, len));
    rc = eseal_license_code_png((const char *)data, len, 1, &out);
    CHECK_SANE(rc);
    eseal_bytes_free(&out);
    free(data);
  }
  eseal_policy_free(policy);
  eseal_tsa_free(tsa);
  eseal_seal_free(seal);
  eseal_certificate_free(tsa_cert);
  eseal_certificate_free(cert);
  eseal_key_free(tsa_key);
  eseal_key_free(key);
  struct file *files[] = {&pdf, &signed_pdf, &meta, &code, &sig, &key_file, &cert_file,
                          &seal_file, &tsa_key_file, &tsa_cert_file};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    free(files[i]->data);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s VECTORS_DIR [WORK_DIR]\n", argv[0]);
    return 2;
  }
  const char *dir = argv[1];
  struct file key_file = load(dir, "sign_key.pem"), p12 = load(dir, "USER.p12"),
              cert_file = load(dir, "sign_cert.pem"), seal_file = load(dir, "UserV4.esl"),
              ofd = load(dir, "helloworld.ofd"), signed_ofd = load(dir, "v4signed.ofd"),
              signature = load(dir, "SignedValueV4.dat");
  eseal_key *key = NULL;
  eseal_certificate *cert = NULL;
  CHECK_RC(eseal_key_load(key_file.data, key_file.len, NULL, 0, &key), ESEAL_OK);
  CHECK_RC(eseal_certificate_load(cert_file.data, cert_file.len, &cert), ESEAL_OK);

  garbage_keys_and_certificates(&key_file, &p12, &cert_file);
  garbage_crypto(key, cert);
  garbage_prepared(&seal_file, key, cert);
  garbage_seals_and_documents(&seal_file, &ofd, &signed_ofd, &signature, key, cert);
  if (argc >= 3) {
    garbage_pdf_license_limits(demo_dir(argc, argv));
  }

  eseal_certificate_free(cert);
  eseal_key_free(key);
  struct file *files[] = {&key_file, &p12, &cert_file, &seal_file, &ofd, &signed_ofd, &signature};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    free(files[i]->data);
  }
  return finish("test_garbage");
}
