/*
 * PDF signing and timestamps through the C ABI: eseal_pdf_sign (SES and CMS forms, visible
 * and invisible, field name, chain, a callback key), eseal_pdf_prepare → the caller signs →
 * eseal_pdf_prepared_finish, local and callback TSAs on raw, OFD and PDF signatures, and the
 * errors of each (NULL pointers, garbage, a callback TSA returning garbage). Every signed
 * output is verified through eseal_verify with the demo root as anchor (which also anchors
 * the demo TSA); the PDFs are written to WORK_DIR/c-*.pdf, which scripts/c-abi.sh checks with
 * qpdf --check and pdfsig.
 *
 * Usage: test_pdf_tsa VECTORS_DIR WORK_DIR (WORK_DIR/demo holds the output of eseal demo).
 */
#include <stdint.h>

#include "test_util.h"

static const char *demo;
static const char *work;
static eseal_key *key, *tsa_key;
static eseal_certificate *cert, *tsa_cert, *root;
static eseal_seal *seal;
static eseal_trust_store *store;
static unsigned char *pdf, *ofd;
static size_t pdf_len, ofd_len;
static const uint8_t junk[5] = {1, 2, 3, 4, 5};

static void write_file(const char *name, const eseal_bytes *b) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", work, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f != NULL) {
    CHECK(fwrite(b->ptr, 1, b->len, f) == b->len);
    fclose(f);
  }
}

static eseal_report *verify(const eseal_bytes *b, const uint8_t *data, size_t data_len) {
  eseal_report *report = NULL;
  CHECK_RC(eseal_verify_with(b->ptr, b->len, store, NULL, 0, data, data_len, NULL, 0, &report),
           ESEAL_OK);
  return report;
}

/* ESEAL_CHECK_PASSED when a check `id` of the report (of any signature) passed, else the
 * status of the last one, or -1 when it has none. */
static int check_status(const eseal_report *report, const char *id) {
  size_t count = 0;
  int found = -1;
  if (eseal_report_check_count(report, &count) != ESEAL_OK) {
    return -1;
  }
  for (size_t i = 0; i < count; i++) {
    eseal_check check;
    if (eseal_report_check(report, i, &check) == ESEAL_OK && strcmp(check.id, id) == 0) {
      found = (int)check.status;
      if (check.status == ESEAL_CHECK_PASSED) {
        return found;
      }
    }
  }
  return found;
}

/* Verifies `b`: the verdict, the number of signatures and whether the timestamp check passed. */
static void expect(const eseal_bytes *b, const uint8_t *data, size_t data_len, eseal_status want,
                   size_t signatures, int timestamped) {
  eseal_report *report = verify(b, data, data_len);
  if (report == NULL) {
    return;
  }
  eseal_status status = ESEAL_STATUS_INVALID;
  size_t count = 0;
  CHECK_RC(eseal_report_status(report, &status), ESEAL_OK);
  CHECK_RC(eseal_report_signature_count(report, &count), ESEAL_OK);
  CHECK(status == want);
  CHECK(count == signatures);
  int ts = check_status(report, "signature.timestamp");
  if (timestamped) {
    CHECK(ts == ESEAL_CHECK_PASSED);
  } else {
    CHECK(ts != ESEAL_CHECK_PASSED);
  }
  if (status != want || (timestamped && ts != ESEAL_CHECK_PASSED)) {
    char *json = NULL;
    size_t len = 0;
    if (eseal_report_json(report, &json, &len) == ESEAL_OK) {
      fprintf(stderr, "%s\n", json);
      eseal_string_free(json);
    }
  }
  eseal_report_free(report);
}

static void *load(const char *name, int what) {
  size_t len = 0;
  unsigned char *data = read_file(demo, name, &len);
  void *out = NULL;
  eseal_result rc = ESEAL_OK;
  switch (what) {
  case 0:
    rc = eseal_key_load(data, len, NULL, 0, (eseal_key **)&out);
    break;
  case 1:
    rc = eseal_certificate_load(data, len, (eseal_certificate **)&out);
    break;
  default:
    rc = eseal_seal_load(data, len, (eseal_seal **)&out);
  }
  CHECK_RC(rc, ESEAL_OK);
  free(data);
  return out;
}

/* A TSA callback: tokens from the local TSA in user_data (a real system asks its TSA over
 * HTTP with the digest). mode: 0 good, 1 garbage, 2 refuse, 3 a length beyond the buffer,
 * 4 a valid token over other data, 5 a TimeStampResp with status rejection. */
