#include "pipeline/model_recursion.h"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

#include "frontend/context.h"
#include "frontend/quantized_model.h"
#include "hash/blake2s.h"
#include "pipeline/model_key_cache.h"
#include "recursion/bits.h"

namespace tensorstark::pipeline {

std::variant<recursion::InnerAir, std::string> ModelInnerAir(
    const frontend::ModelAir& air, const InnerHasher::Hash& preprocessed_root,
    const air::ProofConfig& config) {
  return recursion::InnerAir::Make(air.components(), config, preprocessed_root,
                                   air.n_public_inputs(), air.PublicTermShapes());
}

air::ProofConfig InnerProofConfig(bool zero_knowledge) {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kRecursive);
  config.zk = zero_knowledge;
  return config;
}

std::variant<InnerMembers, std::string> SetupInnerMembers(std::span<const InnerSpec> specs,
                                                          const KeyCache& cache) {
  InnerMembers inner;
  std::vector<InnerMember>& members = inner.members;
  // Keys are derived once per (model, zero knowledge).
  std::map<std::pair<const frontend::ModelAir*, bool>, size_t> first_of;
  for (const InnerSpec& spec : specs) {
    const auto [it, first] = first_of.try_emplace({spec.air, spec.zero_knowledge}, members.size());
    if (!first) {
      InnerMember member = members[it->second];
      member.spec = spec;
      members.push_back(std::move(member));
      continue;
    }
    const air::ProofConfig config = InnerProofConfig(spec.zero_knowledge);
    const hash::Blake2sHash model_digest = VerifierModelDigest(*spec.air);
    auto key = CachedModelVerifyingKey<InnerHasher>(*spec.air, model_digest, config, cache);
    if (auto* error = std::get_if<std::string>(&key)) return *error;
    const ModelVerifyingKey<InnerHasher>& inner_key = std::get<ModelVerifyingKey<InnerHasher>>(key);
    inner.from_cache = inner.from_cache || inner_key.from_cache;
    auto inner_air = ModelInnerAir(*spec.air, inner_key.key.preprocessed_root, config);
    if (auto* error = std::get_if<std::string>(&inner_air)) return *error;
    members.push_back({.spec = spec,
                       .config = config,
                       .commitment = inner_key.commitment,
                       .inner_air = std::make_shared<const recursion::InnerAir>(
                           std::get<recursion::InnerAir>(std::move(inner_air))),
                       .model_digest = model_digest});
  }
  return inner;
}

namespace {

KeyCache::Name& AddMembers(KeyCache::Name& name, std::span<const InnerMember> members) {
  name.Add(members.size());
  // Each member's model (its AIR and commitment) and configuration.
  for (const InnerMember& member : members) {
    AddConfig(name, member.config).Add(member.model_digest.bytes);
  }
  return name;
}

// Values are cached as little-endian 32-bit words.
std::vector<uint8_t> WordsToBytes(std::span<const uint32_t> words) {
  std::vector<uint8_t> bytes;
  bytes.reserve(4 * words.size());
  for (uint32_t word : words) {
    for (size_t i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(word >> (8 * i)));
  }
  return bytes;
}
std::optional<std::vector<uint32_t>> BytesToWords(std::span<const uint8_t> bytes) {
  if (bytes.size() % 4 != 0) return std::nullopt;
  std::vector<uint32_t> words(bytes.size() / 4);
  for (size_t w = 0; w < words.size(); ++w) {
    for (size_t i = 0; i < 4; ++i) words[w] |= uint32_t{bytes[4 * w + i]} << (8 * i);
  }
  return words;
}

}  // namespace

