#include "air/cairo_gen.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include "air/sample_layout.h"
#include "circle/circle_point.h"

namespace tensorstark::air {
namespace {

std::string Qm31Literal(const QM31& v) {
  const std::array<M31, 4> c = v.ToM31Array();
  return fmt::format("QM31Trait::from_u32s({}, {}, {}, {})", c[0].value(), c[1].value(),
                     c[2].value(), c[3].value());
}

// Where `value` is in `values`. The generated code reads the mask with accessors that cannot
// panic (air.cairo's mask_value), so an index outside the component's mask must be refused here.
template <class T>
size_t IndexIn(const std::vector<T>& values, const T& value, std::string_view what) {
  const auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end())
    throw std::logic_error(fmt::format("cairo-gen: {} not in the mask", what));
  return static_cast<size_t>(it - values.begin());
}

// The offsets at which a component samples its column `column` of a tree.
const std::vector<int>& ColumnOffsets(const std::vector<std::vector<int>>& offsets, size_t column) {
  if (column >= offsets.size()) throw std::logic_error("cairo-gen: a column not in the mask");
  return offsets[column];
}

size_t RelationIndex(const AirLayout& layout, const std::string& name) {
  const auto& relations = layout.relations;
  return static_cast<size_t>(std::find_if(relations.begin(), relations.end(),
                                          [&](const Relation& r) { return r.name == name; }) -
                             relations.begin());
}

// One constraint's function body: a `let` per expression node, the last one returned. Every index
// into the mask or the inputs is a parameter (i0, i1, ... in the order they are read, values in
// Args()), so that constraints with the same expression over other columns share one function:
// the AIR's code, the contract class and the compiler's memory grow with the distinct
// expressions, not with the number of components.
class ConstraintWriter {
 public:
  ConstraintWriter(const ComponentInfo& info, const AirLayout& layout)
      : info_(info), layout_(layout) {}

  std::string Body(const Expr& constraint) {
    const std::string value = Emit(constraint);
    std::string body;
    for (const std::string& line : lines_) body += fmt::format("{}\n", line);
    return fmt::format("{}    {}\n", body, value);
  }

  // What the body reads, so that the function declares nothing unused (Cairo warns).
  bool Uses(const std::string& what) const { return used_.count(what) > 0; }

  // The values of the index parameters, in order.
  const std::vector<size_t>& Args() const { return args_; }

 private:
  std::string Emit(const Expr& e) {
    if (auto it = names_.find(e.id()); it != names_.end()) return it->second;
    std::string value;
    switch (e.op()) {
      case Expr::Op::kConstant:
        value = Qm31Literal(e.constant());
        break;
      case Expr::Op::kVariable:
        value = Variable(e.variable());
        break;
      case Expr::Op::kAdd:
      case Expr::Op::kSub:
      case Expr::Op::kMul: {
        const std::string a = Emit(e.operands()[0]), b = Emit(e.operands()[1]);
        const char* op = e.op() == Expr::Op::kAdd ? "+" : e.op() == Expr::Op::kSub ? "-" : "*";
        value = fmt::format("{} {} {}", a, op, b);
        break;
      }
      case Expr::Op::kNeg:
        value = fmt::format("-{}", Emit(e.operands()[0]));
        break;
      case Expr::Op::kCombine: {
        std::array<std::string, 4> c;
        for (size_t i = 0; i < 4; ++i) c[i] = Emit(e.operands()[i]);
        value =
            fmt::format("QM31Trait::from_partial_evals([{}, {}, {}, {}])", c[0], c[1], c[2], c[3]);
        break;
      }
    }
    const std::string name = fmt::format("v{}", names_.size());
    lines_.push_back(fmt::format("    let {} = {};", name, value));
    names_.emplace(e.id(), name);
    return name;
  }

  // A new index parameter with this value.
  std::string Index(size_t value) {
    args_.push_back(value);
    return fmt::format("i{}", args_.size() - 1);
  }

