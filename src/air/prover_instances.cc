// The prover for each hash family (hash/families.h), compiled here once: prover.h declares these
// instances extern, so the files that call Prove link them rather than compile them again.
#include "air/prover.h"

namespace tensorstark::air {

TENSORSTARK_FOR_EACH_HASH_FAMILY(TENSORSTARK_PROVE_INSTANCE)

}  // namespace tensorstark::air
