/*
 * Shared helpers of the C tests of the eseal C ABI: CHECK macros that count and report
 * failures, the last error message, and reading test vectors. Each test program includes it
 * once (the functions are static).
 */
#ifndef ESEAL_TEST_UTIL_H
#define ESEAL_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                       \
  do {                                                                                    \
    checks++;                                                                             \
    if (!(cond)) {                                                                        \
      failures++;                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);            \
    }                                                                                     \
  } while (0)

#define CHECK_RC(call, want)                                                              \
  do {                                                                                    \
    eseal_result rc_ = (call);                                                            \
    checks++;                                                                             \
    if (rc_ != (want)) {                                                                  \
      failures++;                                                                         \
      fprintf(stderr, "%s:%d: %s gave %d, expected %d (%s)\n", __FILE__, __LINE__, #call,  \
              (int)rc_, (int)(want), last_error());                                       \
    }                                                                                     \
  } while (0)

static inline const char *last_error(void) {
  static char buf[2048];
  size_t written = 0;
  if (eseal_last_error(buf, sizeof buf, &written) != ESEAL_OK) {
    return "(no message)";
  }
  return buf;
}

static inline size_t last_error_len(void) {
  size_t written = 12345;
  eseal_result rc = eseal_last_error(NULL, 0, &written);
  return rc == ESEAL_BUFFER_TOO_SMALL ? written : (size_t)-1;
}

static inline unsigned char *read_file(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  /* One byte more, a NUL, so that text files can be parsed as strings. */
  unsigned char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  buf[size] = 0;
  *len = (size_t)size;
  return buf;
}

/* WORK_DIR/demo (the output of eseal demo that scripts/c-abi.sh makes) from the arguments
 * VECTORS_DIR WORK_DIR; exits with a usage line when they are missing. */
static inline const char *demo_dir(int argc, char **argv) {
  static char dir[4096];
  if (argc < 3) {
    fprintf(stderr, "usage: %s VECTORS_DIR WORK_DIR\n", argv[0]);
    exit(2);
  }
  snprintf(dir, sizeof dir, "%s/demo", argv[2]);
  return dir;
}

/* A trust store whose anchors are the PEM file `name` of `dir`. */
static inline eseal_trust_store *trust_from(const char *dir, const char *name) {
  size_t len = 0;
  unsigned char *pem = read_file(dir, name, &len);
  eseal_trust_store *store = NULL;
  CHECK_RC(eseal_trust_store_new(&store), ESEAL_OK);
  CHECK_RC(eseal_trust_store_add_anchors(store, pem, len), ESEAL_OK);
  free(pem);
  return store;
}

/* Prints the summary line and gives the exit status. */
static inline int finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, checks, failures);
  return failures == 0 ? 0 : 1;
}

#endif
