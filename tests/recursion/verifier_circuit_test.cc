#include "recursion/verifier_circuit.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "air/layout.h"
#include "air/profiles.h"
#include "circle/circle_point.h"
#include "fri/pcs_verifier.h"
#include "frontend/compile.h"
#include "frontend/input_file.h"
#include "frontend/quantized_eval.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/proof_of_work.h"
#include "pipeline/model_recursion.h"
#include "soundness/soundness_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;
using soundness::Air;
using Poseidon2 = soundness::Poseidon2M31;

air::ProofConfig RecursiveConfig(bool zk) {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kRecursive);
  config.zk = zk;
  return config;
}

// An example AIR proved with the recursive profile, its circuit's key, and the native verdict.
struct Inner {
  Air air;
  air::ProofConfig config;
  InnerProof proof;
  std::optional<InnerAir> key;

  Inner(Air a, bool zk, const hash::RandomSeed& seed = soundness::kTestZkSeed)
      : air(std::move(a)), config(RecursiveConfig(zk)) {
    proof = soundness::ProveOrFail<Poseidon2>(config, air.Pointers(), air.traces, air.public_inputs,
                                              true, seed);
    const auto vk = soundness::KeyFor<Poseidon2>(air.Pointers(), config);
    auto made =
        InnerAir::Make(air.Pointers(), config, vk.preprocessed_root, air.public_inputs.size(), {});
    if (const std::string* error = std::get_if<std::string>(&made)) FAIL(*error);
    key.emplace(std::get<InnerAir>(std::move(made)));
  }
};

struct Build {
  std::optional<air::VerificationError> native;
  std::optional<std::string> failure;  // the circuit's first failing gate
  hash::Blake2sHash topology;
  std::vector<QM31> public_inputs;
};

// The native verifier's verdict on `proof` and the circuit built from it.
Build BuildFrom(const InnerAir& key, const InnerProof& proof) {
  Build build;
  InnerOpened opened;
  build.native = key.VerifyNatively(proof, &opened);
  REQUIRE(!key.CheckShape(proof));
  CircuitBuilder builder(true);
  const InnerWitness witness{&proof, &opened};
  for (const Wire& w : VerifyInCircuit(builder, key, &witness)) {
    build.public_inputs.push_back(w.value());
  }
  build.failure = builder.failure();
  build.topology = builder.circuit().Digest();
  return build;
}

hash::Blake2sHash Topology(const InnerAir& key) {
  CircuitBuilder builder(false);
  VerifyInCircuit(builder, key, nullptr);
  return builder.circuit().Digest();
}

void CheckAccepted(const Inner& inner) {
  const Build build = BuildFrom(*inner.key, inner.proof);
  REQUIRE_MESSAGE(!build.native, air::ToString(*build.native));
  CHECK_MESSAGE(!build.failure, *build.failure);
  REQUIRE(build.public_inputs.size() == inner.proof.public_inputs.size());
  for (size_t i = 0; i < build.public_inputs.size(); ++i) {
    CHECK(build.public_inputs[i] == QM31(inner.proof.public_inputs[i]));
  }
  CHECK(build.topology.bytes == Topology(*inner.key).bytes);
}

TEST_CASE("the verifier circuit accepts what the native verifier accepts, in a fixed topology") {
  CheckAccepted(Inner(soundness::WideFibAir(), false));
  CheckAccepted(Inner(soundness::RangeCheckAir(), false));
  // Zero knowledge: blinded components, salted leaves, FRI masks.
  const Inner zk(soundness::RangeCheckAir(), true);
  CheckAccepted(zk);
  // Another proof of the same AIR (other randomness): the same circuit.
  const Inner other(soundness::RangeCheckAir(), true, {9, 9, 9, 9});
  CHECK(BuildFrom(*other.key, other.proof).topology.bytes == Topology(*zk.key).bytes);
}

// A tampered proof: the native verifier rejects it, and the circuit fails, naming a check.
void CheckRejected(const Inner& inner, const std::function<void(InnerProof&)>& tamper,
                   const std::string& expected_failure) {
  InnerProof proof = inner.proof;
  tamper(proof);
  const Build build = BuildFrom(*inner.key, proof);
  CHECK(build.native);
  REQUIRE(build.failure);
  CHECK_MESSAGE(build.failure->find(expected_failure) != std::string::npos, *build.failure);
}

