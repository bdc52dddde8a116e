// The verifier for each hash family (hash/families.h), compiled here once: verifier.h declares
// these instances extern, so the files that call Verify link them rather than compile them again.
#include "air/verifier.h"

namespace tensorstark::air {

TENSORSTARK_FOR_EACH_HASH_FAMILY(TENSORSTARK_VERIFY_INSTANCE)

}  // namespace tensorstark::air
