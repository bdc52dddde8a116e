// The felts Starknet's verifier contract reads of a proof: of a plain proof at the onchain
// profile, or of a final proof (compress --profile onchain), whose calldata starts with how its
// statement splits into the inner proofs' statements. The `calldata` command and the Python
// module are its front ends.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "air/calldata.h"
#include "field/felt252.h"
#include "frontend/quantized_model.h"

namespace tensorstark::api {

struct StarknetCalldata {
  // A final proof's statement layout, read before its proof (verifier-cairo's
  // contracts::verify_final_calldata): the number of inner proofs, then each one's statement
  // length and count of words stating its inputs. Empty for a plain proof.
  std::vector<field::Felt252> layout;
  air::Calldata proof;

  // The layout's felts, then the proof's.
  std::vector<field::Felt252> Felts() const;
};

// Of the proof or compressed proof file `bytes` (`name` names it in errors); a final proof needs
// the models it is of, in the order compress was given them (`model_names` name them), a plain
// proof none. Throws FrontendError with a one-line reason: not a Poseidon252 proof, an outer
// proof, a final proof without its models or with others, models with a plain proof.
StarknetCalldata CalldataOf(std::span<const uint8_t> bytes, std::string_view name,
                            const std::vector<const frontend::QuantizedModel*>& models,
                            const std::vector<std::string>& model_names);

}  // namespace tensorstark::api
