// Soundness of compressed proofs (pipeline/model_recursion.h), on real proofs of tiny_mlp: an inner
// proof the verifier rejects is not compressed, and the circuit built from it anyway fails at a
// named check, as does one whose statement the native verifier refuses (an aggregate member stating
// another model's commitment, a context that is not canonical, an input out of range); a tampered
// outer proof is rejected with a typed error; an outer proof of one model is not one of another; a
// changed inner output changes the outer statement; the verifying model rebuilds the prover's
// circuit and ids, as do keys read from the key cache; zero knowledge is carried through.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "air/proof_io.h"
#include "frontend/context.h"
#include "recursion/compress_util.h"
#include "soundness/soundness_util.h"

namespace tensorstark::pipeline {
namespace {

using frontend::kContextLimbs;
using frontend::ModelAir;
using frontend::ModelCommitment;
using frontend::QuantizedModel;
using frontend::Tensor;
using frontend::Visibility;

using field::M31;
using field::QM31;
using soundness::Expected;
using soundness::Kind;
using soundness::PcsKind;
using namespace testing;

// compile's defaults: private weights and input, public output, zero knowledge.
const Example& Tiny() {
  static const Example tiny("tiny_mlp", Visibility::kPrivate);
  return tiny;
}

const CompressedKey<OuterHasher>& TinyKey() {
  static const std::vector<InnerSpec> specs = {Tiny().Spec()};
  static const CompressedKey<OuterHasher> key = KeyOf(specs);
  return key;
}

const OuterProof& TinyOuter() {
  static const OuterProof outer = Compress(TinyKey(), std::span(&Tiny().inner, 1));
  return outer;
}

// A tampered inner proof: compress refuses it with the native verifier's reason, and the circuit
// built from it regardless (from what the native verifier recorded) fails at a named check.
void CheckNotCompressed(const std::function<void(InnerProof&)>& tamper,
                        const std::string& circuit_check) {
  InnerProof proof = Tiny().inner;
  tamper(proof);
  auto refused = CompressProof<OuterChannel, OuterHasher>(TinyKey(), std::span(&proof, 1));
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK_MESSAGE(std::get<std::string>(refused).starts_with("the inner proof is invalid: "),
                std::get<std::string>(refused));

  const InnerMember& member = TinyKey().members[0];
  recursion::InnerOpened opened;
  REQUIRE(member.inner_air->VerifyNatively(proof, &opened));
  recursion::CircuitBuilder builder(true);
  const recursion::InnerWitness witness{&proof, &opened};
  BuildVerifierCircuit(builder, TinyKey().members, std::span(&witness, 1));
  REQUIRE_MESSAGE(builder.failure(), "the circuit accepts a proof the verifier rejects");
  CHECK_MESSAGE(builder.failure()->find(circuit_check) != std::string::npos, *builder.failure());
}

TEST_CASE("an inner proof the verifier rejects is not compressed: each tamper class") {
  const QM31 one = QM31::One();
  SUBCASE("a claimed sum") {
    CheckNotCompressed([&](InnerProof& p) { p.claimed_sums[0] += one; }, "LogUp sums cancel");
  }
  SUBCASE("a sampled value") {
    CheckNotCompressed([&](InnerProof& p) { p.pcs.sampled_values[1][0][0] += one; },
                       "the composition matches the constraints");
  }
  SUBCASE("a queried value") {
    CheckNotCompressed([&](InnerProof& p) { p.pcs.queried_values[1][3] += M31::One(); },
                       "the trace tree's Merkle path");
  }
  SUBCASE("a Merkle decommitment hash") {
    CheckNotCompressed(
        [&](InnerProof& p) { soundness::FlipBit(p.pcs.decommitments[2].hash_witness[0]); },
        "Merkle path");
  }
  SUBCASE("a FRI layer's opened value") {
    CheckNotCompressed(
        [&](InnerProof& p) { p.pcs.fri_proof.inner_layers[0].fri_witness[0] += one; },
        "a FRI layer");
  }
  SUBCASE("the FRI last layer (mixed before the proof of work, which then fails)") {
    CheckNotCompressed([&](InnerProof& p) { p.pcs.fri_proof.last_layer_poly[0] += one; },
                       "proof-of-work");
  }
  SUBCASE("the proof-of-work nonce") {
    CheckNotCompressed([&](InnerProof& p) { p.pcs.proof_of_work += 1; }, "proof-of-work");
  }
  SUBCASE("the interaction proof-of-work nonce") {
    CheckNotCompressed([&](InnerProof& p) { p.interaction_pow_nonce += 1; }, "proof-of-work");
  }
  SUBCASE("a public output (mixed first: the interaction proof of work then fails)") {
    CheckNotCompressed([&](InnerProof& p) { p.public_inputs.back() += M31::One(); },
                       "proof-of-work");
  }
}

// The first failing gate of the members' circuit built from these inner proofs, each a valid
// STARK (the native verifier's openings its witness): what an outer proof would rest on if the
// native model-level checks were skipped.
std::optional<std::string> CircuitFailure(const CompressedKey<OuterHasher>& key,
                                          std::span<const InnerProof> inners) {
  std::vector<recursion::InnerOpened> opened(inners.size());
  std::vector<recursion::InnerWitness> witnesses;
  for (size_t i = 0; i < inners.size(); ++i) {
    REQUIRE_FALSE(key.members[i].inner_air->VerifyNatively(inners[i], &opened[i]));
    witnesses.push_back({&inners[i], &opened[i]});
  }
  recursion::CircuitBuilder builder(true);
  BuildVerifierCircuit(builder, key.members, witnesses);
  return builder.failure();
}

// Compress refuses the inner proofs with a reason containing `native`, and the circuit fails at a
// gate named with `gate`.
void CheckStatementRefused(const CompressedKey<OuterHasher>& key,
                           std::span<const InnerProof> inners, const std::string& native,
                           const std::string& gate) {
  auto refused = CompressProof<OuterChannel, OuterHasher>(key, inners);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK_MESSAGE(std::get<std::string>(refused).find(native) != std::string::npos,
                std::get<std::string>(refused));
  const std::optional<std::string> failure = CircuitFailure(key, inners);
  REQUIRE_MESSAGE(failure, "the circuit accepts a statement the native verifier refuses");
  CHECK_MESSAGE(failure->find(gate) != std::string::npos, *failure);
}

TEST_CASE("an aggregate's member stating another model's commitment fails the circuit") {
  // An aggregate of A (tiny_mlp, private) and B (tiny_mlp, public): an inner proof of A that
  // states B's commitment (a valid STARK of A's AIR: no constraint reads the commitment words)
  // would give a fact under B's model id.
  const Example b("tiny_mlp", Visibility::kPublic);
  const ModelCommitment b_commitment = ModelAir::StatedCommitment(b.inner.public_inputs);
  const Example forged_a("tiny_mlp", Visibility::kPrivate, {}, {},
                         [&](const ModelAir&, std::vector<M31>& words) {
                           std::copy(b_commitment.begin(), b_commitment.end(), words.begin());
                         });
  const std::vector<InnerSpec> specs = {forged_a.Spec(0), b.Spec(1)};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const std::vector<InnerProof> forged = {forged_a.inner, b.inner};
  CheckStatementRefused(key, forged, "not this model", "stated commitment is its own model's");
  std::vector<M31> statement = forged_a.inner.public_inputs;
  statement.insert(statement.end(), b.inner.public_inputs.begin(), b.inner.public_inputs.end());
  soundness::CheckRejected(CheckMemberStatements(key.members, statement),
                           {Kind::kStatementMismatch});
  // And only that: A's honest proof beside B's passes.
  const std::vector<InnerProof> honest = {Tiny().inner, b.inner};
  const std::optional<std::string> accepted = CircuitFailure(key, honest);
  CHECK_MESSAGE(!accepted, *accepted);
}

TEST_CASE("a stated context that is not a felt's canonical words fails the circuit") {
  // tiny_mlp stating one context felt, 2^28 (frontend/context.h: 9 limbs of 28 bits, the most
  // significant first). The words no constraint reads, changed before proving.
  const auto with_context = [](QuantizedModel& model) { model.context_felts = 1; };
  const auto context_words = [](const std::function<void(std::span<M31>)>& change) {
    return [change](const ModelAir& air, std::vector<M31>& words) {
      change(std::span(words).subspan(air.StatedContext().first, kContextLimbs));
    };
  };
  const Example honest("tiny_mlp", Visibility::kPublic, {}, with_context);
  const ModelAir::ContextWordsRange range = honest.air->StatedContext();
  REQUIRE(range.n_words == kContextLimbs);
  REQUIRE(honest.inner.public_inputs[range.first + kContextLimbs - 2] == M31::One());
  const std::vector<InnerSpec> specs = {honest.Spec()};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const std::optional<std::string> accepted = CircuitFailure(key, std::span(&honest.inner, 1));
  CHECK_MESSAGE(!accepted, *accepted);

  SUBCASE("a limb of 28 bits or more (the same value: 2^28 as its last limb)") {
    const Example forged("tiny_mlp", Visibility::kPublic, {}, with_context,
                         context_words([](std::span<M31> limbs) {
                           limbs[kContextLimbs - 2] = M31();
                           limbs[kContextLimbs - 1] = M31::FromCanonical(1u << 28);
                         }));
    CheckStatementRefused(key, std::span(&forged.inner, 1), "not below 2^28",
                          "context felt's words are its canonical limbs");
  }
  SUBCASE("a value of p or more (p itself: 2^251 + 17·2^192 + 1)") {
    const Example forged("tiny_mlp", Visibility::kPublic, {}, with_context,
                         context_words([](std::span<M31> limbs) {
                           for (M31& limb : limbs) limb = M31();
                           limbs[0] = M31::FromCanonical(1u << 27);  // 2^251
                           limbs[1] = M31::One();                    // 2^196
                           limbs[2] = M31::FromCanonical(1u << 24);  // 2^192
                           limbs[8] = M31::One();
                         }));
    CheckStatementRefused(key, std::span(&forged.inner, 1), "not below the Stark field's modulus",
                          "context felt's words are its canonical limbs");
  }
}

TEST_CASE("a stated input outside its compiled range is not compressed, and fails the circuit") {
  // tiny_mlp with a public input whose compiled range is narrowed to [-2, 2) after the run: the
  // inner proof is a valid STARK (the constraints never read the range), but its statement is one
  // the native verifier refuses, and so must the circuit, or an outer proof would state it.
  const Example narrowed("tiny_mlp", Visibility::kPublic, {}, [](QuantizedModel& model) {
    model.tensors.at(model.inputs[0]).bound_bits = 1;
  });
  const std::vector<InnerSpec> specs = {narrowed.Spec()};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const InnerMember& member = key.members[0];
  recursion::InnerOpened opened;
  REQUIRE_FALSE(member.inner_air->VerifyNatively(narrowed.inner, &opened));
  auto refused = CompressProof<OuterChannel, OuterHasher>(key, std::span(&narrowed.inner, 1));
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK_MESSAGE(std::get<std::string>(refused).find("outside the range") != std::string::npos,
                std::get<std::string>(refused));

  recursion::CircuitBuilder builder(true);
  const recursion::InnerWitness witness{&narrowed.inner, &opened};
  BuildVerifierCircuit(builder, key.members, std::span(&witness, 1));
  REQUIRE_MESSAGE(builder.failure(), "the circuit accepts an input outside its range");
  CHECK_MESSAGE(builder.failure()->find("outside its compiled range") != std::string::npos,
                *builder.failure());
  // And only that: with the range the model was compiled for, the same statement passes.
  const Example in_range("tiny_mlp", Visibility::kPublic);
  const std::vector<InnerSpec> in_range_specs = {in_range.Spec()};
  const CompressedKey<OuterHasher> in_range_key = KeyOf(in_range_specs);
  recursion::InnerOpened in_range_opened;
  REQUIRE_FALSE(
      in_range_key.members[0].inner_air->VerifyNatively(in_range.inner, &in_range_opened));
  recursion::CircuitBuilder accepting(true);
  const recursion::InnerWitness in_range_witness{&in_range.inner, &in_range_opened};
  BuildVerifierCircuit(accepting, in_range_key.members, std::span(&in_range_witness, 1));
  CHECK_MESSAGE(!accepting.failure(), *accepting.failure());
}

// The outer proof with one field changed is rejected with the expected typed error.
void CheckOuterRejected(const std::function<void(OuterProof&)>& tamper, const Expected& expected) {
  OuterProof outer = TinyOuter();
  tamper(outer);
  soundness::CheckRejected(Verify(TinyKey(), outer), expected);
}

TEST_CASE("a tampered outer proof is rejected with a typed error") {
  REQUIRE(!Verify(TinyKey(), TinyOuter()));
  const QM31 one = QM31::One();
  SUBCASE("the stated model commitment") {
    CheckOuterRejected([](OuterProof& p) { p.public_inputs[0] += M31::One(); },
                       {Kind::kStatementMismatch});
  }
  SUBCASE("a stated output (its public term leaves the wire relation unbalanced)") {
    // Mixed first, so it changes the interaction proof of work's challenge too: ground again, as
    // a cheating prover would (the test profile's few bits), so that the LogUp sum check is what
    // rejects it.
    OuterProof outer = TinyOuter();
    outer.public_inputs.back() += M31::One();
    std::optional<air::VerificationError> error;
    for (outer.interaction_pow_nonce = 0;; ++outer.interaction_pow_nonce) {
      error = Verify(TinyKey(), outer);
      if (!error || error->kind != Kind::kInteractionProofOfWork) break;
    }
    soundness::CheckRejected(error, {Kind::kClaimedSumsNotZero});
  }
  SUBCASE("a claimed sum") {
    CheckOuterRejected([&](OuterProof& p) { p.claimed_sums[1] += one; },
                       {Kind::kClaimedSumsNotZero});
  }
  SUBCASE("the preprocessed commitment (another circuit)") {
    CheckOuterRejected([](OuterProof& p) { soundness::FlipBit(p.pcs.commitments[0]); },
                       {Kind::kPreprocessedRootMismatch});
  }
  SUBCASE("a sampled value") {
    CheckOuterRejected([&](OuterProof& p) { p.pcs.sampled_values[1][0][0] += one; },
                       {Kind::kOodsMismatch});
  }
  SUBCASE("a queried value") {
    CheckOuterRejected([](OuterProof& p) { p.pcs.queried_values[1][0] += M31::One(); },
                       Expected::Merkle(1, hash::MerkleError::kRootMismatch));
  }
  SUBCASE("an inner FRI layer's opened value (layer 0 is the first, circle layer)") {
    CheckOuterRejected(
        [&](OuterProof& p) { p.pcs.fri_proof.inner_layers[0].fri_witness[0] += one; },
        Expected::FriMerkle(1, hash::MerkleError::kRootMismatch));
  }
  SUBCASE("the proof-of-work nonce") {
    // Another nonce meets the test profile's few bits now and then (nonce + 1 does for tiny_mlp's
    // outer proof today): it then draws other queries, whose decommitments fail. The first nonce
    // after the honest one that misses the bits is rejected for it.
    OuterProof outer = TinyOuter();
    for (;;) {
      ++outer.pcs.proof_of_work;
      const std::optional<air::VerificationError> error = Verify(TinyKey(), outer);
      REQUIRE(error.has_value());
      if (error->kind == Kind::kPcs && error->pcs && error->pcs->kind == PcsKind::kMerkle) continue;
      soundness::CheckRejected(error, Expected::Pcs(PcsKind::kProofOfWork));
      break;
    }
  }
  SUBCASE("a statement of another length") {
    CheckOuterRejected([](OuterProof& p) { p.public_inputs.push_back(M31::One()); },
                       {Kind::kShapeMismatch});
  }
}

TEST_CASE("an outer proof of one model is not one of another") {
  const Example public_tiny("tiny_mlp", Visibility::kPublic);
  const std::vector<InnerSpec> specs = {public_tiny.Spec()};
  const CompressedKey<OuterHasher> other = KeyOf(specs);
  CHECK(Verify(other, TinyOuter()));
  CHECK(IdsOf(other).models != IdsOf(TinyKey()).models);
  CHECK(!Verify(other, Compress(other, std::span(&public_tiny.inner, 1))));
}

TEST_CASE("a changed inner output changes the outer statement, under the same key and ids") {
  // Everything public, so the statement holds the input and the output.
  const Example first("tiny_mlp", Visibility::kPublic);
  const Example second("tiny_mlp", Visibility::kPublic, [](std::vector<Tensor>& input) {
    for (double& v : input[0].values) v = -v;
  });
  REQUIRE(first.inner.public_inputs != second.inner.public_inputs);
  const std::vector<InnerSpec> specs = {first.Spec()};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const OuterProof a = Compress(key, std::span(&first.inner, 1));
  const OuterProof b = Compress(key, std::span(&second.inner, 1));
  CHECK(a.public_inputs == first.inner.public_inputs);
  CHECK(b.public_inputs == second.inner.public_inputs);
  CHECK(!Verify(key, a));
  CHECK(!Verify(key, b));
  // One proof's statement with the other's STARK.
  OuterProof swapped = a;
  swapped.public_inputs = b.public_inputs;
  CHECK(Verify(key, swapped));
}

TEST_CASE("the verifying model (without the private weights) rebuilds the circuit and the ids") {
  const QuantizedModel verifying_model = Tiny().air->VerifyingModel();
  const ModelAir verifying(verifying_model);  // reads the model it is given, which must outlive it
  const std::vector<InnerSpec> specs = {{&verifying, 0, Tiny().inner.config.zk}};
  const CompressedKey<OuterHasher> verifier = KeyOf(specs);
  CHECK(TinyKey().recursion->circuit().Digest().bytes ==
        verifier.recursion->circuit().Digest().bytes);
  CHECK(TinyKey().outer.verifying_key.preprocessed_root ==
        verifier.outer.verifying_key.preprocessed_root);
  CHECK(IdsOf(verifier).models == IdsOf(TinyKey()).models);
  CHECK(!Verify(verifier, TinyOuter()));
}

TEST_CASE("keys read from the cache have the same circuit, root, ids and verdicts") {
  const std::string dir =
      std::filesystem::temp_directory_path() / "tensorstark_compression_cache_test";
  std::filesystem::remove_all(dir);
  const KeyCache cache(dir);
  const std::vector<InnerSpec> specs = {Tiny().Spec()};
  CHECK(!KeyOf(specs, KeyUse::kProve, cache).from_cache);  // derives and files its parts
  // Proving: the inner root and the circuit read, the outer columns committed again.
  const CompressedKey<OuterHasher> prover = KeyOf(specs, KeyUse::kProve, cache);
  CHECK(prover.from_cache);
  CHECK(prover.recursion->circuit().Digest().bytes ==
        TinyKey().recursion->circuit().Digest().bytes);
  CHECK(prover.outer.verifying_key.preprocessed_root ==
        TinyKey().outer.verifying_key.preprocessed_root);
  CHECK(air::SerializeProof(Compress(prover, std::span(&Tiny().inner, 1))) ==
        air::SerializeProof(TinyOuter()));
  // Verifying: the outer verifying key read, no circuit built.
  const CompressedKey<OuterHasher> verifier = KeyOf(specs, KeyUse::kVerify, cache);
  CHECK(verifier.from_cache);
  CHECK(verifier.recursion->circuit().gates.empty());
  CHECK(IdsOf(verifier).circuit == IdsOf(TinyKey()).circuit);
  CHECK(IdsOf(verifier).models == IdsOf(TinyKey()).models);
  CHECK(!Verify(verifier, TinyOuter()));
  OuterProof changed = TinyOuter();
  changed.public_inputs.back() += M31::One();
  const auto rejected = Verify(verifier, changed);
  REQUIRE(rejected);
  CHECK(rejected->kind == Verify(TinyKey(), changed)->kind);

  // An intact entry that is not a key of these members at this shape is a miss: a public input
  // fewer or on other wires, or components not at the standard class's sizes.
  const hash::Blake2sHash name = OuterKeyName(
      verifier.members, air::ProofHashTraits<OuterHasher>::kId, kOuterConfig, OuterShape::kFit);
  const std::optional<CachedRecursionKey> cached =
      GetOuterKey(cache, name, verifier.members, OuterShape::kFit);
  REQUIRE(cached);
  CHECK(!GetOuterKey(cache, name, verifier.members, OuterShape::kStandard));
  CachedRecursionKey fewer = *cached;
  fewer.shape.public_inputs.pop_back();
  PutRecursionKey(cache, name, fewer);
  CHECK(!GetOuterKey(cache, name, verifier.members, OuterShape::kFit));
  // A public input read twice, or on another wire: no circuit's statement is so.
  using PublicWire = recursion::RecursionAir::PublicWire;
  for (const PublicWire other : {PublicWire{0, 2}, PublicWire{1, 1}}) {
    CachedRecursionKey moved = *cached;
    moved.shape.public_inputs[0] = other;
    PutRecursionKey(cache, name, moved);
    CHECK(!GetOuterKey(cache, name, verifier.members, OuterShape::kFit));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a circuit's public inputs are its first wires, each read once") {
  // What lets an outer verifier (a Starknet contract) write the statement's terms knowing only
  // its length, with no per-circuit wire list to be given or trust.
  const recursion::RecursionAir::Shape shape = TinyKey().recursion->shape();
  REQUIRE(shape.public_inputs.size() == Tiny().inner.public_inputs.size());
  for (size_t i = 0; i < shape.public_inputs.size(); ++i) {
    CHECK(shape.public_inputs[i] ==
          recursion::RecursionAir::PublicWire{static_cast<recursion::WireId>(i), 1});
  }
}

TEST_CASE("zero knowledge is carried through") {
  const Example& tiny = Tiny();
  REQUIRE(tiny.inner.config.zk);
  // The outer statement is the inner one: the private input is not in it.
  CHECK(TinyOuter().public_inputs == tiny.inner.public_inputs);
  CHECK(tiny.air->n_stated_inputs() == 0);
  // The outer proof is a function of the inner proof and the key alone (no randomness of its own:
  // what it shows of the witness, the zero-knowledge inner proof already shows).
  CHECK(air::SerializeProof(Compress(TinyKey(), std::span(&tiny.inner, 1))) ==
        air::SerializeProof(TinyOuter()));
  // A key that takes the inner proof for a plain one: compress refuses the proof, and the outer
  // proof is not accepted as a plain proof of a model that hides its input.
  const std::vector<InnerSpec> plain_specs = {{tiny.air.get(), 0, false}};
  const CompressedKey<OuterHasher> plain = KeyOf(plain_specs);
  auto refused = CompressProof<OuterChannel, OuterHasher>(plain, std::span(&tiny.inner, 1));
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK_MESSAGE(std::get<std::string>(refused).find("cannot be compressed") != std::string::npos,
                std::get<std::string>(refused));
  soundness::CheckRejected(Verify(plain, TinyOuter()), {Kind::kNotZeroKnowledge});
}

}  // namespace
}  // namespace tensorstark::pipeline
