#include "air/profiles.h"

namespace tensorstark::air {

ProofConfig ProfileConfig(Profile profile) {
  ProofConfig config;
  fri::FriConfig& fri = config.pcs.fri;
  switch (profile) {
    case Profile::kTest:
      config.pcs.pow_bits = 5;
      fri = {
          .log_blowup_factor = 1, .log_last_layer_degree_bound = 0, .n_queries = 3, .fold_step = 2};
      config.interaction_pow_bits = 2;
      break;
    case Profile::kFast:
      // 20 bits of grinding (about 14 ms at 77 M/s) and 76 queries rather than 26 and 70: the
      // same 96 bits, and a small model's proof is no longer mostly grinding (26 bits: 0.9 s).
      config.pcs.pow_bits = 20;
      fri = {.log_blowup_factor = 1,
             .log_last_layer_degree_bound = 0,
             .n_queries = 76,
             .fold_step = 3};
      config.interaction_pow_bits = 10;
      break;
    case Profile::kOnchain:
      // 5·16 + 20 = 100 bits. Blowup 32 rather than 16 with 19 queries: the Cairo verifier's gas
      // is mostly per query (fashion_mlp's verification 176M to 162M Sierra gas when this was
      // chosen; docs/proving-engine.md, "Profiles"), for a doubled evaluation domain; blowup 64
      // with 13 queries (146M) doubles it again.
      config.pcs.pow_bits = 20;
      fri = {.log_blowup_factor = 5,
             .log_last_layer_degree_bound = 2,
             .n_queries = 16,
             .fold_step = 3};
      config.interaction_pow_bits = 10;
      break;
    case Profile::kRecursive:
      // 3·28 + 14 = 98 bits, with Poseidon2-M31 (a recursion circuit's hash). A circuit that
      // verifies the proof costs about linearly in the queries and little in the blowup, so the
      // blowup is 8 and the queries few; fold step 3 balances FRI's Merkle paths against its fold
      // arithmetic; a constant last layer keeps the circuit's last check one comparison. Grinding
      // costs the circuit one decomposition whatever its bits but the prover 2^bits
      // permutations: 20 bits took 50–120 ms on 2 threads, more than a small model's whole
      // proof, where two more queries cost the circuit about 2 × 150 permutations
      // (docs/proving-engine.md, "recursive").
      config.pcs.pow_bits = 14;
      fri = {.log_blowup_factor = 3,
             .log_last_layer_degree_bound = 0,
             .n_queries = 28,
             .fold_step = 3};
      config.interaction_pow_bits = 10;
      break;
  }
  return config;
}

std::optional<Profile> ParseProfile(std::string_view name) {
  for (Profile p : kProfiles) {
    if (ProfileName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kTest:
      return "test";
    case Profile::kFast:
      return "fast";
    case Profile::kOnchain:
      return "onchain";
    case Profile::kRecursive:
      return "recursive";
  }
  return "?";
}

}  // namespace tensorstark::air
