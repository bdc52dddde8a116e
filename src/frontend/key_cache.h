// A cache of the values that are slow to derive from a model and a configuration (the
// preprocessed roots of compressed proofs' keys, the verifier circuit and the outer verifying
// key), so that compressing or verifying a model's second proof neither builds its verifier
// circuit nor commits to its preprocessed columns again.
//
// Each value is a file named by a BLAKE2s digest of everything it depends on, this binary's GNU
// build id included: a rebuilt tensorstark never reads another build's values. The file holds the
// value and a BLAKE2s digest of its name and the value, so a damaged, truncated or renamed file is
// a miss, as is a missing or unreadable one (derived again and written over); a failed write is
// ignored. An intact cache only saves time; but the digest is no signature: whoever can write to
// the folder can file a key that accepts false proofs, so it must be trusted like the binary (never
// a folder others write to). A rejected proof costs no second derivation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hash/blake2s.h"

namespace tensorstark::frontend {

class KeyCache {
 public:
  // The folder from the environment: $TENSORSTARK_CACHE_DIR (an empty value disables the cache),
  // else $XDG_CACHE_HOME/tensorstark, else $HOME/.cache/tensorstark; disabled if none is set, or
  // if this binary has no build id to tell its values from another build's.
  static KeyCache FromEnvironment();
  static KeyCache Disabled() { return KeyCache(""); }
  explicit KeyCache(std::string directory) : directory_(std::move(directory)) {}

  bool enabled() const { return !directory_.empty(); }

  // Builds the digest a value is filed under: the build id, then each part (length-prefixed).
  class Name {
   public:
    explicit Name(std::string_view kind);
    Name& Add(std::span<const uint8_t> bytes);
    Name& Add(std::string_view text);
    Name& Add(uint64_t value);
    hash::Blake2sHash Finish() { return hasher_.Finalize(); }

   private:
    hash::Blake2sHasher hasher_;
  };

  // The value filed under `name`, or nullopt (none, or not intact).
  std::optional<std::vector<uint8_t>> Get(const hash::Blake2sHash& name) const;
  void Put(const hash::Blake2sHash& name, std::span<const uint8_t> value) const;

 private:
  std::string directory_;
};

// This binary's GNU build id (empty if it has none).
std::span<const uint8_t> BuildId();

}  // namespace tensorstark::frontend
