/*
 * Verifies the files named on the command line with the eseal C ABI (no trust anchors,
 * default policy, validation time now) and prints, per file, one line:
 *   FILE: STATUS[: CHECK_ID: MESSAGE of the first problem]
 * or FILE: error NAME: MESSAGE when a file cannot be verified at all.
 * Exit status: 0 when every file is valid, 1 otherwise, 2 on a usage or I/O error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "eseal.h"

static const char *status_name(eseal_status status) {
  switch (status) {
  case ESEAL_STATUS_VALID:
    return "valid";
  case ESEAL_STATUS_INVALID:
    return "invalid";
  default:
    return "indeterminate";
  }
}

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  size_t cap = 1 << 16, used = 0;
  unsigned char *buf = malloc(cap);
  while (buf != NULL) {
    size_t n = fread(buf + used, 1, cap - used, f);
    used += n;
    if (used < cap) {
      break;
    }
    unsigned char *bigger = realloc(buf, cap * 2);
    if (bigger == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  if (ferror(f) && buf != NULL) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = used;
  return buf;
}

static void print_last_error(void) {
  char message[1024];
  size_t written = 0;
  if (eseal_last_error(message, sizeof message, &written) == ESEAL_OK) {
    printf("%s", message);
  } else {
    printf("(message of %zu bytes too long)", written);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE...\n", argv[0]);
    return 2;
  }
  if (eseal_abi_version() != ESEAL_ABI_VERSION) {
    fprintf(stderr, "libeseal ABI %u, header ABI %u\n", eseal_abi_version(), ESEAL_ABI_VERSION);
    return 2;
  }
  int exit_code = 0;
  for (int i = 1; i < argc; i++) {
    size_t len = 0;
    unsigned char *data = read_file(argv[i], &len);
    if (data == NULL) {
      fprintf(stderr, "%s: cannot read\n", argv[i]);
      return 2;
    }
    eseal_report *report = NULL;
    eseal_result rc = eseal_verify(data, len, NULL, NULL, 0, &report);
    free(data);
    if (rc != ESEAL_OK) {
      const char *name = "?";
      eseal_result_name((uint32_t)rc, &name);
      printf("%s: error %s: ", argv[i], name);
      print_last_error();
      printf("\n");
      exit_code = 1;
      continue;
    }
    eseal_status status = ESEAL_STATUS_INDETERMINATE;
    bool found = false;
    size_t index = 0;
    eseal_check check;
    if (eseal_report_status(report, &status) != ESEAL_OK ||
        eseal_report_first_problem(report, &found, &index) != ESEAL_OK ||
        (found && eseal_report_check(report, index, &check) != ESEAL_OK)) {
      fprintf(stderr, "%s: reading the report failed\n", argv[i]);
      eseal_report_free(report);
      return 2;
    }
    printf("%s: %s", argv[i], status_name(status));
    if (found) {
      printf(": %s: %s", check.id, check.message);
    }
    printf("\n");
    if (status != ESEAL_STATUS_VALID) {
      exit_code = 1;
    }
    eseal_report_free(report);
  }
  return exit_code;
}
