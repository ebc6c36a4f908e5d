/*
 * Tests of making and reading seals, signing data (in one step and prepare/finish), stamping
 * and signing OFD documents, and verifying the results with detached data, through the eseal
 * C ABI. The prepared digest is recomputed here from the SM2 curve constants and eseal_sm3
 * (GB/T 32918.2 Z value), independently of the library's own computation.
 *
 * Usage: test_seal VECTORS_DIR [WORK_DIR] (the ofdrw vectors: sign_key.pem, sign_cert.pem,
 * ROOT.p12, USER.p12, helloworld.ofd, VPage7.ofd, DigitalSign.ofd, UserV1/4/5.esl).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal.h"
#include "test_util.h"

/* A 2×2 PNG. */
static const uint8_t png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00, 0x72,
    0xb6, 0x0d, 0x24, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
    0xcf, 0xc0, 0xf0, 0x1f, 0x84, 0x19, 0x60, 0x0c, 0x00, 0x47, 0xca, 0x07, 0xf9, 0x67, 0x59,
    0x6e, 0xb7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* sign_cert.pem is valid 2021-07-29 .. 2023-07-29. */
#define CREATED 1640995200u  /* 2022-01-01 */
#define VALID_TO 1672531200u /* 2023-01-01 */
#define AT 1656633600u       /* 2022-07-01, signing and validation time */

static const char *ES_ID = "33010600000001";
static const char *NAME = "测试单位公章";

static eseal_key *key;
static eseal_certificate *cert;

static eseal_seal_builder *new_builder(void) {
  eseal_seal_builder *b = NULL;
  CHECK_RC(eseal_seal_builder_new(ES_ID, strlen(ES_ID), NAME, strlen(NAME), 1, CREATED, CREATED,
                                  VALID_TO, png, sizeof png, 40, 40, &b),
           ESEAL_OK);
  return b;
}

static eseal_seal *make_seal(uint32_t version) {
  eseal_seal_builder *b = new_builder();
  CHECK_RC(eseal_seal_builder_set_version(b, version), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_add_signer(b, cert), ESEAL_OK);
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_OK);
  eseal_seal_builder_free(b);
  return seal;
}

/* The status of check `id` (of any signature) in a report, or -1 when absent. */
static int check_status(const eseal_report *report, const char *id) {
  size_t count = 0;
  if (eseal_report_check_count(report, &count) != ESEAL_OK) {
    return -1;
  }
  for (size_t i = 0; i < count; i++) {
    eseal_check check;
    if (eseal_report_check(report, i, &check) == ESEAL_OK && strcmp(check.id, id) == 0) {
      return (int)check.status;
    }
  }
  return -1;
}

static size_t failed_checks(const eseal_report *report) {
  size_t count = 0, failed = 0;
  eseal_report_check_count(report, &count);
  for (size_t i = 0; i < count; i++) {
    eseal_check check;
    if (eseal_report_check(report, i, &check) == ESEAL_OK && check.status == ESEAL_CHECK_FAILED &&
        check.level == ESEAL_LEVEL_FAIL) {
      fprintf(stderr, "  failed check %s: %s\n", check.id, check.message);
      failed++;
    }
  }
  return failed;
}

/* Verifies `data` at AT without anchors: the status, the signature count. */
static eseal_status verify_status(const uint8_t *data, size_t len, const uint8_t *detached,
                                  size_t detached_len, size_t *signatures) {
  eseal_report *report = NULL;
  eseal_status status = ESEAL_STATUS_INVALID;
  CHECK_RC(eseal_verify_with(data, len, NULL, NULL, AT, detached, detached_len, NULL, 0, &report),
           ESEAL_OK);
  if (report != NULL) {
    CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
    if (signatures != NULL) {
      CHECK_RC(eseal_report_signature_count(report, signatures), ESEAL_OK);
    }
  }
  eseal_report_free(report);
  return status;
}

