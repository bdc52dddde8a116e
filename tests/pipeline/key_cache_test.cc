// The key cache (pipeline/key_cache.h): names that tell their parts apart, values read back only
// at their size and intact under their own name, a disabled cache that neither reads nor writes,
// a folder of its user's alone (0700; one others can write to, or another user owns, refused) and
// entries never written through a link planted at a temporary name;
// the model digest its keys are filed under (pipeline/model_key_cache.h), from a model or from
// the file it was read from; and a model's key, filed on a miss and read back on a hit.
#include "pipeline/key_cache.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "air/profiles.h"
#include "frontend/compile.h"
#include "frontend/file_io.h"
#include "frontend/model_air.h"
#include "frontend/quantized_model.h"
#include "hash/blake2s_merkle_hasher.h"
#include "pipeline/model_key_cache.h"

namespace tensorstark::pipeline {
namespace {

using frontend::CompileOnnxModel;
using frontend::ModelAir;
using frontend::ModelCommitment;
using frontend::ModelKey;
using frontend::ParseQuantizedModel;
using frontend::QuantizedModel;
using frontend::ReadFileBytes;
using frontend::SerializeQuantizedModel;
using frontend::SetupModel;
using frontend::Visibility;

hash::Blake2sHash NameOf(std::string_view a, std::string_view b) {
  return KeyCache::Name("test").Add(a).Add(b).Finish();
}

TEST_CASE("a cache name depends on every part and on where the parts split") {
  CHECK(!BuildId().empty());  // Debian's toolchain links a GNU build id
  CHECK(NameOf("ab", "c") == NameOf("ab", "c"));
  CHECK(NameOf("ab", "c") != NameOf("a", "bc"));
  CHECK(NameOf("ab", "c") != NameOf("ab", "d"));
  CHECK(KeyCache::Name("one").Add(uint64_t{1}).Finish() !=
        KeyCache::Name("two").Add(uint64_t{1}).Finish());
}

TEST_CASE("values are read back whole; a disabled cache keeps nothing") {
  const std::string dir = std::filesystem::temp_directory_path() / "tensorstark_key_cache_test";
  std::filesystem::remove_all(dir);
  const KeyCache cache(dir);
  const hash::Blake2sHash name = NameOf("model", "config");
  const std::vector<uint8_t> value = {1, 2, 3, 4};
  CHECK(!cache.Get(name));
  cache.Put(name, value);
  CHECK(cache.Get(name) == value);
  const std::vector<uint8_t> empty;
  cache.Put(NameOf("empty", ""), empty);
  CHECK(cache.Get(NameOf("empty", "")) == empty);
  // A damaged file (its value or its check changed, or truncated) is a miss; Put writes over it.
  const std::string path = dir + "/" + name.ToHex();
  const auto damage = [&](size_t at, size_t keep) {
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[at] ^= 1;
    bytes.resize(keep);
    std::ofstream(path, std::ios::binary) << bytes;
  };
  damage(0, 36);
  CHECK(!cache.Get(name));
  cache.Put(name, value);
  damage(35, 36);
  CHECK(!cache.Get(name));
  cache.Put(name, value);
  damage(0, 4);
  damage(0, 4);  // the value intact again, its check cut off
  CHECK(!cache.Get(name));
  const std::vector<uint8_t> newer = {5, 6, 7, 8};
  cache.Put(name, newer);
  CHECK(cache.Get(name) == newer);
  // A value filed under another name (a renamed file) is a miss.
  const hash::Blake2sHash renamed = NameOf("model", "other config");
  std::filesystem::copy_file(path, dir + "/" + renamed.ToHex());
  CHECK(!cache.Get(renamed));
  // Disabled: nothing read or written.
  const hash::Blake2sHash other = NameOf("other", "config");
  KeyCache::Disabled().Put(other, value);
  CHECK(!cache.Get(other));
  CHECK(!KeyCache::Disabled().Get(name));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a cache folder is its user's alone, and values never go through a planted link") {
  namespace fs = std::filesystem;
  const std::string root = fs::temp_directory_path() / "tensorstark_key_cache_folder_test";
  fs::remove_all(root);
  const std::string dir = root + "/parents/cache";
  CHECK(!RefuseCacheFolder(dir));  // created, with its parents
  CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  // A folder others can write to is refused, with the remedy; so is one another user owns.
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::add);
  const std::optional<std::string> refused = RefuseCacheFolder(dir);
  REQUIRE(refused);
  CHECK_MESSAGE(refused->find("others can write to it (chmod go-w " + dir) != std::string::npos,
                *refused);
  const char* before = std::getenv("TENSORSTARK_CACHE_DIR");
  const std::optional<std::string> saved =
      before ? std::optional<std::string>(before) : std::nullopt;
  setenv("TENSORSTARK_CACHE_DIR", dir.c_str(), 1);
  const KeyCache from_environment = KeyCache::FromEnvironment();
  CHECK(!from_environment.enabled());
  CHECK(from_environment.refusal() == *refused);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  CHECK(KeyCache::FromEnvironment().enabled());
  CHECK(KeyCache::FromEnvironment().refusal().empty());
  if (saved) {
    setenv("TENSORSTARK_CACHE_DIR", saved->c_str(), 1);
  } else {
    unsetenv("TENSORSTARK_CACHE_DIR");
  }
  if (geteuid() == 0) {
    REQUIRE(chown(dir.c_str(), 12345, 12345) == 0);
    const std::optional<std::string> foreign = RefuseCacheFolder(dir);
    REQUIRE(foreign);
    CHECK(foreign->find("another user owns it") != std::string::npos);
    REQUIRE(chown(dir.c_str(), 0, 0) == 0);
  }
  fs::remove(dir);
  std::ofstream(dir) << "a file";
  CHECK(RefuseCacheFolder(dir)->find("is not a folder") != std::string::npos);
  fs::remove(dir);
  // A link (even to a folder of this user's), and a folder in one others can write to.
  const std::string own = root + "/own";
  REQUIRE(!RefuseCacheFolder(own));
  fs::create_directory_symlink(own, dir);
  CHECK(RefuseCacheFolder(dir)->find("it is a link") != std::string::npos);
  fs::remove(dir);
  CHECK(!RefuseCacheFolder(dir + "/"));  // a trailing separator: the folder created 0700
  CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  fs::permissions(root + "/parents", fs::perms::others_write, fs::perm_options::add);
  CHECK(RefuseCacheFolder(dir)->find("others can write to the folder that holds it") !=
        std::string::npos);
  fs::permissions(root + "/parents", fs::perms::sticky_bit, fs::perm_options::add);
  CHECK(!RefuseCacheFolder(dir));  // sticky, as /tmp
  fs::permissions(root + "/parents", fs::perms::others_write | fs::perms::sticky_bit,
                  fs::perm_options::remove);
  fs::remove(dir);

