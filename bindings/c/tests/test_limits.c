/*
 * Limits on untrusted input from C: eseal_policy_set_limits (the eseal.limits/1 JSON form the
 * CLI's --limits reads) and eseal_policy_set_max_input, applied by eseal_verify; every refusal
 * of a limits text (loosening, unknown fields, broken JSON, NULL, non-UTF-8, oversized) with
 * its code, the policy unchanged after a refusal.
 *
 * Usage: test_limits VECTORS_DIR WORK_DIR (WORK_DIR/demo holds the output of eseal demo).
 */
#include "test_util.h"

static eseal_result verify(const unsigned char *data, size_t len, const eseal_policy *policy,
                           eseal_status *status) {
  eseal_report *report = (eseal_report *)1;
  eseal_result rc = eseal_verify(data, len, NULL, policy, 0, &report);
  if (rc == ESEAL_OK) {
    CHECK_RC(eseal_report_status(report, status), ESEAL_OK);
  } else {
    CHECK(report == NULL);
  }
  eseal_report_free(report);
  return rc;
}

static eseal_result set(eseal_policy *policy, const char *json) {
  return eseal_policy_set_limits(policy, json, strlen(json));
}

int main(int argc, char **argv) {
  const char *demo = demo_dir(argc, argv);
  size_t pdf_len = 0, ofd_len = 0, len = 0;
  unsigned char *pdf = read_file(demo, "signed.pdf", &pdf_len);
  unsigned char *ofd = read_file(demo, "signed.ofd", &ofd_len);
  eseal_policy *policy = NULL;
  eseal_status status = ESEAL_STATUS_VALID;
  CHECK_RC(eseal_policy_preset("default", 7, &policy), ESEAL_OK);

  /* The defaults read both. */
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_OK);
  CHECK_RC(verify(ofd, ofd_len, policy, &status), ESEAL_OK);

  /* Tightened limits refuse them with limit_exceeded. */
  CHECK_RC(set(policy, "{\"schema\": \"eseal.limits/1\", \"pdf\": {\"max_objects\": 3}}"), ESEAL_OK);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_LIMIT_EXCEEDED);
  CHECK_RC(verify(ofd, ofd_len, policy, &status), ESEAL_OK);
  CHECK_RC(set(policy, "{\"schema\": \"eseal.limits/1\", \"ofd\": {\"max_entries\": 2}}"), ESEAL_OK);
  CHECK_RC(verify(ofd, ofd_len, policy, &status), ESEAL_LIMIT_EXCEEDED);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_OK); /* replaced, not merged */
  CHECK_RC(set(policy, "{\"schema\": \"eseal.limits/1\", \"max_input_bytes\": 100}"), ESEAL_OK);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_LIMIT_EXCEEDED);
  CHECK_RC(verify(ofd, ofd_len, policy, &status), ESEAL_LIMIT_EXCEEDED);

  /* eseal_policy_set_max_input: the whole-file cap on its own. */
  CHECK_RC(set(policy, "{\"schema\": \"eseal.limits/1\"}"), ESEAL_OK);
  CHECK_RC(eseal_policy_set_max_input(policy, pdf_len - 1), ESEAL_OK);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_LIMIT_EXCEEDED);
  CHECK_RC(eseal_policy_set_max_input(policy, pdf_len), ESEAL_OK);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_OK);
  CHECK_RC(eseal_policy_set_max_input(NULL, 5), ESEAL_NULL_POINTER);

  /* Signatures beyond pdf.max_signatures are not verified: the document is not valid. */
  unsigned char *plain = read_file(demo, "document.pdf", &len);
  unsigned char *key_pem = NULL, *cert_pem = NULL, *seal_der = NULL;
  size_t key_len = 0, cert_len = 0, seal_len = 0;
  key_pem = read_file(demo, "signer.key", &key_len);
  cert_pem = read_file(demo, "signer.pem", &cert_len);
  seal_der = read_file(demo, "seal-v4.esl", &seal_len);
  eseal_key *key = NULL;
  eseal_certificate *cert = NULL;
  eseal_seal *seal = NULL;
  CHECK_RC(eseal_key_load(key_pem, key_len, NULL, 0, &key), ESEAL_OK);
  CHECK_RC(eseal_certificate_load(cert_pem, cert_len, &cert), ESEAL_OK);
  CHECK_RC(eseal_seal_load(seal_der, seal_len, &seal), ESEAL_OK);
  eseal_bytes once = {NULL, 0}, twice = {NULL, 0};
  CHECK_RC(eseal_pdf_sign(plain, len, seal, key, cert, NULL, &once), ESEAL_OK);
  CHECK_RC(eseal_pdf_sign(once.ptr, once.len, NULL, key, cert, NULL, &twice), ESEAL_OK);
  eseal_policy *relaxed = NULL;
  CHECK_RC(eseal_policy_preset("relaxed", 7, &relaxed), ESEAL_OK);
  eseal_trust_store *store = trust_from(demo, "root.pem");
  for (int limited = 0; limited < 2; limited++) {
    if (limited) {
      CHECK_RC(set(relaxed, "{\"schema\": \"eseal.limits/1\", \"pdf\": {\"max_signatures\": 1}}"),
               ESEAL_OK);
    }
    eseal_report *report = NULL;
    size_t count = 0;
    CHECK_RC(eseal_verify(twice.ptr, twice.len, store, relaxed, 0, &report), ESEAL_OK);
    CHECK_RC(eseal_report_signature_count(report, &count), ESEAL_OK);
    CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
    CHECK(count == (limited ? 1u : 2u));
    /* Both verify; beyond the limit the document is not valid (fail closed). */
    CHECK(status == (limited ? ESEAL_STATUS_INDETERMINATE : ESEAL_STATUS_VALID));
    eseal_report_free(report);
  }
  eseal_trust_store_free(store);
  eseal_policy_free(relaxed);
  eseal_bytes_free(&once);
  eseal_bytes_free(&twice);
  eseal_seal_free(seal);
  eseal_certificate_free(cert);
  eseal_key_free(key);
  free(seal_der);
  free(cert_pem);
  free(key_pem);
  free(plain);

  /* Refusals, each leaving the policy as it was (max_objects 3 below). */
  CHECK_RC(set(policy, "{\"schema\": \"eseal.limits/1\", \"pdf\": {\"max_objects\": 3}}"), ESEAL_OK);
  struct {
    const char *json;
    eseal_result want;
    const char *message;
  } bad[] = {
      {"{\"schema\": \"eseal.limits/1\", \"pdf\": {\"max_objects\": 2000001}}",
       ESEAL_INVALID_ARGUMENT, "pdf.max_objects"},
      {"{\"schema\": \"eseal.limits/1\", \"max_input_bytes\": 99999999999}", ESEAL_INVALID_ARGUMENT,
       "max_input_bytes"},
      {"{\"schema\": \"eseal.limits/1\", \"ofd\": {\"max_entrys\": 1}}", ESEAL_INVALID_ARGUMENT,
       "ofd.max_entrys"},
      {"{\"schema\": \"eseal.limits/1\", \"ofd\": {\"max_entries\": -1}}", ESEAL_INVALID_ARGUMENT,
       "ofd.max_entries"},
      {"{\"schema\": \"eseal.limits/9\"}", ESEAL_MALFORMED, "schema"},
      {"{\"pdf\": {}}", ESEAL_MALFORMED, "schema"},
      {"{\"schema\": ", ESEAL_MALFORMED, ""},
      {"", ESEAL_MALFORMED, ""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_RC(set(policy, bad[i].json), bad[i].want);
    CHECK(strstr(last_error(), bad[i].message) != NULL);
    CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_LIMIT_EXCEEDED);
  }
  static char huge[20000];
  memset(huge, ' ', sizeof huge);
  memcpy(huge, "{\"schema\": \"eseal.limits/1\"}", 28);
  CHECK_RC(eseal_policy_set_limits(policy, huge, sizeof huge), ESEAL_LIMIT_EXCEEDED);
  const char not_utf8[] = "{\"schema\": \"\xff\"}";
  CHECK_RC(eseal_policy_set_limits(policy, not_utf8, sizeof not_utf8 - 1), ESEAL_INVALID_UTF8);
  CHECK_RC(eseal_policy_set_limits(policy, NULL, 4), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_policy_set_limits(NULL, "{}", 2), ESEAL_NULL_POINTER);
  CHECK_RC(verify(pdf, pdf_len, policy, &status), ESEAL_LIMIT_EXCEEDED);

  eseal_policy_free(policy);
  free(pdf);
  free(ofd);
  return finish("test_limits");
}