std::variant<std::unique_ptr<recursion::RecursionAir>, std::string> MembersRecursionAir(
    std::span<const InnerMember> members, OuterShape shape, const KeyCache& cache,
    bool& from_cache) {
  KeyCache::Name name("verifier circuit");
  const hash::Blake2sHash circuit_name = AddMembers(name, members).Finish();
  std::optional<recursion::Circuit> circuit;
  if (const auto bytes = cache.Get(circuit_name)) {
    if (const auto words = BytesToWords(*bytes)) circuit = recursion::Circuit::FromWords(*words);
  }
  if (circuit) {
    from_cache = true;
  } else {
    recursion::CircuitBuilder builder(false);
    BuildVerifierCircuit(builder, members, {});
    circuit = std::move(builder).Finish();
    cache.Put(circuit_name, WordsToBytes(circuit->ToWords()));
  }
  const recursion::SizeClass size_class = CompressionSizeClass(members.size());
  auto air = recursion::RecursionAir::Make(std::move(*circuit),
                                           shape == OuterShape::kStandard ? &size_class : nullptr);
  // Make refuses only a circuit larger than its size class, which the fitted shape has not.
  if (auto* error = std::get_if<std::string>(&air)) {
    return *error + ": compress --fit sizes the outer proof to its circuit";
  }
  return std::make_unique<recursion::RecursionAir>(
      std::get<recursion::RecursionAir>(std::move(air)));
}

hash::Blake2sHash RecursionKeyName(std::string_view what, std::span<const InnerMember> members,
                                   air::HashId hash, std::span<const air::ProofConfig> configs,
                                   OuterShape shape) {
  KeyCache::Name name(what);
  name.Add(static_cast<uint64_t>(hash));
  for (const air::ProofConfig& config : configs) AddConfig(name, config);
  name.Add(static_cast<uint64_t>(shape));
  return AddMembers(name, members).Finish();
}

// The root's 8 words, then the shape's (RecursionAir::Shape::ToWords).
void PutRecursionKey(const KeyCache& cache, const hash::Blake2sHash& name,
                     const CachedRecursionKey& key) {
  std::vector<uint32_t> words = BytesToWords(key.preprocessed_root).value();
  const std::vector<uint32_t> shape = key.shape.ToWords();
  words.insert(words.end(), shape.begin(), shape.end());
  cache.Put(name, WordsToBytes(words));
}

std::optional<CachedRecursionKey> GetRecursionKey(const KeyCache& cache,
                                                  const hash::Blake2sHash& name,
                                                  const RecursionKeyExpected& expected) {
  const auto bytes = cache.Get(name);
  if (!bytes || bytes->size() < 32) return std::nullopt;
  const auto words = BytesToWords(std::span(*bytes).subspan(32));
  if (!words) return std::nullopt;
  auto air_shape = recursion::RecursionAir::Shape::FromWords(*words);
  if (!air_shape) return std::nullopt;
  const size_t n_public = expected.n_public_inputs;
  if (air_shape->public_inputs.size() != n_public ||
      air_shape->poseidon2_layout != expected.layout) {
    return std::nullopt;
  }
  // Every statement value is one of a circuit's first wires, read once (StatementInputs).
  for (size_t i = 0; i < n_public; ++i) {
    const recursion::RecursionAir::PublicWire wire{static_cast<uint32_t>(i), 1};
    if (air_shape->public_inputs[i] != wire) return std::nullopt;
  }
  if (expected.size_class && air_shape->components != expected.size_class->Components()) {
    return std::nullopt;
  }
  CachedRecursionKey key{.preprocessed_root = {}, .shape = std::move(*air_shape)};
  std::copy_n(bytes->begin(), 32, key.preprocessed_root.begin());
  return key;
}

hash::Blake2sHash OuterKeyName(std::span<const InnerMember> members, air::HashId hash,
                               const air::ProofConfig& outer_config, OuterShape shape) {
  return RecursionKeyName("outer verifying key", members, hash, std::span(&outer_config, 1), shape);
}

std::optional<CachedRecursionKey> GetOuterKey(const KeyCache& cache, const hash::Blake2sHash& name,
                                              std::span<const InnerMember> members,
                                              OuterShape shape) {
  const recursion::SizeClass size_class = CompressionSizeClass(members.size());
  return GetRecursionKey(cache, name,
                         {.n_public_inputs = StatementLength(members),
                          .layout = recursion::Poseidon2Layout::kRow,
                          .size_class = shape == OuterShape::kStandard ? &size_class : nullptr});
}

