// libFuzzer target for the model-file parser (src/frontend/quantized_model.h), which reads the
// verifying models verifiers are handed. For any input, under ASan and UBSan:
// - parsing never reads out of bounds, overflows or crashes, and a refusal is one FrontendError of
//   one line;
// - an accepted model is valid: every tensor within kMaxTensorElements, and it serializes (unless
//   the serializer refuses it, naming why) to bytes that parse to a model that serializes to the
//   same bytes.
// Giant allocations from forged counts and sizes are caught by running with -malloc_limit_mb
// (make fuzz): a file may hold only as many element references as its size allows.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "frontend/frontend_error.h"
#include "frontend/quantized_model.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "model_parse_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tensorstark::frontend;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  QuantizedModel model;
  try {
    model = ParseQuantizedModel(bytes, "fuzz.tsm");
  } catch (const FrontendError& e) {
    const std::string message = e.what();
    if (message.empty() || message.find('\n') != std::string::npos) {
      Fail("refusal is not one line");
    }
    return 0;
  }
  for (const QTensor& tensor : model.tensors) {
    if (tensor.size() < 0 || tensor.size() > kMaxTensorElements) Fail("accepted a tensor's size");
  }
  std::string again;
  try {
    again = SerializeQuantizedModel(model);
  } catch (const FrontendError&) {
    return 0;  // re-encoded smaller (an older format) than its references allow: refused, named
  }
  if (SerializeQuantizedModel(ParseQuantizedModel(again, "again.tsm")) != again) {
    Fail("an accepted model does not read back as itself");
  }
  return 0;
}