TEST_CASE("the verifier circuit fails where the native verifier rejects a tampered proof") {
  const Inner inner(soundness::RangeCheckAir(), true);
  const QM31 one = QM31::One();
  SUBCASE("a claimed sum") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.claimed_sums[0] += one; }, "LogUp sums cancel");
  }
  SUBCASE("a sampled value") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.pcs.sampled_values[1][0][0] += one; },
        "the composition matches the constraints");
  }
  SUBCASE("a queried value") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.pcs.queried_values[1][3] += M31::One(); },
        "the trace tree's Merkle path");
  }
  SUBCASE("a FRI layer's opened value") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.pcs.fri_proof.inner_layers[0].fri_witness[0] += one; },
        "a FRI layer");
  }
  SUBCASE("the FRI last layer (mixed before the proof of work, which then fails)") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.pcs.fri_proof.last_layer_poly[0] += one; }, "proof-of-work");
  }
  SUBCASE("the proof-of-work nonce") {
    CheckRejected(
        inner, [&](InnerProof& p) { p.pcs.proof_of_work += 1; }, "proof-of-work");
  }
  SUBCASE("a public input (mixed first: the interaction proof of work then fails)") {
    const Inner fib(soundness::WideFibAir(), false);
    CheckRejected(
        fib, [&](InnerProof& p) { p.public_inputs[0] += M31::One(); }, "proof-of-work");
  }
}

// A square root in CM31 (a + bi has one when its norm a² + b² is a square in M31, p ≡ 3 mod 4):
// (x + yi)² = a + bi with x² = (a ± n)/2, n² = a² + b², y = b/2x.
std::optional<field::CM31> SqrtCM31(field::CM31 z) {
  constexpr uint64_t kQuarter = (uint64_t{field::kP} + 1) / 4;
  const M31 half = M31::FromCanonical(2).Inverse();
  const M31 n = (z.a.Square() + z.b.Square()).Pow(kQuarter);
  for (const M31 sign : {n, -n}) {
    const M31 x = ((z.a + sign) * half).Pow(kQuarter);
    if (x.IsZero()) continue;
    const field::CM31 root(x, z.b * (x + x).Inverse());
    if (root * root == z) return root;
  }
  return std::nullopt;
}

// A t whose point FromT(t) = (u·w, y) has its y in CM31 (a degenerate out-of-domain point, which
// DrawnOodsSample refuses) and its x outside CM31, so that the DEEP denominators stay nonzero on
// the domain and a prover can open there: x² + y² = 1 with x² = (2 + i)·w², t = y / (1 + x).
QM31 DegenerateT() {
  const field::CM31 u_squared(M31::FromCanonical(2), M31::One());
  for (uint32_t k = 2;; ++k) {
    const field::CM31 w(M31::FromCanonical(k), M31::One());
    const auto y = SqrtCM31(field::CM31(M31::One(), M31()) - u_squared * w * w);
    if (!y) continue;
    const QM31 x(field::CM31(), w);
    const QM31 t = QM31(*y, field::CM31()) * (QM31::One() + x).Inverse();
    const auto point = circle::CirclePoint<QM31>::FromT(t);
    REQUIRE(point.x == x);
    REQUIRE(point.y == QM31(*y, field::CM31()));
    return t;
  }
}

// What the native verifier would open of a proof forged at t (it refuses the proof before): its
// transcript replayed to the out-of-domain draw, the forged t in the draw's place, then the
// commitment scheme's openings at t's sample points, which hold.
InnerOpened OpenedAt(const Inner& inner, const InnerProof& proof, QM31 t) {
  std::vector<std::unique_ptr<air::Component>> blinded;
  const auto components = std::get<std::vector<const air::Component*>>(
      air::ProvedComponents(inner.air.Pointers(), inner.config, blinded));
  const auto layout = std::get<air::AirLayout>(air::MakeLayout(components, inner.config));
  hash::Poseidon2M31Channel channel;
  air::MixStatement(channel, inner.config, proof.public_inputs, components);
  fri::CommitmentSchemeVerifier<hash::Poseidon2M31Channel, InnerHasher> pcs(inner.config.pcs);
  const auto commit = [&](size_t tree) {
    pcs.Commit(proof.pcs.commitments[tree], air::TreeLogSizes(layout, tree), channel);
  };
  commit(air::kPreprocessedTree);
  commit(air::kTraceTree);
  REQUIRE(hash::CheckProofOfWork(channel, inner.config.interaction_pow_bits,
                                 proof.interaction_pow_nonce));
  channel.MixU64(proof.interaction_pow_nonce);
  air::DrawLookupElements(channel, layout.relations);
  channel.MixFelts(proof.claimed_sums);
  commit(air::kInteractionTree);
  channel.DrawFelt();  // the composition coefficient
  commit(air::kCompositionTree);
  channel.DrawFelt();  // the out-of-domain t the forger replaced
  const auto point = circle::CirclePoint<QM31>::FromT(t);
  InnerOpened opened;
  const auto error =
      pcs.Verify(air::MakeSamplePoints(layout, point), proof.pcs, channel,
                 air::FriMasks(layout, inner.config.pcs.fri.log_blowup_factor), &opened);
  REQUIRE_MESSAGE(!error, fri::ToString(*error));
  return opened;
}

