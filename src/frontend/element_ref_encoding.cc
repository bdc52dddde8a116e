#include "frontend/element_ref_encoding.h"

#include <algorithm>
#include <climits>
#include <cstddef>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

using nlohmann::json;

constexpr size_t kRunWords = 4;  // tensor, first index, step, count

std::vector<uint8_t> EncodeVarints(const std::vector<int64_t>& words) {
  std::vector<uint8_t> bytes;
  for (int64_t word : words) {
    // Zigzag: small magnitudes of either sign take few bytes (a literal's index is any int64).
    uint64_t z = (static_cast<uint64_t>(word) << 1) ^ static_cast<uint64_t>(word >> 63);
    for (; z >= 0x80; z >>= 7) bytes.push_back(static_cast<uint8_t>(z | 0x80));
    bytes.push_back(static_cast<uint8_t>(z));
  }
  return bytes;
}

std::vector<int64_t> DecodeVarints(const std::vector<uint8_t>& bytes) {
  std::vector<int64_t> words;
  for (size_t i = 0; i < bytes.size();) {
    uint64_t z = 0;
    for (uint32_t shift = 0;; shift += 7) {
      if (i == bytes.size()) throw FrontendError("element references are truncated");
      if (shift > 63) throw FrontendError("element references are corrupt");
      const uint8_t byte = bytes[i++];
      z |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    words.push_back(static_cast<int64_t>((z >> 1) ^ (0 - (z & 1))));
  }
  return words;
}

std::vector<int64_t> DecodeFixedWords(const std::vector<uint8_t>& bytes) {
  if (bytes.size() % sizeof(int64_t) != 0) {
    throw FrontendError("element references are truncated");
  }
  std::vector<int64_t> words(bytes.size() / sizeof(int64_t));
  for (size_t w = 0; w < words.size(); ++w) {
    uint64_t v = 0;
    for (size_t b = 0; b < sizeof(int64_t); ++b) {
      v |= static_cast<uint64_t>(bytes[w * sizeof(int64_t) + b]) << (8 * b);
    }
    words[w] = static_cast<int64_t>(v);
  }
  return words;
}

}  // namespace

int64_t ModelRefBudget(size_t file_bytes) {
  constexpr int64_t kRefsPerByte = 16, kMinRefs = int64_t{1} << 22;
  const int64_t bytes = static_cast<int64_t>(std::min<size_t>(file_bytes, kMaxModelRefs));
  return std::clamp(kRefsPerByte * bytes, kMinRefs, kMaxModelRefs);
}

json RefsToJson(const std::vector<ElementRef>& refs) {
  std::vector<int64_t> runs;
  for (size_t i = 0; i < refs.size();) {
    const ElementRef& first = refs[i];
    // Unsigned: a literal's index is its value, any int64; the decoder wraps the same way.
    const auto index = [&](size_t k) { return static_cast<uint64_t>(refs[k].index); };
    const uint64_t step =
        i + 1 < refs.size() && refs[i + 1].tensor == first.tensor ? index(i + 1) - index(i) : 0;
    size_t count = 1;
    while (i + count < refs.size() && refs[i + count].tensor == first.tensor &&
           index(i + count) == index(i) + step * count) {
      ++count;
    }
    runs.insert(runs.end(), {first.tensor, first.index, static_cast<int64_t>(step),
                             static_cast<int64_t>(count)});
    i += count;
  }
  return {{"varint_runs", json::binary(EncodeVarints(runs))}};
}

std::vector<ElementRef> RefsFromJson(const json& j, int64_t& budget) {
  std::vector<ElementRef> refs;
  if (!j.contains("varint_runs") && !j.contains("runs")) {  // two parallel arrays
    const auto tensors = j.at("tensor").get<std::vector<int32_t>>();
    const auto indices = j.at("index").get<std::vector<int64_t>>();
    if (tensors.size() != indices.size()) throw FrontendError("element references are truncated");
    if (static_cast<int64_t>(tensors.size()) > budget) {
      throw FrontendError("more element references than a model file of its size holds");
    }
    refs.resize(tensors.size());
    for (size_t i = 0; i < refs.size(); ++i) refs[i] = {tensors[i], indices[i]};
    budget -= static_cast<int64_t>(refs.size());
    return refs;
  }
  const std::vector<int64_t> words = j.contains("varint_runs")
                                         ? DecodeVarints(j.at("varint_runs").get_binary())
                                         : DecodeFixedWords(j.at("runs").get_binary());
  if (words.size() % kRunWords != 0) throw FrontendError("element references are truncated");
  int64_t total = 0;
  for (size_t r = 0; r < words.size(); r += kRunWords) {
    const int64_t tensor = words[r], count = words[r + 3];
    if (tensor < ElementRef::kLiteral || tensor > INT32_MAX || count < 1) {
      throw FrontendError("element references are corrupt");
    }
    if (count > budget - total) {
      throw FrontendError("more element references than a model file of its size holds");
    }
    total += count;
  }
  budget -= total;
  refs.reserve(static_cast<size_t>(total));
  for (size_t r = 0; r < words.size(); r += kRunWords) {
    const auto first = static_cast<uint64_t>(words[r + 1]),
               step = static_cast<uint64_t>(words[r + 2]);
    // Unsigned, so that a corrupt run wraps instead of overflowing (Validate refuses its indices).
    for (int64_t k = 0; k < words[r + 3]; ++k) {
      refs.push_back({static_cast<TensorId>(words[r]),
                      static_cast<int64_t>(first + step * static_cast<uint64_t>(k))});
    }
  }
  return refs;
}

}  // namespace tensorstark::frontend
