// What the operator components share: a name, a size, and fixed data columns (a model's weights,
// addresses, tables) that are the AIR's data columns first_data_column, first_data_column + 1, ...
// PreprocessedData serves them to the prover and Setup; Data reads one in Evaluate. A data column
// may be shorter than the component: a convolution's weights repeat with the chunks of every
// output position, and are committed once, not once per position.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
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
        data_(std::move(data)) {}

  std::string name() const { return name_; }
  uint32_t log_size() const { return log_size_; }
  std::vector<field::M31> PreprocessedData(const PreprocessedColumnId& id) const {
    return data_->at(id.index - first_data_column_);
  }

 protected:
  size_t n_data_columns() const { return data_->size(); }

  // A column shorter than the component (a power of two, at least kMinComponentLogSize rows)
  // repeats: row r reads its row r mod its size.
  template <class E>
  typename E::F Data(E& eval, uint32_t column) const {
    const uint32_t log_size = static_cast<uint32_t>(std::countr_zero(data_->at(column).size()));
    return eval.GetPreprocessedColumn(
        {PreprocessedColumnId::Kind::kData, log_size, first_data_column_ + column});
  }

 private:
  std::string name_;
  uint32_t log_size_;
  uint32_t first_data_column_;
  std::shared_ptr<const DataColumns> data_;
};

}  // namespace tensorstark::air