  std::string Variable(const ExprVariable& v) {
    using Kind = ExprVariable::Kind;
    switch (v.kind) {
      case Kind::kTrace: {
        used_.insert("trace");
        const std::string column = Index(v.index);
        return fmt::format(
            "mask_value(trace, {}, {})", column,
            Index(IndexIn(ColumnOffsets(info_.trace_offsets, v.index), v.offset, "an offset")));
      }
      case Kind::kInteraction: {
        used_.insert("interaction");
        const std::string column = Index(v.index);
        return fmt::format("mask_value(interaction, {}, {})", column,
                           Index(IndexIn(ColumnOffsets(info_.interaction_offsets, v.index),
                                         v.offset, "an offset")));
      }
      case Kind::kPreprocessed:
        used_.insert("preprocessed");
        return fmt::format(
            "preprocessed_value(preprocessed, {})",
            Index(IndexIn(info_.preprocessed_columns, v.preprocessed, "a preprocessed column")));
      case Kind::kPublicInput:
        used_.insert("public_inputs");
        return fmt::format("QM31Trait::from_m31(*public_inputs[{}])", Index(v.index));
      case Kind::kLookupZ:
        used_.insert("lookup_elements");
        return fmt::format("*lookup_elements[{}].z", Index(RelationIndex(layout_, v.relation)));
      case Kind::kLookupAlphaPower: {
        used_.insert("lookup_elements");
        const std::string relation = Index(RelationIndex(layout_, v.relation));
        return fmt::format("*(*lookup_elements[{}].alpha_powers)[{}]", relation, Index(v.index));
      }
      case Kind::kClaimedSum:
        used_.insert("claimed_sum");
        return "claimed_sum";
    }
    return "";
  }

  const ComponentInfo& info_;
  const AirLayout& layout_;
  std::map<const void*, std::string> names_;
  std::vector<std::string> lines_;
  std::set<std::string> used_;
  std::vector<size_t> args_;
};

// The constraint functions of a module, one per distinct expression (ConstraintWriter).
class ConstraintFunctions {
 public:
  // The call of the function for this constraint, which is the k-th of `component`.
  std::string Call(const std::string& component, size_t k, const ComponentInfo& info,
                   const AirLayout& layout, const Expr& constraint) {
    ConstraintWriter writer(info, layout);
    const std::string body = writer.Body(constraint);
    const auto uses = [&](const char* what) { return writer.Uses(what); };
    for (const char* field : {"preprocessed", "trace", "interaction"}) {
      if (uses(field)) reads_.insert(field);
    }
    std::string prologue;
    for (const char* field : {"preprocessed", "trace", "interaction"}) {
      if (uses(field)) prologue += fmt::format("    let {0} = *mask.{0};\n", field);
    }
    for (const char* field : {"public_inputs", "lookup_elements"}) {
      if (uses(field)) prologue += fmt::format("    let {0} = *inputs.{0};\n", field);
    }
    const bool reads_mask = uses("preprocessed") || uses("trace") || uses("interaction");
    const bool reads_inputs = uses("public_inputs") || uses("lookup_elements");
    std::string parameters, args;
    for (size_t i = 0; i < writer.Args().size(); ++i) {
      parameters += fmt::format(", i{}: u32", i);
      args += fmt::format(", {}", writer.Args()[i]);
    }
    const std::string code = fmt::format(
        "({}: @ComponentMask, {}: @AirInputs, {}: QM31{}) -> QM31 {{\n{}{}}}\n",
        reads_mask ? "mask" : "_mask", reads_inputs ? "inputs" : "_inputs",
        uses("claimed_sum") ? "claimed_sum" : "_claimed_sum", parameters, prologue, body);
    auto [it, added] = index_.emplace(code, functions_.size());
    if (added) functions_.push_back({fmt::format("{} constraint {}", component, k), code, 0});
    ++functions_[it->second].n_uses;
    return fmt::format("constraint_{}(mask, inputs, claimed_sum{})", it->second, args);
  }

  // Whether some constraint reads this part of the mask ("preprocessed", "trace",
  // "interaction").
  bool Reads(const std::string& what) const { return reads_.count(what) > 0; }

  std::string Code() const {
    std::string out;
    for (size_t n = 0; n < functions_.size(); ++n) {
      const Function& f = functions_[n];
      out += fmt::format(
          "\n/// {}{}.\nfn constraint_{}{}", f.first_use,
          f.n_uses > 1 ? fmt::format(", and {} more over other columns", f.n_uses - 1) : "", n,
          f.code);
    }
    return out;
  }

