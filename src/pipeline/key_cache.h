// A cache of the values that are slow to derive from a model and a configuration (the
// preprocessed roots of compressed proofs' keys, the verifier circuit and the outer verifying
// key), so that compressing or verifying a model's second proof neither builds its verifier
// circuit nor commits to its preprocessed columns again.
//
// Each value is a file named by a BLAKE2s digest of everything it depends on, the cache's format
// and the GNU build id of the code that derived it (the object holding tensorstark's code: the
// command, or the Python module, never the interpreter that loaded it) included: another build
// never reads these values. The file holds the value and a BLAKE2s digest of its name and the
// value, so a damaged, truncated or renamed file is a miss, as is a missing or unreadable one
// (derived again and written over); a failed write is ignored. An intact cache only saves time;
// but the digest is no signature: whoever can write to the folder can file a key that accepts
// false proofs, so it must be trusted like the binary. The folder is created this user's alone
// (0700), one that another user owns or can write to (or a link to one) is refused, and values
// are written through files created exclusively. A rejected proof costs no second derivation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hash/blake2s.h"

namespace tensorstark::pipeline {

class KeyCache {
 public:
  // The folder from the environment: $TENSORSTARK_CACHE_DIR (an empty value disables the cache),
  // else $XDG_CACHE_HOME/tensorstark, else $HOME/.cache/tensorstark, created 0700 if missing.
  // Disabled if none is set, if this code has no build id to tell its values from another
  // build's, or if the folder is refused (refusal() says why).
  static KeyCache FromEnvironment();
  static KeyCache Disabled(std::string refusal = "") {
    KeyCache cache("");
    cache.refusal_ = std::move(refusal);
    return cache;
  }
  explicit KeyCache(std::string directory) : directory_(std::move(directory)) {}

  bool enabled() const { return !directory_.empty(); }
  // Why the folder the environment names is not used: one line naming it and the remedy, or empty
  // (it is used, or none is named).
  const std::string& refusal() const { return refusal_; }

  // Builds the digest a value is filed under: the cache's format, the build id, then each part
  // (length-prefixed).
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
  std::string refusal_;
};

// The GNU build id of the loaded object that holds tensorstark's code (the program, or the Python
// module), empty if it has none.
std::span<const uint8_t> BuildId();

// Why `directory` cannot serve as a key cache (one line naming it and the remedy), or nothing,
// after creating it 0700 if it is missing: it must be a folder (not a link) this user owns that no
// one else can write to, in a folder others cannot write to unless it is sticky (as /tmp is).
std::optional<std::string> RefuseCacheFolder(const std::string& directory);

}  // namespace tensorstark::pipeline
