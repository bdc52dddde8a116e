#include "air/proof_io.h"

#include <fmt/format.h>

#include <array>
#include <cassert>
#include <cstring>
#include <limits>
#include <optional>

#include "field/felt252.h"
#include "fri/config.h"
#include "hash/blake2s.h"

namespace tensorstark::air {
namespace {

using field::Felt252;
using hash::Blake2sMerkleHasher;
using hash::MerkleDecommitment;
using hash::Poseidon252MerkleHasher;

constexpr std::array<uint8_t, 4> kMagic = {'T', 'S', 'P', 'F'};
constexpr size_t kCountBytes = 4;
constexpr size_t kM31Bytes = 4;
constexpr size_t kQM31Bytes = 4 * kM31Bytes;
constexpr size_t kHashBytes = 32;
// The smallest encodings of the composite elements, so that a forged count is rejected before
// anything is allocated for it.
constexpr size_t kMinDecommitmentBytes = 2 * kCountBytes;
constexpr size_t kMinLayerBytes = kCountBytes + kMinDecommitmentBytes + kHashBytes;

// How each hash type is written: 32 bytes each; a felt252 big-endian and canonical, Poseidon2-M31
// words little-endian and canonical.
template <class Hash>
struct HashCodec;

template <>
struct HashCodec<hash::Blake2sHash> {
  static constexpr const char* kCanonical = "32 bytes";
  static std::array<uint8_t, kHashBytes> Encode(const hash::Blake2sHash& h) { return h.bytes; }
  static std::optional<hash::Blake2sHash> Decode(std::span<const uint8_t, kHashBytes> bytes) {
    hash::Blake2sHash h;
    std::memcpy(h.bytes.data(), bytes.data(), kHashBytes);
    return h;
  }
};

template <>
struct HashCodec<Felt252> {
  static constexpr const char* kCanonical = "a canonical felt252 (below the Stark prime)";
  static std::array<uint8_t, kHashBytes> Encode(const Felt252& h) { return h.ToBigEndianBytes(); }
  static std::optional<Felt252> Decode(std::span<const uint8_t, kHashBytes> bytes) {
    return Felt252::FromBigEndianBytes(bytes);
  }
};

template <>
struct HashCodec<hash::Poseidon2M31Hash> {
  static constexpr const char* kCanonical = "8 canonical M31 words (each below 2^31 - 1)";
  static std::array<uint8_t, kHashBytes> Encode(const hash::Poseidon2M31Hash& h) {
    std::array<uint8_t, kHashBytes> bytes;
    for (size_t k = 0; k < h.words.size(); ++k) {
      const uint32_t word = h.words[k].value();
      std::memcpy(bytes.data() + 4 * k, &word, 4);
    }
    return bytes;
  }
  static std::optional<hash::Poseidon2M31Hash> Decode(std::span<const uint8_t, kHashBytes> bytes) {
    hash::Poseidon2M31Hash h;
    for (size_t k = 0; k < h.words.size(); ++k) {
      uint32_t word;
      std::memcpy(&word, bytes.data() + 4 * k, 4);
      if (word >= field::kP) return std::nullopt;
      h.words[k] = field::M31::FromCanonical(word);
    }
    return h;
  }
};

// Appends the encoding to `out` (if not null) and counts the bytes of each section, so that
// SerializeProof and SizeBreakdown cannot disagree.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) {}

  void StartSection(size_t ProofSizeBreakdown::*section) { section_ = &(breakdown_.*section); }
  const ProofSizeBreakdown& breakdown() const { return breakdown_; }

  void Bytes(std::span<const uint8_t> bytes) {
    if (out_ != nullptr) out_->insert(out_->end(), bytes.begin(), bytes.end());
    *section_ += bytes.size();
  }
  void U8(uint8_t v) { Bytes(std::span<const uint8_t>(&v, 1)); }
  void U32(uint32_t v) {
    std::array<uint8_t, 4> b;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    Bytes(b);
  }
  void U64(uint64_t v) {
    std::array<uint8_t, 8> b;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    Bytes(b);
  }
  void Write(M31 v) { U32(v.value()); }
  void Write(const QM31& v) {
    for (M31 c : v.ToM31Array()) Write(c);
  }
  template <class Hash>
  void Write(const Hash& h) {
    Bytes(HashCodec<Hash>::Encode(h));
  }
  // A count, then each element with write_one (Write by default).
  template <class T, class WriteOne>
  void Vector(const std::vector<T>& v, const WriteOne& write_one) {
    assert(v.size() <= std::numeric_limits<uint32_t>::max() && "a proof vector this long is a bug");
    U32(static_cast<uint32_t>(v.size()));
    for (const T& x : v) write_one(x);
  }
  template <class T>
  void Vector(const std::vector<T>& v) {
    Vector(v, [this](const T& x) { Write(x); });
  }

