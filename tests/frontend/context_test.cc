// A model's context (compile --context, frontend/context.h): felts as 28-bit limbs and back, the
// statement's layout (inputs, context, outputs) and its Starknet inputs hash, a proof that
// verifies and states its context, a proof whose context word is changed rejected by the STARK,
// a STARK-valid proof of words that are no felt's limbs refused by the statement check, the
// commitment bound to the context's size, and the model file keeping it.
#include "frontend/context.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "air/errors.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252.h"
#include "pipeline/starknet_fact.h"

namespace tensorstark::frontend {
namespace {

using field::Felt252;
using field::M31;
using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;
using Proof = air::StarkProof<Hasher>;

const air::ProofConfig kConfig = air::ProfileConfig(air::Profile::kTest);

// A Starknet address (251 bits) and a nonce.
const std::vector<Felt252> kContext = {
    *Felt252::FromHex("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"),
    Felt252::FromU64(5)};

TEST_CASE("context felts are 9 limbs of 28 bits, most significant first, and back") {
  const Felt252 p_minus_1 = -Felt252::One();
  const std::vector<Felt252> felts = {Felt252::Zero(), Felt252::FromU64((1u << 28) + 3), p_minus_1,
                                      kContext[0]};
  const std::vector<M31> words = ContextWords(felts);
  REQUIRE(words.size() == 9 * felts.size());
  for (M31 word : words) CHECK(word.value() < (1u << 28));
  // 2^28 + 3: the last two limbs, 1 and 3.
  CHECK(words[9 + 7].value() == 1);
  CHECK(words[9 + 8].value() == 3);
  // p - 1 = 2^251 + 2^196 + 2^192: bit 27 of the top limb (bits 224..251), bit 0 of the next
  // (196..223) and bit 24 of the one after (168..195).
  CHECK(words[18].value() == (1u << 27));
  CHECK(words[18 + 1].value() == 1);
  CHECK(words[18 + 2].value() == (1u << 24));
  const auto back = ContextFelts(words);
  REQUIRE(std::holds_alternative<std::vector<Felt252>>(back));
  CHECK(std::get<std::vector<Felt252>>(back) == felts);

  // Words that are no felt's: a limb of 28 bits or more, or 2^252 - 1 >= p.
  std::vector<M31> wide = ContextWords(kContext);
  wide[4] = M31::FromCanonical(1u << 28);
  CHECK(std::get<std::string>(ContextFelts(wide)).find("limb 4") != std::string::npos);
  const std::vector<M31> too_large(9, M31::FromCanonical((1u << 28) - 1));
  CHECK(std::get<std::string>(ContextFelts(too_large)).find("modulus") != std::string::npos);
}

TEST_CASE("context felts parse from hex and decimals, and a bad one is named") {
  CHECK(ParseContextFelts("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7,5") ==
        kContext);
  CHECK(ParseContextFelts("18446744073709551615") ==
        std::vector<Felt252>{*Felt252::FromHex("0xffffffffffffffff")});
  for (const char* bad : {"", "5,", "0x", "12a", "18446744073709551616", "-1",
                          "0x800000000000011000000000000000000000000000000000000000000000001"}) {
    CHECK_THROWS_AS(ParseContextFelts(bad), FrontendError);
  }
}

struct ContextModel {
  QuantizedModel model;
  QuantizedRun run;
};

// tiny_mlp with public inputs, weights and outputs, and a context of n felts.
ContextModel TinyMlp(uint32_t n) {
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  ContextModel m;
  m.model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  m.model.context_felts = n;
  m.run = RunQuantized(m.model, ReadInput(dir + "/input.json", FloatGraphOf(m.model)));
  return m;
}

ModelCommitment CommitmentOf(const ModelAir& air) {
  auto key = SetupModel<Hasher>(air, kConfig);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<ModelKey<Hasher>>(key).commitment;
}

// A proof stating `context`, its statement rewritten by `cheat` before proving if given.
Proof ProveOrFail(const ModelAir& air, const QuantizedRun& run,
                  const std::function<void(std::vector<M31>&)>& cheat = nullptr) {
  ModelAir::Witness witness = air.GenerateWitness(run, CommitmentOf(air), kContext);
  if (cheat) cheat(witness.public_inputs);
  air::ProveOptions options;
  options.n_public_inputs = air.n_public_inputs();
  auto result = air::Prove<Channel, Hasher>(kConfig, air.components(), std::move(witness.traces),
                                            std::move(witness.public_inputs), options);
  if (auto* error = std::get_if<air::ProvingError>(&result)) FAIL(air::ToString(*error));
  return std::get<Proof>(std::move(result));
}

TEST_CASE("a proof states its context between the inputs and the outputs, and verifies") {
  const ContextModel m = TinyMlp(2);
  const ModelAir air(m.model);
  const size_t n_inputs = m.run.values[m.model.inputs[0]].size();
  const size_t n_outputs = m.run.outputs[0].values.size();
  CHECK(air.n_stated_inputs() == n_inputs + 18);
  CHECK(air.n_public_inputs() == 8 + n_inputs + 18 + n_outputs);

  const Proof proof = ProveOrFail(air, m.run);
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  const std::vector<M31> words = ContextWords(kContext);
  CHECK(std::equal(words.begin(), words.end(), proof.public_inputs.begin() + 8 + n_inputs));
  CHECK(std::get<std::vector<Felt252>>(air.Context(proof.public_inputs)) == kContext);
  CHECK(air.Outputs(proof.public_inputs)[0].values == m.run.outputs[0].values);

  // A Starknet fact hashes the context with the inputs: a dApp recomputes it from its own data.
  std::vector<Felt252> inputs;
  for (size_t i = 8; i < 8 + n_inputs + 18; ++i) {
    inputs.push_back(Felt252::FromU64(proof.public_inputs[i].value()));
  }
  CHECK(pipeline::StarknetStatementOf(pipeline::LayoutOf(air.statement_layout()), proof.public_inputs, Felt252::FromU64(1)).inputs_hash ==
        hash::PoseidonHashMany(inputs));

  SUBCASE("another context word: the transcript differs and the STARK rejects it") {
    Proof changed = proof;
    // The nonce's last limb, 5 -> 6: still a felt's limbs, so only the STARK can refuse it.
    changed.public_inputs[8 + n_inputs + 17] += M31::One();
    REQUIRE(std::holds_alternative<std::vector<Felt252>>(air.Context(changed.public_inputs)));
    const auto rejected = VerifyModelProof<Channel, Hasher>(air, changed, 0);
    REQUIRE(rejected);
    CHECK(rejected->kind != air::VerificationError::Kind::kStatementMismatch);
  }
}

TEST_CASE("a STARK-valid proof of words that are no felt's limbs is refused by the statement") {
  const ContextModel m = TinyMlp(2);
  const ModelAir air(m.model);
  const size_t first = 8 + m.run.values[m.model.inputs[0]].size();
  // No component reads the context, so the prover can state anything: 2^28 in a limb.
  const Proof proof = ProveOrFail(air, m.run, [&](std::vector<M31>& statement) {
    statement[first + 3] = M31::FromCanonical(1u << 28);
  });
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kStatementMismatch);
  CHECK(error->message.find("limb 3") != std::string::npos);
}

TEST_CASE("the context's size is the model's: in the commitment, the witness and the file") {
  const ContextModel none = TinyMlp(0), two = TinyMlp(2);
  const ModelAir plain(none.model), with_context(two.model);
  CHECK(CommitmentOf(plain) != CommitmentOf(with_context));
  CHECK_THROWS_AS(with_context.GenerateWitness(two.run, CommitmentOf(with_context), {}),
                  FrontendError);
  CHECK_THROWS_AS(plain.GenerateWitness(none.run, CommitmentOf(plain), kContext), FrontendError);

  const std::string path = std::filesystem::temp_directory_path() / "tensorstark_context_test.tsm";
  SaveQuantizedModel(two.model, path);
  CHECK(LoadQuantizedModel(path).context_felts == 2);
  SaveQuantizedModel(none.model, path);
  CHECK(LoadQuantizedModel(path).context_felts == 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tensorstark::frontend
