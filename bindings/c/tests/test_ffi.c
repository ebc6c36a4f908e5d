/*
 * Tests of every exported function of the eseal C ABI, including NULL pointers, wrong
 * lengths, garbage and non-UTF-8 input. Usage: test_ffi VECTORS_DIR (the ofdrw test vectors:
 * v4signed.ofd, UserV4.esl, sign_cert.pem). Exit status 0 when every check holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal.h"
#include "test_util.h"

static void test_abi_and_names(void) {
  CHECK(eseal_abi_version() == ESEAL_ABI_VERSION);
  CHECK(ESEAL_ABI_VERSION == 1);
  const char *name = NULL;
  CHECK_RC(eseal_result_name(0, &name), ESEAL_OK);
  CHECK(name != NULL && strcmp(name, "ok") == 0);
  CHECK_RC(eseal_result_name(ESEAL_WRONG_PASSWORD, &name), ESEAL_OK);
  CHECK(strcmp(name, "wrong_password") == 0);
  CHECK_RC(eseal_result_name(ESEAL_INTERNAL, &name), ESEAL_OK);
  CHECK(strcmp(name, "internal") == 0);
  CHECK_RC(eseal_result_name(ESEAL_INDEX_OUT_OF_RANGE, &name), ESEAL_OK);
  CHECK(strcmp(name, "index_out_of_range") == 0);
  /* Every core code 1..14 has a name; 15 and 99 are none. */
  for (uint32_t code = 1; code <= 14; code++) {
    name = NULL;
    CHECK_RC(eseal_result_name(code, &name), ESEAL_OK);
    CHECK(name != NULL && strlen(name) > 0);
  }
  CHECK_RC(eseal_result_name(15, &name), ESEAL_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "15") != NULL);
  CHECK_RC(eseal_result_name(99, &name), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_result_name(0, NULL), ESEAL_NULL_POINTER);
}