 private:
  std::vector<uint8_t>* out_;
  ProofSizeBreakdown breakdown_;
  size_t* section_ = &breakdown_.header_and_config;
};

using B = ProofSizeBreakdown;

template <hash::MerkleHasher H>
void WriteOpening(const fri::FriLayerOpening<H>& opening, Writer& w) {
  w.StartSection(&B::fri_witness);
  w.Vector(opening.fri_witness);
  w.StartSection(&B::fri_decommitments);
  w.Vector(opening.decommitment.hash_witness);
  w.Vector(opening.decommitment.column_witness);
}

template <hash::MerkleHasher H>
void WriteLayer(const fri::FriLayerProof<H>& layer, Writer& w) {
  WriteOpening(layer, w);
  w.StartSection(&B::fri_commitments);
  w.Write(layer.commitment);
}

// The trees' openings: their decommitments, then their queried values.
template <hash::MerkleHasher H>
void WriteTreeOpenings(const std::vector<MerkleDecommitment<H>>& decommitments,
                       const std::vector<std::vector<M31>>& queried_values, Writer& w) {
  w.StartSection(&B::decommitment_hash_witness);
  w.Vector(decommitments, [&](const MerkleDecommitment<H>& d) {
    w.StartSection(&B::decommitment_hash_witness);
    w.Vector(d.hash_witness);
    w.StartSection(&B::decommitment_column_witness);
    w.Vector(d.column_witness);
  });
  w.StartSection(&B::queried_values);
  w.Vector(queried_values, [&](const std::vector<M31>& tree) { w.Vector(tree); });
}

template <hash::MerkleHasher H>
void WriteProof(const StarkProof<H>& proof, Writer& w) {
  const ProofConfig& config = proof.config;
  const fri::PcsProof<H>& pcs = proof.pcs;
  // Not written: a proof whose two copies differ could not come back from its bytes.
  assert(pcs.config == config.pcs && "pcs.config must equal config.pcs");

  w.StartSection(&B::header_and_config);
  w.Bytes(kMagic);
  w.U32(ProofFormatVersion(config));
  w.U8(static_cast<uint8_t>(ProofHashTraits<H>::kId));
  w.U32(config.pcs.pow_bits);
  w.U32(config.pcs.fri.log_blowup_factor);
  w.U32(config.pcs.fri.log_last_layer_degree_bound);
  w.U32(config.pcs.fri.n_queries);
  w.U32(config.pcs.fri.fold_step);
  w.U32(config.interaction_pow_bits);
  if (config.zk) w.U32(kZkProofFlags);

  w.StartSection(&B::public_inputs);
  w.Vector(proof.public_inputs);
  w.StartSection(&B::nonces);
  w.U64(proof.interaction_pow_nonce);
  w.StartSection(&B::claimed_sums);
  w.Vector(proof.claimed_sums);

  w.StartSection(&B::commitments);
  w.Vector(pcs.commitments);
  w.StartSection(&B::sampled_values);
  w.Vector(pcs.sampled_values, [&](const std::vector<std::vector<QM31>>& tree) {
    w.Vector(tree, [&](const std::vector<QM31>& column) { w.Vector(column); });
  });
  WriteTreeOpenings(pcs.decommitments, pcs.queried_values, w);
  w.StartSection(&B::nonces);
  w.U64(pcs.proof_of_work);

  WriteLayer(pcs.fri_proof.first_layer, w);
  w.StartSection(&B::fri_commitments);
  w.Vector(pcs.fri_proof.inner_layers,
           [&](const fri::FriLayerProof<H>& layer) { WriteLayer(layer, w); });
  w.StartSection(&B::last_layer);
  w.Vector(pcs.fri_proof.last_layer_poly);
}

// Reads the encoding front to back. The first failure is recorded and every later read fails, so
// callers only check the result of each read. Item names are lambdas, formatted only on failure.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t offset() const { return offset_; }
  size_t left() const { return bytes_.size() - offset_; }
  const std::optional<ProofParseError>& error() const { return error_; }

