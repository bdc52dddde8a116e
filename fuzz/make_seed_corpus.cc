// Writes the proof fuzzer's seed corpus: valid encodings of random proofs (tests/air/
// random_proof.h) of the three hashes and a few sizes, small enough (a few KB) for fast mutation.
// Usage: make_seed_corpus <dir>. The file names are fixed, so running it again rewrites the same
// seeds.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "air/proof_io.h"
#include "air/random_proof.h"
#include "test_util.h"

namespace tensorstark {
namespace {

template <hash::MerkleHasher H>
bool WriteSeeds(const std::string& dir) {
  for (uint32_t max_len = 0; max_len <= 3; ++max_len) {
    for (uint64_t seed = 0; seed < 3; ++seed) {
      testing::Rng rng(seed * 16 + max_len);
      const std::vector<uint8_t> bytes =
          air::SerializeProof(testing::RandomProofBuilder<H>(rng, max_len).Build());
      const std::string path = dir + "/seed-" + air::ToString(air::ProofHashTraits<H>::kId) + "-" +
                               std::to_string(max_len) + "-" + std::to_string(seed) + ".bin";
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      if (!out) {
        std::fprintf(stderr, "make_seed_corpus: cannot write %s\n", path.c_str());
        return false;
      }
    }
  }
  return true;
}

}  // namespace
}  // namespace tensorstark

int main(int argc, char** argv) {
  using namespace tensorstark;
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_corpus <dir>\n");
    return 2;
  }
  const bool ok = WriteSeeds<hash::Blake2sMerkleHasher>(argv[1]) &&
                  WriteSeeds<hash::Poseidon252MerkleHasher>(argv[1]) &&
                  WriteSeeds<hash::Poseidon2M31MerkleHasher>(argv[1]);
  return ok ? 0 : 1;
}
