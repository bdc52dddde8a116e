#include "frontend/input_file.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {

std::vector<std::vector<Tensor>> ReadInputSamples(const std::string& path, const Graph& graph) {
  const std::string text = ReadFileBytes(path);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number out of range
    throw FrontendError(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
  if (!json.is_object() || !json.contains("input_data") || !json["input_data"].is_array()) {
    throw FrontendError(fmt::format("{}: expected {{\"input_data\": [[...], ...]}}", path));
  }
  const nlohmann::json& lists = json["input_data"];
  if (lists.size() != graph.inputs.size()) {
    throw FrontendError(fmt::format("{}: input_data has {} lists, the model has {} inputs", path,
                                    lists.size(), graph.inputs.size()));
  }
  std::vector<std::vector<Tensor>> samples;
  for (size_t i = 0; i < lists.size(); ++i) {
    const Value& input = graph.value(graph.inputs[i]);
    const int64_t per_sample = NumElements(input.shape);
    const nlohmann::json& list = lists[i];
    const std::string what = fmt::format("{}: input_data[{}] (model input '{}' {})", path, i,
                                         input.name, ShapeToString(input.shape));
    if (!list.is_array() || list.empty() || per_sample == 0 ||
        list.size() % static_cast<size_t>(per_sample) != 0) {
      throw FrontendError(fmt::format("{} has {} values, not a multiple of {}", what,
                                      list.is_array() ? list.size() : 0, per_sample));
    }
    const size_t n_samples = list.size() / per_sample;
    if (i > 0 && n_samples != samples.size()) {
      throw FrontendError(
          fmt::format("{} has {} samples, input_data[0] has {}", what, n_samples, samples.size()));
    }
    samples.resize(n_samples);
    for (size_t s = 0; s < n_samples; ++s) {
      Tensor t = Tensor::Zeros(input.type, input.shape);
      for (int64_t e = 0; e < per_sample; ++e) {
        const nlohmann::json& v = list[s * per_sample + e];
        if (!t.is_float()) {
          const bool bool_ok = input.type != DataType::kBool || v == 0 || v == 1;
          if (!v.is_number_integer() || !bool_ok) {
            throw FrontendError(
                fmt::format("{}: value {} is not {}", what, s * per_sample + e,
                            input.type == DataType::kBool ? "0 or 1" : "an integer"));
          }
          t.ints[e] = v.get<int64_t>();
          continue;
        }
        if (!v.is_number() || !std::isfinite(v.get<double>())) {
          throw FrontendError(
              fmt::format("{}: value {} is not a finite number", what, s * per_sample + e));
        }
        t.values[e] = v.get<double>();
      }
      samples[s].push_back(std::move(t));
    }
  }
  return samples;
}

std::vector<Tensor> ReadInput(const std::string& path, const Graph& graph) {
  std::vector<std::vector<Tensor>> samples = ReadInputSamples(path, graph);
  if (samples.size() != 1) {
    throw FrontendError(fmt::format("{}: holds {} samples, expected one", path, samples.size()));
  }
  return std::move(samples[0]);
}

}  // namespace tensorstark::frontend