 private:
  struct Function {
    std::string first_use;
    std::string code;  // from the parameter list on
    size_t n_uses;
  };
  std::vector<Function> functions_;
  std::map<std::string, size_t> index_;
  std::set<std::string> reads_;
};

// The module's `use` lines: what it takes from air.cairo depends on what its constraints read
// (Cairo warns of an unused import).
std::string Imports(const ConstraintFunctions& functions) {
  std::vector<std::string> names = {
      "AirInputs",        "AirShape",       "ComponentMask",    "canonic_vanishing",
      "component_shapes", "derived_points", "fold_constraints", "m31s"};
  if (functions.Reads("trace") || functions.Reads("interaction")) names.push_back("mask_value");
  if (functions.Reads("preprocessed")) names.push_back("preprocessed_value");
  names.insert(names.end(), {"quotient_groups", "split_lists"});
  std::string air = "use crate::air::{\n   ";
  size_t width = 3;
  for (const std::string& name : names) {
    if (width + name.size() + 2 > 100) {
      air += "\n   ";
      width = 3;
    }
    air += fmt::format(" {},", name);
    width += name.size() + 2;
  }
  return air +
         "\n};\n"
         "use crate::circle::CirclePoint;\n"
         "use crate::fields::qm31::{QM31, QM31Trait};\n"
         "use crate::proof::{PcsConfig, ProofConfig};\n"
         "use crate::statement::{ModelStatement, input_bounds, term_runs};\n"
         "use crate::verifier::ModelAir;\n";
}

template <class T>
std::string ListOf(const std::vector<T>& values) {
  std::string items;
  for (const T& v : values) items += fmt::format("{}{}", items.empty() ? "" : ", ", v);
  return fmt::format("array![{}].span()", items);
}

// Nested lists as split_lists(lengths, flat values) (air.cairo): long literals of nested arrays
// or structs are what the Sierra-to-CASM step cannot lay out.
// `encode` writes the flat list (ListOf by default).
template <class T, class Encode>
std::string SplitLists(const std::vector<std::vector<T>>& lists, Encode encode) {
  std::vector<size_t> lengths;
  std::vector<T> flat;
  for (const auto& list : lists) {
    lengths.push_back(list.size());
    flat.insert(flat.end(), list.begin(), list.end());
  }
  return fmt::format("split_lists({}, {})", ListOf(lengths), encode(flat));
}

template <class T>
std::string SplitLists(const std::vector<std::vector<T>>& lists) {
  return SplitLists(lists, [](const std::vector<T>& flat) { return ListOf(flat); });
}

// The distinct sample points other than the out-of-domain point (air.cairo's derived_points).
std::string DerivedPoints(const SampleLayout& samples) {
  std::vector<uint32_t> doublings, log_sizes;
  std::vector<int> offsets;
  for (const DerivedPoint& d : samples.derived) {
    doublings.push_back(d.doublings);
    log_sizes.push_back(d.log_size);
    offsets.push_back(d.offset);
  }
  return fmt::format("derived_points({}, {}, {})", ListOf(doublings), ListOf(log_sizes),
                     ListOf(offsets));
}

// Every sample's point id, per tree and column.
std::string SampleIds(const SampleLayout& samples) {
  std::vector<size_t> columns_per_tree;
  std::vector<std::vector<size_t>> columns;
  for (const auto& tree : samples.ids) {
    columns_per_tree.push_back(tree.size());
    columns.insert(columns.end(), tree.begin(), tree.end());
  }
  return fmt::format("split_lists({}, {})", ListOf(columns_per_tree), SplitLists(columns));
}

// The DEEP quotients' batches per group (air.cairo's quotient_groups).
std::string QuotientGroups(const SampleLayout& samples) {
  std::vector<size_t> batches_per_group, point_ids, runs_per_batch, runs, samples_per_batch,
      sample_indices;
  for (const std::vector<QuotientBatchLayout>& group : samples.groups) {
    batches_per_group.push_back(group.size());
    for (const QuotientBatchLayout& batch : group) {
      point_ids.push_back(batch.point_id);
      runs_per_batch.push_back(batch.runs.size());
      for (const auto& run : batch.runs) runs.insert(runs.end(), run.begin(), run.end());
      samples_per_batch.push_back(batch.samples.size());
      sample_indices.insert(sample_indices.end(), batch.samples.begin(), batch.samples.end());
    }
  }
  return fmt::format(
      "quotient_groups(\n            {},\n            {},\n            {},\n            {},\n"
      "            {},\n            {},\n        )",
      ListOf(batches_per_group), ListOf(point_ids), ListOf(runs_per_batch), ListOf(runs),
      ListOf(samples_per_batch), ListOf(sample_indices));
}

// Where each component's columns are (air.cairo's component_shapes).
std::string ComponentShapes(std::span<const Component* const> components, const AirLayout& layout) {
  std::vector<uint32_t> log_sizes;
  std::vector<std::string> has_relations;
  std::vector<std::vector<size_t>> preprocessed, samples;
  std::vector<size_t> trace_ranges, interaction_ranges;
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentLayout& c = layout.components[i];
    if (!c.info.borrowed_trace.empty()) {
      throw std::invalid_argument(
          fmt::format("component {} borrows main columns, which the Cairo verifier does not read",
                      components[i]->name()));
    }
    log_sizes.push_back(components[i]->log_size());
    has_relations.push_back(c.info.relations.empty() ? "false" : "true");
    preprocessed.push_back(c.preprocessed);
    samples.push_back(c.preprocessed_sample);
    trace_ranges.insert(trace_ranges.end(), {c.trace_begin, c.info.trace_offsets.size()});
    interaction_ranges.insert(interaction_ranges.end(),
                              {c.interaction_begin, c.info.interaction_offsets.size()});
  }
  return fmt::format(
      "component_shapes(\n            {},\n            {},\n            {},\n"
      "            {},\n            {},\n            {},\n        )",
      ListOf(log_sizes), ListOf(has_relations), SplitLists(preprocessed), SplitLists(samples),
      ListOf(trace_ranges), ListOf(interaction_ranges));
}

