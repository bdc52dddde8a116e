// What the operator components share: a name, a size, and fixed data columns (a model's weights,
// addresses, tables) that are the AIR's data columns first_data_column, first_data_column + 1, ...
// PreprocessedData serves them to the prover and Setup; Data reads one in Evaluate. A data column
// may be shorter than the component: a convolution's weights repeat with the chunks of every
// output position, and are committed once, not once per position. A component made from its data
// columns' sizes alone (ComponentData without values) serves a verifier.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "air/model_relations.h"
#include "air/preprocessed.h"
#include "field/m31.h"

namespace tensorstark::air {

// A component's data columns: their log sizes and, except in a verifier's lowering, their values
// (coset row order). A verifier knows the values through the verifying key's root.
struct ComponentData {
  std::vector<uint32_t> log_sizes;
  std::shared_ptr<const DataColumns> values;  // null for a verifier

  // Zeroed columns of these sizes, to fill, or none (values = false).
  static std::shared_ptr<DataColumns> Zeros(const std::vector<uint32_t>& log_sizes, bool values) {
    if (!values) return nullptr;
    auto columns = std::make_shared<DataColumns>();
    for (uint32_t log_size : log_sizes) columns->emplace_back(size_t{1} << log_size);
    return columns;
  }
};

class DataComponent {
 public:
  DataComponent(std::string name, uint32_t log_size, uint32_t first_data_column, ComponentData data)
      : name_(std::move(name)),
        log_size_(log_size),
        first_data_column_(first_data_column),
        data_(std::move(data.values)),
        data_log_sizes_(std::move(data.log_sizes)) {
    if (data_ && data_->size() != data_log_sizes_.size()) {
      throw std::logic_error(name_ + ": not as many data columns as sizes");
    }
    for (size_t c = 0; data_ && c < data_->size(); ++c) {
      if ((*data_)[c].size() != size_t{1} << data_log_sizes_[c]) {
        throw std::logic_error(name_ + ": a data column's size is not its stated one");
      }
    }
  }
  // Sizes from the values.
  DataComponent(std::string name, uint32_t log_size, uint32_t first_data_column,
                std::shared_ptr<const DataColumns> data)
      : DataComponent(std::move(name), log_size, first_data_column,
                      ComponentData{LogSizesOf(*data), data}) {}
  // For verifying: columns of these sizes, no values.
  DataComponent(std::string name, uint32_t log_size, uint32_t first_data_column,
                std::vector<uint32_t> data_log_sizes)
      : DataComponent(std::move(name), log_size, first_data_column,
                      ComponentData{std::move(data_log_sizes), nullptr}) {}

  std::string name() const { return name_; }
  uint32_t log_size() const { return log_size_; }
  std::vector<field::M31> PreprocessedData(const PreprocessedColumnId& id) const {
    if (!data_) throw std::logic_error(name_ + ": made for a verifier, it has no data values");
    return data_->at(id.index - first_data_column_);
  }

 protected:
  size_t n_data_columns() const { return data_log_sizes_.size(); }

  // A column shorter than the component (a power of two, at least kMinComponentLogSize rows)
  // repeats: row r reads its row r mod its size.
  template <class E>
  typename E::F Data(E& eval, uint32_t column) const {
    return eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kData,
                                       data_log_sizes_.at(column), first_data_column_ + column});
  }

 private:
  static std::vector<uint32_t> LogSizesOf(const DataColumns& columns) {
    std::vector<uint32_t> log_sizes;
    for (const std::vector<field::M31>& column : columns) {
      log_sizes.push_back(static_cast<uint32_t>(std::countr_zero(column.size())));
    }
    return log_sizes;
  }

  std::string name_;
  uint32_t log_size_;
  uint32_t first_data_column_;
  std::shared_ptr<const DataColumns> data_;
  std::vector<uint32_t> data_log_sizes_;
};

}  // namespace tensorstark::air
