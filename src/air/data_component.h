// What the operator components share: a name, a size, and fixed data columns (a model's weights,
// addresses, tables) that are the AIR's data columns first_data_column, first_data_column + 1, ...
// PreprocessedData serves them to the prover and Setup; Data reads one in Evaluate. A data column
// may be shorter than the component: a convolution's weights repeat with the chunks of every
// output position, and are committed once, not once per position. A component made from its data
// columns' sizes alone serves a verifier, which knows the data through the verifying key's root.
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

class DataComponent {
 public:
  DataComponent(std::string name, uint32_t log_size, uint32_t first_data_column,
                std::shared_ptr<const DataColumns> data)
      : name_(std::move(name)),
        log_size_(log_size),
        first_data_column_(first_data_column),
        data_(std::move(data)) {
    for (const std::vector<field::M31>& column : *data_) {
      data_log_sizes_.push_back(static_cast<uint32_t>(std::countr_zero(column.size())));
    }
  }
  // For verifying only: no data (PreprocessedData must not be called), columns of these sizes.
  DataComponent(std::string name, uint32_t log_size, uint32_t first_data_column,
                std::vector<uint32_t> data_log_sizes)
      : name_(std::move(name)),
        log_size_(log_size),
        first_data_column_(first_data_column),
        data_log_sizes_(std::move(data_log_sizes)) {}

  std::string name() const { return name_; }
  uint32_t log_size() const { return log_size_; }
  std::vector<field::M31> PreprocessedData(const PreprocessedColumnId& id) const {
    if (!data_) throw std::logic_error(name_ + ": made for verifying, it has no data");
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
  std::string name_;
  uint32_t log_size_;
  uint32_t first_data_column_;
  std::shared_ptr<const DataColumns> data_;
  std::vector<uint32_t> data_log_sizes_;
};

}  // namespace tensorstark::air
