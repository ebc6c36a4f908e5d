/*
 * E-licenses through the C ABI: identifier build and validation, holder/issuer code
 * validation (USCC, citizen ID), issuing a license as OFD and as PDF from the demo's metadata
 * JSON (with the standard face, and with a face template and a photo), verifying the license
 * files and the bare 2D-code payload through eseal_verify_with, the 2D code as PNG (written to
 * WORK_DIR/c-license-code.png with its text in WORK_DIR/c-license-code.txt, which
 * scripts/c-abi.sh decodes with zbarimg), and the errors of each.
 *
 * Usage: test_license VECTORS_DIR WORK_DIR (WORK_DIR/demo holds the output of eseal demo).
 */
#include "test_util.h"

static const char *demo;
static eseal_trust_store *store;
static eseal_certificate *cert;

static void id_and_codes(void) {
  /* The identifier of the core's documentation (a deployed one): the check character 'S'. */
  const char *type = "11100000000013338W011", *issuer = "11430000006122244L",
             *serial = "20230000403";
  const char *want = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S";
  char *id = (char *)1;
  size_t id_len = 0;
  CHECK_RC(eseal_license_id_build(type, strlen(type), issuer, strlen(issuer), serial,
                                  strlen(serial), NULL, 0, &id, &id_len),
           ESEAL_OK);
  CHECK(id != NULL && strcmp(id, want) == 0 && id_len == strlen(want));
  CHECK_RC(eseal_license_id_validate(id, id_len), ESEAL_OK);
  eseal_string_free(id);
  CHECK_RC(eseal_license_id_build(type, strlen(type), issuer, strlen(issuer), serial,
                                  strlen(serial), "003", 3, &id, &id_len),
           ESEAL_OK);
  CHECK(id != NULL && strstr(id, ".003.") != NULL && strcmp(id, want) != 0);
  CHECK_RC(eseal_license_id_validate(id, id_len), ESEAL_OK);
  eseal_string_free(id);
  /* Wrong parts, named; NULL pointers; the output is NULL after a failure. */
  CHECK_RC(eseal_license_id_build(type, strlen(type), issuer, strlen(issuer), "2023-1", 6, NULL,
                                  0, &id, &id_len),
           ESEAL_MALFORMED);
  CHECK(id == NULL);
  CHECK(strstr(last_error(), "serial") != NULL);
  CHECK_RC(eseal_license_id_build(type, 5, issuer, strlen(issuer), serial, strlen(serial), NULL,
                                  0, &id, &id_len),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_id_build(NULL, 3, issuer, strlen(issuer), serial, strlen(serial), NULL,
                                  0, &id, &id_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_id_build(type, strlen(type), issuer, strlen(issuer), serial,
                                  strlen(serial), NULL, 0, NULL, &id_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_id_validate(want, strlen(want) - 1), ESEAL_MALFORMED);

  /* USCC (GB 32100) and citizen ID (GB 11643, the standard's sample number). */
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_USCC, issuer, strlen(issuer)), ESEAL_OK);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_USCC, "91350100M000100Y43", 18), ESEAL_OK);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_USCC, "11430000006122244M", 18), ESEAL_MALFORMED);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_USCC, "1143000000612224", 16), ESEAL_MALFORMED);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_CITIZEN_ID, "11010519491231002X", 18), ESEAL_OK);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_CITIZEN_ID, "110105194912310021", 18),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_CITIZEN_ID, "11010519491331002X", 18),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_CITIZEN_ID, issuer, strlen(issuer)),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_code_validate(7, issuer, strlen(issuer)), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_license_code_validate(ESEAL_CODE_USCC, NULL, 18), ESEAL_NULL_POINTER);
}

