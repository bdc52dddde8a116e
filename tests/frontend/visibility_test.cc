// Committed and private model inputs and outputs (compile --visibility): what the statement holds
// of each, proofs (zero-knowledge, as `prove` makes them) verify, the commitments differ from the
// model with public inputs and outputs, a private input outside the range the model was compiled
// for is rejected (in any of the components an input larger than one is yielded by), and a
// committed tensor's stated digest is the Poseidon2 digest of its values:
// a proof stating any other is rejected. Private weights: the proof verifies against the
// verifying model, which has no weights, the digest the commitment binds is the weights'
// Poseidon2 digest, and a proof with other weights does not verify against the commitment.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <functional>
#include <string>
#include <span>
#include <utility>

#include "air/errors.h"
#include "air/framework.h"
#include "air/linear_component.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/weight_part_table.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/onnx_import.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::frontend {
namespace {

using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;
using Proof = air::StarkProof<Hasher>;

air::ProofConfig ZkConfig() {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  config.zk = true;
  return config;
}

struct Example {
  QuantizedModel model;
  QuantizedRun run;
};

// An example model, compiled and run on its input.
Example Compiled(const std::string& name, const std::function<void(QuantizedModel&)>& change) {
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/" + name;
  Example e;
  e.model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  change(e.model);
  e.run = RunQuantized(e.model, ReadInput(dir + "/input.json", FloatGraphOf(e.model)));
  return e;
}

// fashion_mlp with the given visibilities.
Example Mlp(Visibility input, Visibility output = Visibility::kPublic) {
  return Compiled("fashion_mlp", [&](QuantizedModel& model) {
    model.input_visibility = input;
    model.output_visibility = output;
  });
}

// An example model with private weights, its weights changed by `change` (before the run).
Example PrivateWeights(
    const std::string& name,
    const std::function<void(QuantizedModel&)>& change = [](QuantizedModel&) {}) {
  return Compiled(name, [&](QuantizedModel& model) {
    model.weights_visibility = Visibility::kPrivate;
    change(model);
  });
}

ModelCommitment CommitmentOf(const ModelAir& air, const air::ProofConfig& config = ZkConfig()) {
  auto key = SetupModel<Hasher>(air, config);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<ModelKey<Hasher>>(key).commitment;
}

// A proof of `run` against `air` (with the self-check unless `check` is false), its statement
// rewritten by `cheat` first if given; zero-knowledge unless the configuration says otherwise.
Proof ProveOrFail(const ModelAir& air, const QuantizedRun& run, bool check = true,
                  const std::function<void(std::vector<field::M31>&)>& cheat = nullptr,
                  const air::ProofConfig& config = ZkConfig()) {
  ModelAir::Witness witness = air.GenerateWitness(run, CommitmentOf(air, config));
  if (cheat) cheat(witness.public_inputs);
  air::ProveOptions options;
  options.check_constraints = check;
  options.n_public_inputs = air.n_public_inputs();
  options.zk_seed = hash::RandomSeed{7};
  auto result = air::Prove<Channel, Hasher>(config, air.components(), std::move(witness.traces),
                                            std::move(witness.public_inputs), options);
  if (auto* error = std::get_if<air::ProvingError>(&result)) FAIL(air::ToString(*error));
  return std::get<Proof>(std::move(result));
}

TEST_CASE("a model with private inputs states only its outputs, and its proof verifies") {
  const Example e = Mlp(Visibility::kPrivate);
  const ModelAir air(e.model);
  const int64_t n_outputs = e.model.tensor(e.model.outputs[0]).size();
  CHECK(air.n_public_inputs() == 8 + static_cast<size_t>(n_outputs));
  CHECK(air.InputRanges().empty());
  const Proof proof = ProveOrFail(air, e.run);
  CHECK(proof.public_inputs.size() == air.n_public_inputs());
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  CHECK(air.Outputs(proof.public_inputs)[0].values == e.run.outputs[0].values);

  // The same model with public inputs is another AIR, with another commitment.
  QuantizedModel stated = e.model;
  stated.input_visibility = Visibility::kPublic;
  CHECK(CommitmentOf(ModelAir(stated)) != CommitmentOf(air));
}

TEST_CASE("a plain proof of a model with committed or private parts is rejected") {
  // Valid but for the zero knowledge: the same proof of the model with everything public passes.
  const air::ProofConfig plain = air::ProfileConfig(air::Profile::kTest);
  const auto rejects_plain_proof = [&](const Example& e, const ModelAir& verifier) {
    const auto error = VerifyModelProof<Channel, Hasher>(
        verifier, ProveOrFail(ModelAir(e.model), e.run, true, nullptr, plain), 0);
    REQUIRE(error);
    CHECK(error->kind == air::VerificationError::Kind::kNotZeroKnowledge);
  };
  for (const auto& [input, output] : {std::pair{Visibility::kPrivate, Visibility::kPublic},
                                      {Visibility::kCommitted, Visibility::kPublic},
                                      {Visibility::kPublic, Visibility::kPrivate},
                                      {Visibility::kPublic, Visibility::kCommitted}}) {
    const Example e = Mlp(input, output);
    rejects_plain_proof(e, ModelAir(e.model));
  }
  const Example weights = PrivateWeights("tiny_mlp");
  const QuantizedModel verifying = ModelAir(weights.model).VerifyingModel();
  rejects_plain_proof(weights, ModelAir(verifying));

  const Example stated = Mlp(Visibility::kPublic);
  const ModelAir air(stated.model);
  const auto error =
      VerifyModelProof<Channel, Hasher>(air, ProveOrFail(air, stated.run, true, nullptr, plain), 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
}

TEST_CASE("a private input outside the range the model was compiled for is rejected") {
  const Example e = Mlp(Visibility::kPrivate);
  // The model compiled for inputs below 2^k, the largest power of two the largest input reaches:
  // that input is just outside.
  QuantizedModel narrower = e.model;
  const std::vector<int64_t>& values = e.run.values[narrower.inputs[0]];
  const int64_t largest = *std::max_element(values.begin(), values.end());
  REQUIRE(largest > 0);
  narrower.tensors[narrower.inputs[0]].bound_bits =
      static_cast<int>(std::bit_width(static_cast<uint64_t>(largest))) - 1;
  const ModelAir air(narrower);
  const Proof proof = ProveOrFail(air, e.run, /*check=*/false);
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("a private input must fit the range check") {
  Example e = Mlp(Visibility::kPrivate);
  e.model.tensors[e.model.inputs[0]].bound_bits = 16;
  CHECK_THROWS_WITH_AS(ModelAir(e.model),
                       doctest::Contains("more than a private or committed input can have"),
                       FrontendError);
}

// The maximum of a private vector of n values, compiled on a calibration sample of values in [-1, 1)
// and run on `input`.
Example MaxOfPrivateVector(const std::vector<double>& input) {
  const int64_t n = static_cast<int64_t>(input.size());
  onnx::ModelProto onnx;
  onnx.set_ir_version(8);
  onnx.add_opset_import()->set_version(13);
  onnx::GraphProto* graph = onnx.mutable_graph();
  const std::string x = "x", y = "y";
  onnx::NodeProto* max = graph->add_node();
  max->set_op_type("ReduceMax");
  max->add_input(x);
  max->add_output(y);
  const auto declare = [](onnx::ValueInfoProto* value, const std::string& name, int64_t size) {
    value->set_name(name);
    auto* type = value->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    type->mutable_shape()->add_dim()->set_dim_value(size);
  };
  declare(graph->add_input(), x, n);
  declare(graph->add_output(), y, 1);
  const SampleReader calibration = [&](const Graph&) {
    std::vector<double> sample(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) sample[i] = static_cast<double>(i % 201 - 100) / 100;
    return std::vector<std::vector<Tensor>>{{{DataType::kFloat, {n}, sample}}};
  };
  Example e;
  e.model = CompileOnnx(onnx.SerializeAsString(), "private_vector.onnx", calibration);
  e.model.input_visibility = Visibility::kPrivate;
  const std::vector<Tensor> inputs = {{DataType::kFloat, {n}, input}};
  e.run = RunQuantized(e.model, inputs);
  return e;
}

TEST_CASE("a private input larger than a component's rows is yielded in parts, each range-checked") {
  // 2^16 + 4,464 values: two components of private values; the largest value is in the second.
  std::vector<double> input(70000);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<double>(i % 7) / 10;
  input[69000] = 0.9;
  const Example e = MaxOfPrivateVector(input);
  const ModelAir air(e.model);
  std::vector<uint32_t> parts;
  for (const air::Component* component : air.components()) {
    if (component->name().starts_with("input_")) parts.push_back(component->log_size());
  }
  CHECK(parts == std::vector<uint32_t>{16, 13});
  const auto error = VerifyModelProof<Channel, Hasher>(air, ProveOrFail(air, e.run), 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));

  // The model compiled for values below the largest power of two the largest value reaches: that
  // value, in the second part, is just outside its range.
  QuantizedModel narrower = e.model;
  const std::vector<int64_t>& values = e.run.values[narrower.inputs[0]];
  const auto largest = std::max_element(values.begin(), values.end());
  REQUIRE(largest - values.begin() == 69000);
  narrower.tensors[narrower.inputs[0]].bound_bits =
      static_cast<int>(std::bit_width(static_cast<uint64_t>(*largest))) - 1;
  const ModelAir narrow_air(narrower);
  const auto narrow_error = VerifyModelProof<Channel, Hasher>(
      narrow_air, ProveOrFail(narrow_air, e.run, /*check=*/false), 0);
  REQUIRE(narrow_error);
  CHECK(narrow_error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

std::vector<field::M31> Digest(const std::vector<field::M31>& words) {
  const auto digest = hash::Poseidon2SpongeDigest(words);
  return {digest.begin(), digest.end()};
}

std::vector<field::M31> Digest(const std::vector<int64_t>& values) {
  std::vector<field::M31> words;
  for (int64_t v : values) words.push_back(field::M31::FromSigned(v));
  return Digest(words);
}

// The words the private weights' digest absorbs (docs/zero-knowledge.md), computed here apart
// from the AIR's packing: an operator's 10-bit weights three to a word, w + 512 in base 1025,
// then its biases one to a word.
struct WeightWords {
  std::vector<field::M31> words;

  void AddWeights(std::span<const int64_t> weights) {
    for (size_t i = 0; i < weights.size(); i += 3) {
      int64_t word = 0;
      for (size_t k = 3; k-- > 0;) {
        word = word * 1025 + (i + k < weights.size() ? weights[i + k] : 0) + 512;
      }
      words.push_back(field::M31::FromCanonical(static_cast<uint32_t>(word)));
    }
  }
  // Values a word each (biases, and weights that are not packed).
  void AddEach(std::span<const int64_t> biases) {
    for (int64_t b : biases) words.push_back(field::M31::FromSigned(b));
  }
};

TEST_CASE("committed inputs and outputs: the proof states their Poseidon2 digests") {
  const Example e = Mlp(Visibility::kCommitted, Visibility::kCommitted);
  const ModelAir air(e.model);
  CHECK(air.n_public_inputs() == 8 + 8 + 8);
  CHECK(air.n_stated_inputs() == 8);
  CHECK(air.InputRanges().empty());
  const Proof proof = ProveOrFail(air, e.run);
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  const std::vector<ModelAir::StatedTensor> stated = air.Statement(proof.public_inputs);
  REQUIRE(stated.size() == 2);
  CHECK(stated[0].is_input);
  CHECK(stated[0].visibility == Visibility::kCommitted);
  CHECK(stated[0].digest == Digest(e.run.values[e.model.inputs[0]]));
  CHECK(stated[1].digest == Digest(e.run.values[e.model.outputs[0]]));
  CHECK(air.Outputs(proof.public_inputs).empty());

  // Every visibility is another AIR, with another commitment.
  CHECK(CommitmentOf(air) != CommitmentOf(ModelAir(Mlp(Visibility::kCommitted).model)));
  CHECK(CommitmentOf(air) != CommitmentOf(ModelAir(Mlp(Visibility::kPublic).model)));
}

TEST_CASE("a proof stating another digest of a committed tensor is rejected") {
  const Example e = Mlp(Visibility::kCommitted, Visibility::kCommitted);
  const ModelAir air(e.model);
  std::vector<int64_t> other_input = e.run.values[e.model.inputs[0]];
  other_input[3] += 1;
  const std::vector<field::M31> other_digest = Digest(other_input);
  const std::vector<std::function<void(std::vector<field::M31>&)>> cheats = {
      // The input digest (public inputs 8–15) of another input, one value changed.
      [&](std::vector<field::M31>& statement) {
        std::copy(other_digest.begin(), other_digest.end(), statement.begin() + 8);
      },
      // The output digest (public inputs 16–23) with one word changed.
      [](std::vector<field::M31>& statement) { statement[16 + 5] += field::M31::One(); },
  };
  for (size_t i = 0; i < cheats.size(); ++i) {
    CAPTURE(i);
    const Proof proof = ProveOrFail(air, e.run, /*check=*/false, cheats[i]);
    const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
    REQUIRE(error);
    CHECK(error->kind == air::VerificationError::Kind::kOodsMismatch);
  }
}

TEST_CASE("private outputs: the statement holds the inputs only") {
  const Example e = Mlp(Visibility::kPublic, Visibility::kPrivate);
  const ModelAir air(e.model);
  const int64_t n_inputs = e.model.tensor(e.model.inputs[0]).size();
  CHECK(air.n_public_inputs() == 8 + static_cast<size_t>(n_inputs));
  const Proof proof = ProveOrFail(air, e.run);
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  CHECK(air.Outputs(proof.public_inputs).empty());
  CHECK(air.Statement(proof.public_inputs)[1].visibility == Visibility::kPrivate);
}

// The verifying model a verifier registers, through its file.
QuantizedModel VerifyingModel(const ModelAir& air) {
  const std::string path = "visibility_test.verifying.tsm";
  SaveQuantizedModel(air.VerifyingModel(), path);
  QuantizedModel loaded = LoadQuantizedModel(path);
  std::remove(path.c_str());
  return loaded;
}

TEST_CASE("private weights: the proof verifies against the verifying model, which has none") {
  const Example e = PrivateWeights("tiny_mlp");
  const ModelAir air(e.model);
  CHECK(air.n_public_inputs() ==
        ModelAir(Compiled("tiny_mlp", [](QuantizedModel&) {}).model).n_public_inputs());
  // The digest is Poseidon2 over each linear component's weights, then its bias: tiny_mlp has one
  // component per operator. Its 46 values are not packed, though they fit 10 bits: the part
  // table (2^11 rows) would be its largest component by far.
  WeightWords weights;
  for (const QOp& op : e.model.ops) {
    const auto& linear = std::get<LinearOp>(op);
    CHECK(linear.weight_bits == 10);
    weights.AddEach(linear.weights);
    weights.AddEach(linear.bias);
  }
  uint32_t largest = 0;
  for (const air::Component* component : air.components()) {
    CHECK_FALSE(component->name().starts_with("weight_part_table"));
    largest = std::max(largest, component->log_size());
  }
  CHECK(largest < air::WeightPartTable::LogSize(10));
  const std::array<field::M31, 8> digest = air.WeightsDigest().value();
  CHECK(std::vector<field::M31>(digest.begin(), digest.end()) == Digest(weights.words));

  const QuantizedModel verifying = VerifyingModel(air);
  CHECK(verifying.onnx.empty());
  for (const QOp& op : verifying.ops) {
    const auto& linear = std::get<LinearOp>(op);
    CHECK(std::all_of(linear.weights.begin(), linear.weights.end(),
                      [](int64_t w) { return w == 0; }));
    CHECK(std::all_of(linear.bias.begin(), linear.bias.end(), [](int64_t b) { return b == 0; }));
  }
  CHECK_THROWS_WITH_AS(FloatGraphOf(verifying), doctest::Contains("verifying model"),
                       FrontendError);
  const ModelAir verifying_air(verifying);
  CHECK(CommitmentOf(verifying_air) == CommitmentOf(air));
  const Proof proof = ProveOrFail(air, e.run);
  const auto error = VerifyModelProof<Channel, Hasher>(verifying_air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  CHECK(verifying_air.Outputs(proof.public_inputs)[0].values == e.run.outputs[0].values);

  // Public weights are another AIR: their values, not their digest, in the commitment.
  CHECK(CommitmentOf(ModelAir(Compiled("tiny_mlp", [](QuantizedModel&) {}).model)) !=
        CommitmentOf(air));
}

TEST_CASE("private shared weights (a convolution's): the proof verifies without the weights") {
  const Example e = PrivateWeights("fashion_lenet");
  const ModelAir air(e.model);
  // A convolution's bias (one per output position and channel in LinearOp) is private once per
  // channel, not once per position: the digest is over each operator's weights and one row of
  // its bias.
  // Its weights are packed: the part table is not its largest component.
  WeightWords weights;
  for (const QOp& op : e.model.ops) {
    if (const auto* linear = std::get_if<LinearOp>(&op)) {
      weights.AddWeights(linear->weights);
      weights.AddEach(std::span(linear->bias).first(static_cast<size_t>(linear->cols)));
    }
  }
  const std::array<field::M31, 8> digest = air.WeightsDigest().value();
  CHECK(std::vector<field::M31>(digest.begin(), digest.end()) == Digest(weights.words));
  uint32_t table = 0, largest = 0;
  for (const air::Component* component : air.components()) {
    if (component->name().starts_with("weight_part_table")) {
      table = component->log_size();
    } else {
      largest = std::max(largest, component->log_size());
    }
  }
  CHECK(table == air::WeightPartTable::LogSize(10));
  CHECK(table <= largest);
  const QuantizedModel verifying = VerifyingModel(air);
  const ModelAir verifying_air(verifying);
  const Proof proof = ProveOrFail(air, e.run);
  const auto error = VerifyModelProof<Channel, Hasher>(verifying_air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
}

// A convolution's private weights are its weight table's columns, which the convolution's rows
// borrow (air/weight_table_component.h) and the table reads from the weights' sponge. One weight
// of the table changed on one row: the table reads a value the sponge does not yield, and the
// LogUp sums do not cancel (checked before any constraint, which the changed weight breaks too).
TEST_CASE("a weight table value other than the committed weight is rejected") {
  const Example e = PrivateWeights("fashion_lenet");
  const ModelAir air(e.model);
  const std::vector<const air::Component*> components = air.components();
  size_t table = 0;
  while (table < components.size() && !components[table]->name().starts_with("weight_table_")) {
    ++table;
  }
  REQUIRE(table < components.size());
  const auto* conv =
      dynamic_cast<const air::FrameworkComponent<air::LinearComponent>*>(components[table - 1]);
  REQUIRE(conv != nullptr);
  REQUIRE(conv->eval().shape().weight_table);
  REQUIRE(conv->Info().borrowed_trace.size() == conv->eval().shape().n_private_weight_columns());

  ModelAir::Witness witness = air.GenerateWitness(e.run, CommitmentOf(air));
  // w_{0,0} is the table's column 0; a row that holds one (a weight the table reads).
  std::vector<field::M31>& weights = witness.traces[table][0];
  const auto held =
      std::find_if(weights.begin(), weights.end(), [](field::M31 w) { return w != field::M31(); });
  REQUIRE(held != weights.end());
  *held += field::M31::One();

  air::ProveOptions options;
  options.n_public_inputs = air.n_public_inputs();
  options.zk_seed = hash::RandomSeed{7};
  options.check_constraints = false;
  auto proof = air::Prove<Channel, Hasher>(ZkConfig(), components, std::move(witness.traces),
                                           std::move(witness.public_inputs), options);
  REQUIRE(std::holds_alternative<Proof>(proof));
  const auto error = VerifyModelProof<Channel, Hasher>(air, std::get<Proof>(proof), 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("a proof with other weights does not verify against the model's commitment") {
  const Example registered = PrivateWeights("tiny_mlp");
  const ModelAir registered_air(registered.model);
  const QuantizedModel verifying = VerifyingModel(registered_air);
  const ModelAir verifying_air(verifying);
  const auto other_weights = [](QuantizedModel& model) {
    std::get<LinearOp>(model.ops[0]).weights[5] += 1;
  };

  // Other weights are another digest, so another commitment: their honest proof is for another
  // model.
  const Example other = PrivateWeights("tiny_mlp", other_weights);
  const ModelAir other_air(other.model);
  CHECK(other_air.WeightsDigest() != registered_air.WeightsDigest());
  CHECK(CommitmentOf(other_air) != CommitmentOf(registered_air));
  const auto error =
      VerifyModelProof<Channel, Hasher>(verifying_air, ProveOrFail(other_air, other.run), 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kStatementMismatch);

  // A prover claiming the registered digest for its other weights: the same AIR and commitment as
  // the registered model's, but the sponge cannot end in that digest.
  QuantizedModel cheat = other.model;
  cheat.weights_digest = verifying.weights_digest;
  const ModelAir cheat_air(cheat);
  CHECK(CommitmentOf(cheat_air) == CommitmentOf(registered_air));
  const Proof proof = ProveOrFail(cheat_air, other.run, /*check=*/false);
  const auto rejection = VerifyModelProof<Channel, Hasher>(verifying_air, proof, 0);
  REQUIRE(rejection);
  CHECK(rejection->kind == air::VerificationError::Kind::kOodsMismatch);
}

}  // namespace
}  // namespace tensorstark::frontend