  // A value is written to a file only this user reads, through a temporary file created
  // exclusively: with a link planted at every temporary name the write could take, nothing is
  // written through them (the write fails, and Put ignores it).
  const KeyCache cache(dir);
  REQUIRE(!RefuseCacheFolder(dir));
  const hash::Blake2sHash name = NameOf("model", "config");
  cache.Put(name, std::vector<uint8_t>{1, 2});
  CHECK((fs::status(dir + "/" + name.ToHex()).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  const std::string victim = root + "/victim";
  std::ofstream(victim) << "precious";
  const hash::Blake2sHash planted = NameOf("planted", "");
  for (int n = 0; n < 20000; ++n) {
    fs::create_symlink(victim, fmt::format("{}/{}.tmp{}.{}", dir, planted.ToHex(), getpid(), n));
  }
  cache.Put(planted, std::vector<uint8_t>{3, 4});
  CHECK(ReadFileBytes(victim) == "precious");
  CHECK(!cache.Get(planted));
  fs::remove_all(root);
}

TEST_CASE("a model file verifiers hold names the same entries as its model") {
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  QuantizedModel model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  // Public weights: the compiled file.
  const std::string public_file = SerializeQuantizedModel(model);
  const QuantizedModel public_model = ParseQuantizedModel(public_file, "public.tsm");
  const ModelAir public_air(public_model);
  CHECK(VerifierModelDigest(public_air, public_file) == VerifierModelDigest(public_air));
  // Private weights: the verifying model's file names the prover's model's entries; the prover's
  // own file (with the weights) is not digested as it is.
  model.weights_visibility = Visibility::kPrivate;
  const std::string private_file = SerializeQuantizedModel(model);
  const QuantizedModel private_model = ParseQuantizedModel(private_file, "private.tsm");
  const ModelAir private_air(private_model);
  const std::string verifying_file = SerializeQuantizedModel(private_air.VerifyingModel());
  const QuantizedModel verifying_model = ParseQuantizedModel(verifying_file, "verifying.tsm");
  const ModelAir verifying_air(verifying_model);
  CHECK(VerifierModelDigest(verifying_air, verifying_file) == VerifierModelDigest(private_air));
  CHECK(VerifierModelDigest(private_air, private_file) == VerifierModelDigest(private_air));
  CHECK(VerifierModelDigest(private_air) != VerifierModelDigest(public_air));
  // A file in an earlier format (other bytes for the same model) names entries of its own.
  const std::string earlier = public_file + " ";
  CHECK(VerifierModelDigest(public_air, earlier) != VerifierModelDigest(public_air));
}

TEST_CASE("a model's verifying key is filed once, then read back for a verifier's lowering") {
  const std::string dir = std::filesystem::temp_directory_path() / "tensorstark_model_key_test";
  std::filesystem::remove_all(dir);
  const KeyCache cache(dir);
  const std::string example = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  const QuantizedModel model =
      CompileOnnxModel(example + "/model.onnx", example + "/calibration.json");
  const ModelAir verifying(model, ModelAir::Use::kVerifying);
  const hash::Blake2sHash digest = VerifierModelDigest(verifying);
  const air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  using Hasher = hash::Blake2sMerkleHasher;
  // A miss lowers the model again to commit to its data.
  CHECK(!CachedModelKey<Hasher>(digest, config, cache));
  auto derived = CachedModelVerifyingKey<Hasher>(verifying, digest, config, cache);
  REQUIRE(std::holds_alternative<ModelVerifyingKey<Hasher>>(derived));
  const auto& first = std::get<ModelVerifyingKey<Hasher>>(derived);
  CHECK(!first.from_cache);
  const auto direct = std::get<ModelKey<Hasher>>(SetupModel<Hasher>(ModelAir(model), config));
  CHECK(first.key.preprocessed_root == direct.key.verifying_key.preprocessed_root);
  CHECK(first.commitment == direct.commitment);
  // Then the root and the commitment come from the cache, under this configuration only.
  auto cached = CachedModelVerifyingKey<Hasher>(verifying, digest, config, cache);
  const auto& second = std::get<ModelVerifyingKey<Hasher>>(cached);
  CHECK(second.from_cache);
  CHECK(second.key.preprocessed_root == first.key.preprocessed_root);
  CHECK(second.commitment == first.commitment);
  air::ProofConfig other = config;
  other.zk = true;
  CHECK(!CachedModelKey<Hasher>(digest, other, cache));
  // A commitment word that is not below p is a miss.
  ModelCommitment commitment = first.commitment;
  const std::array<uint8_t, 32> bytes = CommitmentBytes(commitment);
  CHECK(CommitmentFromBytes(bytes) == commitment);
  std::array<uint8_t, 32> wide = bytes;
  for (size_t b = 0; b < 4; ++b) wide[b] = 0xff;
  CHECK(!CommitmentFromBytes(wide));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tensorstark::pipeline