static void test_last_error(void) {
  /* A failure leaves a message; reading it does not clear it; a success clears it. */
  CHECK_RC(eseal_trust_store_new(NULL), ESEAL_NULL_POINTER);
  CHECK(strcmp(last_error(), "out is NULL") == 0);
  CHECK(last_error_len() == strlen("out is NULL"));
  char small[4] = {'x', 'x', 'x', 'x'};
  size_t written = 0;
  CHECK_RC(eseal_last_error(small, sizeof small, &written), ESEAL_BUFFER_TOO_SMALL);
  CHECK(written == strlen("out is NULL"));
  CHECK(small[0] == 'x'); /* nothing copied */
  /* Exactly the length without room for the NUL is too small too. */
  char exact[11];
  CHECK_RC(eseal_last_error(exact, sizeof exact, &written), ESEAL_BUFFER_TOO_SMALL);
  char fits[32];
  char just[12];
  CHECK_RC(eseal_last_error(just, sizeof just, &written), ESEAL_OK);
  CHECK(strcmp(just, "out is NULL") == 0);
  CHECK_RC(eseal_last_error(fits, sizeof fits, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_last_error(NULL, 100, &written), ESEAL_NULL_POINTER);
  /* Naming a result keeps the message, so it can be read after naming the failure. */
  const char *name = NULL;
  CHECK_RC(eseal_result_name(ESEAL_NULL_POINTER, &name), ESEAL_OK);
  CHECK(strcmp(last_error(), "out is NULL") == 0);
  CHECK_RC(eseal_sm3(NULL, 0, (uint8_t *)fits, 32), ESEAL_OK);
  CHECK(last_error_len() == 0);
}

static void test_trust_store(const char *dir) {
  size_t cert_len = 0;
  unsigned char *cert = read_file(dir, "sign_cert.pem", &cert_len);
  eseal_trust_store *store = NULL;
  CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
  CHECK(store != NULL);
  size_t anchors = 9, intermediates = 9, crls = 9;
  CHECK_RC(eseal_trust_store_counts(store, &anchors, &intermediates, &crls), ESEAL_OK);
  CHECK(anchors == 0 && intermediates == 0 && crls == 0);

  CHECK_RC(eseal_trust_store_add_anchors(store, cert, cert_len), ESEAL_OK);
  CHECK_RC(eseal_trust_store_add_intermediates(store, cert, cert_len), ESEAL_OK);
  CHECK_RC(eseal_trust_store_counts(store, &anchors, &intermediates, &crls), ESEAL_OK);
  CHECK(anchors == 1 && intermediates == 1 && crls == 0);

  /* Garbage, a truncated certificate and a certificate where a CRL belongs are refused
   * and change nothing. */
  const unsigned char garbage[] = "not a certificate";
  CHECK_RC(eseal_trust_store_add_anchors(store, garbage, sizeof garbage - 1), ESEAL_MALFORMED);
  CHECK(last_error_len() > 0);
  CHECK_RC(eseal_trust_store_add_anchors(store, cert, cert_len / 2), ESEAL_MALFORMED);
  CHECK_RC(eseal_trust_store_add_intermediates(store, garbage, sizeof garbage - 1),
           ESEAL_MALFORMED);
  CHECK_RC(eseal_trust_store_add_crls(store, garbage, sizeof garbage - 1), ESEAL_MALFORMED);
  CHECK_RC(eseal_trust_store_add_crls(store, cert, cert_len), ESEAL_MALFORMED);
  CHECK_RC(eseal_trust_store_counts(store, &anchors, &intermediates, &crls), ESEAL_OK);
  CHECK(anchors == 1 && intermediates == 1 && crls == 0);

  /* NULL pointers. */
  CHECK_RC(eseal_trust_store_add_anchors(NULL, cert, cert_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_add_anchors(store, NULL, 10), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_add_intermediates(NULL, cert, cert_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_add_intermediates(store, NULL, 10), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_add_crls(NULL, cert, cert_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_add_crls(store, NULL, 10), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_counts(NULL, &anchors, &intermediates, &crls), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_counts(store, NULL, &intermediates, &crls), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_counts(store, &anchors, NULL, &crls), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_trust_store_counts(store, &anchors, &intermediates, NULL), ESEAL_NULL_POINTER);
  /* (NULL, 0) is empty input: no certificate in it. */
  CHECK_RC(eseal_trust_store_add_anchors(store, NULL, 0), ESEAL_MALFORMED);

  eseal_trust_store_free(store);
  eseal_trust_store_free(NULL);
  free(cert);
}

static void test_policy(void) {
  const char *presets[] = {"default", "strict", "relaxed"};
  for (size_t i = 0; i < 3; i++) {
    eseal_policy *policy = NULL;
    CHECK_RC(eseal_policy_preset(presets[i], strlen(presets[i]), &policy), ESEAL_OK);
    CHECK(policy != NULL);
    eseal_policy_free(policy);
  }
  eseal_policy *policy = (eseal_policy *)&policy; /* must be reset to NULL on failure */
  CHECK_RC(eseal_policy_preset("lenient", 7, &policy), ESEAL_INVALID_ARGUMENT);
  CHECK(policy == NULL);
  CHECK(strstr(last_error(), "lenient") != NULL);
  /* A wrong length: "default" cut to "defau". */
  CHECK_RC(eseal_policy_preset("default", 5, &policy), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_policy_preset("\xff\xfe", 2, &policy), ESEAL_INVALID_UTF8);
  CHECK_RC(eseal_policy_preset(NULL, 7, &policy), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_policy_preset("default", 7, NULL), ESEAL_NULL_POINTER);

  const char *json = "{ \"schema_version\": 1, \"name\": \"c-test\", \"base\": \"strict\","
                     "  \"checks\": { \"signature.timestamp\": \"warn\" } }";
  CHECK_RC(eseal_policy_from_json(json, strlen(json), &policy), ESEAL_OK);
  CHECK(policy != NULL);
  eseal_policy_free(policy);
  const char *unknown = "{ \"schema_version\": 1, \"no_such_key\": true }";
  CHECK_RC(eseal_policy_from_json(unknown, strlen(unknown), &policy), ESEAL_INVALID_ARGUMENT);
  CHECK(policy == NULL);
  CHECK(strstr(last_error(), "no_such_key") != NULL);
  CHECK_RC(eseal_policy_from_json("{ broken", 8, &policy), ESEAL_MALFORMED);
  CHECK_RC(eseal_policy_from_json(json, strlen(json) - 3, &policy), ESEAL_MALFORMED);
  CHECK_RC(eseal_policy_from_json("\"\xc3\x28\"", 4, &policy), ESEAL_INVALID_UTF8);
  CHECK_RC(eseal_policy_from_json(NULL, 3, &policy), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_policy_from_json(json, strlen(json), NULL), ESEAL_NULL_POINTER);
  eseal_policy_free(NULL);
}

static void check_report(const eseal_report *report, eseal_status want_status,
                         size_t min_signatures) {
  eseal_status status = ESEAL_STATUS_VALID;
  CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
  CHECK(status == want_status);
  size_t signatures = 0, count = 0;
  CHECK_RC(eseal_report_signature_count(report, &signatures), ESEAL_OK);
  CHECK(signatures >= min_signatures);
  CHECK_RC(eseal_report_check_count(report, &count), ESEAL_OK);
  CHECK(count > 0);
  size_t failed_or_indeterminate = 0;
  for (size_t i = 0; i < count; i++) {
    eseal_check check;
    CHECK_RC(eseal_report_check(report, i, &check), ESEAL_OK);
    CHECK(check.id != NULL && strlen(check.id) > 0 && strchr(check.id, '.') != NULL);
    CHECK(check.message != NULL);
    CHECK(check.signature_index >= -1 && check.signature_index < (int64_t)signatures);
    CHECK(check.status >= ESEAL_CHECK_PASSED && check.status <= ESEAL_CHECK_NOT_APPLICABLE);
    CHECK(check.level >= ESEAL_LEVEL_FAIL && check.level <= ESEAL_LEVEL_IGNORE);
    if (check.status == ESEAL_CHECK_FAILED || check.status == ESEAL_CHECK_INDETERMINATE) {
      failed_or_indeterminate++;
    }
  }
  eseal_check check;
  CHECK_RC(eseal_report_check(report, count, &check), ESEAL_INDEX_OUT_OF_RANGE);
  CHECK_RC(eseal_report_check(report, (size_t)-1, &check), ESEAL_INDEX_OUT_OF_RANGE);
  CHECK_RC(eseal_report_check(report, 0, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_check(NULL, 0, &check), ESEAL_NULL_POINTER);

  bool found = false;
  size_t index = 99999;
  CHECK_RC(eseal_report_first_problem(report, &found, &index), ESEAL_OK);
  /* A report that is not valid names its first problem, which is not a passed check. */
  CHECK(found == (want_status != ESEAL_STATUS_VALID));
  if (found) {
    CHECK(index < count);
    CHECK(failed_or_indeterminate > 0);
    CHECK_RC(eseal_report_check(report, index, &check), ESEAL_OK);
    CHECK(check.status == ESEAL_CHECK_FAILED || check.status == ESEAL_CHECK_INDETERMINATE);
    CHECK(check.level == ESEAL_LEVEL_FAIL);
  } else {
    CHECK(index == 0);
  }
  CHECK_RC(eseal_report_first_problem(report, NULL, &index), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_first_problem(report, &found, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_first_problem(NULL, &found, &index), ESEAL_NULL_POINTER);

  char *json = NULL;
  size_t json_len = 0;
  CHECK_RC(eseal_report_json(report, &json, &json_len), ESEAL_OK);
  CHECK(json != NULL && strlen(json) == json_len);
  const char *want = want_status == ESEAL_STATUS_VALID     ? "\"status\": \"valid\""
                     : want_status == ESEAL_STATUS_INVALID ? "\"status\": \"invalid\""
                                                           : "\"status\": \"indeterminate\"";
  CHECK(json != NULL && strstr(json, want) != NULL);
  eseal_string_free(json);
  eseal_string_free(NULL);
  CHECK_RC(eseal_report_json(report, NULL, &json_len), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_json(report, &json, NULL), ESEAL_NULL_POINTER);
  CHECK(json == NULL);
  CHECK_RC(eseal_report_json(NULL, &json, &json_len), ESEAL_NULL_POINTER);

  CHECK_RC(eseal_report_status(report, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_status(NULL, &status), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_signature_count(report, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_signature_count(NULL, &signatures), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_check_count(report, NULL), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_report_check_count(NULL, &count), ESEAL_NULL_POINTER);
}

static void test_verify(const char *dir) {
  size_t ofd_len = 0, seal_len = 0, cert_len = 0;
  unsigned char *ofd = read_file(dir, "v4signed.ofd", &ofd_len);
  unsigned char *seal = read_file(dir, "UserV4.esl", &seal_len);
  unsigned char *cert = read_file(dir, "sign_cert.pem", &cert_len);

  /* No anchors, default policy, now: nothing proven wrong, trust not established. */
  eseal_report *report = NULL;
  CHECK_RC(eseal_verify(ofd, ofd_len, NULL, NULL, 0, &report), ESEAL_OK);
  CHECK(report != NULL);
  if (report != NULL) {
    check_report(report, ESEAL_STATUS_INDETERMINATE, 1);
  }
  eseal_report_free(report);

  /* A seal on its own, with an explicit policy, an empty trust store and a fixed time. */
  eseal_trust_store *store = NULL;
  eseal_policy *policy = NULL;
  CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
  CHECK_RC(eseal_policy_preset("relaxed", 7, &policy), ESEAL_OK);
  report = NULL;
  CHECK_RC(eseal_verify(seal, seal_len, store, policy, 1700000000, &report), ESEAL_OK);
  if (report != NULL) {
    size_t signatures = 0;
    CHECK_RC(eseal_report_signature_count(report, &signatures), ESEAL_OK);
    CHECK(signatures == 1);
  }
  eseal_report_free(report);

  /* With an anchor (the signer's own certificate) the options reach the core: the report
   * differs from the one without anchors or is at least produced without error. */
  CHECK_RC(eseal_trust_store_add_anchors(store, cert, cert_len), ESEAL_OK);
  report = NULL;
  CHECK_RC(eseal_verify(ofd, ofd_len, store, policy, 0, &report), ESEAL_OK);
  CHECK(report != NULL);
  eseal_report_free(report);

  /* Content of no supported format: an error, no report. */
  report = (eseal_report *)&report;
  CHECK_RC(eseal_verify((const uint8_t *)"hello", 5, NULL, NULL, 0, &report), ESEAL_MALFORMED);
  CHECK(report == NULL);
  CHECK(strstr(last_error(), "68 65 6c 6c 6f") != NULL);
  CHECK_RC(eseal_verify(NULL, 0, NULL, NULL, 0, &report), ESEAL_MALFORMED);
  CHECK(strstr(last_error(), "empty") != NULL);
  CHECK_RC(eseal_verify((const uint8_t *)"%PDF-1.7\n", 9, NULL, NULL, 0, &report),
           ESEAL_UNSUPPORTED);
  /* A truncated OFD package and a truncated seal: refused with a typed error or reported,
   * never a crash; a seal cut in half cannot be read. */
  eseal_result rc = eseal_verify(ofd, ofd_len / 2, NULL, NULL, 0, &report);
  CHECK(rc == ESEAL_OK || rc == ESEAL_MALFORMED || rc == ESEAL_LIMIT_EXCEEDED);
  eseal_report_free(report);
  report = NULL;
  rc = eseal_verify(seal, seal_len / 2, NULL, NULL, 0, &report);
  CHECK(rc == ESEAL_MALFORMED);
  CHECK(report == NULL);
  /* NULL pointers. */
  CHECK_RC(eseal_verify(NULL, 10, NULL, NULL, 0, &report), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_verify(ofd, ofd_len, NULL, NULL, 0, NULL), ESEAL_NULL_POINTER);
  eseal_report_free(NULL);

  eseal_policy_free(policy);
  eseal_trust_store_free(store);
  free(ofd);
  free(seal);
  free(cert);
}

static void test_sm3(void) {
  static const uint8_t abc[32] = {0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9,
                                  0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4, 0xe2,
                                  0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2,
                                  0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0};
  static const uint8_t empty[32] = {0x1a, 0xb2, 0x1d, 0x83, 0x55, 0xcf, 0xa1, 0x7f,
                                    0x8e, 0x61, 0x19, 0x48, 0x31, 0xe8, 0x1a, 0x8f,
                                    0x22, 0xbe, 0xc8, 0xc7, 0x28, 0xfe, 0xfb, 0x74,
                                    0x7e, 0xd0, 0x35, 0xeb, 0x50, 0x82, 0xaa, 0x2b};
  uint8_t out[33];
  memset(out, 0xAA, sizeof out);
  CHECK_RC(eseal_sm3((const uint8_t *)"abc", 3, out, sizeof out), ESEAL_OK);
  CHECK(memcmp(out, abc, 32) == 0);
  CHECK(out[32] == 0xAA); /* nothing beyond the digest is written */
  CHECK_RC(eseal_sm3(NULL, 0, out, 32), ESEAL_OK);
  CHECK(memcmp(out, empty, 32) == 0);
  memset(out, 0xAA, sizeof out);
  CHECK_RC(eseal_sm3((const uint8_t *)"abc", 3, out, 31), ESEAL_BUFFER_TOO_SMALL);
  CHECK(out[0] == 0xAA);
  CHECK_RC(eseal_sm3((const uint8_t *)"abc", 3, NULL, 32), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_sm3(NULL, 3, out, 32), ESEAL_NULL_POINTER);
}

static void test_license_id(void) {
  const char *good = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S";
  CHECK_RC(eseal_license_id_validate(good, strlen(good)), ESEAL_OK);
  char bad[128];
  strcpy(bad, good);
  bad[strlen(bad) - 1] = '0'; /* wrong check character */
  CHECK_RC(eseal_license_id_validate(bad, strlen(bad)), ESEAL_MALFORMED);
  CHECK(last_error_len() > 0);
  CHECK_RC(eseal_license_id_validate(good, strlen(good) - 2), ESEAL_MALFORMED);
  CHECK_RC(eseal_license_id_validate("garbage", 7), ESEAL_MALFORMED);
  CHECK_RC(eseal_license_id_validate("1.2.\xff", 5), ESEAL_INVALID_UTF8);
  CHECK_RC(eseal_license_id_validate(NULL, 5), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_license_id_validate(NULL, 0), ESEAL_MALFORMED);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s VECTORS_DIR [WORK_DIR]\n", argv[0]);
    return 2;
  }
  test_abi_and_names();
  test_last_error();
  test_trust_store(argv[1]);
  test_policy();
  test_verify(argv[1]);
  test_sm3();
  test_license_id();
  return finish("test_ffi");
}
