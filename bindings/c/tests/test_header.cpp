// The header from C++ (department systems in C++ include it directly): it compiles with
// -Wall -Wextra -Wpedantic -Werror as C++11, links against libeseal, and the enums, structs
// and a callback type work as C++ expects. Usage: test_header (no arguments).
#include <cstdio>
#include <cstring>

#include "eseal.h"

static int device(void *user_data, const uint8_t *, size_t, const uint8_t *, uint8_t *, size_t,
                  size_t *) {
  ++*static_cast<int *>(user_data);
  return 1; // refuse
}

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char *what) {
    if (!ok) {
      std::fprintf(stderr, "test_header: %s\n", what);
      ++failures;
    }
  };
  check(eseal_abi_version() == ESEAL_ABI_VERSION, "ABI version");
  eseal_key *key = nullptr;
  check(eseal_key_load(nullptr, 0, nullptr, 0, &key) == ESEAL_MALFORMED && key == nullptr,
        "an empty key file is malformed");
  const char *name = nullptr;
  check(eseal_result_name(ESEAL_WRONG_PASSWORD, &name) == ESEAL_OK &&
            std::strcmp(name, "wrong_password") == 0,
        "result names");
  eseal_bytes out = {nullptr, 0};
  const uint8_t k[16] = {};
  check(eseal_sm4_encrypt(ESEAL_SM4_CTR, k, 16, k, 16, nullptr, 0, k, 16, &out) == ESEAL_OK &&
            out.len == 16,
        "SM4-CTR of one block");
  eseal_bytes_free(&out);
  eseal_sign_callback callback = device;
  check(eseal_key_from_callback(nullptr, callback, nullptr, &key) == ESEAL_NULL_POINTER,
        "a callback key needs a certificate");
  int calls = 0;
  check(callback(&calls, nullptr, 0, nullptr, nullptr, 0, nullptr) == 1 && calls == 1,
        "the callback type is callable");
  std::printf("test_header: %d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
