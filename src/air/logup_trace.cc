#include "air/logup_trace.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "air/mask_index.h"
#include "field/batch_inverse.h"

namespace tensorstark::air {
namespace {

// Packed rows per task; also the batch-inversion chunk (one inversion per chunk and batch).
constexpr size_t kVecRowsPerChunk = 256;
// Coset-order rows per block of the parallel prefix sum.
constexpr size_t kPrefixBlock = 1 << 14;

QM31 ReadQM31(const std::vector<std::vector<M31>>& columns, size_t first, size_t position) {
  return QM31(columns[first][position], columns[first + 1][position], columns[first + 2][position],
              columns[first + 3][position]);
}

void WriteQM31(std::vector<std::vector<M31>>& columns, size_t first, size_t position, QM31 v) {
  const std::array<M31, 4> coords = v.ToM31Array();
  for (size_t c = 0; c < 4; ++c) columns[first + c][position] = coords[c];
}

// Writes a packed row's values to the 4 columns from `first`; only the first n_rows lanes are
// rows when the trace is smaller than 16.
void StorePacked(std::vector<std::vector<M31>>& columns, size_t first, size_t base, size_t n_rows,
                 const PackedQM31& value) {
  if (n_rows >= kLanes) {
    value.StoreCoords(columns[first].data() + base, columns[first + 1].data() + base,
                      columns[first + 2].data() + base, columns[first + 3].data() + base);
    return;
  }
  const std::array<QM31, kLanes> lanes = value.ToArray();
  for (size_t l = 0; l < n_rows; ++l) WriteQM31(columns, first, l, lanes[l]);
}

QM31 SumLanes(const PackedQM31& value, size_t n_lanes) {
  const std::array<QM31, kLanes> lanes = value.ToArray();
  QM31 sum;
  for (size_t l = 0; l < n_lanes; ++l) sum += lanes[l];
  return sum;
}

}  // namespace

InteractionTrace BuildLogupTrace(const LogupFractions& fractions) {
  const size_t n_batches = fractions.num.size();
  assert(n_batches > 0);
  const size_t n_rows = size_t{1} << fractions.log_size;
  const size_t n_vec_rows = fractions.num[0].size();
  const size_t n_lanes = std::min<size_t>(kLanes, n_rows);
  const size_t last = 4 * (n_batches - 1);

  InteractionTrace out;
  out.columns.assign(4 * n_batches, std::vector<M31>(n_rows));

  // Pass 1, per chunk of packed rows: invert the denominators, accumulate the fractions batch by
  // batch into the cumulative columns (the last one before its prefix sum), and sum the rows'
  // totals. Field sums are exact, so the chunking does not change the claimed sum.
  const size_t n_chunks = (n_vec_rows + kVecRowsPerChunk - 1) / kVecRowsPerChunk;
  std::vector<QM31> chunk_sums(n_chunks);
  tbb::parallel_for(size_t{0}, n_chunks, [&](size_t chunk) {
    const size_t begin = chunk * kVecRowsPerChunk;
    const size_t end = std::min(n_vec_rows, begin + kVecRowsPerChunk);
    std::vector<std::vector<PackedQM31>> den_inv(n_batches);
    for (size_t b = 0; b < n_batches; ++b) {
      den_inv[b] = field::BatchInverse<PackedQM31>(
          std::span<const PackedQM31>(fractions.den[b]).subspan(begin, end - begin));
    }
    PackedQM31 chunk_sum;
    for (size_t v = begin; v < end; ++v) {
      PackedQM31 cumulative;
      for (size_t b = 0; b < n_batches; ++b) {
        cumulative += fractions.num[b][v] * den_inv[b][v - begin];
        StorePacked(out.columns, 4 * b, v * kLanes, n_rows, cumulative);
      }
      chunk_sum += cumulative;
    }
    chunk_sums[chunk] = SumLanes(chunk_sum, n_lanes);
  });
  for (const QM31& s : chunk_sums) out.claimed_sum += s;

  // Pass 2: the last column becomes the inclusive coset-order prefix sum of its values minus
  // claimed_sum / 2^n, which ends at 0 on the last row. Blocks of rows are summed in parallel,
  // their offsets scanned, then each block writes its prefix sums.
  const QM31 shift = out.claimed_sum * M31::FromCanonical(static_cast<uint32_t>(n_rows)).Inverse();
  const size_t n_blocks = (n_rows + kPrefixBlock - 1) / kPrefixBlock;
  std::vector<QM31> block_start(n_blocks);
  auto block_rows = [&](size_t block) {
    return std::pair{block * kPrefixBlock, std::min(n_rows, (block + 1) * kPrefixBlock)};
  };
  tbb::parallel_for(size_t{0}, n_blocks, [&](size_t block) {
    const auto [begin, end] = block_rows(block);
    QM31 sum;
    for (size_t row = begin; row < end; ++row) {
      sum += ReadQM31(out.columns, last, CosetRowToStorageIndex(row, fractions.log_size)) - shift;
    }
    block_start[block] = sum;
  });
  QM31 running;
  for (QM31& start : block_start) {
    const QM31 block_sum = start;
    start = running;
    running += block_sum;
  }
  tbb::parallel_for(size_t{0}, n_blocks, [&](size_t block) {
    const auto [begin, end] = block_rows(block);
    QM31 sum = block_start[block];
    for (size_t row = begin; row < end; ++row) {
      const size_t position = CosetRowToStorageIndex(row, fractions.log_size);
      sum += ReadQM31(out.columns, last, position) - shift;
      WriteQM31(out.columns, last, position, sum);
    }
  });
  return out;
}

}  // namespace tensorstark::air