  bool Fail(size_t offset, std::string message) {
    if (!error_) error_ = ProofParseError{offset, std::move(message)};
    return false;
  }

  template <class Name>
  bool Take(size_t n, const Name& name, std::span<const uint8_t>* out) {
    if (error_) return false;
    if (left() < n) {
      return Fail(offset_, fmt::format("truncated proof: {} needs {} bytes at offset {}, {} left",
                                       name(), n, offset_, left()));
    }
    *out = bytes_.subspan(offset_, n);
    offset_ += n;
    return true;
  }
  template <class Name>
  bool U8(uint8_t* v, const Name& name) {
    std::span<const uint8_t> b;
    if (!Take(1, name, &b)) return false;
    *v = b[0];
    return true;
  }
  template <class Name>
  bool U32(uint32_t* v, const Name& name) {
    std::span<const uint8_t> b;
    if (!Take(4, name, &b)) return false;
    *v = LoadU32(b);
    return true;
  }
  template <class Name>
  bool U64(uint64_t* v, const Name& name) {
    std::span<const uint8_t> b;
    if (!Take(8, name, &b)) return false;
    *v = 0;
    for (size_t i = 0; i < 8; ++i) *v |= static_cast<uint64_t>(b[i]) << (8 * i);
    return true;
  }
  template <class Name>
  bool Read(M31* v, const Name& name) {
    const size_t at = offset_;
    std::span<const uint8_t> b;
    if (!Take(kM31Bytes, name, &b)) return false;
    return CanonicalM31(LoadU32(b), at, name, v);
  }
  template <class Name>
  bool Read(QM31* v, const Name& name) {
    const size_t at = offset_;
    std::span<const uint8_t> b;
    if (!Take(kQM31Bytes, name, &b)) return false;
    std::array<M31, 4> coordinates;
    for (size_t i = 0; i < 4; ++i) {
      auto coordinate_name = [&] { return fmt::format("{} coordinate {}", name(), i); };
      if (!CanonicalM31(LoadU32(b.subspan(4 * i)), at + 4 * i, coordinate_name, &coordinates[i])) {
        return false;
      }
    }
    *v = QM31::FromM31Array(coordinates);
    return true;
  }
  // Only a felt252 can fail to decode.
  template <class Hash, class Name>
  bool Read(Hash* h, const Name& name) {
    const size_t at = offset_;
    std::span<const uint8_t> b;
    if (!Take(kHashBytes, name, &b)) return false;
    std::optional<Hash> decoded = HashCodec<Hash>::Decode(b.first<kHashBytes>());
    if (!decoded) {
      return Fail(
          at, fmt::format("{} at offset {} is not {}", name(), at, HashCodec<Hash>::kCanonical));
    }
    *h = *decoded;
    return true;
  }

  // A count of elements that take at least min_element_bytes each, checked against the bytes
  // left before anyone allocates for it.
  template <class Name>
  bool Count(uint32_t* n, size_t min_element_bytes, const Name& name) {
    const size_t at = offset_;
    if (!U32(n, [&] { return name() + " count"; })) return false;
    const uint64_t needed = static_cast<uint64_t>(*n) * min_element_bytes;
    if (needed > left()) {
      return Fail(at, fmt::format("truncated proof: {} has count {} at offset {}, needing at least "
                                  "{} bytes, {} left",
                                  name(), *n, at, needed, left()));
    }
    return true;
  }