// Zero-knowledge mode: per quotient group, the index of its FRI mask's first column among tree
// 1's columns of the group's size (the mask's four columns follow each other). Empty otherwise.
std::vector<size_t> MaskColumns(const AirLayout& layout, const SampleLayout& samples) {
  std::vector<size_t> columns;
  if (layout.mask_log_sizes.empty()) return columns;
  const std::vector<uint32_t>& trace = layout.column_log_sizes[kTraceTree];
  for (uint32_t s : samples.group_log_sizes) {
    const auto mask = std::find(layout.mask_log_sizes.begin(), layout.mask_log_sizes.end(), s);
    if (mask == layout.mask_log_sizes.end()) {
      throw std::logic_error(fmt::format("no FRI mask of log size {}", s));
    }
    const size_t first =
        layout.mask_begin + 4 * static_cast<size_t>(mask - layout.mask_log_sizes.begin());
    columns.push_back(static_cast<size_t>(std::count(trace.begin(), trace.begin() + first, s)));
  }
  return columns;
}

// The AIR's shape (air.cairo), from which the verifier derives the statement's mixing, the
// sample points and the masks.
std::string AirShapeFunction(std::span<const Component* const> components, const AirLayout& layout,
                             size_t n_public_inputs) {
  std::vector<uint32_t> relation_widths;
  for (const Relation& relation : layout.relations) relation_widths.push_back(relation.n_values);
  const SampleLayout samples = MakeSampleLayout(layout);
  const std::vector<std::vector<uint32_t>> salt_log_sizes(layout.salt_log_sizes.begin(),
                                                          layout.salt_log_sizes.end());
  return fmt::format(
      "\n/// The components, the trees' columns and how each is sampled.\n"
      "pub fn air_shape() -> AirShape {{\n    AirShape {{\n"
      "        components: {},\n"
      "        preprocessed_log_sizes: {},\n        trace_log_sizes: {},\n"
      "        interaction_log_sizes: {},\n        n_composition_chunks: {},\n"
      "        chunk_log_size: {},\n        salt_log_sizes: {},\n        mask_columns: {},\n"
      "        derived_points: {},\n        sample_ids: {},\n        quotient_groups: {},\n"
      "        relation_widths: {},\n        n_public_inputs: {},\n"
      "    }}\n}}\n",
      ComponentShapes(components, layout), ListOf(layout.column_log_sizes[kPreprocessedTree]),
      ListOf(layout.column_log_sizes[kTraceTree]),
      ListOf(layout.column_log_sizes[kInteractionTree]), layout.n_composition_chunks(),
      layout.chunk_log_size, SplitLists(salt_log_sizes), ListOf(MaskColumns(layout, samples)),
      DerivedPoints(samples), SampleIds(samples), QuotientGroups(samples), ListOf(relation_widths),
      n_public_inputs);
}