struct tsa_state {
  const eseal_tsa *local;
  int mode;
  int calls;
  /* Mode 5: a whole TimeStampResp (OpenSSL's rejection, made by scripts/c-abi.sh). */
  const unsigned char *response;
  size_t response_len;
};

static int tsa_callback(void *user_data, const uint8_t *data, size_t data_len,
                        const uint8_t *digest, uint8_t *token, size_t capacity,
                        size_t *token_len) {
  struct tsa_state *state = user_data;
  state->calls++;
  uint8_t sm3[32];
  if (eseal_sm3(data, data_len, sm3, sizeof sm3) != ESEAL_OK || memcmp(sm3, digest, 32) != 0) {
    return 7; /* the digest must be SM3 of the data */
  }
  switch (state->mode) {
  case 1:
    memset(token, 0x30, 40);
    *token_len = 40;
    return 0;
  case 2:
    return 5;
  case 3:
    *token_len = capacity + 1;
    return 0;
  case 5:
    if (state->response_len > capacity) {
      return 1;
    }
    memcpy(token, state->response, state->response_len);
    *token_len = state->response_len;
    return 0;
  default:
    break;
  }
  eseal_bytes t = {NULL, 0};
  const uint8_t other[] = "other data";
  eseal_result rc = state->mode == 4 ? eseal_tsa_timestamp(state->local, other, sizeof other, &t)
                                     : eseal_tsa_timestamp(state->local, data, data_len, &t);
  if (rc != ESEAL_OK || t.len > capacity) {
    eseal_bytes_free(&t);
    return 1;
  }
  memcpy(token, t.ptr, t.len);
  *token_len = t.len;
  eseal_bytes_free(&t);
  return 0;
}

/* A signing callback over the software key (as a USB key would sign the digest). */
static int sign_callback(void *user_data, const uint8_t *message, size_t message_len,
                         const uint8_t *digest, uint8_t *signature, size_t capacity,
                         size_t *signature_len) {
  (void)digest;
  eseal_bytes s = {NULL, 0};
  if (eseal_sm2_sign((const eseal_key *)user_data, NULL, 0, message, message_len, &s) != ESEAL_OK ||
      s.len > capacity) {
    eseal_bytes_free(&s);
    return 1;
  }
  memcpy(signature, s.ptr, s.len);
  *signature_len = s.len;
  eseal_bytes_free(&s);
  return 0;
}