static void expect_valid(const uint8_t *data, size_t len, int with_issuer) {
  eseal_report *report = NULL;
  const eseal_certificate *issuers[] = {cert};
  CHECK_RC(eseal_verify_with(data, len, store, NULL, 0, NULL, 0, with_issuer ? issuers : NULL,
                             with_issuer ? 1 : 0, &report),
           ESEAL_OK);
  eseal_status status = ESEAL_STATUS_INVALID;
  CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
  CHECK(status == ESEAL_STATUS_VALID);
  char *json = NULL;
  size_t json_len = 0;
  CHECK_RC(eseal_report_json(report, &json, &json_len), ESEAL_OK);
  /* A license report carries the license.* checks. */
  CHECK(json != NULL && strstr(json, "\"license.") != NULL);
  if (status != ESEAL_STATUS_VALID && json != NULL) {
    fprintf(stderr, "%s\n", json);
  }
  eseal_string_free(json);
  eseal_report_free(report);
}

static void issue(const char *work) {
  size_t meta_len = 0, len = 0, photo_len = 0;
  unsigned char *meta = read_file(demo, "license.json", &meta_len);
  unsigned char *data = read_file(demo, "signer.key", &len);
  eseal_key *key = NULL;
  CHECK_RC(eseal_key_load(data, len, NULL, 0, &key), ESEAL_OK);
  free(data);
  data = read_file(demo, "seal-v4.esl", &len);
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_seal_load(data, len, &seal), ESEAL_OK);
  free(data);
  unsigned char *photo = read_file(demo, "seal.png", &photo_len);
  /* A template with a photo box (docs/license.md). */
  const char *template =
      "{\"page\": {\"width\": 297, \"height\": 210}, \"font\": \"宋体\", \"frame\": 8,"
      " \"title\": {\"text\": \"营业执照\", \"x\": 110, \"y\": 18, \"size\": 10},"
      " \"fields\": [{\"label\": \"名称：\", \"field\": \"holder_name\", \"x\": 25, \"y\": 45,"
      " \"size\": 4.5}, {\"label\": \"经营范围：\", \"face\": \"经营范围\", \"x\": 25, \"y\": 100,"
      " \"size\": 4.5, \"width\": 180}],"
      " \"photo\": {\"x\": 230, \"y\": 100, \"width\": 35, \"height\": 45},"
      " \"code\": {\"x\": 235, \"y\": 25, \"size\": 45}, \"seal\": {\"x\": 215, \"y\": 140}}";

  for (uint32_t format = ESEAL_LICENSE_OFD; format <= ESEAL_LICENSE_PDF; format++) {
    eseal_bytes out = {NULL, 0};
    char *code = NULL;
    size_t code_len = 0;
    CHECK_RC(eseal_license_issue(format, meta, meta_len, NULL, 0, NULL, 0, seal, key, cert, NULL,
                                 &out, &code, &code_len),
             ESEAL_OK);
    CHECK(out.len > 1000);
    CHECK(format == ESEAL_LICENSE_OFD ? memcmp(out.ptr, "PK", 2) == 0
                                      : memcmp(out.ptr, "%PDF-", 5) == 0);
    CHECK(code != NULL && strncmp(code, "DZZZ:", 5) == 0 && code_len == strlen(code));
    expect_valid(out.ptr, out.len, 0);
    /* The 2D-code payload on its own, checked with the issuer's certificate. */
    expect_valid((const uint8_t *)code, code_len, 1);
    if (format == ESEAL_LICENSE_OFD) {
      eseal_bytes png = {NULL, 0};
      CHECK_RC(eseal_license_code_png(code, code_len, 4, &png), ESEAL_OK);
      CHECK(png.len > 100 && memcmp(png.ptr, "\x89PNG", 4) == 0);
      char path[4096];
      snprintf(path, sizeof path, "%s/c-license-code.png", work);
      FILE *f = fopen(path, "wb");
      CHECK(f != NULL && fwrite(png.ptr, 1, png.len, f) == png.len);
      if (f != NULL) fclose(f);
      snprintf(path, sizeof path, "%s/c-license-code.txt", work);
      f = fopen(path, "wb");
      CHECK(f != NULL && fwrite(code, 1, code_len, f) == code_len);
      if (f != NULL) fclose(f);
      eseal_bytes_free(&png);
      CHECK_RC(eseal_license_code_png(code, code_len, 0, &png), ESEAL_INVALID_ARGUMENT);
      CHECK(png.ptr == NULL);
      /* A tampered payload is not valid. */
      code[code_len - 3] = code[code_len - 3] == 'A' ? 'B' : 'A';
      eseal_report *report = NULL;
      const eseal_certificate *issuers[] = {cert};
      eseal_result rc = eseal_verify_with((const uint8_t *)code, code_len, store, NULL, 0, NULL, 0,
                                          issuers, 1, &report);
      eseal_status status = ESEAL_STATUS_VALID;
      if (rc == ESEAL_OK) {
        CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
        CHECK(status != ESEAL_STATUS_VALID);
      } else {
        CHECK(rc == ESEAL_MALFORMED);
      }
      eseal_report_free(report);
    }
    eseal_string_free(code);
    eseal_bytes_free(&out);

    /* The template, a photo, the URL form and a timestamp-free explicit time. */
    eseal_license_options o;
    memset(&o, 0, sizeof o);
    o.url_base = "https://verify.example.gov.cn/c?";
    o.url_base_len = strlen(o.url_base);
    CHECK_RC(eseal_license_issue(format, meta, meta_len, (const uint8_t *)template,
                                 strlen(template), photo, photo_len, seal, key, cert, &o, &out,
                                 &code, &code_len),
             ESEAL_OK);
    CHECK(code != NULL && strncmp(code, "https://verify.example.gov.cn/c?", 32) == 0);
    expect_valid(out.ptr, out.len, 0);
    eseal_string_free(code);
    eseal_bytes_free(&out);
    /* Without the code text output. */
    CHECK_RC(eseal_license_issue(format, meta, meta_len, NULL, 0, NULL, 0, seal, key, cert, NULL,
                                 &out, NULL, NULL),
             ESEAL_OK);
    eseal_bytes_free(&out);
  }

  /* Errors: garbage metadata and templates, a photo of no known format, an unknown format,
   * NULL handles; nothing to free afterwards. */
  eseal_bytes out = {(uint8_t *)1, 1};
  char *code = (char *)1;
  size_t code_len = 0;
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, (const uint8_t *)"{\"x\": 1}", 8, NULL, 0, NULL, 0,
                               seal, key, cert, NULL, &out, &code, &code_len),
           ESEAL_MALFORMED);
  CHECK(out.ptr == NULL && code == NULL);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, (const uint8_t *)"<a>", 3, NULL, 0, NULL, 0, seal,
                               key, cert, NULL, &out, &code, &code_len),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, meta, meta_len, (const uint8_t *)"[]", 2, NULL, 0,
                               seal, key, cert, NULL, &out, &code, &code_len),
           ESEAL_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "template") != NULL);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_PDF, meta, meta_len, NULL, 0, meta, 10, seal, key,
                               cert, NULL, &out, &code, &code_len),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_license_issue(7, meta, meta_len, NULL, 0, NULL, 0, seal, key, cert, NULL, &out,
                               &code, &code_len),
           ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, meta, meta_len, NULL, 0, NULL, 0, NULL, key, cert,
                               NULL, &out, &code, &code_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, meta, meta_len, NULL, 3, NULL, 0, seal, key, cert,
                               NULL, &out, &code, &code_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, meta, meta_len, NULL, 0, NULL, 0, seal, key, cert,
                               NULL, NULL, &code, &code_len),
           ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_issue(ESEAL_LICENSE_OFD, meta, meta_len, NULL, 0, NULL, 0, seal, key, cert,
                               NULL, &out, &code, NULL),
           ESEAL_NULL_POINTER);
  CHECK(out.ptr == NULL && out.len == 0 && code == NULL);
  CHECK_RC(eseal_license_code_png(NULL, 4, 4, &out), ESEAL_NULL_POINTER);

  free(photo);
  free(meta);
  eseal_seal_free(seal);
  eseal_key_free(key);
}

int main(int argc, char **argv) {
  demo = demo_dir(argc, argv);
  size_t len = 0;
  unsigned char *data = read_file(demo, "signer.pem", &len);
  CHECK_RC(eseal_certificate_load(data, len, &cert), ESEAL_OK);
  free(data);
  store = trust_from(demo, "root.pem");

  id_and_codes();
  issue(argv[2]);

  eseal_trust_store_free(store);
  eseal_certificate_free(cert);
  return finish("test_license");
}
