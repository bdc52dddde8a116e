// A unary function by table lookup (Sigmoid, Tanh, Exp, GELU's Erf, ...): two components.
//   - FunctionTable: the table's inputs and outputs as data columns (the compiled model fixes them)
//     and a main-trace multiplicity column, yielding each (input, output) pair to the relation
//     lookup_<table> with multiplicity -m. Rows past the table's end repeat its last entry, so the
//     table holds nothing else.
//   - FunctionLookup: one element per row. It reads x from the tensor relation at its address,
//     adds (x, y) to lookup_<table>, and yields y to the tensor relation at the output address with
//     multiplicity -(its reads). The sums cancel only if every (x, y) is a table entry.
// The table's outputs are within the output tensor's bound by construction, so y needs no range
// check; an x outside the table has no entry, so the proof fails (the interpreter refuses it
// first).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "air/data_component.h"
#include "air/model_relations.h"
#include "field/m31.h"

namespace tensorstark::air {

inline Relation FunctionTableRelation(uint32_t table) {
  return {"lookup_" + std::to_string(table), 2};
}

// Data columns: input, output.
class FunctionTable : public DataComponent {
 public:
  FunctionTable(std::string name, uint32_t log_size, uint32_t table, uint32_t first_data_column,
                ComponentData data)
      : DataComponent(std::move(name), log_size, first_data_column, std::move(data)),
        relation_(FunctionTableRelation(table)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F input = Data(eval, 0);
    const F output = Data(eval, 1);
    const F multiplicity = eval.NextTraceMask();
    eval.AddToRelation(relation_, -multiplicity, {input, output});
    eval.FinalizeLogupInPairs();
  }

 private:
  Relation relation_;
};

// Data columns: x_address, x_read (1 on rows holding an element), y_address, y_reads. Main
// columns: x, y.
class FunctionLookup : public DataComponent {
 public:
  FunctionLookup(std::string name, uint32_t log_size, uint32_t table, uint32_t first_data_column,
                 ComponentData data)
      : DataComponent(std::move(name), log_size, first_data_column, std::move(data)),
        table_(FunctionTableRelation(table)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F x_address = Data(eval, 0);
    const F x_read = Data(eval, 1);
    const F y_address = Data(eval, 2);
    const F y_reads = Data(eval, 3);
    const F x = eval.NextTraceMask();
    const F y = eval.NextTraceMask();
    eval.AddToRelation(tensor_, x_read, {x_address, x});
    eval.AddToRelation(table_, x_read, {x, y});
    eval.AddToRelation(tensor_, -y_reads, {y_address, y});
    eval.FinalizeLogupInPairs();
  }

 private:
  Relation tensor_ = TensorRelation();
  Relation table_;
};

}  // namespace tensorstark::air
