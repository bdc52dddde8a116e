// Packed row evaluation, the common part of the prover's evaluators (protocol reference §9.3):
// a component's Evaluate runs on 16 consecutive storage positions at once, each value a PackedM31
// (F) or PackedQM31 (EF). Columns are read straight from storage for offset 0 and gathered lane by
// lane (mask_index.h) for other offsets. The domain evaluator (composition) and the LogUp trace
// generator derive from PackedRowEvaluator and differ only in what they do with constraints and
// LogUp batches.
#pragma once

#include <array>
#include <cassert>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "air/component.h"
#include "air/logup.h"
#include "air/mask_index.h"
#include "air/mixed_arithmetic.h"
#include "field/packed_m31.h"
#include "field/packed_qm31.h"

namespace tensorstark::air {

using field::kLanes;
using field::kLogLanes;
using field::PackedM31;
using field::PackedQM31;

// One relation's challenges, broadcast to every lane once per evaluation.
struct PackedLookupElements {
  std::string name;
  PackedQM31 z;
  std::vector<PackedQM31> alpha_powers;  // [0] = 1 is never read
};

// What all packed rows of one component evaluation share.
struct PackedEvalSetup {
  // `columns` hold the component's trees (0 and 1, and 2 unless it is being generated) on the
  // domain of log size domain_log_size ≥ log_size, with the column counts of `info`.
  PackedEvalSetup(const ColumnsView& columns, const EvalContext& ctx, const ComponentInfo& info,
                  uint32_t log_size, uint32_t domain_log_size);

  // Packed rows covering the domain; a domain smaller than 16 is one packed row whose lanes
  // repeat it cyclically.
  size_t n_vec_rows() const { return domain_log_size >= kLogLanes ? domain_size >> kLogLanes : 1; }
  const PackedLookupElements& Lookup(const std::string& relation) const;

  uint32_t log_size;
  uint32_t domain_log_size;
  size_t domain_size;
  std::array<std::vector<const M31*>, 3> columns;
  std::span<const M31> public_inputs;
  std::vector<PackedLookupElements> lookups;
  PackedQM31 cumsum_shift;  // claimed_sum / 2^log_size
};

// The storage positions of packed row `vec_row`, lane l at vec_row·16 + l (cyclically for small
// domains), and their images under mask offsets.
class PackedRowIndices {
 public:
  PackedRowIndices(const PackedEvalSetup& setup, size_t vec_row)
      : setup_(setup), base_(vec_row * kLanes) {}

  size_t base() const { return base_; }
  bool contiguous() const { return setup_.domain_log_size >= kLogLanes; }

  PackedM31 Load(const M31* column, int offset) {
    if (offset == 0 && contiguous()) {
      // A component reads many columns at the same position, more streams than the hardware
      // prefetchers track (wide Fibonacci: 100), so each row would wait on memory for every
      // column. Fetching the cache line a few packed rows ahead hides that latency.
      if (base_ + kPrefetchAhead < setup_.domain_size)
        __builtin_prefetch(column + base_ + kPrefetchAhead);
      return PackedM31::Load(column + base_);
    }
    const std::array<uint32_t, kLanes>& indices = Indices(offset);
    std::array<M31, kLanes> values;
    for (int l = 0; l < kLanes; ++l) values[l] = column[indices[l]];
    return PackedM31::FromArray(values);
  }

 private:
  // The last offset's indices are kept: the 4 coordinate columns of a LogUp column are read with
  // the same offsets one after another.
  const std::array<uint32_t, kLanes>& Indices(int offset) {
    if (offset != cached_offset_) {
      const size_t mask = setup_.domain_size - 1;
      for (int l = 0; l < kLanes; ++l) {
        cached_[l] = static_cast<uint32_t>(OffsetStorageIndex((base_ + l) & mask, setup_.log_size,
                                                              setup_.domain_log_size, offset));
      }
      cached_offset_ = offset;
    }
    return cached_;
  }

  static constexpr size_t kPrefetchAhead = 4 * kLanes;

  const PackedEvalSetup& setup_;
  size_t base_;
  int cached_offset_ = INT_MIN;
  std::array<uint32_t, kLanes> cached_;
};

template <class Derived>
class PackedRowEvaluator : public LogupBatcher<Derived, PackedM31, PackedQM31> {
 public:
  using F = PackedM31;
  using EF = PackedQM31;

  PackedRowEvaluator(const PackedEvalSetup& setup, size_t vec_row)
      : setup_(setup), rows_(setup, vec_row) {}

  F NextTraceMask() { return Read(kTraceTree, 0); }
  template <size_t N>
  std::array<F, N> NextInteractionMask(size_t tree, const std::array<int, N>& offsets) {
    std::array<F, N> values;
    const M31* column = NextColumn(tree);
    for (size_t i = 0; i < N; ++i) values[i] = rows_.Load(column, offsets[i]);
    return values;
  }
  F GetPreprocessedColumn(const PreprocessedColumnId&) { return Read(kPreprocessedTree, 0); }
  F PublicInput(size_t i) const { return PackedM31::Broadcast(setup_.public_inputs[i]); }
  static EF CombineEF(const std::array<F, 4>& coords) {
    return {{coords[0], coords[1]}, {coords[2], coords[3]}};
  }

  // LogupBatcher hooks.
  static EF ExtendF(const F& value) { return {{value, PackedM31()}, {}}; }
  static F ConstantF(M31 value) { return PackedM31::Broadcast(value); }
  EF Denominator(const Relation& relation, std::span<const F> values) const {
    const PackedLookupElements& lookup = setup_.Lookup(relation.name);
    EF sum = values[0] - lookup.z;
    for (size_t i = 1; i < values.size(); ++i) sum += lookup.alpha_powers[i] * values[i];
    return sum;
  }
  EF CumsumShift() const { return setup_.cumsum_shift; }

 protected:
  const PackedEvalSetup& setup_;
  PackedRowIndices rows_;

 private:
  const M31* NextColumn(size_t tree) {
    assert(next_column_[tree] < setup_.columns[tree].size());
    return setup_.columns[tree][next_column_[tree]++];
  }
  F Read(size_t tree, int offset) { return rows_.Load(NextColumn(tree), offset); }

  std::array<size_t, 3> next_column_{};
};

}  // namespace tensorstark::air