static void test_builder_arguments(const char *dir) {
  eseal_seal_builder *b = (eseal_seal_builder *)&b;
  size_t n = strlen(NAME), id = strlen(ES_ID);
  /* Pictures: garbage, empty, zero size. */
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, VALID_TO,
                                  (const uint8_t *)"hello", 5, 40, 40, &b),
           ESEAL_MALFORMED);
  CHECK(b == NULL);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, VALID_TO, NULL, 0, 40,
                                  40, &b),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, VALID_TO, png,
                                  sizeof png, 0, 40, &b),
           ESEAL_INVALID_ARGUMENT);
  /* Validity: ends before it starts; made after it ends. */
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, VALID_TO, CREATED, png,
                                  sizeof png, 40, 40, &b),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, VALID_TO + 1, CREATED, VALID_TO, png,
                                  sizeof png, 40, 40, &b),
           ESEAL_INVALID_ARGUMENT);
  /* Text: not UTF-8, NULL pointers. */
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, "\xff", 1, 1, CREATED, CREATED, VALID_TO, png,
                                  sizeof png, 40, 40, &b),
           ESEAL_INVALID_UTF8);
  CHECK_RC(eseal_seal_builder_new(NULL, 3, NAME, n, 1, CREATED, CREATED, VALID_TO, png, sizeof png,
                                  40, 40, &b),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NULL, 3, 1, CREATED, CREATED, VALID_TO, png,
                                  sizeof png, 40, 40, &b),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, VALID_TO, NULL, 4, 40,
                                  40, &b),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, VALID_TO, png,
                                  sizeof png, 40, 40, NULL),
           ESEAL_NULL_POINTER);

  b = new_builder();
  eseal_seal *seal = (eseal_seal *)&seal;
  /* No signer yet. */
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_INVALID_ARGUMENT);
  CHECK(seal == NULL);
  CHECK(strstr(last_error(), "signer") != NULL);
  CHECK_RC(eseal_seal_builder_set_version(b, 3), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_seal_builder_set_version(NULL, 4), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_set_vendor_id(b, "ACME", 4), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_set_vendor_id(b, NULL, 4), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_set_vendor_id(NULL, "ACME", 4), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_add_signer(b, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_add_signer(NULL, cert), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_add_signer(b, cert), ESEAL_OK);
  /* A maker key that is not the maker certificate's. */
  size_t p12_len = 0;
  unsigned char *p12 = read_file(dir, "USER.p12", &p12_len);
  eseal_key *other = NULL;
  CHECK_RC(eseal_key_load(p12, p12_len, (const uint8_t *)"777777", 6, &other), ESEAL_OK);
  free(p12);
  CHECK_RC(eseal_seal_builder_build(b, other, cert, &seal), ESEAL_VERIFICATION_FAILED);
  eseal_key_free(other);
  CHECK_RC(eseal_seal_builder_build(NULL, key, cert, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_build(b, NULL, cert, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_build(b, key, NULL, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_build(b, key, cert, NULL), ESEAL_NULL_POINTER);
  /* The builder builds, and can build again. */
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_OK);
  eseal_seal_free(seal);
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_OK);
  eseal_seal_free(seal);
  eseal_seal_builder_free(b);
  eseal_seal_builder_free(NULL);

  /* A validity beyond the maker certificate's. */
  CHECK_RC(eseal_seal_builder_new(ES_ID, id, NAME, n, 1, CREATED, CREATED, 1900000000u, png,
                                  sizeof png, 40, 40, &b),
           ESEAL_OK);
  CHECK_RC(eseal_seal_builder_add_signer(b, cert), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_OUTSIDE_VALIDITY);
  eseal_seal_builder_free(b);
}

static void test_seal_fields(void) {
  const uint32_t versions[] = {4, 5, 1};
  for (int v = 0; v < 3; v++) {
    eseal_seal *seal = make_seal(versions[v]);
    if (seal == NULL) {
      continue;
    }
    uint32_t version = 0;
    CHECK_RC(eseal_seal_version(seal, &version), ESEAL_OK);
    CHECK(version == versions[v]);
    const char *es_id = NULL, *name = NULL, *type = NULL;
    CHECK_RC(eseal_seal_identity(seal, &es_id, &name), ESEAL_OK);
    CHECK(strcmp(es_id, ES_ID) == 0 && strcmp(name, NAME) == 0);
    int64_t seal_type = 0, width = 0, height = 0;
    CHECK_RC(eseal_seal_type(seal, &seal_type), ESEAL_OK);
    CHECK(seal_type == 1);
    uint64_t created = 0, from = 0, to = 0;
    CHECK_RC(eseal_seal_validity(seal, &created, &from, &to), ESEAL_OK);
    CHECK(created == CREATED && from == CREATED && to == VALID_TO);
    eseal_bytes picture = {NULL, 0};
    CHECK_RC(eseal_seal_picture(seal, &picture, &type, &width, &height), ESEAL_OK);
    CHECK(picture.len == sizeof png && memcmp(picture.ptr, png, sizeof png) == 0);
    CHECK(strcmp(type, "PNG") == 0 && width == 40 && height == 40);
    eseal_bytes_free(&picture);
    eseal_certificate *maker = NULL;
    CHECK_RC(eseal_seal_maker_certificate(seal, &maker), ESEAL_OK);
    const char *serial = NULL;
    CHECK_RC(eseal_certificate_serial(maker, &serial), ESEAL_OK);
    CHECK(strcmp(serial, "017af20e3374") == 0);
    eseal_certificate_free(maker);
    /* The authorised signers: our certificate, as a certificate. */
    size_t signers = 0;
    bool by_digest = true, listed = false;
    CHECK_RC(eseal_seal_signer_count(seal, &signers, &by_digest), ESEAL_OK);
    CHECK(signers == 1 && !by_digest);
    eseal_certificate *signer = NULL;
    CHECK_RC(eseal_seal_signer_certificate(seal, 0, &signer), ESEAL_OK);
    CHECK_RC(eseal_certificate_serial(signer, &serial), ESEAL_OK);
    CHECK(strcmp(serial, "017af20e3374") == 0);
    eseal_certificate_free(signer);
    signer = (eseal_certificate *)&signer;
    CHECK_RC(eseal_seal_signer_certificate(seal, 1, &signer), ESEAL_INDEX_OUT_OF_RANGE);
    CHECK(signer == NULL);
    CHECK_RC(eseal_seal_lists_signer(seal, cert, &listed), ESEAL_OK);
    CHECK(listed);

    /* DER out, read back: the same bytes and fields; the verifier finds nothing wrong. */
    eseal_bytes der = {NULL, 0};
    CHECK_RC(eseal_seal_der(seal, &der), ESEAL_OK);
    eseal_seal *again = NULL;
    CHECK_RC(eseal_seal_load(der.ptr, der.len, &again), ESEAL_OK);
    eseal_bytes der2 = {NULL, 0};
    CHECK_RC(eseal_seal_der(again, &der2), ESEAL_OK);
    CHECK(der.len == der2.len && memcmp(der.ptr, der2.ptr, der.len) == 0);
    CHECK_RC(eseal_seal_version(again, &version), ESEAL_OK);
    CHECK(version == versions[v]);
    size_t signatures = 0;
    CHECK(verify_status(der.ptr, der.len, NULL, 0, &signatures) == ESEAL_STATUS_INDETERMINATE);
    CHECK(signatures == 1);
    /* A flipped byte in the maker signature's area breaks it (or the structure). */
    der.ptr[der.len - 3] ^= 0x01;
    eseal_report *report = NULL;
    eseal_result rc = eseal_verify(der.ptr, der.len, NULL, NULL, AT, &report);
    CHECK(rc == ESEAL_OK || rc == ESEAL_MALFORMED);
    if (report != NULL) {
      eseal_status status;
      CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
      CHECK(status == ESEAL_STATUS_INVALID);
    }
    eseal_report_free(report);
    eseal_bytes_free(&der2);
    eseal_bytes_free(&der);
    eseal_seal_free(again);
    eseal_seal_free(seal);
  }

  /* NULLs on every field function. */
  eseal_seal *seal = make_seal(4);
  eseal_bytes out = {NULL, 0};
  const char *s = NULL;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  uint32_t u32 = 0;
  eseal_certificate *c = (eseal_certificate *)&c;
  CHECK_RC(eseal_seal_der(NULL, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_der(seal, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_version(NULL, &u32), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_version(seal, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_identity(NULL, &s, &s), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_identity(seal, NULL, &s), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_identity(seal, &s, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_type(NULL, &i64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_type(seal, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_validity(NULL, &u64, &u64, &u64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_validity(seal, &u64, NULL, &u64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_maker_certificate(NULL, &c), ESEAL_NULL_POINTER);
  CHECK(c == NULL);
  CHECK_RC(eseal_seal_maker_certificate(seal, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_picture(NULL, &out, &s, &i64, &i64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_picture(seal, NULL, &s, &i64, &i64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_picture(seal, &out, NULL, &i64, &i64), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_picture(seal, &out, &s, &i64, NULL), ESEAL_NULL_POINTER);
  size_t n = 0;
  bool flag = false;
  CHECK_RC(eseal_seal_signer_count(NULL, &n, &flag), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_signer_count(seal, NULL, &flag), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_signer_count(seal, &n, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_signer_certificate(NULL, 0, &c), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_signer_certificate(seal, 0, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_lists_signer(NULL, cert, &flag), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_lists_signer(seal, NULL, &flag), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_lists_signer(seal, cert, NULL), ESEAL_NULL_POINTER);
  CHECK(out.ptr == NULL);
  eseal_seal_free(seal);
  eseal_seal_free(NULL);
}

static void test_digest_signers(void) {
  /* Signers listed by certificate digest: v4 and v5 only, never mixed with certificates. */
  const uint32_t versions[] = {4, 5};
  for (int v = 0; v < 2; v++) {
    eseal_seal_builder *b = new_builder();
    CHECK_RC(eseal_seal_builder_set_version(b, versions[v]), ESEAL_OK);
    CHECK_RC(eseal_seal_builder_add_signer_digest(b, cert), ESEAL_OK);
    eseal_seal *seal = NULL;
    CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_OK);
    size_t count = 0;
    bool by_digest = false, listed = false;
    CHECK_RC(eseal_seal_signer_count(seal, &count, &by_digest), ESEAL_OK);
    CHECK(count == 1 && by_digest);
    CHECK_RC(eseal_seal_lists_signer(seal, cert, &listed), ESEAL_OK);
    CHECK(listed);
    eseal_certificate *signer = NULL;
    CHECK_RC(eseal_seal_signer_certificate(seal, 0, &signer), ESEAL_UNSUPPORTED);
    CHECK(signer == NULL);
    /* Signing with it works as with a certificate list. */
    eseal_bytes sig = {NULL, 0};
    CHECK_RC(eseal_sign_data(seal, key, cert, (const uint8_t *)"d", 1, "d", 1, AT, &sig), ESEAL_OK);
    CHECK(verify_status(sig.ptr, sig.len, (const uint8_t *)"d", 1, NULL) ==
          ESEAL_STATUS_INDETERMINATE);
    eseal_bytes_free(&sig);
    eseal_seal_free(seal);
    CHECK_RC(eseal_seal_builder_add_signer(b, cert), ESEAL_OK);
    CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_INVALID_ARGUMENT);
    eseal_seal_builder_free(b);
  }
  eseal_seal_builder *b = new_builder();
  CHECK_RC(eseal_seal_builder_set_version(b, 1), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_add_signer_digest(b, cert), ESEAL_OK);
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_builder_build(b, key, cert, &seal), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_seal_builder_add_signer_digest(NULL, cert), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_add_signer_digest(b, NULL), ESEAL_NULL_POINTER);
  eseal_seal_builder_free(b);
}

static void test_seal_load(const char *dir) {
  const char *files[] = {"UserV1.esl", "UserV4.esl", "UserV5.esl"};
  const uint32_t versions[] = {1, 4, 5};
  for (int i = 0; i < 3; i++) {
    size_t len = 0;
    unsigned char *data = read_file(dir, files[i], &len);
    eseal_seal *seal = NULL;
    CHECK_RC(eseal_seal_load(data, len, &seal), ESEAL_OK);
    uint32_t version = 0;
    CHECK_RC(eseal_seal_version(seal, &version), ESEAL_OK);
    CHECK(version == versions[i]);
    const char *es_id = NULL, *name = NULL;
    CHECK_RC(eseal_seal_identity(seal, &es_id, &name), ESEAL_OK);
    CHECK(strlen(es_id) > 0 && strlen(name) > 0);
    eseal_bytes der = {NULL, 0};
    CHECK_RC(eseal_seal_der(seal, &der), ESEAL_OK);
    CHECK(der.len == len && memcmp(der.ptr, data, len) == 0); /* byte for byte */
    /* ofdrw's seals list other signers than our certificate; their entries read. */
    size_t signers = 0;
    bool by_digest = true, listed = true;
    CHECK_RC(eseal_seal_signer_count(seal, &signers, &by_digest), ESEAL_OK);
    CHECK(signers >= 1 && !by_digest);
    for (size_t s = 0; s < signers; s++) {
      eseal_certificate *signer = NULL;
      CHECK_RC(eseal_seal_signer_certificate(seal, s, &signer), ESEAL_OK);
      CHECK_RC(eseal_seal_lists_signer(seal, signer, &listed), ESEAL_OK);
      CHECK(listed);
      eseal_certificate_free(signer);
    }
    CHECK_RC(eseal_seal_lists_signer(seal, cert, &listed), ESEAL_OK);
    CHECK(!listed);
    eseal_bytes_free(&der);
    eseal_seal_free(seal);
    /* Every truncation of the seal is refused without a crash. */
    for (size_t cut = 0; cut < len; cut += (len / 97) + 1) {
      seal = (eseal_seal *)&seal;
      CHECK_RC(eseal_seal_load(data, cut, &seal), ESEAL_MALFORMED);
      CHECK(seal == NULL);
    }
    free(data);
  }
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_load((const uint8_t *)"\x30\x03\x02\x01\x01", 5, &seal), ESEAL_MALFORMED);
  CHECK_RC(eseal_seal_load((const uint8_t *)"garbage", 7, &seal), ESEAL_MALFORMED);
  CHECK_RC(eseal_seal_load(NULL, 0, &seal), ESEAL_MALFORMED);
  CHECK_RC(eseal_seal_load(NULL, 8, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_load(png, sizeof png, NULL), ESEAL_NULL_POINTER);
}

/* e = SM3(Z || M) with Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2. */
static void sm2_digest(const uint8_t point[65], const uint8_t *msg, size_t len, uint8_t e[32]) {
  static const char *curve =
      "fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc"
      "28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93"
      "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
      "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0";
  uint8_t za[2 + 16 + 128 + 64];
  za[0] = 0x00;
  za[1] = 0x80; /* 128 bits of ID */
  memcpy(za + 2, "1234567812345678", 16);
  for (size_t i = 0; i < 128; i++) {
    unsigned int byte;
    sscanf(curve + 2 * i, "%2x", &byte);
    za[18 + i] = (uint8_t)byte;
  }
  memcpy(za + 146, point + 1, 64);
  uint8_t z[32];
  CHECK_RC(eseal_sm3(za, sizeof za, z, 32), ESEAL_OK);
  uint8_t *zm = malloc(32 + len);
  memcpy(zm, z, 32);
  memcpy(zm + 32, msg, len);
  CHECK_RC(eseal_sm3(zm, 32 + len, e, 32), ESEAL_OK);
  free(zm);
}

static void test_prepared_seal(void) {
  /* Prepare → the maker's device signs → finish: the same deterministic seal as the one-step
   * build; the prepared digest is SM3(Z || message) for the maker's key. */
  eseal_seal *built = make_seal(4);
  eseal_seal_builder *b = new_builder();
  CHECK_RC(eseal_seal_builder_add_signer(b, cert), ESEAL_OK);
  eseal_prepared *prepared = NULL;
  CHECK_RC(eseal_seal_builder_prepare(b, cert, &prepared), ESEAL_OK);
  const uint8_t *message = NULL;
  size_t message_len = 0;
  CHECK_RC(eseal_prepared_message(prepared, &message, &message_len), ESEAL_OK);
  uint8_t digest[32], expected[32];
  CHECK_RC(eseal_prepared_digest(prepared, digest, 32), ESEAL_OK);
  eseal_bytes pub = {NULL, 0};
  CHECK_RC(eseal_certificate_public_key(cert, &pub), ESEAL_OK);
  sm2_digest(pub.ptr + pub.len - 65, message, message_len, expected);
  CHECK(memcmp(digest, expected, 32) == 0);
  eseal_bytes_free(&pub);
  eseal_bytes value = {NULL, 0}, wrong = {NULL, 0};
  eseal_seal *seal = (eseal_seal *)&seal;
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, message, message_len - 1, &wrong), ESEAL_OK);
  CHECK_RC(eseal_prepared_finish_seal(prepared, wrong.ptr, wrong.len, &seal),
           ESEAL_VERIFICATION_FAILED);
  CHECK(seal == NULL);
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, message, message_len, &value), ESEAL_OK);
  /* A prepared seal is no prepared signature. */
  eseal_bytes not_a_signature = {NULL, 0};
  CHECK_RC(eseal_prepared_finish_signature(prepared, value.ptr, value.len, &not_a_signature),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_prepared_finish_seal(prepared, value.ptr, value.len, &seal), ESEAL_OK);
  eseal_bytes a = {NULL, 0}, c = {NULL, 0};
  CHECK_RC(eseal_seal_der(built, &a), ESEAL_OK);
  CHECK_RC(eseal_seal_der(seal, &c), ESEAL_OK);
  CHECK(a.len == c.len && memcmp(a.ptr, c.ptr, a.len) == 0);
  eseal_bytes_free(&a);
  eseal_bytes_free(&c);
  eseal_seal_free(seal);
  CHECK_RC(eseal_prepared_finish_seal(NULL, value.ptr, value.len, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_finish_seal(prepared, NULL, 2, &seal), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_finish_seal(prepared, value.ptr, value.len, NULL), ESEAL_NULL_POINTER);
  eseal_bytes_free(&value);
  eseal_bytes_free(&wrong);
  eseal_prepared_free(prepared);
  /* NULLs. */
  CHECK_RC(eseal_seal_builder_prepare(NULL, cert, &prepared), ESEAL_NULL_POINTER);
  CHECK(prepared == NULL);
  CHECK_RC(eseal_seal_builder_prepare(b, NULL, &prepared), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_seal_builder_prepare(b, cert, NULL), ESEAL_NULL_POINTER);
  eseal_seal_builder_free(b);
  /* A builder without signers cannot be prepared. */
  b = new_builder();
  CHECK_RC(eseal_seal_builder_prepare(b, cert, &prepared), ESEAL_INVALID_ARGUMENT);
  eseal_seal_builder_free(b);
  eseal_seal_free(built);
}

static void test_sign_data(const char *dir) {
  eseal_seal *seal = make_seal(4);
  const uint8_t data[] = "the contract, as agreed";
  size_t len = sizeof data - 1;
  eseal_bytes sig = {NULL, 0};
  CHECK_RC(eseal_sign_data(seal, key, cert, data, len, "contract.txt", 12, AT, &sig), ESEAL_OK);
  CHECK(sig.ptr != NULL && sig.ptr[0] == 0x30);

  /* With its data: the hash matches and nothing fails (trust stays indeterminate); with other
   * data: invalid; without: the hash check is indeterminate. */
  eseal_report *report = NULL;
  CHECK_RC(eseal_verify_with(sig.ptr, sig.len, NULL, NULL, AT, data, len, NULL, 0, &report),
           ESEAL_OK);
  CHECK(check_status(report, "signature.data_hash") == ESEAL_CHECK_PASSED);
  CHECK(check_status(report, "signature.value") == ESEAL_CHECK_PASSED);
  CHECK(failed_checks(report) == 0);
  eseal_report_free(report);
  CHECK(verify_status(sig.ptr, sig.len, data, len, NULL) == ESEAL_STATUS_INDETERMINATE);
  CHECK(verify_status(sig.ptr, sig.len, data, len - 1, NULL) == ESEAL_STATUS_INVALID);
  CHECK(verify_status(sig.ptr, sig.len, (const uint8_t *)"", 0, NULL) == ESEAL_STATUS_INVALID);
  CHECK_RC(eseal_verify_with(sig.ptr, sig.len, NULL, NULL, AT, NULL, 0, NULL, 0, &report),
           ESEAL_OK);
  CHECK(check_status(report, "signature.data_hash") == ESEAL_CHECK_INDETERMINATE);
  eseal_report_free(report);

  /* Prepare → the device signs the message (or its digest) → finish: the same deterministic
   * signature as the one-step call. */
  eseal_prepared *prepared = NULL;
  CHECK_RC(eseal_signature_prepare(seal, cert, data, len, "contract.txt", 12, AT, &prepared),
           ESEAL_OK);
  const uint8_t *message = NULL;
  size_t message_len = 0;
  CHECK_RC(eseal_prepared_message(prepared, &message, &message_len), ESEAL_OK);
  CHECK(message != NULL && message_len > 100 && message[0] == 0x30);
  uint8_t digest[32], expected[32];
  CHECK_RC(eseal_prepared_digest(prepared, digest, sizeof digest), ESEAL_OK);
  eseal_bytes pub = {NULL, 0};
  CHECK_RC(eseal_certificate_public_key(cert, &pub), ESEAL_OK);
  sm2_digest(pub.ptr + pub.len - 65, message, message_len, expected);
  CHECK(memcmp(digest, expected, 32) == 0);
  eseal_bytes_free(&pub);
  CHECK_RC(eseal_prepared_digest(prepared, digest, 31), ESEAL_BUFFER_TOO_SMALL);
  CHECK_RC(eseal_prepared_digest(prepared, NULL, 32), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_digest(NULL, digest, 32), ESEAL_NULL_POINTER);

  eseal_bytes value = {NULL, 0}, finished = {NULL, 0};
  /* A value over something else, and garbage, are refused; the handle stays usable. */
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, data, len, &value), ESEAL_OK);
  CHECK_RC(eseal_prepared_finish_signature(prepared, value.ptr, value.len, &finished),
           ESEAL_VERIFICATION_FAILED);
  CHECK(finished.ptr == NULL);
  eseal_bytes_free(&value);
  CHECK_RC(eseal_prepared_finish_signature(prepared, (const uint8_t *)"junk", 4, &finished),
           ESEAL_VERIFICATION_FAILED);
  CHECK_RC(eseal_prepared_finish_signature(prepared, NULL, 0, &finished),
           ESEAL_VERIFICATION_FAILED);
  CHECK_RC(eseal_sm2_sign(key, NULL, 0, message, message_len, &value), ESEAL_OK);
  CHECK_RC(eseal_prepared_finish_signature(prepared, value.ptr, value.len, &finished), ESEAL_OK);
  CHECK(finished.len == sig.len && memcmp(finished.ptr, sig.ptr, sig.len) == 0);
  eseal_bytes_free(&finished);
  CHECK_RC(eseal_prepared_finish_signature(prepared, value.ptr, value.len, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_finish_signature(NULL, value.ptr, value.len, &finished),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_finish_signature(prepared, NULL, 3, &finished), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_message(NULL, &message, &message_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_message(prepared, NULL, &message_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_prepared_message(prepared, &message, NULL), ESEAL_NULL_POINTER);
  /* A prepared signature is no prepared seal. */
  eseal_seal *not_a_seal = NULL;
  CHECK_RC(eseal_prepared_finish_seal(prepared, value.ptr, value.len, &not_a_seal),
           ESEAL_INVALID_ARGUMENT);
  eseal_bytes_free(&value);
  eseal_bytes_free(&finished);
  eseal_prepared_free(prepared);
  eseal_prepared_free(NULL);

  /* Refusals: a signing time outside the seal's validity, non-UTF-8 property text, NULLs
   * (into a fresh output: a failed call resets it without freeing what it held). */
  eseal_bytes good = sig;
  sig.ptr = NULL;
  sig.len = 0;
  CHECK_RC(eseal_sign_data(seal, key, cert, data, len, "x", 1, VALID_TO + 86400, &sig),
           ESEAL_OUTSIDE_VALIDITY);
  CHECK(sig.ptr == NULL);
  CHECK_RC(eseal_signature_prepare(seal, cert, data, len, "x", 1, CREATED - 1, &prepared),
           ESEAL_OUTSIDE_VALIDITY);
  CHECK(prepared == NULL);
  CHECK_RC(eseal_sign_data(seal, key, cert, data, len, "\xff", 1, AT, &sig), ESEAL_INVALID_UTF8);
  /* A signer the seal does not list (USER.p12's), and a key that is not the certificate's. */
  size_t p12_len = 0;
  unsigned char *p12 = read_file(dir, "USER.p12", &p12_len);
  eseal_key *user = NULL;
  CHECK_RC(eseal_key_load(p12, p12_len, (const uint8_t *)"777777", 6, &user), ESEAL_OK);
  free(p12);
  eseal_certificate *user_cert = NULL;
  CHECK_RC(eseal_key_certificate(user, 0, &user_cert), ESEAL_OK);
  CHECK_RC(eseal_sign_data(seal, user, user_cert, data, len, "x", 1, AT, &sig), ESEAL_UNTRUSTED);
  CHECK(strstr(last_error(), "certList") != NULL);
  CHECK_RC(eseal_sign_data(seal, user, cert, data, len, "x", 1, AT, &sig),
           ESEAL_VERIFICATION_FAILED);
  CHECK(sig.ptr == NULL);
  eseal_certificate_free(user_cert);
  eseal_key_free(user);
  CHECK_RC(eseal_sign_data(NULL, key, cert, data, len, "x", 1, AT, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sign_data(seal, NULL, cert, data, len, "x", 1, AT, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sign_data(seal, key, NULL, data, len, "x", 1, AT, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sign_data(seal, key, cert, NULL, 2, "x", 1, AT, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sign_data(seal, key, cert, data, len, NULL, 1, AT, &sig), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sign_data(seal, key, cert, data, len, "x", 1, AT, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_signature_prepare(NULL, cert, data, len, "x", 1, AT, &prepared),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_signature_prepare(seal, cert, data, len, "x", 1, AT, NULL), ESEAL_NULL_POINTER);

  /* Garbage where a signature belongs, with detached data. */
  CHECK_RC(eseal_verify_with(good.ptr, 0, NULL, NULL, AT, data, len, NULL, 0, &report),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_verify_with(data, len, NULL, NULL, AT, data, len, NULL, 0, &report),
           ESEAL_MALFORMED);
  CHECK(report == NULL);
  CHECK_RC(eseal_verify_with(data, len, NULL, NULL, AT, NULL, 3, NULL, 0, &report),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_verify_with(data, len, NULL, NULL, AT, NULL, 0, NULL, 2, &report),
           ESEAL_NULL_POINTER);
  const eseal_certificate *holes[2] = {cert, NULL};
  CHECK_RC(eseal_verify_with(data, len, NULL, NULL, AT, NULL, 0, holes, 2, &report),
           ESEAL_NULL_POINTER);
  CHECK(strstr(last_error(), "signer_certificates[1]") != NULL);
  eseal_bytes_free(&good);
  eseal_seal_free(seal);
}

/* With the ofdrw root (from ROOT.p12) as anchor and the relaxed policy (the root lacks CA
 * constraints), what eseal makes verifies valid, as `eseal verify --trust root.pem --policy
 * relaxed` says; with the default policy the chain stays indeterminate. */
static void test_trusted(const char *dir) {
  size_t len = 0;
  unsigned char *p12 = read_file(dir, "ROOT.p12", &len);
  eseal_key *root_key = NULL;
  CHECK_RC(eseal_key_load(p12, len, (const uint8_t *)"123456", 6, &root_key), ESEAL_OK);
  free(p12);
  eseal_certificate *root = NULL;
  CHECK_RC(eseal_key_certificate(root_key, 0, &root), ESEAL_OK);
  eseal_bytes root_der = {NULL, 0};
  CHECK_RC(eseal_certificate_der(root, &root_der), ESEAL_OK);
  eseal_trust_store *store = NULL;
  CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
  CHECK_RC(eseal_trust_store_add_anchors(store, root_der.ptr, root_der.len), ESEAL_OK);
  eseal_policy *relaxed = NULL, *standard = NULL;
  CHECK_RC(eseal_policy_preset("relaxed", 7, &relaxed), ESEAL_OK);
  CHECK_RC(eseal_policy_preset("default", 7, &standard), ESEAL_OK);

  unsigned char *ofd = read_file(dir, "helloworld.ofd", &len);
  eseal_seal *seal = make_seal(4);
  eseal_bytes stamped = {NULL, 0}, sig = {NULL, 0};
  CHECK_RC(eseal_ofd_stamp(ofd, len, seal, key, cert, AT, 0, 30.0, 30.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &stamped),
           ESEAL_OK);
  const uint8_t data[] = "signed with a trusted seal";
  CHECK_RC(eseal_sign_data(seal, key, cert, data, sizeof data, "data", 4, AT, &sig), ESEAL_OK);
  struct {
    const eseal_bytes *file;
    const uint8_t *detached;
    size_t detached_len;
    const eseal_policy *policy;
    eseal_status want;
  } cases[] = {
      {&stamped, NULL, 0, relaxed, ESEAL_STATUS_VALID},
      {&stamped, NULL, 0, standard, ESEAL_STATUS_INDETERMINATE},
      {&sig, data, sizeof data, relaxed, ESEAL_STATUS_VALID},
      {&sig, data, sizeof data - 1, relaxed, ESEAL_STATUS_INVALID},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    eseal_report *report = NULL;
    CHECK_RC(eseal_verify_with(cases[i].file->ptr, cases[i].file->len, store, cases[i].policy, AT,
                               cases[i].detached, cases[i].detached_len, NULL, 0, &report),
             ESEAL_OK);
    eseal_status status = ESEAL_STATUS_INVALID;
    CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
    CHECK(status == cases[i].want);
    if (status != cases[i].want) {
      fprintf(stderr, "  case %zu: status %d\n", i, (int)status);
    }
    eseal_report_free(report);
  }
  eseal_bytes_free(&sig);
  eseal_bytes_free(&stamped);
  eseal_seal_free(seal);
  free(ofd);
  eseal_policy_free(standard);
  eseal_policy_free(relaxed);
  eseal_trust_store_free(store);
  eseal_bytes_free(&root_der);
  eseal_certificate_free(root);
  eseal_key_free(root_key);
}

/* ofdrw's DigitalSign.ofd holds a bare SM2 signature without certificate: the signer
 * certificate comes from the caller (USER.p12's), as with `eseal verify --signer-cert`. */
static void test_bare_digital(const char *dir) {
  size_t len = 0, ofd_len = 0;
  unsigned char *p12 = read_file(dir, "USER.p12", &len);
  eseal_key *user = NULL;
  CHECK_RC(eseal_key_load(p12, len, (const uint8_t *)"777777", 6, &user), ESEAL_OK);
  free(p12);
  eseal_certificate *user_cert = NULL;
  CHECK_RC(eseal_key_certificate(user, 0, &user_cert), ESEAL_OK);
  unsigned char *ofd = read_file(dir, "DigitalSign.ofd", &ofd_len);
  const eseal_certificate *right[1] = {user_cert}, *wrong[1] = {cert};
  const eseal_certificate *both[2] = {cert, user_cert};
  struct {
    const eseal_certificate *const *certs;
    size_t count;
    int value;
    eseal_status status;
  } cases[] = {
      {NULL, 0, ESEAL_CHECK_INDETERMINATE, ESEAL_STATUS_INDETERMINATE},
      {right, 1, ESEAL_CHECK_PASSED, ESEAL_STATUS_INDETERMINATE},
      {wrong, 1, ESEAL_CHECK_FAILED, ESEAL_STATUS_INVALID},
      {both, 2, ESEAL_CHECK_PASSED, ESEAL_STATUS_INDETERMINATE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    eseal_report *report = NULL;
    CHECK_RC(eseal_verify_with(ofd, ofd_len, NULL, NULL, 0, NULL, 0, cases[i].certs,
                               cases[i].count, &report),
             ESEAL_OK);
    eseal_status status = ESEAL_STATUS_VALID;
    CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
    CHECK(status == cases[i].status);
    CHECK(check_status(report, "signature.value") == cases[i].value);
    eseal_report_free(report);
  }
  free(ofd);
  eseal_certificate_free(user_cert);
  eseal_key_free(user);
}

static int device_calls = 0;
static int device_sign(void *user_data, const uint8_t *message, size_t message_len,
                       const uint8_t *digest, uint8_t *signature, size_t capacity,
                       size_t *signature_len) {
  (void)digest;
  device_calls++;
  eseal_bytes sig = {NULL, 0};
  int rc = 1;
  if (eseal_sm2_sign((const eseal_key *)user_data, NULL, 0, message, message_len, &sig) ==
          ESEAL_OK &&
      sig.len <= capacity) {
    memcpy(signature, sig.ptr, sig.len);
    *signature_len = sig.len;
    rc = 0;
  }
  eseal_bytes_free(&sig);
  return rc;
}

static void test_ofd(const char *dir) {
  size_t ofd_len = 0;
  unsigned char *ofd = read_file(dir, "helloworld.ofd", &ofd_len);
  eseal_seal *seal = make_seal(4);

  eseal_bytes once = {NULL, 0}, twice = {NULL, 0}, locked = {NULL, 0}, out = {NULL, 0};
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &once),
           ESEAL_OK);
  size_t signatures = 0;
  CHECK(verify_status(once.ptr, once.len, NULL, 0, &signatures) == ESEAL_STATUS_INDETERMINATE);
  CHECK(signatures == 1);
  /* The input is unchanged and still unsigned. */
  eseal_report *report = NULL;
  CHECK_RC(eseal_verify(ofd, ofd_len, NULL, NULL, AT, &report), ESEAL_OK);
  CHECK_RC(eseal_report_signature_count(report, &signatures), ESEAL_OK);
  CHECK(signatures == 0);
  eseal_report_free(report);

  /* A second stamp (continue signing) with an external key through the callback, a size of
   * its own: both signatures hold. */
  eseal_key *external = NULL;
  CHECK_RC(eseal_key_from_callback(cert, device_sign, key, &external), ESEAL_OK);
  CHECK_RC(eseal_ofd_stamp(once.ptr, once.len, seal, external, cert, AT, 0, 120.0, 50.0, 30.0,
                           30.0, ESEAL_SIGN_PROTECT, &twice),
           ESEAL_OK);
  CHECK(device_calls >= 1);
  CHECK(verify_status(twice.ptr, twice.len, NULL, 0, &signatures) == ESEAL_STATUS_INDETERMINATE);
  CHECK(signatures == 2);
  /* The whole-protected document takes no further signature. */
  CHECK_RC(eseal_ofd_stamp(twice.ptr, twice.len, seal, key, cert, AT, 0, 10.0, 10.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &locked),
           ESEAL_INVALID_ARGUMENT);
  CHECK(locked.ptr == NULL);
  eseal_bytes_free(&twice);

  /* A digital signature (Type="Sign"). */
  CHECK_RC(eseal_ofd_sign_digital(ofd, ofd_len, key, cert, AT, ESEAL_SIGN_CONTINUE, &out),
           ESEAL_OK);
  CHECK(verify_status(out.ptr, out.len, NULL, 0, &signatures) == ESEAL_STATUS_INDETERMINATE);
  CHECK(signatures == 1);
  const eseal_certificate *signers[1] = {cert};
  CHECK_RC(eseal_verify_with(out.ptr, out.len, NULL, NULL, AT, NULL, 0, signers, 1, &report),
           ESEAL_OK);
  CHECK(failed_checks(report) == 0);
  eseal_report_free(report);
  eseal_bytes_free(&out);

  /* Refusals: pages, sizes, positions, modes, garbage packages, a signer not in the seal. */
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 99, 50.0, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, 50.0, 50.0, -1.0, 30.0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, NAN, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  /* Partly off the page: a verifier would fail the stamp (ofd.appearance). */
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, 5000.0, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "off the page") != NULL);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0, 2, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_sign_digital(ofd, ofd_len, key, cert, AT, 9, &out), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_stamp(png, sizeof png, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_ofd_sign_digital((const uint8_t *)"PK\x03\x04", 4, key, cert, AT,
                                  ESEAL_SIGN_CONTINUE, &out),
           ESEAL_MALFORMED);
  for (size_t cut = 0; cut < ofd_len; cut += ofd_len / 13 + 1) {
    eseal_result rc = eseal_ofd_stamp(ofd, cut, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0,
                                      ESEAL_SIGN_CONTINUE, &out);
    CHECK(rc == ESEAL_MALFORMED || rc == ESEAL_NOT_FOUND);
    CHECK(out.ptr == NULL);
  }
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, VALID_TO + 86400, 0, 50.0, 50.0, 0, 0,
                           ESEAL_SIGN_CONTINUE, &out),
           ESEAL_CRYPTO);
  CHECK(strstr(last_error(), "valid") != NULL);
  CHECK_RC(eseal_ofd_stamp(NULL, 5, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0, 0, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, NULL, key, cert, AT, 0, 50.0, 50.0, 0, 0, 0, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, NULL, cert, AT, 0, 50.0, 50.0, 0, 0, 0, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, NULL, AT, 0, 50.0, 50.0, 0, 0, 0, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, AT, 0, 50.0, 50.0, 0, 0, 0, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_sign_digital(NULL, 5, key, cert, AT, 0, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_sign_digital(ofd, ofd_len, NULL, cert, AT, 0, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_sign_digital(ofd, ofd_len, key, NULL, AT, 0, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_sign_digital(ofd, ofd_len, key, cert, AT, 0, NULL), ESEAL_NULL_POINTER);

  /* A riding seal across the pages of a multi-page document, at either edge. */
  size_t pages_len = 0;
  unsigned char *pages = read_file(dir, "VPage7.ofd", &pages_len);
  for (uint32_t edge = ESEAL_EDGE_RIGHT; edge <= ESEAL_EDGE_LEFT; edge++) {
    CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, seal, key, cert, AT, edge, 100.0, 0, 0,
                                    ESEAL_SIGN_CONTINUE, &out),
             ESEAL_OK);
    CHECK_RC(eseal_verify(out.ptr, out.len, NULL, NULL, AT, &report), ESEAL_OK);
    CHECK(check_status(report, "ofd.appearance") == ESEAL_CHECK_PASSED);
    CHECK(check_status(report, "signature.value") == ESEAL_CHECK_PASSED);
    CHECK(failed_checks(report) == 0);
    eseal_report_free(report);
    eseal_bytes_free(&out);
  }
  CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, seal, key, cert, AT, ESEAL_EDGE_RIGHT, 100.0,
                                  20.0, 40.0, ESEAL_SIGN_PROTECT, &out),
           ESEAL_OK);
  CHECK(verify_status(out.ptr, out.len, NULL, 0, &signatures) == ESEAL_STATUS_INDETERMINATE);
  CHECK(signatures == 1);
  eseal_bytes_free(&out);
  out.ptr = (uint8_t *)&out;
  CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, seal, key, cert, AT, 2, 100.0, 0, 0,
                                  ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK(out.ptr == NULL && strstr(last_error(), "eseal_edge") != NULL);
  CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, seal, key, cert, AT, 0, NAN, 0, 0,
                                  ESEAL_SIGN_CONTINUE, &out),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, NULL, key, cert, AT, 0, 100.0, 0, 0,
                                  ESEAL_SIGN_CONTINUE, &out),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp_riding(pages, pages_len, seal, key, cert, AT, 0, 100.0, 0, 0,
                                  ESEAL_SIGN_CONTINUE, NULL),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_stamp_riding(png, sizeof png, seal, key, cert, AT, 0, 100.0, 0, 0,
                                  ESEAL_SIGN_CONTINUE, &out),
           ESEAL_MALFORMED);
  free(pages);

  eseal_key_free(external);
  eseal_bytes_free(&once);
  eseal_seal_free(seal);
  free(ofd);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s VECTORS_DIR [WORK_DIR]\n", argv[0]);
    return 2;
  }
  size_t len = 0;
  unsigned char *data = read_file(argv[1], "sign_key.pem", &len);
  CHECK_RC(eseal_key_load(data, len, NULL, 0, &key), ESEAL_OK);
  free(data);
  data = read_file(argv[1], "sign_cert.pem", &len);
  CHECK_RC(eseal_certificate_load(data, len, &cert), ESEAL_OK);
  free(data);
  test_builder_arguments(argv[1]);
  test_seal_fields();
  test_seal_load(argv[1]);
  test_digest_signers();
  test_prepared_seal();
  test_sign_data(argv[1]);
  test_ofd(argv[1]);
  test_trusted(argv[1]);
  test_bare_digital(argv[1]);
  eseal_certificate_free(cert);
  eseal_key_free(key);
  return finish("test_seal");
}