// The parts every final proof's statement shares (statement.cairo).
std::string StatementFunctions(const CairoStatement& statement, const AirLayout& layout) {
  std::vector<uint32_t> commitment, terms, bounds;
  for (M31 word : statement.commitment) commitment.push_back(word.value());
  for (const CairoStatement::TermRun& run : statement.terms) {
    terms.insert(terms.end(), {static_cast<uint32_t>(run.first_input), run.address,
                               static_cast<uint32_t>(run.count), run.multiplicity.value()});
  }
  for (const CairoStatement::InputBound& bound : statement.input_bounds) {
    bounds.insert(bounds.end(), {static_cast<uint32_t>(bound.first_input),
                                 static_cast<uint32_t>(bound.count), bound.bound_bits});
  }
  const ProofConfig& config = statement.config;
  const fri::FriConfig& fri = config.pcs.fri;
  return fmt::format(
      fmt::runtime(
          "\n/// What every final proof's statement shares: its one configuration ({9} bits of "
          "security{6}), the\n/// least security of the proofs its circuit verifies, the most "
          "inner proofs it holds, the wire\n/// relation and no commitment or bounds; "
          "verify_final adds its length and preprocessed root.\n"
          "pub fn model_statement() -> ModelStatement {{\n    ModelStatement {{\n"
          "        commitment: m31s({0}),\n        preprocessed_root: {1},\n"
          "        config: ProofConfig {{\n"
          "            pcs: PcsConfig {{\n"
          "                pow_bits: {10}, log_blowup_factor: {2}, log_last_layer_degree_bound: "
          "{11},\n"
          "                n_queries: {12}, fold_step: {13},\n"
          "            }},\n"
          "            interaction_pow_bits: {14},\n            zk: {7},\n        }},\n"
          "        inner_security_bits: {15},\n        max_inner_proofs: {16},\n"
          "        n_stated_inputs: {8},\n        tensor_relation: {3},\n"
          "        terms: term_runs({4}),\n        input_bounds: input_bounds({5}),\n    }}\n}}\n"),
      ListOf(commitment), statement.preprocessed_root, fri.log_blowup_factor,
      RelationIndex(layout, statement.tensor_relation), ListOf(terms), ListOf(bounds),
      config.zk ? ", zero knowledge" : "", config.zk, statement.n_stated_inputs,
      config.SecurityBits(), config.pcs.pow_bits, fri.log_last_layer_degree_bound, fri.n_queries,
      fri.fold_step, config.interaction_pow_bits, statement.inner_security_bits,
      statement.max_inner_proofs);
}

// The module's ModelAir implementation.
constexpr std::string_view kModelAir = R"(
/// The verifier's view of this AIR (crate::verifier).
pub impl Air of ModelAir {
    fn shape() -> AirShape {
        air_shape()
    }

    fn statement() -> ModelStatement {
        model_statement()
    }

    fn evaluate_composition(
        masks: Span<ComponentMask>,
        inputs: @AirInputs,
        claimed_sums: Span<QM31>,
        point: CirclePoint<QM31>,
        random_coeff: QM31,
    ) -> QM31 {
        composition(masks, inputs, claimed_sums, point, random_coeff)
    }
}
)";

// Random inputs for the generated test, and the C++ evaluator's composition value on them.
struct TestCase {
  std::vector<MaskValues> masks;
  std::vector<M31> public_inputs;
  LookupElementsMap elements;
  std::vector<QM31> claimed_sums;
  circle::CirclePoint<QM31> point;
  QM31 random_coeff;
  QM31 expected;
};