TEST_CASE("the verifier circuit refuses a degenerate out-of-domain point, as the native verifier") {
  // A proof forged at a chosen t, as by a prover that ground its composition root until the draw
  // was t (about 2^61 permutations for a degenerate point): at such a point the values sampled
  // there are free. Its circuit is built with the same t in place of the draw.
  const Inner inner(soundness::RangeCheckAir(), true);
  const auto forged_build = [&](QM31 t) {
    const InnerProof forged =
        std::get<InnerProof>(air::Prove<hash::Poseidon2M31Channel, InnerHasher>(
            inner.config, inner.air.Pointers(), inner.air.traces, inner.air.public_inputs,
            {.zk_seed = soundness::kTestZkSeed, .forged_oods_t = t}));
    REQUIRE(inner.key->VerifyNatively(forged, nullptr));  // it drew another point
    const InnerOpened opened = OpenedAt(inner, forged, t);
    CircuitBuilder builder(true);
    const InnerWitness witness{&forged, &opened, t};
    VerifyInCircuit(builder, *inner.key, &witness);
    return builder.failure();
  };
  // A forged point the native verifier would take: the circuit accepts it (the forged witness is
  // complete), so that below only the point's degeneracy differs.
  const QM31 ordinary = QM31::FromU32(3, 1, 4, 1);
  REQUIRE(air::DrawnOodsSample(inner.key->layout(), ordinary));
  const std::optional<std::string> accepted = forged_build(ordinary);
  CHECK_MESSAGE(!accepted, *accepted);

  const QM31 degenerate = DegenerateT();
  REQUIRE_FALSE(air::DrawnOodsSample(inner.key->layout(), degenerate));
  const std::optional<std::string> refused = forged_build(degenerate);
  REQUIRE_MESSAGE(refused, "the circuit accepts a degenerate out-of-domain point");
  CHECK_MESSAGE(refused->find("no degenerate out-of-domain point") != std::string::npos, *refused);
}

TEST_CASE("the verifier circuit of a model's proof: tiny_mlp with private weights and input") {
  // compile's defaults: committed weights and input, public outputs (public LogUp terms), zero
  // knowledge.
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  const frontend::QuantizedModel model =
      frontend::CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  const frontend::ModelAir air(model);
  const air::ProofConfig config = RecursiveConfig(true);
  auto key_or_error = frontend::SetupModel<InnerHasher>(air, config);
  REQUIRE(std::holds_alternative<frontend::ModelKey<InnerHasher>>(key_or_error));
  const auto& key = std::get<frontend::ModelKey<InnerHasher>>(key_or_error);
  const frontend::QuantizedRun run = frontend::RunQuantized(
      model, frontend::ReadInput(dir + "/input.json", frontend::FloatGraphOf(model)));
  frontend::ModelAir::Witness witness = air.GenerateWitness(run, key.commitment);
  air::ProveOptions options;
  options.n_public_inputs = air.n_public_inputs();
  options.zk_seed = soundness::kTestZkSeed;
  auto proof_or_error = air::Prove<hash::Poseidon2M31Channel, InnerHasher>(
      config, air.components(), std::move(witness.traces), std::move(witness.public_inputs),
      options, &key.key);
  REQUIRE(std::holds_alternative<InnerProof>(proof_or_error));
  const InnerProof& proof = std::get<InnerProof>(proof_or_error);
  auto inner = pipeline::ModelInnerAir(air, key.key.verifying_key.preprocessed_root, config);
  REQUIRE(std::holds_alternative<InnerAir>(inner));
  const InnerAir& inner_air = std::get<InnerAir>(inner);
  REQUIRE(!air.PublicTermShapes().empty());

  const Build build = BuildFrom(inner_air, proof);
  REQUIRE_MESSAGE(!build.native, air::ToString(*build.native));
  CHECK_MESSAGE(!build.failure, *build.failure);
  CHECK(build.topology.bytes == Topology(inner_air).bytes);

  // A changed public output: the native verifier and the circuit (its LogUp sum) reject it.
  InnerProof changed = proof;
  changed.public_inputs.back() += M31::One();
  const Build rejected = BuildFrom(inner_air, changed);
  CHECK(rejected.native);
  REQUIRE(rejected.failure);
}

}  // namespace
}  // namespace tensorstark::recursion
