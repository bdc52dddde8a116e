// ONNX's backend node tests through the whole pipeline: compile (calibrated on the test's own
// input, the only data a node test has; integer and scalar inputs such as shapes, axes and Clip's
// bounds bound as constants, and the other operands too where the quantizer needs them constant),
// prove with the test profile, verify, and compare the
// outputs the proof states with the expected ones. The tolerance comes from the output's scale:
// 16 steps of it plus 2% of the output's largest magnitude, which covers the rounding of the
// inputs and of each rescale along a node's few operators.
//
// The same again with zero knowledge, and with private weights: proved with the weights in the
// trace and verified against the verifying model, which has none.
//
// The report (/tmp/onnx_conformance_report.txt) lists each test as passed, failed with the
// reason, or unsupported with the reason; a test in baseline.txt that no longer passes fails the
// suite.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "air/profiles.h"
#include "air/prover.h"
#include "frontend/calibration.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"
#include "frontend/quantize.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "onnx_node_data.h"

namespace tensorstark::frontend {
namespace {

namespace fs = std::filesystem;
using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;

// Float outputs within the quantization's tolerance; integer outputs (ArgMax's indices) exactly.
std::string Compare(const Tensor& got, const Tensor& want, int frac_bits) {
  double max_abs = 0;
  for (double w : want.values) max_abs = std::max(max_abs, std::fabs(w));
  const double tolerance = 16 * std::ldexp(1.0, -frac_bits) + 0.02 * max_abs;
  const std::string difference = CompareOutput(
      got, want, [tolerance](double g, double w) { return std::fabs(g - w) <= tolerance; });
  return difference.empty() ? "" : fmt::format("{} (tolerance {:.3g})", difference, tolerance);
}

enum class Mode { kPlain, kZeroKnowledge, kPrivateWeights };

// "" if the test passed, "unsupported: <reason>" or "failed: <reason>".
std::string RunConformanceTest(const fs::path& dir, Mode mode) {
  for (const fs::path& data_set : SortedEntries(dir, "test_data_set_")) {
    QuantizedModel model;
    NodeTestData data;
    const auto compile = [&](bool bind_operands) {
      data = LoadNodeTestData(data_set, /*bind_scalars=*/true, bind_operands);
      const Graph graph = ImportOnnxFile((dir / "model.onnx").string(), data.constants);
      if (graph.inputs.empty()) throw FrontendError("the model has no inputs left to prove");
      const std::vector<std::vector<Tensor>> calibration = {data.inputs};
      // Private weights get compile's fixed weight scale, public ones a scale per layer.
      const Visibility weights =
          mode == Mode::kPrivateWeights ? Visibility::kPrivate : Visibility::kPublic;
      QuantizeOptions options;
      options.weight_frac_bits = DefaultWeightFracBits(weights);
      model = Quantize(graph, Calibrate(graph, calibration), options);
      model.weights_visibility = weights;
    };
    try {
      try {
        compile(/*bind_operands=*/false);
      } catch (const FrontendError& e) {
        if (!AsksForConstantOperands(e.what())) throw;
        compile(/*bind_operands=*/true);
      }
    } catch (const FrontendError& e) {
      return std::string("unsupported: ") + e.what();
    }
    std::optional<ModelAir> air;
    try {
      air.emplace(model);
    } catch (const FrontendError& e) {
      return std::string("unsupported: ") + e.what();
    }
    air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
    config.zk = mode != Mode::kPlain;
    auto key = SetupModel<Hasher>(*air, config);
    if (auto* error = std::get_if<std::string>(&key)) return "failed: setup: " + *error;
    ModelAir::Witness witness;
    try {
      witness = air->GenerateWitness(RunQuantized(model, data.inputs),
                                     std::get<ModelKey<Hasher>>(key).commitment);
    } catch (const FrontendError& e) {
      return std::string("failed: ") + e.what();
    }
    air::ProveOptions options;
    options.n_public_inputs = air->n_public_inputs();
    auto proof = air::Prove<Channel, Hasher>(config, air->components(), std::move(witness.traces),
                                             std::move(witness.public_inputs), options);
    if (auto* error = std::get_if<air::ProvingError>(&proof)) {
      return "failed: " + air::ToString(*error);
    }
    const auto& stark = std::get<air::StarkProof<Hasher>>(proof);
    // With private weights, the verifier's AIR comes from the verifying model.
    const QuantizedModel verifying =
        mode == Mode::kPrivateWeights ? air->VerifyingModel() : QuantizedModel{};
    std::optional<ModelAir> verifying_air;
    if (mode == Mode::kPrivateWeights) verifying_air.emplace(verifying);
    const ModelAir& verifier_air = verifying_air ? *verifying_air : *air;
    if (auto rejection = VerifyModelProof<Channel, Hasher>(verifier_air, stark, 0)) {
      return "failed: " + air::ToString(*rejection);
    }
    const std::vector<Tensor> got = verifier_air.Outputs(stark.public_inputs);
    if (got.size() != data.outputs.size()) return "failed: wrong number of outputs";
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string diff =
          Compare(got[i], data.outputs[i], model.tensor(model.outputs[i]).frac_bits);
      if (!diff.empty()) return fmt::format("failed: output {}: {}", i, diff);
    }
  }
  return "";
}

TEST_CASE("ONNX backend node tests: compiled, proved, verified") {
  RunNodeSuite([](const fs::path& dir) { return RunConformanceTest(dir, Mode::kPlain); },
               TENSORSTARK_CONFORMANCE_DIR "/baseline.txt", "onnx_conformance_report.txt",
               /*failures_fail=*/false);
}

// Every operator component in zero-knowledge mode (docs/zero-knowledge.md): each node test that
// proves plainly proves with zero knowledge too.
TEST_CASE("ONNX backend node tests: compiled, proved, verified with zero knowledge") {
  RunNodeSuite([](const fs::path& dir) { return RunConformanceTest(dir, Mode::kZeroKnowledge); },
               TENSORSTARK_CONFORMANCE_DIR "/baseline.txt", "onnx_conformance_zk_report.txt",
               /*failures_fail=*/false);
}

// Private weights (model_air.h): each node test that proves plainly proves with its weights and
// constants in the trace, and its proof verifies against the verifying model, which has none.
TEST_CASE("ONNX backend node tests: compiled, proved with private weights, verified without them") {
  RunNodeSuite([](const fs::path& dir) { return RunConformanceTest(dir, Mode::kPrivateWeights); },
               TENSORSTARK_CONFORMANCE_DIR "/baseline.txt",
               "onnx_conformance_private_weights_report.txt", /*failures_fail=*/false);
}

}  // namespace
}  // namespace tensorstark::frontend