  // A count, then the elements, each read with read_one(element*, element_name).
  template <class T, class Name, class ReadOne>
  bool Vector(std::vector<T>* out, size_t min_element_bytes, const Name& name,
              const ReadOne& read_one) {
    uint32_t n = 0;
    if (!Count(&n, min_element_bytes, name)) return false;
    out->resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      auto element_name = [&] { return fmt::format("{}[{}]", name(), i); };
      if (!read_one(&(*out)[i], element_name)) return false;
    }
    return true;
  }
  // A vector of plain items (field elements or hashes), each read with Read.
  template <class T, class Name>
  bool Vector(std::vector<T>* out, size_t element_bytes, const Name& name) {
    return Vector(out, element_bytes, name,
                  [this](T* x, const auto& element_name) { return this->Read(x, element_name); });
  }

 private:
  static uint32_t LoadU32(std::span<const uint8_t> b) {
    return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
           static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
  }
  template <class Name>
  bool CanonicalM31(uint32_t raw, size_t at, const Name& name, M31* v) {
    if (raw >= field::kP) {
      return Fail(at, fmt::format("{} at offset {} is {}, not a canonical M31 (must be below "
                                  "2^31 - 1)",
                                  name(), at, raw));
    }
    *v = M31::FromCanonical(raw);
    return true;
  }

  std::span<const uint8_t> bytes_;
  size_t offset_ = 0;
  std::optional<ProofParseError> error_;
};

// A name known when the code is written.
auto Named(const char* name) {
  return [name] { return std::string(name); };
}

struct Header {
  uint32_t version;
  HashId hash;
};

std::optional<Header> ReadHeader(Reader& r) {
  std::span<const uint8_t> magic;
  if (!r.Take(kMagic.size(), Named("header magic"), &magic)) return std::nullopt;
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string found;
    for (uint8_t b : magic) found += {' ', kHex[b >> 4], kHex[b & 0xf]};
    r.Fail(0, fmt::format("not a tensorstark proof: magic is{}, expected \"TSPF\"", found));
    return std::nullopt;
  }
  const size_t version_at = r.offset();
  uint32_t version = 0;
  if (!r.U32(&version, Named("header version"))) return std::nullopt;
  if (version != kProofFormatVersion && version != kZkProofFormatVersion) {
    r.Fail(version_at, fmt::format("unsupported proof format version {}, this build reads "
                                   "versions {} and {}",
                                   version, kProofFormatVersion, kZkProofFormatVersion));
    return std::nullopt;
  }
  const size_t id_at = r.offset();
  uint8_t id = 0;
  if (!r.U8(&id, Named("header hash id"))) return std::nullopt;
  if (id > static_cast<uint8_t>(HashId::kPoseidon2M31)) {
    r.Fail(id_at,
           fmt::format("unknown hash id {} (0 = blake2s, 1 = poseidon252, 2 = poseidon2)", id));
    return std::nullopt;
  }
  return Header{version, static_cast<HashId>(id)};
}

bool ReadConfig(Reader& r, uint32_t version, ProofConfig* config) {
  const size_t at = r.offset();
  fri::PcsConfig& pcs = config->pcs;
  if (!r.U32(&pcs.pow_bits, Named("config.pow_bits")) ||
      !r.U32(&pcs.fri.log_blowup_factor, Named("config.log_blowup_factor")) ||
      !r.U32(&pcs.fri.log_last_layer_degree_bound, Named("config.log_last_layer_degree_bound")) ||
      !r.U32(&pcs.fri.n_queries, Named("config.n_queries")) ||
      !r.U32(&pcs.fri.fold_step, Named("config.fold_step"))) {
    return false;
  }
  const size_t interaction_at = r.offset();
  if (!r.U32(&config->interaction_pow_bits, Named("config.interaction_pow_bits"))) return false;
  if (std::optional<std::string> invalid = fri::ValidateConfig(pcs)) {
    return r.Fail(at, fmt::format("invalid config at offset {}: {}", at, *invalid));
  }
  if (config->interaction_pow_bits > kMaxInteractionPowBits) {
    return r.Fail(
        interaction_at,
        fmt::format("invalid config at offset {}: interaction_pow_bits is {}, must be "
                    "in [0, {}]",
                    interaction_at, config->interaction_pow_bits, kMaxInteractionPowBits));
  }
  if (version == kZkProofFormatVersion) {
    const size_t flags_at = r.offset();
    uint32_t flags = 0;
    if (!r.U32(&flags, Named("config.flags"))) return false;
    // Version 5 exists for zero knowledge only: a proof without it is written as version 4.
    if (flags != kZkProofFlags) {
      return r.Fail(flags_at, fmt::format("invalid config at offset {}: flags are {:#x}, version "
                                          "{} requires exactly {:#x} (zero knowledge)",
                                          flags_at, flags, version, kZkProofFlags));
    }
    config->zk = true;
  }
  return true;
}

