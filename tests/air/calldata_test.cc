// The calldata encoding (air/calldata.h): a real Poseidon252 proof written as felts and read back
// by an independent decoder that follows the documented layout, section sizes adding up.
#include "air/calldata.h"

#include <doctest/doctest.h>

#include <memory>
#include <span>
#include <variant>
#include <vector>

#include "air/framework.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "examples/range_check/range_check.h"
#include "hash/poseidon252.h"
#include "hash_families.h"

namespace tensorstark::air {
namespace {

using field::Felt252;
using H = hash::Poseidon252MerkleHasher;

// Reads the calldata front to back, as the Cairo verifier does.
class Decoder {
 public:
  explicit Decoder(std::span<const Felt252> felts) : felts_(felts) {}

  uint64_t Integer() {
    const Felt252 f = Next();
    const auto limbs = f.ToLimbs();
    REQUIRE((limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0));
    return limbs[0];
  }
  Felt252 Next() {
    REQUIRE(next_ < felts_.size());
    return felts_[next_++];
  }
  std::vector<Felt252> Hashes() {
    std::vector<Felt252> out(Integer());
    for (Felt252& h : out) h = Next();
    return out;
  }
  // n values, eight per felt, big-endian in base 2^31.
  std::vector<M31> M31s(size_t n) {
    std::vector<M31> out;
    while (out.size() < n) {
      const size_t k = std::min<size_t>(8, n - out.size());
      std::array<uint64_t, 4> limbs = Next().ToLimbs();
      std::vector<M31> chunk(k);
      for (size_t i = k; i-- > 0;) {
        chunk[i] = M31::FromCanonical(static_cast<uint32_t>(limbs[0] & 0x7fffffff));
        for (int w = 0; w < 4; ++w) {  // limbs >>= 31
          limbs[w] = (limbs[w] >> 31) | (w < 3 ? limbs[w + 1] << 33 : 0);
        }
      }
      out.insert(out.end(), chunk.begin(), chunk.end());
    }
    return out;
  }
  std::vector<M31> M31List() { return M31s(Integer()); }
  std::vector<QM31> QM31List() {
    const std::vector<M31> coordinates = M31s(4 * Integer());
    std::vector<QM31> out;
    for (size_t i = 0; i < coordinates.size(); i += 4) {
      out.push_back(QM31::FromM31Array(
          {coordinates[i], coordinates[i + 1], coordinates[i + 2], coordinates[i + 3]}));
    }
    return out;
  }
  fri::FriLayerOpening<H> Opening() {
    fri::FriLayerOpening<H> opening;
    opening.fri_witness = QM31List();
    opening.decommitment.hash_witness = Hashes();
    opening.decommitment.column_witness = M31List();
    return opening;
  }
  fri::FriLayerProof<H> Layer() {
    fri::FriLayerProof<H> layer;
    static_cast<fri::FriLayerOpening<H>&>(layer) = Opening();
    layer.commitment = Next();
    return layer;
  }
  void TreeOpenings(std::vector<hash::MerkleDecommitment<H>>& decommitments,
                    std::vector<std::vector<M31>>& queried_values) {
    decommitments.resize(Integer());
    for (auto& decommitment : decommitments) {
      decommitment.hash_witness = Hashes();
      decommitment.column_witness = M31List();
    }
    queried_values.resize(Integer());
    for (auto& values : queried_values) values = M31List();
  }
  bool done() const { return next_ == felts_.size(); }

 private:
  std::span<const Felt252> felts_;
  size_t next_ = 0;
};

StarkProof<H> ProveRangeCheck(bool zk = false) {
  examples::RangeCheckInstance instance = examples::MakeRandomRangeCheck(7, 6, 3, /*seed=*/5);
  std::vector<std::unique_ptr<Component>> components;
  components.push_back(std::make_unique<FrameworkComponent<examples::RangeCheckedValues>>(
      std::move(instance.values)));
  components.push_back(std::make_unique<FrameworkComponent<RangeTable>>(std::move(instance.table)));
  const std::vector<const Component*> pointers = {components[0].get(), components[1].get()};
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.zk = zk;
  auto result = Prove<hash::Poseidon252Channel, H>(
      config, pointers, {instance.values_trace, instance.table_trace}, instance.public_inputs,
      {.zk_seed = hash::RandomSeed{}});
  REQUIRE(std::holds_alternative<StarkProof<H>>(result));
  return std::get<StarkProof<H>>(std::move(result));
}

// The proof as the documented layout has it.
void ReadProof(Decoder& d, const StarkProof<H>& proof, StarkProof<H>& read) {
  const uint64_t version = d.Integer();
  CHECK(version == (proof.config.zk ? kZkCalldataFormatVersion : kCalldataFormatVersion));
  read.config.pcs.pow_bits = static_cast<uint32_t>(d.Integer());
  read.config.pcs.fri.log_blowup_factor = static_cast<uint32_t>(d.Integer());
  read.config.pcs.fri.log_last_layer_degree_bound = static_cast<uint32_t>(d.Integer());
  read.config.pcs.fri.n_queries = static_cast<uint32_t>(d.Integer());
  read.config.pcs.fri.fold_step = static_cast<uint32_t>(d.Integer());
  read.config.interaction_pow_bits = static_cast<uint32_t>(d.Integer());
  if (version == kZkCalldataFormatVersion) {
    CHECK(d.Integer() == kZkProofFlags);
    read.config.zk = true;
  }
  read.public_inputs = d.M31List();
  read.interaction_pow_nonce = d.Integer();
  read.claimed_sums = d.QM31List();
  read.pcs.config = read.config.pcs;
  read.pcs.commitments = d.Hashes();
  // The sampled values' shape comes from the AIR; here, from the proof.
  const std::vector<QM31> sampled = d.QM31List();
  size_t next = 0;
  for (const auto& tree : proof.pcs.sampled_values) {
    read.pcs.sampled_values.emplace_back();
    for (const auto& column : tree) {
      read.pcs.sampled_values.back().emplace_back(sampled.begin() + next,
                                                  sampled.begin() + next + column.size());
      next += column.size();
    }
  }
  CHECK(next == sampled.size());
  d.TreeOpenings(read.pcs.decommitments, read.pcs.queried_values);
  read.pcs.proof_of_work = d.Integer();
  read.pcs.fri_proof.first_layer = d.Layer();
  read.pcs.fri_proof.inner_layers.resize(d.Integer());
  for (auto& layer : read.pcs.fri_proof.inner_layers) layer = d.Layer();
  read.pcs.fri_proof.last_layer_poly = d.QM31List();
}

TEST_CASE("a Poseidon252 proof written as calldata reads back whole") {
  const StarkProof<H> proof = ProveRangeCheck();
  const Calldata calldata = ProofCalldata(proof);
  CHECK(calldata.felts_per_section.Total() == calldata.felts.size());

  Decoder d(calldata.felts);
  StarkProof<H> read;
  ReadProof(d, proof, read);
  CHECK(d.done());
  CHECK(read == proof);
}

TEST_CASE("a zero-knowledge proof's calldata has version 5 and its flags, and reads back whole") {
  const StarkProof<H> proof = ProveRangeCheck(/*zk=*/true);
  const Calldata calldata = ProofCalldata(proof);
  CHECK(calldata.felts_per_section.Total() == calldata.felts.size());
  Decoder d(calldata.felts);
  StarkProof<H> read;
  ReadProof(d, proof, read);
  CHECK(d.done());
  CHECK(read == proof);
}

}  // namespace
}  // namespace tensorstark::air
