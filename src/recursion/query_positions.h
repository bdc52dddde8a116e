// The query positions in a circuit, by the native rule (hash/queries.h): the channel's words, 8 per
// draw, each word's low log_domain_size bits a position, the first n_queries distinct positions
// kept. The native verifier draws until it has them, a number of draws that depends on the data;
// the circuit draws a fixed number of words (QueryWordsToDraw), enough that running short has
// negligible probability, and selects the first n_queries distinct positions with equality
// gadgets. The positions come out in order of first appearance (the native verifier sorts them;
// each query is checked on its own, so the order does not matter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "recursion/circuit_channel.h"

namespace tensorstark::recursion {

// The fewest words, a multiple of 8, among which fewer than n_queries distinct positions of a
// domain of 2^log_domain_size have probability below 2^-64.
size_t QueryWordsToDraw(uint32_t log_domain_size, size_t n_queries);

// The positions' bits (log_domain_size each, least significant first), n_queries of them.
std::vector<std::vector<Wire>> DrawQueryPositions(CircuitChannel& channel, uint32_t log_domain_size,
                                                  size_t n_queries);

}  // namespace tensorstark::recursion
