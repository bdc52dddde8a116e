// Why Prove could not produce a proof, and why Verify rejected one (a typed error naming the
// failed check; the verifier never throws or asserts on proof data).
#pragma once

#include <optional>
#include <string>

#include "air/component.h"
#include "fri/pcs_error.h"

namespace tensorstark::air {

struct ProvingError {
  enum class Kind {
    kInvalidAir,               // the components or the configuration are not valid
    kInvalidTrace,             // trace shapes do not match the components
    kConstraintsNotSatisfied,  // the out-of-domain self-check failed
    kDegenerateOodsPoint,      // the drawn out-of-domain point cannot serve (DrawnOodsSample)
  };
  Kind kind;
  std::string message;
  std::optional<ConstraintFailure> failure = {};  // the first failing row, when found
};

struct VerificationError {
  enum class Kind {
    kInvalidAir,                // the components or the proof's configuration are invalid
    kInsufficientSecurity,      // the proof's configuration is below the required bits
    kShapeMismatch,             // counts in the proof differ from what the AIR implies
    kPreprocessedRootMismatch,  // tree 0 is not the AIR's preprocessed columns
    kInteractionProofOfWork,    // the nonce before the LogUp challenges is invalid
    kClaimedSumsNotZero,        // the LogUp sums of all components do not cancel
    kOodsMismatch,              // the composition does not match the constraints at the OODS point
    kPcs,                       // the commitment scheme rejected the openings
    kStatementMismatch,         // the statement is not about what the verifier checks (a model)
    kNotZeroKnowledge,          // a plain proof of a model that hides values (a private input)
    kDegenerateOodsPoint,       // the drawn out-of-domain point cannot serve (DrawnOodsSample)
  };
  Kind kind;
  std::string message;
  std::optional<fri::PcsError> pcs = {};
};

std::string ToString(const ProvingError& error);
std::string ToString(const VerificationError& error);

}  // namespace tensorstark::air
