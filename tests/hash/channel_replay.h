// Replays a scripted channel transcript from tests/vectors/channel_transcripts.json (made by an
// independent JavaScript implementation, scripts/gen_channel_vectors.mjs) and checks every output.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "field/qm31.h"
#include "hash/channel.h"
#include "hash/proof_of_work.h"
#include "hash/queries.h"

namespace tensorstark::hash::testing {

inline nlohmann::json LoadChannelTranscript(const std::string& channel_name) {
  std::ifstream in(std::string(TENSORSTARK_TEST_VECTORS) + "/channel_transcripts.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in).at(channel_name);
}

inline field::QM31 QM31FromJson(const nlohmann::json& v) {
  return field::QM31::FromU32(v[0], v[1], v[2], v[3]);
}

inline uint64_t U64FromHex(const std::string& hex) { return std::stoull(hex, nullptr, 16); }

// parse_root turns the transcript's root string into C::Hash; digest_hex prints the digest the
// way the vectors do.
template <Channel C>
void ReplayTranscript(const nlohmann::json& ops,
                      const std::function<typename C::Hash(const std::string&)>& parse_root,
                      const std::function<std::string(const C&)>& digest_hex) {
  C channel;
  for (const nlohmann::json& op : ops) {
    const std::string name = op.at("op");
    CAPTURE(op.dump());
    if (name == "mix_root") {
      channel.MixRoot(parse_root(op.at("root")));
    } else if (name == "mix_felts") {
      std::vector<field::QM31> felts;
      for (const auto& f : op.at("felts")) felts.push_back(QM31FromJson(f));
      channel.MixFelts(felts);
    } else if (name == "mix_u64") {
      channel.MixU64(U64FromHex(op.at("value")));
    } else if (name == "draw_felt") {
      CHECK(channel.DrawFelt() == QM31FromJson(op.at("expect")));
    } else if (name == "draw_felts") {
      std::vector<field::QM31> felts = channel.DrawFelts(op.at("n"));
      REQUIRE(felts.size() == op.at("expect").size());
      for (size_t i = 0; i < felts.size(); ++i) CHECK(felts[i] == QM31FromJson(op["expect"][i]));
    } else if (name == "draw_u32s") {
      CHECK(channel.DrawU32s() == op.at("expect").get<std::array<uint32_t, 8>>());
    } else if (name == "digest") {
      CHECK(digest_hex(channel) == op.at("expect").get<std::string>());
    } else if (name == "trailing_zeros") {
      CHECK(channel.TrailingZeros() == op.at("expect").get<uint32_t>());
    } else if (name == "grind") {
      uint32_t bits = op.at("bits");
      uint64_t nonce = U64FromHex(op.at("expect"));
      CHECK(GrindProofOfWork(channel, bits) == nonce);
      CHECK(CheckProofOfWork(channel, bits, nonce));
      CHECK_FALSE(CheckProofOfWork(channel, bits, nonce - 1));
    } else if (name == "queries") {
      CHECK(DrawQueryPositions(channel, op.at("log_size"), op.at("n")) ==
            op.at("expect").get<std::vector<size_t>>());
    } else {
      FAIL("unknown transcript op " << name);
    }
  }
}

}  // namespace tensorstark::hash::testing