static void test_pdf_sign(const eseal_tsa *tsa) {
  eseal_bytes out = {NULL, 0}, twice = {NULL, 0};
  /* SES, visible, the defaults otherwise. */
  eseal_pdf_options o;
  memset(&o, 0, sizeof o);
  o.visible = true;
  o.x_mm = 120;
  o.y_mm = 200;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_OK);
  CHECK(out.len > pdf_len && memcmp(out.ptr, pdf, pdf_len) == 0); /* an incremental update */
  expect(&out, NULL, 0, ESEAL_STATUS_VALID, 1, 0);
  write_file("c-ses.pdf", &out);
  /* A second signature on the signed file, named, timestamped: both verify. */
  o.field_name = "Approval";
  o.field_name_len = 8;
  o.y_mm = 100;
  o.tsa = tsa;
  CHECK_RC(eseal_pdf_sign(out.ptr, out.len, seal, key, cert, &o, &twice), ESEAL_OK);
  expect(&twice, NULL, 0, ESEAL_STATUS_VALID, 2, 1);
  write_file("c-ses-twice.pdf", &twice);
  /* The same field name again is refused. */
  eseal_bytes again = {(uint8_t *)1, 1};
  CHECK_RC(eseal_pdf_sign(twice.ptr, twice.len, seal, key, cert, &o, &again),
           ESEAL_INVALID_ARGUMENT);
  CHECK(again.ptr == NULL && again.len == 0);
  eseal_bytes_free(&twice);
  eseal_bytes_free(&out);

  /* CMS, invisible (NULL options: the defaults), then visible with a size, a chain and a
   * timestamp. */
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, NULL, key, cert, NULL, &out), ESEAL_OK);
  expect(&out, NULL, 0, ESEAL_STATUS_VALID, 1, 0);
  write_file("c-cms.pdf", &out);
  eseal_bytes_free(&out);
  const eseal_certificate *chain[] = {root};
  memset(&o, 0, sizeof o);
  o.visible = true;
  o.x_mm = 20;
  o.y_mm = 20;
  o.width_mm = 50;
  o.height_mm = 20;
  o.chain = chain;
  o.chain_len = 1;
  o.tsa = tsa;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, NULL, key, cert, &o, &out), ESEAL_OK);
  expect(&out, NULL, 0, ESEAL_STATUS_VALID, 1, 1);
  write_file("c-cms-ts.pdf", &out);
  eseal_bytes_free(&out);
  /* A visible CMS signature needs a size. */
  o.width_mm = o.height_mm = 0;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, NULL, key, cert, &o, &out), ESEAL_INVALID_ARGUMENT);

  /* A callback key (USB key, HSM) signs the same way. */
  eseal_key *external = NULL;
  CHECK_RC(eseal_key_from_callback(cert, sign_callback, key, &external), ESEAL_OK);
  memset(&o, 0, sizeof o);
  o.visible = true;
  o.page = 0;
  o.x_mm = 60;
  o.y_mm = 60;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, external, cert, &o, &out), ESEAL_OK);
  expect(&out, NULL, 0, ESEAL_STATUS_VALID, 1, 0);
  eseal_bytes_free(&out);
  eseal_key_free(external);

  /* Errors: a page the document lacks, NULL pointers, garbage, a truncated PDF. */
  o.page = 99;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_INVALID_ARGUMENT);
  o.page = 0;
  o.x_mm = 5000; /* a stamp off the page: readers would clip what was signed */
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "off page") != NULL);
  o.x_mm = 60;
  o.field_name = "a.b";
  o.field_name_len = 3;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_INVALID_ARGUMENT);
  o.field_name = NULL;
  o.field_name_len = 4;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_NULL_POINTER);
  o.field_name_len = 0;
  o.chain_len = 2;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_NULL_POINTER);
  const eseal_certificate *null_chain[] = {NULL};
  o.chain = null_chain;
  o.chain_len = 1;
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, NULL, key, cert, &o, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_pdf_sign(NULL, 10, seal, key, cert, NULL, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, NULL, cert, NULL, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, NULL, NULL, &out), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, NULL, NULL), ESEAL_NULL_POINTER);
  const uint8_t garbage[] = "%PDF-1.7 and nothing else";
  CHECK_RC(eseal_pdf_sign(garbage, sizeof garbage, seal, key, cert, NULL, &out), ESEAL_MALFORMED);
  CHECK_RC(eseal_pdf_sign(ofd, ofd_len, seal, key, cert, NULL, &out), ESEAL_MALFORMED);
  CHECK_RC(eseal_pdf_sign(pdf, pdf_len / 2, seal, key, cert, NULL, &out), ESEAL_MALFORMED);
  CHECK(out.ptr == NULL && out.len == 0);
}

/* prepare → the caller signs (the message, or the digest) → finish. */
static void test_pdf_prepared(const eseal_tsa *tsa) {
  for (int form = 0; form < 2; form++) {
    for (int with_tsa = 0; with_tsa < 2; with_tsa++) {
      eseal_pdf_options o;
      memset(&o, 0, sizeof o);
      o.visible = true;
      o.x_mm = 30;
      o.y_mm = 30;
      if (form == 1) {
        o.width_mm = 40;
        o.height_mm = 15;
      }
      o.tsa = with_tsa ? tsa : NULL;
      eseal_pdf_prepared *p = NULL;
      CHECK_RC(eseal_pdf_prepare(pdf, pdf_len, form == 0 ? seal : NULL, cert, &o, &p), ESEAL_OK);
      if (p == NULL) {
        continue;
      }
      const uint8_t *message = NULL;
      size_t message_len = 0;
      uint8_t digest[32], small[31];
      CHECK_RC(eseal_pdf_prepared_message(p, &message, &message_len), ESEAL_OK);
      CHECK(message != NULL && message_len > 0);
      CHECK_RC(eseal_pdf_prepared_digest(p, digest, sizeof digest), ESEAL_OK);
      CHECK_RC(eseal_pdf_prepared_digest(p, small, sizeof small), ESEAL_BUFFER_TOO_SMALL);
      eseal_bytes value = {NULL, 0}, out = {NULL, 0};
      CHECK_RC(eseal_sm2_sign(key, NULL, 0, message, message_len, &value), ESEAL_OK);
      /* A wrong value first (a signature over other bytes), then the right one. */
      eseal_bytes wrong = {NULL, 0};
      CHECK_RC(eseal_sm2_sign(key, NULL, 0, message, message_len - 1, &wrong), ESEAL_OK);
      CHECK_RC(eseal_pdf_prepared_finish(p, wrong.ptr, wrong.len, &out),
               ESEAL_VERIFICATION_FAILED);
      CHECK_RC(eseal_pdf_prepared_finish(p, junk, sizeof junk, &out), ESEAL_VERIFICATION_FAILED);
      eseal_bytes_free(&wrong);
      CHECK_RC(eseal_pdf_prepared_finish(p, value.ptr, value.len, &out), ESEAL_OK);
      expect(&out, NULL, 0, ESEAL_STATUS_VALID, 1, with_tsa);
      if (form == 1 && with_tsa) {
        write_file("c-cms-prepared.pdf", &out);
      }
      eseal_bytes_free(&out);
      eseal_bytes_free(&value);
      CHECK_RC(eseal_pdf_prepared_message(NULL, &message, &message_len), ESEAL_NULL_POINTER);
      CHECK_RC(eseal_pdf_prepared_message(p, NULL, &message_len), ESEAL_NULL_POINTER);
      CHECK_RC(eseal_pdf_prepared_digest(p, NULL, 32), ESEAL_NULL_POINTER);
      CHECK_RC(eseal_pdf_prepared_finish(p, NULL, 3, &out), ESEAL_NULL_POINTER);
      eseal_pdf_prepared_free(p);
    }
  }
  eseal_pdf_prepared *p = (eseal_pdf_prepared *)1;
  CHECK_RC(eseal_pdf_prepare(pdf, pdf_len, seal, NULL, NULL, &p), ESEAL_NULL_POINTER);
  CHECK(p == NULL);
  CHECK_RC(eseal_pdf_prepare(ofd, ofd_len, seal, cert, NULL, &p), ESEAL_MALFORMED);
  CHECK(p == NULL);
  eseal_pdf_prepared_free(NULL);
}

