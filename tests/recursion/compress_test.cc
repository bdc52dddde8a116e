// Compression of model proofs (pipeline/model_recursion.h): what a compressed proof states. What
// it refuses is in tests/soundness/compression.
#include <doctest/doctest.h>

#include <vector>

#include "recursion/compress_util.h"

namespace tensorstark::pipeline {
namespace {

using frontend::Visibility;

using field::M31;
using namespace testing;

TEST_CASE("a model's compressed proof states the inner statement and verifies") {
  const Example tiny("tiny_mlp", Visibility::kPrivate);
  const std::vector<InnerSpec> specs = {tiny.Spec()};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const OuterProof outer = Compress(key, std::span(&tiny.inner, 1));
  CHECK(outer.public_inputs == tiny.inner.public_inputs);
  const auto error = Verify(key, outer);
  CHECK_MESSAGE(!error, air::ToString(*error));
}

TEST_CASE("one outer proof of three inner proofs of two models: their statements in order") {
  const Example private_tiny("tiny_mlp", Visibility::kPrivate);
  const Example public_tiny("tiny_mlp", Visibility::kPublic);
  const std::vector<InnerSpec> specs = {private_tiny.Spec(0), public_tiny.Spec(1),
                                        private_tiny.Spec(0)};
  const std::vector<InnerProof> inners = {private_tiny.inner, public_tiny.inner,
                                          private_tiny.inner};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  // Members of one model share its keys.
  CHECK(key.members[0].inner_air == key.members[2].inner_air);
  const OuterProof outer = Compress(key, inners);
  std::vector<M31> statements;
  for (const InnerProof& inner : inners) {
    statements.insert(statements.end(), inner.public_inputs.begin(), inner.public_inputs.end());
  }
  CHECK(outer.public_inputs == statements);
  const auto error = Verify(key, outer);
  CHECK_MESSAGE(!error, air::ToString(*error));

  // The statements in another order are another statement.
  const std::vector<InnerSpec> swapped = {public_tiny.Spec(1), private_tiny.Spec(0),
                                          private_tiny.Spec(0)};
  CHECK(Verify(KeyOf(swapped), outer));
  // One invalid inner proof: nothing is compressed, and it is named.
  std::vector<InnerProof> with_invalid = inners;
  with_invalid[1].claimed_sums[0] += field::QM31::One();
  auto refused = CompressProof<OuterChannel, OuterHasher>(key, with_invalid);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK(std::get<std::string>(refused).find("the inner proof 2 is invalid") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::pipeline
