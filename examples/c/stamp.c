/*
 * Makes an electronic seal and stamps an OFD document with it through the eseal C ABI, then
 * verifies the stamped document and prints its report.
 *
 *   stamp KEY CERT IN.ofd OUT.ofd [TIME [PICTURE.png]]
 *
 * KEY (a key file: PEM/DER PKCS#8, SEC1, or PKCS#12 with the password in $ESEAL_KEY_PASSWORD)
 * and CERT are both the seal maker's and the signer's (one person here; a real seal is made by
 * a seal authority for other signers). TIME is the signing and validation time in seconds
 * since 1970 UTC (default: now); the seal is valid from a day before TIME for a year, within
 * the certificate's validity. The stamp, 40 mm wide, goes on page 1 at (20 mm, 20 mm).
 *
 * Prints "OUT: STATUS" and one line per check. Exit status: 0 when stamped and the report is
 * not invalid, 1 when it is invalid, 2 on a usage, I/O or library error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eseal.h"

/* A 2×2 red PNG, used when no picture is given. */
static const uint8_t default_picture[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00, 0x72,
    0xb6, 0x0d, 0x24, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
    0xcf, 0xc0, 0xf0, 0x1f, 0x84, 0x19, 0x60, 0x0c, 0x00, 0x47, 0xca, 0x07, 0xf9, 0x67, 0x59,
    0x6e, 0xb7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* The whole file in a malloc'd buffer, or NULL. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long size = -1;
  if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL &&
      fread(buf, 1, (size_t)size, f) != (size_t)size) {
    free(buf);
    buf = NULL;
  }
  if (f != NULL) {
    fclose(f);
  }
  *len = size > 0 ? (size_t)size : 0;
  return buf;
}

/* Prints a failed call's result name and message; gives 2 for the exit status. */
static int fail(const char *what, eseal_result rc) {
  const char *name = "?";
  char message[1024] = "";
  size_t written = 0;
  eseal_result_name((uint32_t)rc, &name);
  eseal_last_error(message, sizeof message, &written);
  fprintf(stderr, "%s: error %s: %s\n", what, name, message);
  return 2;
}

static const char *check_status_name(eseal_check_status status) {
  switch (status) {
  case ESEAL_CHECK_PASSED:
    return "passed";
  case ESEAL_CHECK_FAILED:
    return "FAILED";
  case ESEAL_CHECK_INDETERMINATE:
    return "indeterminate";
  default:
    return "n/a";
  }
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: %s KEY CERT IN.ofd OUT.ofd [TIME [PICTURE]]\n", argv[0]);
    return 2;
  }
  uint64_t at = argc > 5 ? strtoull(argv[5], NULL, 10) : (uint64_t)time(NULL);
  size_t key_len = 0, cert_len = 0, ofd_len = 0, picture_len = sizeof default_picture;
  uint8_t *key_file = slurp(argv[1], &key_len);
  uint8_t *cert_file = slurp(argv[2], &cert_len);
  uint8_t *ofd = slurp(argv[3], &ofd_len);
  uint8_t *picture = argc > 6 ? slurp(argv[6], &picture_len) : NULL;
  if (key_file == NULL || cert_file == NULL || ofd == NULL || (argc > 6 && picture == NULL)) {
    fprintf(stderr, "cannot read an input file\n");
    return 2;
  }
  const char *password = getenv("ESEAL_KEY_PASSWORD");

  int exit_code = 2;
  eseal_key *key = NULL;
  eseal_certificate *cert = NULL;
  eseal_seal_builder *builder = NULL;
  eseal_seal *seal = NULL;
  eseal_bytes stamped = {NULL, 0};
  eseal_report *report = NULL;
  eseal_result rc;
  const char *name = "测试单位公章";
  const char *es_id = "33010600000001";

  if ((rc = eseal_key_load(key_file, key_len, (const uint8_t *)password,
                           password ? strlen(password) : 0, &key)) != ESEAL_OK) {
    exit_code = fail(argv[1], rc);
    goto done;
  }
  if ((rc = eseal_certificate_load(cert_file, cert_len, &cert)) != ESEAL_OK) {
    exit_code = fail(argv[2], rc);
    goto done;
  }
  /* The seal: v4 (GB/T 38540), an organisation seal, valid from a day before TIME for a year,
   * authorising the certificate's holder. */
  if ((rc = eseal_seal_builder_new(es_id, strlen(es_id), name, strlen(name), 1, at - 86400,
                                   at - 86400, at + 365 * 86400, picture ? picture : default_picture,
                                   picture_len, 40, 40, &builder)) != ESEAL_OK ||
      (rc = eseal_seal_builder_add_signer(builder, cert)) != ESEAL_OK ||
      (rc = eseal_seal_builder_build(builder, key, cert, &seal)) != ESEAL_OK) {
    exit_code = fail("making the seal", rc);
    goto done;
  }
  /* The stamp: page 1 (index 0), 20 mm from the left and the top, the picture's size. */
  if ((rc = eseal_ofd_stamp(ofd, ofd_len, seal, key, cert, at, 0, 20.0, 20.0, 0, 0,
                            ESEAL_SIGN_CONTINUE, &stamped)) != ESEAL_OK) {
    exit_code = fail("stamping", rc);
    goto done;
  }
  FILE *out = fopen(argv[4], "wb");
  if (out == NULL || fwrite(stamped.ptr, 1, stamped.len, out) != stamped.len) {
    fprintf(stderr, "%s: cannot write\n", argv[4]);
    if (out != NULL) {
      fclose(out);
    }
    goto done;
  }
  fclose(out);

  /* Verify what was written, at the signing time, without trust anchors. */
  if ((rc = eseal_verify(stamped.ptr, stamped.len, NULL, NULL, at, &report)) != ESEAL_OK) {
    exit_code = fail("verifying", rc);
    goto done;
  }
  eseal_status status = ESEAL_STATUS_INDETERMINATE;
  size_t count = 0;
  eseal_report_status(report, &status);
  eseal_report_check_count(report, &count);
  printf("%s: %s\n", argv[4],
         status == ESEAL_STATUS_VALID     ? "valid"
         : status == ESEAL_STATUS_INVALID ? "invalid"
                                          : "indeterminate");
  for (size_t i = 0; i < count; i++) {
    eseal_check check;
    if (eseal_report_check(report, i, &check) == ESEAL_OK) {
      printf("  [%s] %s: %s\n", check_status_name(check.status), check.id, check.message);
    }
  }
  exit_code = status == ESEAL_STATUS_INVALID ? 1 : 0;

done:
  eseal_report_free(report);
  eseal_bytes_free(&stamped);
  eseal_seal_free(seal);
  eseal_seal_builder_free(builder);
  eseal_certificate_free(cert);
  eseal_key_free(key);
  free(picture);
  free(ofd);
  free(cert_file);
  free(key_file);
  return exit_code;
}