static void test_tsa(void) {
  eseal_tsa *local = NULL, *callback = NULL;
  CHECK_RC(eseal_tsa_new_local(tsa_key, tsa_cert, 0, &local), ESEAL_OK);
  /* A certificate without the timeStamping usage cannot be a TSA. */
  eseal_tsa *bad = (eseal_tsa *)1;
  CHECK_RC(eseal_tsa_new_local(key, cert, 0, &bad), ESEAL_UNTRUSTED);
  CHECK(bad == NULL);
  CHECK_RC(eseal_tsa_new_local(NULL, tsa_cert, 0, &bad), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_tsa_from_callback(NULL, NULL, &bad), ESEAL_NULL_POINTER);
  CHECK(bad == NULL);
  size_t rejected_len = 0;
  unsigned char *rejected = read_file(work, "openssl-rejected.tsr", &rejected_len);
  struct tsa_state state = {local, 0, 0, rejected, rejected_len};
  CHECK_RC(eseal_tsa_from_callback(tsa_callback, &state, &callback), ESEAL_OK);

  /* Raw data: sign, then timestamp the signature. */
  const uint8_t data[] = "a contract";
  eseal_bytes sig = {NULL, 0}, stamped = {NULL, 0};
  CHECK_RC(eseal_sign_data(seal, key, cert, data, sizeof data, "contract", 8, 0, &sig), ESEAL_OK);
  expect(&sig, data, sizeof data, ESEAL_STATUS_VALID, 1, 0);
  const eseal_tsa *tsas[] = {local, callback};
  for (int i = 0; i < 2; i++) {
    CHECK_RC(eseal_signature_add_timestamp(sig.ptr, sig.len, tsas[i], &stamped), ESEAL_OK);
    expect(&stamped, data, sizeof data, ESEAL_STATUS_VALID, 1, 1);
    expect(&stamped, data, sizeof data - 1, ESEAL_STATUS_INVALID, 1, 1);
    eseal_bytes_free(&stamped);
  }
  CHECK(state.calls == 1);
  eseal_bytes token = {NULL, 0};
  CHECK_RC(eseal_tsa_timestamp(local, data, sizeof data, &token), ESEAL_OK);
  CHECK(token.len > 100 && token.ptr[0] == 0x30);
  eseal_bytes_free(&token);

  /* A callback TSA that misbehaves: a clear error, nothing written. */
  const char *wants[] = {"", "TimeStampToken", "refused", "beyond", "other data", "granted"};
  for (int mode = 1; mode <= 5; mode++) {
    state.mode = mode;
    eseal_bytes out = {(uint8_t *)1, 1};
    CHECK_RC(eseal_signature_add_timestamp(sig.ptr, sig.len, callback, &out),
             ESEAL_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "timestamp callback") != NULL);
    CHECK(strstr(last_error(), wants[mode]) != NULL);
    CHECK(out.ptr == NULL && out.len == 0);
    /* Through a document signer the step is named and the code is the signer's. */
    eseal_pdf_options o;
    memset(&o, 0, sizeof o);
    o.tsa = callback;
    CHECK_RC(eseal_pdf_sign(pdf, pdf_len, seal, key, cert, &o, &out), ESEAL_CRYPTO);
    CHECK(strstr(last_error(), "timestamp") != NULL);
    CHECK(strstr(last_error(), wants[mode]) != NULL);
    CHECK_RC(eseal_tsa_timestamp(callback, data, sizeof data, &out), ESEAL_INVALID_ARGUMENT);
  }
  state.mode = 0;
  CHECK_RC(eseal_signature_add_timestamp(data, sizeof data, local, &stamped), ESEAL_MALFORMED);
  CHECK_RC(eseal_signature_add_timestamp(sig.ptr, sig.len, NULL, &stamped), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_tsa_timestamp(NULL, data, sizeof data, &token), ESEAL_NULL_POINTER);
  eseal_bytes_free(&sig);

  /* OFD: a stamp and a riding seal with timestamps, a timestamped digital signature. */
  eseal_ofd_options oo;
  memset(&oo, 0, sizeof oo);
  oo.placement = 1;
  oo.x_mm = 40;
  oo.y_mm = 40;
  oo.tsa = callback;
  eseal_bytes signed_ofd = {NULL, 0}, riding = {NULL, 0}, digital = {NULL, 0};
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, seal, key, cert, &oo, &signed_ofd), ESEAL_OK);
  expect(&signed_ofd, NULL, 0, ESEAL_STATUS_VALID, 1, 1);
  oo.placement = 2;
  oo.edge = ESEAL_EDGE_LEFT;
  oo.tsa = local;
  CHECK_RC(eseal_ofd_sign(signed_ofd.ptr, signed_ofd.len, seal, key, cert, &oo, &riding),
           ESEAL_OK);
  expect(&riding, NULL, 0, ESEAL_STATUS_VALID, 2, 1);
  oo.placement = 0;
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, NULL, key, cert, &oo, &digital), ESEAL_OK);
  expect(&digital, NULL, 0, ESEAL_STATUS_VALID, 1, 1);
  eseal_bytes_free(&digital);
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, NULL, key, cert, NULL, &digital), ESEAL_OK);
  expect(&digital, NULL, 0, ESEAL_STATUS_VALID, 1, 0);
  eseal_bytes_free(&digital);
  eseal_bytes_free(&riding);
  eseal_bytes_free(&signed_ofd);
  oo.placement = 3;
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, seal, key, cert, &oo, &digital), ESEAL_INVALID_ARGUMENT);
  oo.placement = 2;
  oo.edge = 9;
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, seal, key, cert, &oo, &digital), ESEAL_INVALID_ARGUMENT);
  oo.edge = 0;
  oo.mode = 9;
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, seal, key, cert, &oo, &digital), ESEAL_INVALID_ARGUMENT);
  CHECK_RC(eseal_ofd_sign(ofd, ofd_len, seal, NULL, cert, NULL, &digital), ESEAL_NULL_POINTER);
  CHECK_RC(eseal_ofd_sign(pdf, pdf_len, seal, key, cert, NULL, &digital), ESEAL_MALFORMED);

  test_pdf_sign(local);
  test_pdf_prepared(callback);
  eseal_tsa_free(callback);
  eseal_tsa_free(local);
  eseal_tsa_free(NULL);
  free(rejected);
}

int main(int argc, char **argv) {
  demo = demo_dir(argc, argv);
  work = argv[2];
  key = load("signer.key", 0);
  cert = load("signer.pem", 1);
  tsa_key = load("tsa.key", 0);
  tsa_cert = load("tsa.pem", 1);
  root = load("root.pem", 1);
  seal = load("seal-v4.esl", 2);
  store = trust_from(demo, "root.pem");
  pdf = read_file(demo, "document.pdf", &pdf_len);
  ofd = read_file(demo, "document.ofd", &ofd_len);

  test_tsa();

  free(pdf);
  free(ofd);
  eseal_trust_store_free(store);
  eseal_seal_free(seal);
  eseal_certificate_free(root);
  eseal_certificate_free(tsa_cert);
  eseal_key_free(tsa_key);
  eseal_certificate_free(cert);
  eseal_key_free(key);
  return finish("test_pdf_tsa");
}