TestCase MakeTestCase(std::span<const Component* const> components, const AirLayout& layout,
                      uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto m31 = [&] { return M31::Reduce(rng()); };
  const auto qm31 = [&] { return QM31(m31(), m31(), m31(), m31()); };
  TestCase t;
  for (size_t i = 0; i < layout.n_public_inputs; ++i) t.public_inputs.push_back(m31());
  for (const Relation& relation : layout.relations) {
    LookupElements& e = t.elements[relation.name];
    e.z = qm31();
    e.alpha = qm31();
    QM31 power = QM31::One();
    for (uint32_t i = 0; i < relation.n_values; ++i, power *= e.alpha)
      e.alpha_powers.push_back(power);
  }
  t.point = circle::CirclePoint<QM31>::FromT(qm31());
  t.random_coeff = qm31();
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentInfo& info = layout.components[i].info;
    MaskValues mask;
    mask[kPreprocessedTree].resize(info.preprocessed_columns.size(), {QM31()});
    for (auto& column : mask[kPreprocessedTree]) column[0] = qm31();
    for (const auto& offsets : info.trace_offsets) {
      mask[kTraceTree].emplace_back();
      for (size_t k = 0; k < offsets.size(); ++k) mask[kTraceTree].back().push_back(qm31());
    }
    for (const auto& offsets : info.interaction_offsets) {
      mask[kInteractionTree].emplace_back();
      for (size_t k = 0; k < offsets.size(); ++k) mask[kInteractionTree].back().push_back(qm31());
    }
    t.claimed_sums.push_back(qm31());
    const EvalContext ctx{t.public_inputs, &t.elements, t.claimed_sums.back()};
    components[i]->EvaluateAtPoint(mask, t.point, t.random_coeff, ctx, t.expected);
    t.masks.push_back(std::move(mask));
  }
  return t;
}

std::vector<uint32_t> Coordinates(const std::vector<QM31>& values) {
  std::vector<uint32_t> out;
  for (const QM31& v : values) {
    for (M31 c : v.ToM31Array()) out.push_back(c.value());
  }
  return out;
}

std::string Qm31Span(const std::vector<QM31>& values) {
  return fmt::format("qm31s({})", ListOf(Coordinates(values)));
}

// points[tree][column][sample] of the first n_columns[tree] columns of each tree (those with
// samples: the FRI masks and salts that follow have none), each tree as split_lists over the
// points' coordinates.
std::string SamplePointsLiteral(const fri::SamplePoints& points,
                                const std::array<size_t, 4>& n_columns) {
  std::string trees;
  for (size_t t = 0; t < points.size(); ++t) {
    std::vector<size_t> lengths;
    std::vector<QM31> coordinates;
    for (const auto& column : std::span(points[t]).first(n_columns[t])) {
      lengths.push_back(column.size());
      for (const circle::CirclePoint<QM31>& p : column) {
        coordinates.push_back(p.x);
        coordinates.push_back(p.y);
      }
    }
    trees += fmt::format("{}split_lists({}, qm31_points({}))", trees.empty() ? "" : ", ",
                         ListOf(lengths), ListOf(Coordinates(coordinates)));
  }
  return fmt::format("array![{}].span()", trees);
}

// How many columns of each tree have samples.
std::array<size_t, 4> SampledColumns(const AirLayout& layout) {
  const SampleLayout samples = MakeSampleLayout(layout);
  std::array<size_t, 4> n;
  for (size_t t = 0; t < 4; ++t) n[t] = samples.ids[t].size();
  return n;
}