template <hash::MerkleHasher H, class Name>
bool ReadDecommitment(Reader& r, MerkleDecommitment<H>* d, const Name& name) {
  return r.Vector(&d->hash_witness, kHashBytes, [&] { return name() + ".hash_witness"; }) &&
         r.Vector(&d->column_witness, kM31Bytes, [&] { return name() + ".column_witness"; });
}

template <hash::MerkleHasher H, class Name>
bool ReadOpening(Reader& r, fri::FriLayerOpening<H>* opening, const Name& name) {
  return r.Vector(&opening->fri_witness, kQM31Bytes, [&] { return name() + ".fri_witness"; }) &&
         ReadDecommitment<H>(r, &opening->decommitment, [&] { return name() + ".decommitment"; });
}

template <hash::MerkleHasher H, class Name>
bool ReadLayer(Reader& r, fri::FriLayerProof<H>* layer, const Name& name) {
  return ReadOpening<H>(r, layer, name) &&
         r.Read(&layer->commitment, [&] { return name() + ".commitment"; });
}

template <hash::MerkleHasher H, class Name>
bool ReadTreeOpenings(Reader& r, std::vector<MerkleDecommitment<H>>* decommitments,
                      std::vector<std::vector<M31>>* queried_values, const Name& name) {
  auto read_decommitment = [&r](MerkleDecommitment<H>* d, const auto& n) {
    return ReadDecommitment<H>(r, d, n);
  };
  auto read_queried = [&r](std::vector<M31>* tree, const auto& n) {
    return r.Vector(tree, kM31Bytes, n);
  };
  return r.Vector(decommitments, kMinDecommitmentBytes, [&] { return name() + "decommitments"; },
                  read_decommitment) &&
         r.Vector(queried_values, kCountBytes, [&] { return name() + "queried_values"; },
                  read_queried);
}

template <hash::MerkleHasher H>
bool ReadPcsProof(Reader& r, fri::PcsProof<H>* pcs) {
  using Tree = std::vector<std::vector<QM31>>;
  auto read_tree_samples = [&r](Tree* tree, const auto& tree_name) {
    return r.Vector(tree, kCountBytes, tree_name, [&r](std::vector<QM31>* column, const auto& n) {
      return r.Vector(column, kQM31Bytes, n);
    });
  };
  auto read_layer = [&r](fri::FriLayerProof<H>* layer, const auto& n) {
    return ReadLayer<H>(r, layer, n);
  };
  fri::FriProof<H>& fri = pcs->fri_proof;
  return r.Vector(&pcs->commitments, kHashBytes, Named("pcs.commitments")) &&
         r.Vector(&pcs->sampled_values, kCountBytes, Named("pcs.sampled_values"),
                  read_tree_samples) &&
         ReadTreeOpenings<H>(r, &pcs->decommitments, &pcs->queried_values, Named("pcs.")) &&
         r.U64(&pcs->proof_of_work, Named("pcs.proof_of_work")) &&
         ReadLayer<H>(r, &fri.first_layer, Named("pcs.fri.first_layer")) &&
         r.Vector(&fri.inner_layers, kMinLayerBytes, Named("pcs.fri.inner_layers"), read_layer) &&
         r.Vector(&fri.last_layer_poly, kQM31Bytes, Named("pcs.fri.last_layer_poly"));
}

}  // namespace

std::array<uint8_t, 32> HashBytes(const hash::Blake2sHash& hash) {
  return HashCodec<hash::Blake2sHash>::Encode(hash);
}
std::array<uint8_t, 32> HashBytes(const Felt252& hash) { return HashCodec<Felt252>::Encode(hash); }
std::array<uint8_t, 32> HashBytes(const hash::Poseidon2M31Hash& hash) {
  return HashCodec<hash::Poseidon2M31Hash>::Encode(hash);
}

template <class Hash>
std::optional<Hash> HashFromBytes(std::span<const uint8_t, 32> bytes) {
  return HashCodec<Hash>::Decode(bytes);
}
template std::optional<hash::Blake2sHash> HashFromBytes(std::span<const uint8_t, 32>);
template std::optional<Felt252> HashFromBytes(std::span<const uint8_t, 32>);
template std::optional<hash::Poseidon2M31Hash> HashFromBytes(std::span<const uint8_t, 32>);