void AssertModelStatement(recursion::CircuitBuilder& builder, const InnerMember& member,
                          std::span<const recursion::Wire> statement) {
  for (size_t w = 0; w < member.commitment.size(); ++w) {
    builder.AssertEqual(statement[w], builder.Constant(field::QM31(member.commitment[w])),
                        "a member's stated commitment is its own model's");
  }
  const frontend::ModelAir& air = *member.spec.air;
  for (const frontend::ModelAir::InputRange& range : air.InputRanges()) {
    for (size_t k = 0; k < range.count; ++k) {
      recursion::AssertSignedRange(statement[range.first + k], range.bound_bits,
                                   "a stated input outside its compiled range");
    }
  }
  const frontend::ModelAir::ContextWordsRange context = air.StatedContext();
  for (size_t w = 0; w < context.n_words; w += frontend::kContextLimbs) {
    recursion::AssertFelt252Limbs(statement.subspan(context.first + w, frontend::kContextLimbs),
                                  frontend::kContextLimbBits,
                                  "a stated context felt's words are its canonical limbs");
  }
}

void BuildVerifierCircuit(recursion::CircuitBuilder& builder, std::span<const InnerMember> members,
                          std::span<const recursion::InnerWitness> witnesses) {
  // Every member's statement first, so that the circuit's public inputs are wires 0..n-1.
  std::vector<field::M31> values;
  for (size_t i = 0; i < members.size(); ++i) {
    const std::vector<field::M31> statement = recursion::StatementValues(
        *members[i].inner_air, witnesses.empty() ? nullptr : &witnesses[i]);
    values.insert(values.end(), statement.begin(), statement.end());
  }
  const std::vector<recursion::Wire> statements = recursion::StatementInputs(builder, values);
  size_t offset = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    const size_t n = members[i].inner_air->n_public_inputs();
    AssertModelStatement(builder, members[i], std::span(statements).subspan(offset, n));
    recursion::VerifyInCircuit(builder, *members[i].inner_air,
                               witnesses.empty() ? nullptr : &witnesses[i],
                               std::span(statements).subspan(offset, n));
    offset += n;
  }
}

size_t StatementLength(std::span<const InnerMember> members) {
  size_t n = 0;
  for (const InnerMember& member : members) n += member.inner_air->n_public_inputs();
  return n;
}

recursion::SizeClass CompressionSizeClass(size_t n) {
  recursion::SizeClass size_class = recursion::StandardSizeClass();
  const auto extra = static_cast<uint32_t>(std::bit_width(n > 1 ? n - 1 : 0));
  for (uint32_t& log_rows : size_class.log_rows) log_rows += extra;
  return size_class;
}

std::vector<std::span<const field::M31>> MemberStatements(std::span<const InnerMember> members,
                                                          std::span<const field::M31> statement) {
  std::vector<std::span<const field::M31>> statements;
  size_t offset = 0;
  for (const InnerMember& member : members) {
    const size_t n = member.inner_air->n_public_inputs();
    statements.push_back(offset + n <= statement.size() ? statement.subspan(offset, n)
                                                        : std::span<const field::M31>());
    offset += n;
  }
  return statements;
}

CompressedIds IdsOf(const OuterKeyIdentity& identity,
                    std::span<const frontend::ModelCommitment> commitments) {
  CompressedIds ids{.circuit = StarknetCircuitId(identity), .models = {}};
  for (const frontend::ModelCommitment& commitment : commitments) {
    ids.models.push_back(StarknetCompressedModelId(commitment, ids.circuit));
  }
  return ids;
}

CompressedIds IdsOf(const OuterKeyIdentity& identity, std::span<const InnerMember> members) {
  std::vector<frontend::ModelCommitment> commitments;
  for (const InnerMember& member : members) commitments.push_back(member.commitment);
  return IdsOf(identity, commitments);
}

std::optional<air::VerificationError> CheckMemberStatements(std::span<const InnerMember> members,
                                                            std::span<const field::M31> statement) {
  using Kind = air::VerificationError::Kind;
  const size_t n_public = StatementLength(members);
  if (statement.size() != n_public) {
    return air::VerificationError{
        Kind::kShapeMismatch,
        fmt::format("the proof states {} values, the models' statements have {}", statement.size(),
                    n_public)};
  }
  const auto statements = MemberStatements(members, statement);
  for (size_t i = 0; i < members.size(); ++i) {
    const InnerMember& member = members[i];
    if (auto error = frontend::CheckModelStatement(*member.spec.air, member.commitment,
                                                   member.config.zk, statements[i])) {
      if (members.size() > 1) error->message = fmt::format("proof {}: {}", i + 1, error->message);
      return error;
    }
  }
  return std::nullopt;
}

}  // namespace tensorstark::pipeline