std::string TestModule(const TestCase& t, const AirLayout& layout) {
  const std::string sample_points =
      SamplePointsLiteral(MakeSamplePoints(layout, t.point), SampledColumns(layout));
  std::string masks, elements;
  for (const MaskValues& mask : t.masks) {
    std::vector<QM31> preprocessed;
    for (const auto& column : mask[kPreprocessedTree]) preprocessed.push_back(column[0]);
    masks += fmt::format(
        "        ComponentMask {{\n            preprocessed: {},\n            trace: {},\n"
        "            interaction: {},\n        }},\n",
        Qm31Span(preprocessed), SplitLists(mask[kTraceTree], Qm31Span),
        SplitLists(mask[kInteractionTree], Qm31Span));
  }
  std::vector<uint32_t> public_values;
  for (M31 v : t.public_inputs) public_values.push_back(v.value());
  for (const Relation& relation : layout.relations) {
    const LookupElements& e = t.elements.at(relation.name);
    elements += fmt::format("        LookupElements {{ z: {}, alpha_powers: {} }},\n",
                            Qm31Literal(e.z), Qm31Span(e.alpha_powers));
  }
  return fmt::format(R"(
#[cfg(test)]
mod tests {{
    use crate::air::{{
        AirInputs, ComponentMask, LookupElements, expanded, m31s, qm31_points, qm31s,
        sample_points, split_lists,
    }};
    use crate::circle::CirclePoint;
    use crate::fields::qm31::QM31Trait;
    use super::{{air_shape, composition}};

    #[test]
    fn test_composition_matches_the_cpp_evaluator() {{
        let masks = array![
{}        ];
        let inputs = AirInputs {{
            public_inputs: m31s({}),
            lookup_elements: array![
{}            ].span(),
        }};
        let point = CirclePoint {{ x: {}, y: {} }};
        let value = composition(
            masks.span(), @inputs, {}, point, {},
        );
        assert(value == {}, 'composition');
    }}

    #[test]
    fn test_sample_points_match_the_cpp_layout() {{
        let point = CirclePoint {{ x: {}, y: {} }};
        let expected = {};
        let shape = air_shape();
        assert(expanded(shape.sample_ids, sample_points(@shape, point)) == expected, 'sample points');
    }}
}}
)",
                     masks, ListOf(public_values), elements, Qm31Literal(t.point.x),
                     Qm31Literal(t.point.y), Qm31Span(t.claimed_sums), Qm31Literal(t.random_coeff),
                     Qm31Literal(t.expected), Qm31Literal(t.point.x), Qm31Literal(t.point.y),
                     sample_points);
}

}  // namespace

std::string GenerateCairoAir(std::span<const Component* const> components, const AirLayout& layout,
                             const CairoStatement& statement, std::string_view source,
                             const uint64_t* with_test_seed) {
  ConstraintFunctions functions;
  std::string components_code, calls;
  for (size_t i = 0; i < components.size(); ++i) {
    const Component& c = *components[i];
    const ComponentInfo& info = layout.components[i].info;
    const std::string name = fmt::format("evaluate_{}", i);
    // One function per constraint keeps each one's stack frame small (the Sierra-to-CASM step
    // fails on long straight-line functions).
    std::string values;
    const std::vector<Expr> constraints = c.Constraints();
    for (size_t k = 0; k < constraints.size(); ++k) {
      values +=
          fmt::format("        {},\n", functions.Call(c.name(), k, info, layout, constraints[k]));
    }
    // The values first, folded in a loop: straight-line field arithmetic between many calls is
    // what the Sierra-to-CASM step cannot lay out.
    components_code += fmt::format(
        "\n/// {} (log size {}): its {} constraints folded into acc.\n"
        "fn {}(\n    mask: @ComponentMask,\n    inputs: @AirInputs,\n    claimed_sum: QM31,\n"
        "    denom_inv: QM31,\n    random_coeff: QM31,\n    acc: QM31,\n) -> QM31 {{\n"
        "    let values = array![\n{}    ];\n"
        "    fold_constraints(acc, values.span(), denom_inv, random_coeff)\n}}\n",
        c.name(), c.log_size(), constraints.size(), name, values);
    calls += fmt::format(
        "    acc = {}(masks[{}], inputs, *claimed_sums[{}], "
        "canonic_vanishing({}, point).inverse(), random_coeff, acc);\n",
        name, i, i, c.log_size());
  }
  std::string out = fmt::format(
      "// Generated by tensorstark cairo-gen from the C++ constraints of {}; do not edit.\n{}",
      source, Imports(functions));
  out += functions.Code() + components_code;
  out += AirShapeFunction(components, layout, statement.n_public_inputs);
  out += StatementFunctions(statement, layout);
  out += kModelAir;
  out += fmt::format(
      "\n/// The composition at `point` from every component's constraints, in component order.\n"
      "pub fn composition(\n    masks: Span<ComponentMask>,\n    inputs: @AirInputs,\n"
      "    claimed_sums: Span<QM31>,\n    point: CirclePoint<QM31>,\n    random_coeff: QM31,\n"
      ") -> QM31 {{\n    let mut acc = QM31Trait::from_u32s(0, 0, 0, 0);\n{}    acc\n}}\n",
      calls);
  if (with_test_seed) {
    out += TestModule(MakeTestCase(components, layout, *with_test_seed), layout);
  }
  return out;
}

}  // namespace tensorstark::air
