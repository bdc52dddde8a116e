// A model lowered for verifying (ModelAir::Use::kVerifying): the AIR of the full lowering, its
// components with the same sizes, data column sizes, constraints and public terms, but no data
// columns' values; it checks real proofs (and rejects a tampered one) with the full lowering's key,
// and refuses to set up or make a witness. Every kind of component with data columns is covered.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "air/profiles.h"
#include "air/prover.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::frontend {
namespace {

using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;

std::string ExampleDir(const std::string& name) {
  return std::string(TENSORSTARK_EXAMPLES) + "/" + name;
}

QuantizedModel Example(const std::string& name, Visibility input, Visibility weights) {
  QuantizedModel model =
      CompileOnnxModel(ExampleDir(name) + "/model.onnx", ExampleDir(name) + "/calibration.json");
  model.input_visibility = input;
  model.weights_visibility = weights;
  return model;
}

// The component's kind: its name without the number.
std::string KindOf(const std::string& name) { return name.substr(0, name.find_last_of('_')); }

bool SameTerms(const std::vector<air::PublicLogupTermShape>& a,
               const std::vector<air::PublicLogupTermShape>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].relation != b[i].relation || a[i].multiplicity != b[i].multiplicity ||
        a[i].values.size() != b[i].values.size()) {
      return false;
    }
    for (size_t v = 0; v < a[i].values.size(); ++v) {
      const auto* x = std::get_if<air::PublicInputRef>(&a[i].values[v]);
      const auto* y = std::get_if<air::PublicInputRef>(&b[i].values[v]);
      if ((x == nullptr) != (y == nullptr)) return false;
      if (x ? x->index != y->index
            : std::get<field::M31>(a[i].values[v]) != std::get<field::M31>(b[i].values[v])) {
        return false;
      }
    }
  }
  return true;
}

TEST_CASE("a model lowered for verifying is the full lowering's AIR without the data's values") {
  std::set<std::string> kinds;
  for (const auto& [name, input, weights] :
       {std::tuple{"fashion_lenet", Visibility::kPublic, Visibility::kPublic},
        {"fashion_lenet", Visibility::kPrivate, Visibility::kPrivate},
        {"pinn", Visibility::kCommitted, Visibility::kPublic},
        {"tiny_mlp", Visibility::kPublic, Visibility::kPrivate},
        {"cifar_cnn", Visibility::kPublic, Visibility::kPublic}}) {
    CAPTURE(name);
    const QuantizedModel model = Example(name, input, weights);
    const ModelAir full(model);
    const ModelAir verifying(model, ModelAir::Use::kVerifying);
    CHECK(full.use() == ModelAir::Use::kProving);
    CHECK(verifying.use() == ModelAir::Use::kVerifying);
    CHECK(verifying.LayoutDescription() == full.LayoutDescription());
    CHECK(verifying.n_public_inputs() == full.n_public_inputs());
    CHECK(SameTerms(verifying.PublicTermShapes(), full.PublicTermShapes()));
    const std::vector<const air::Component*> a = full.components(), b = verifying.components();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CAPTURE(a[i]->name());
      kinds.insert(KindOf(a[i]->name()));
      CHECK(b[i]->name() == a[i]->name());
      CHECK(b[i]->log_size() == a[i]->log_size());
      const air::ComponentInfo info = a[i]->Info();
      CHECK(b[i]->Info().preprocessed_columns == info.preprocessed_columns);
      // The values are the full lowering's, but for the small ones that the sponges of committed
      // tensors and the weight part table make from their sizes alone.
      const std::string kind = KindOf(a[i]->name());
      const bool kept = kind == "digest" || kind == "weight_part_table";
      for (const air::PreprocessedColumnId& id : info.preprocessed_columns) {
        if (id.kind != air::PreprocessedColumnId::Kind::kData) continue;
        CHECK(a[i]->PreprocessedData(id).size() == size_t{1} << id.log_size);
        if (!kept) CHECK_THROWS_AS(b[i]->PreprocessedData(id), std::logic_error);
      }
    }
  }
  // Every kind of component there is with data columns.
  for (const std::string kind : {"linear", "lookup", "table", "max", "weight_table",
                                 "weights_digest", "weight_part_table", "digest", "input"}) {
    CAPTURE(kind);
    CHECK(kinds.count(kind) == 1);
  }
}

TEST_CASE("a model lowered for verifying checks real proofs, and neither sets up nor proves") {
  const QuantizedModel model = Example("tiny_mlp", Visibility::kPublic, Visibility::kPrivate);
  const ModelAir full(model);
  // Private weights: a zero-knowledge proof.
  air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  config.zk = true;
  auto key_or_error = SetupModel<Hasher>(full, config);
  REQUIRE(std::holds_alternative<ModelKey<Hasher>>(key_or_error));
  const ModelKey<Hasher>& key = std::get<ModelKey<Hasher>>(key_or_error);
  const QuantizedRun run =
      RunQuantized(model, ReadInput(ExampleDir("tiny_mlp") + "/input.json", FloatGraphOf(model)));
  ModelAir::Witness witness = full.GenerateWitness(run, key.commitment);
  air::ProveOptions options;
  options.n_public_inputs = full.n_public_inputs();
  auto proved = air::Prove<Channel, Hasher>(config, full.components(), std::move(witness.traces),
                                            std::move(witness.public_inputs), options);
  REQUIRE(std::holds_alternative<air::StarkProof<Hasher>>(proved));
  air::StarkProof<Hasher> proof = std::get<air::StarkProof<Hasher>>(std::move(proved));

  const ModelAir verifying(model, ModelAir::Use::kVerifying);
  const auto error = VerifyModelProof<Channel, Hasher>(verifying, proof, key, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  // Another output stated: rejected.
  proof.public_inputs.back() += field::M31::One();
  CHECK(VerifyModelProof<Channel, Hasher>(verifying, proof, key, 0));

  CHECK_THROWS_AS(SetupModel<Hasher>(verifying, config), std::logic_error);
  CHECK_THROWS_AS(verifying.GenerateWitness(run, key.commitment), std::logic_error);
}

}  // namespace
}  // namespace tensorstark::frontend