const char* ToString(HashId id) {
  switch (id) {
    case HashId::kBlake2s:
      return "blake2s";
    case HashId::kPoseidon252:
      return "poseidon252";
    case HashId::kPoseidon2M31:
      return "poseidon2";
  }
  return "unknown";
}

size_t ProofSizeBreakdown::Total() const {
  return header_and_config + public_inputs + claimed_sums + nonces + commitments + sampled_values +
         decommitment_hash_witness + decommitment_column_witness + queried_values +
         fri_commitments + fri_witness + fri_decommitments + last_layer;
}

ProofSizeBreakdown& ProofSizeBreakdown::operator+=(const ProofSizeBreakdown& other) {
  for (size_t ProofSizeBreakdown::*section :
       {&B::header_and_config, &B::public_inputs, &B::claimed_sums, &B::nonces, &B::commitments,
        &B::sampled_values, &B::decommitment_hash_witness, &B::decommitment_column_witness,
        &B::queried_values, &B::fri_commitments, &B::fri_witness, &B::fri_decommitments,
        &B::last_layer}) {
    this->*section += other.*section;
  }
  return *this;
}

template <hash::MerkleHasher H>
std::vector<uint8_t> SerializeProof(const StarkProof<H>& proof) {
  std::vector<uint8_t> out;
  Writer w(&out);
  WriteProof(proof, w);
  return out;
}

template <hash::MerkleHasher H>
ProofSizeBreakdown SizeBreakdown(const StarkProof<H>& proof) {
  Writer w(nullptr);
  WriteProof(proof, w);
  return w.breakdown();
}

std::variant<HashId, ProofParseError> PeekProofHash(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  std::optional<Header> header = ReadHeader(r);
  if (!header) return *r.error();
  return header->hash;
}

template <hash::MerkleHasher H>
std::variant<StarkProof<H>, ProofParseError> ParseProof(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  std::optional<Header> header = ReadHeader(r);
  if (!header) return *r.error();
  constexpr HashId kExpected = ProofHashTraits<H>::kId;
  if (header->hash != kExpected) {
    return ProofParseError{r.offset() - 1, fmt::format("proof uses hash {}, expected {}",
                                                       ToString(header->hash), ToString(kExpected))};
  }
  StarkProof<H> proof;
  const bool ok = ReadConfig(r, header->version, &proof.config) &&
                  r.Vector(&proof.public_inputs, kM31Bytes, Named("public_inputs")) &&
                  r.U64(&proof.interaction_pow_nonce, Named("interaction_pow_nonce")) &&
                  r.Vector(&proof.claimed_sums, kQM31Bytes, Named("claimed_sums")) &&
                  ReadPcsProof(r, &proof.pcs);
  if (!ok) return *r.error();
  if (r.left() != 0) {
    return ProofParseError{r.offset(), fmt::format("{} trailing bytes after the proof at offset {}",
                                                   r.left(), r.offset())};
  }
  proof.pcs.config = proof.config.pcs;
  return proof;
}

template std::vector<uint8_t> SerializeProof(const StarkProof<Blake2sMerkleHasher>&);
template std::vector<uint8_t> SerializeProof(const StarkProof<Poseidon252MerkleHasher>&);
template ProofSizeBreakdown SizeBreakdown(const StarkProof<Blake2sMerkleHasher>&);
template ProofSizeBreakdown SizeBreakdown(const StarkProof<Poseidon252MerkleHasher>&);
template std::variant<StarkProof<Blake2sMerkleHasher>, ProofParseError> ParseProof(
    std::span<const uint8_t>);
template std::variant<StarkProof<Poseidon252MerkleHasher>, ProofParseError> ParseProof(
    std::span<const uint8_t>);
template std::vector<uint8_t> SerializeProof(const StarkProof<hash::Poseidon2M31MerkleHasher>&);
template ProofSizeBreakdown SizeBreakdown(const StarkProof<hash::Poseidon2M31MerkleHasher>&);
template std::variant<StarkProof<hash::Poseidon2M31MerkleHasher>, ProofParseError> ParseProof(
    std::span<const uint8_t>);

}  // namespace tensorstark::air
