/*
 * The thread rules of the eseal C ABI header: handles used read-only (const functions) may be
 * shared between threads, and the last error message is per thread. Four threads share one
 * trust store, policy, key, certificate and seal; each verifies a signed OFD, signs data with
 * the shared key and checks its own error messages while the others fail differently.
 *
 * Usage: test_threads VECTORS_DIR [WORK_DIR] (the ofdrw vectors).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal.h"
#include "test_util.h"

#define THREADS 4
#define ROUNDS 3

/* Whether this thread's last error message contains `needle` (a buffer of its own: the
 * shared helper's static buffer is for one thread). */
static int last_error_has(const char *needle) {
  char message[512];
  size_t written = 0;
  return eseal_last_error(message, sizeof message, &written) == ESEAL_OK &&
         strstr(message, needle) != NULL;
}

struct shared {
  const eseal_trust_store *store;
  const eseal_policy *policy;
  const eseal_key *key;
  const eseal_certificate *cert;
  const eseal_seal *seal;
  const uint8_t *ofd;
  size_t ofd_len;
};

struct job {
  const struct shared *shared;
  int id;
  int failures; /* counted by the thread, checked by main after the join */
};

static void *work(void *arg) {
  struct job *job = arg;
  const struct shared *s = job->shared;
  char name[32];
  snprintf(name, sizeof name, "thread-%d", job->id);
  for (int round = 0; round < ROUNDS; round++) {
    /* Verify the shared document with the shared store and policy. */
    eseal_report *report = NULL;
    eseal_status status = ESEAL_STATUS_VALID;
    if (eseal_verify(s->ofd, s->ofd_len, s->store, s->policy, 1656633600u, &report) != ESEAL_OK ||
        eseal_report_status(report, &status) != ESEAL_OK ||
        status != ESEAL_STATUS_INDETERMINATE) {
      job->failures++;
    }
    eseal_report_free(report);
    /* Sign with the shared key and seal; the signature verifies over this thread's data. */
    eseal_bytes sig = {NULL, 0};
    if (eseal_sign_data(s->seal, s->key, s->cert, (const uint8_t *)name, strlen(name), "t", 1,
                        1656633600u, &sig) != ESEAL_OK) {
      job->failures++;
    }
    report = NULL;
    if (eseal_verify_with(sig.ptr, sig.len, NULL, NULL, 1656633600u, (const uint8_t *)name,
                          strlen(name), NULL, 0, &report) != ESEAL_OK ||
        eseal_report_status(report, &status) != ESEAL_OK ||
        status == ESEAL_STATUS_INVALID) {
      job->failures++;
    }
    eseal_report_free(report);
    eseal_bytes_free(&sig);
    /* This thread's failure leaves this thread's message, whatever the others do. */
    eseal_policy *p = NULL;
    if (eseal_policy_preset(name, strlen(name), &p) != ESEAL_INVALID_ARGUMENT ||
        !last_error_has(name)) {
      job->failures++;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s VECTORS_DIR [WORK_DIR]\n", argv[0]);
    return 2;
  }
  size_t len = 0;
  struct shared s;
  unsigned char *key_file = read_file(argv[1], "sign_key.pem", &len);
  eseal_key *key = NULL;
  CHECK_RC(eseal_key_load(key_file, len, NULL, 0, &key), ESEAL_OK);
  unsigned char *cert_file = read_file(argv[1], "sign_cert.pem", &len);
  eseal_certificate *cert = NULL;
  CHECK_RC(eseal_certificate_load(cert_file, len, &cert), ESEAL_OK);
  eseal_trust_store *store = NULL;
  CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
  CHECK_RC(eseal_trust_store_add_intermediates(store, cert_file, len), ESEAL_OK);
  eseal_policy *policy = NULL;
  CHECK_RC(eseal_policy_preset("default", 7, &policy), ESEAL_OK);

  /* A seal of our own (the picture of an ofdrw seal) listing the signer. */
  unsigned char *esl = read_file(argv[1], "UserV4.esl", &len);
  eseal_seal *ofdrw = NULL, *seal = NULL;
  CHECK_RC(eseal_seal_load(esl, len, &ofdrw), ESEAL_OK);
  eseal_bytes picture = {NULL, 0};
  const char *type = NULL;
  int64_t w = 0, h = 0;
  CHECK_RC(eseal_seal_picture(ofdrw, &picture, &type, &w, &h), ESEAL_OK);
  eseal_seal_builder *builder = NULL;
  CHECK_RC(eseal_seal_builder_new("1", 1, "seal", 4, 1, 1640995200u, 1640995200u, 1672531200u,
                                  picture.ptr, picture.len, 40, 40, &builder),
           ESEAL_OK);
  CHECK_RC(eseal_seal_builder_add_signer(builder, cert), ESEAL_OK);
  CHECK_RC(eseal_seal_builder_build(builder, key, cert, &seal), ESEAL_OK);

  unsigned char *ofd = read_file(argv[1], "v4signed.ofd", &s.ofd_len);
  s.store = store;
  s.policy = policy;
  s.key = key;
  s.cert = cert;
  s.seal = seal;
  s.ofd = ofd;

  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i].shared = &s;
    jobs[i].id = i;
    jobs[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, work, &jobs[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(jobs[i].failures == 0);
  }
  /* The main thread's message is its own: the last call here succeeded. */
  CHECK(last_error_len() == 0);

  free(ofd);
  eseal_seal_builder_free(builder);
  eseal_bytes_free(&picture);
  eseal_seal_free(seal);
  eseal_seal_free(ofdrw);
  free(esl);
  eseal_policy_free(policy);
  eseal_trust_store_free(store);
  eseal_certificate_free(cert);
  free(cert_file);
  eseal_key_free(key);
  free(key_file);
  return finish("test_threads");
}
