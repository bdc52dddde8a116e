// libFuzzer target for the proof parser (src/air/proof_io.h), the first code that reads untrusted
// proof bytes. For any input, under ASan and UBSan:
// - parsing never reads out of bounds or crashes, and an error points inside the input;
// - the format is canonical: bytes that parse re-serialize to exactly themselves, and only the
//   parser of the header's hash accepts them;
// - the size breakdown and the JSON dump of an accepted proof account for every byte.
// Giant allocations from forged counts are caught by running with -malloc_limit_mb (make fuzz).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>

#include "air/proof_io.h"
#include "air/proof_json.h"

namespace tensorstark::air {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "proof_parse_fuzzer: %s\n", what);
  std::abort();
}

// Whether H's parser accepted the bytes, after checking what it returned.
template <hash::MerkleHasher H>
bool CheckParse(std::span<const uint8_t> bytes, const std::variant<HashId, ProofParseError>& peek) {
  auto result = ParseProof<H>(bytes);
  if (const auto* error = std::get_if<ProofParseError>(&result)) {
    if (error->offset > bytes.size()) Fail("error offset beyond the input");
    if (error->message.empty() || error->message.find('\n') != std::string::npos) {
      Fail("error message is not one line");
    }
    return false;
  }
  const StarkProof<H>& proof = std::get<StarkProof<H>>(result);
  const auto* id = std::get_if<HashId>(&peek);
  if (id == nullptr || *id != ProofHashTraits<H>::kId) Fail("accepted bytes whose header differs");
  const std::vector<uint8_t> again = SerializeProof(proof);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    Fail("accepted bytes that are not the canonical encoding of what was parsed");
  }
  if (SizeBreakdown(proof).Total() != bytes.size()) Fail("size breakdown misses bytes");
  if (ProofToJson(proof)["size_breakdown"]["total"] != bytes.size()) {
    Fail("JSON size breakdown misses bytes");
  }
  return true;
}

}  // namespace
}  // namespace tensorstark::air

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tensorstark;
  const std::span<const uint8_t> bytes(data, size);
  const auto peek = air::PeekProofHash(bytes);
  const int accepted = air::CheckParse<hash::Blake2sMerkleHasher>(bytes, peek) +
                       air::CheckParse<hash::Poseidon252MerkleHasher>(bytes, peek) +
                       air::CheckParse<hash::Poseidon2M31MerkleHasher>(bytes, peek);
  if (accepted > 1) air::Fail("two hashes accepted the same bytes");
  return 0;
}
