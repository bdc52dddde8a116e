#include "frontend/recurrent.h"

#include <fmt/format.h>

#include <optional>

#include "frontend/frontend_error.h"
#include "frontend/node_emitter.h"

namespace tensorstark::frontend {
namespace {

// The gates of each cell, in ONNX's order of the weights' rows: LSTM i, o, f, c; GRU z, r, h;
// RNN one. And how many activations a direction names: LSTM f, g, h; GRU f, g; RNN f.
int GatesOf(const std::string& type) { return type == "LSTM" ? 4 : type == "GRU" ? 3 : 1; }
int ActivationsOf(const std::string& type) { return type == "LSTM" ? 3 : type == "GRU" ? 2 : 1; }

class Unroller {
 public:
  Unroller(const Node& node, Graph& graph, std::vector<Node>& out)
      : node_(node), graph_(graph), e_(node, graph, out), type_(node.op_type) {}

  void Run();

 private:
  enum Lstm { kI, kO, kF, kC };
  enum Gru { kZ, kR, kH };

  // A copy of a constant operand (values are added as the unrolling goes, which moves them),
  // nullopt when it is left out, or Refuse (the conformance harness binds such operands on
  // "must be a constant").
  std::optional<Tensor> OptionalConstant(size_t operand) const {
    const ValueId id = e_.input(operand);
    if (id == kNoValue) return std::nullopt;
    if (!graph_.IsConstant(id)) {
      e_.Refuse(
          fmt::format("operand {} must be a constant (the weights, biases, initial "
                      "states and peepholes of a recurrent net are unrolled into the model)",
                      operand));
    }
    return graph_.value(id).constant;
  }

  // Rows [first, first + count) of direction d's [rows, cols] matrix in t ([dirs, rows, cols]),
  // transposed: [cols, count], the right operand of x · Wᵀ.
  ValueId Transposed(const Tensor& t, int64_t d, int64_t first, int64_t count) {
    const int64_t rows = t.shape[1], cols = t.shape[2];
    std::vector<double> values(cols * count);
    for (int64_t r = 0; r < count; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        values[c * count + r] = t.values[(d * rows + first + r) * cols + c];
      }
    }
    return e_.Floats(std::move(values), {cols, count});
  }

  // Direction d's initial state from operand `operand` ([dirs, batch, h], or [batch, dirs, h]
  // with layout 1), or nullopt when it is absent.
  std::optional<ValueId> InitialState(size_t operand, int64_t d) {
    const std::optional<Tensor> t = OptionalConstant(operand);
    if (!t) return std::nullopt;
    const Shape expected = layout_ ? Shape{batch_, dirs_, hidden_} : Shape{dirs_, batch_, hidden_};
    if (t->shape != expected) {
      e_.Refuse(fmt::format("operand {} has shape {}, expected {}", operand,
                            ShapeToString(t->shape), ShapeToString(expected)));
    }
    std::vector<double> values;
    for (int64_t b = 0; b < batch_; ++b) {
      const int64_t row = layout_ ? b * dirs_ + d : d * batch_ + b;
      values.insert(values.end(), t->values.begin() + row * hidden_,
                    t->values.begin() + (row + 1) * hidden_);
    }
    return e_.Floats(std::move(values), {batch_, hidden_});
  }

  // Columns [g·h, (g+1)·h) of x [batch, k·h]: gate g's part.
  ValueId Gate(ValueId x, int64_t g) {
    std::vector<int64_t> columns;
    for (int64_t j = 0; j < hidden_; ++j) columns.push_back(g * hidden_ + j);
    return e_.Op("Gather", {x, e_.Int64s(columns)}, {{"axis", int64_t{1}}});
  }

  ValueId Activation(int64_t d, int index, ValueId x) {
    return e_.Op(activations_[d * ActivationsOf(type_) + index], {x});
  }
  ValueId Add(ValueId a, std::optional<ValueId> b) { return b ? e_.Op("Add", {a, *b}) : a; }
  ValueId Mul(ValueId a, ValueId b) { return e_.Op("Mul", {a, b}); }

  // One step of direction d: the new hidden state from the step's input projection xw
  // [batch, G·h] and the previous states (absent before the first step without initial ones).
  ValueId Step(int64_t d, ValueId xw, std::optional<ValueId> h, std::optional<ValueId>& c);

  // Writes output `index` from states[p][d], direction d's state at position p ([batch, h]):
  // Y [seq, dirs, batch, h] when `sequence`, else Y_h or Y_c [dirs, batch, h] (one position);
  // layout 1 puts the batch first.
  void Output(size_t index, const std::vector<std::vector<ValueId>>& states, bool sequence);

  const Node& node_;
  Graph& graph_;
  NodeEmitter e_;
  const std::string type_;
  Tensor w_, r_, b_;
  std::optional<Tensor> p_;
  std::vector<std::string> activations_;
  int64_t dirs_ = 1, hidden_ = 0, batch_ = 0, seq_ = 0, layout_ = 0;
  bool linear_before_reset_ = false;
};

ValueId Unroller::Step(int64_t d, ValueId xw, std::optional<ValueId> h, std::optional<ValueId>& c) {
  const int gates = GatesOf(type_);
  // The recurrent projection of every gate the previous state enters directly.
  const int direct = type_ == "GRU" ? 2 : gates;
  std::optional<ValueId> hr;
  if (h) hr = e_.Op("MatMul", {*h, Transposed(r_, d, 0, direct * hidden_)});
  const auto pre = [&](int g) {
    return Add(Gate(xw, g), hr ? std::optional(Gate(*hr, g)) : std::nullopt);
  };
  if (type_ == "RNN") return Activation(d, 0, pre(0));
  if (type_ == "GRU") {
    const ValueId z = Activation(d, 0, pre(kZ)), r = Activation(d, 0, pre(kR));
    const ValueId rh_t = Transposed(r_, d, kH * hidden_, hidden_);
    std::optional<ValueId> recurrent;  // what the reset gate lets through
    if (linear_before_reset_) {
      std::vector<double> rbh(b_.values.begin() + (d * 2 * gates + gates + kH) * hidden_,
                              b_.values.begin() + (d * 2 * gates + gates + kH + 1) * hidden_);
      const ValueId bias = e_.Floats(std::move(rbh), {hidden_});
      recurrent = Mul(r, h ? e_.Op("Add", {e_.Op("MatMul", {*h, rh_t}), bias}) : bias);
    } else if (h) {
      recurrent = e_.Op("MatMul", {Mul(r, *h), rh_t});
    }
    const ValueId candidate = Activation(d, 1, Add(Gate(xw, kH), recurrent));
    // (1 - z)·candidate + z·h = candidate + z·(h - candidate)
    if (!h) return e_.Op("Sub", {candidate, Mul(z, candidate)});
    return e_.Op("Add", {candidate, Mul(z, e_.Op("Sub", {*h, candidate}))});
  }
  // LSTM, with peepholes when given: P holds i, o, f for each direction.
  const auto peephole = [&](int k, ValueId state) {
    std::vector<double> v(p_->values.begin() + (d * 3 + k) * hidden_,
                          p_->values.begin() + (d * 3 + k + 1) * hidden_);
    return Mul(state, e_.Floats(std::move(v), {hidden_}));
  };
  ValueId pre_i = pre(kI), pre_f = pre(kF);
  if (p_ && c) {
    pre_i = e_.Op("Add", {pre_i, peephole(0, *c)});
    pre_f = e_.Op("Add", {pre_f, peephole(2, *c)});
  }
  const ValueId i = Activation(d, 0, pre_i), candidate = Activation(d, 1, pre(kC));
  ValueId cell = Mul(i, candidate);
  if (c) cell = e_.Op("Add", {Mul(Activation(d, 0, pre_f), *c), cell});
  c = cell;
  ValueId pre_o = pre(kO);
  if (p_) pre_o = e_.Op("Add", {pre_o, peephole(1, cell)});
  return Mul(Activation(d, 0, pre_o), Activation(d, 2, cell));
}

void Unroller::Output(size_t index, const std::vector<std::vector<ValueId>>& states,
                      bool sequence) {
  if (e_.output(index) == kNoValue) return;
  // Y: [seq, dirs, batch, h] (layout 1: [batch, seq, dirs, h]); Y_h, Y_c: [dirs, batch, h]
  // (layout 1: [batch, dirs, h]). states[p][d] is direction d's state at position p.
  const int64_t position_axis = layout_ ? 1 : 0;
  const int64_t direction_axis = sequence ? (layout_ ? 2 : 1) : (layout_ ? 1 : 0);
  const auto join = [&](const std::vector<ValueId>& parts, int64_t axis, bool last) {
    if (parts.size() == 1) return last ? e_.Final("Identity", parts, index) : parts[0];
    std::map<std::string, Attribute> attributes = {{"axis", axis}};
    return last ? e_.Final("Concat", parts, index, attributes) : e_.Op("Concat", parts, attributes);
  };
  Shape unit = layout_ ? Shape{batch_, 1, hidden_} : Shape{1, batch_, hidden_};
  if (sequence) unit = layout_ ? Shape{batch_, 1, 1, hidden_} : Shape{1, 1, batch_, hidden_};
  std::vector<ValueId> positions;
  for (const std::vector<ValueId>& at : states) {
    std::vector<ValueId> parts;
    for (ValueId h : at) parts.push_back(e_.Op("Reshape", {h, e_.Int64s(unit)}));
    positions.push_back(join(parts, direction_axis, !sequence));
  }
  if (sequence) join(positions, position_axis, true);
}

void Unroller::Run() {
  node_.CheckAttributes({"activation_alpha", "activation_beta", "activations", "clip", "direction",
                         "hidden_size", "input_forget", "layout", "linear_before_reset"});
  for (const char* unsupported : {"activation_alpha", "activation_beta", "clip"}) {
    if (node_.Has(unsupported))
      e_.Refuse(fmt::format("attribute '{}' is not supported", unsupported));
  }
  if (node_.Int("input_forget", 0) != 0) e_.Refuse("input_forget is not supported");
  const std::string direction = node_.String("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    e_.Refuse(fmt::format("direction '{}' is not forward, reverse or bidirectional", direction));
  }
  dirs_ = direction == "bidirectional" ? 2 : 1;
  layout_ = node_.Int("layout", 0);
  linear_before_reset_ = node_.Int("linear_before_reset", 0) != 0;
  const Shape x = graph_.value(e_.input()).shape;
  if (x.size() != 3) e_.Refuse(fmt::format("input of shape {}, not 3-D", ShapeToString(x)));
  seq_ = x[layout_ ? 1 : 0];
  batch_ = x[layout_ ? 0 : 1];
  if (seq_ < 1) e_.Refuse("an empty sequence");
  const int gates = GatesOf(type_);
  const std::optional<Tensor> w = OptionalConstant(1), r = OptionalConstant(2);
  if (!w || !r) e_.Refuse("needs its weights W and R");
  w_ = *w;
  r_ = *r;
  hidden_ = node_.Int("hidden_size", r_.shape.size() == 3 ? r_.shape[2] : 0);
  if (w_.shape != Shape{dirs_, gates * hidden_, x[2]} ||
      r_.shape != Shape{dirs_, gates * hidden_, hidden_}) {
    e_.Refuse(
        fmt::format("weights of shapes {} and {} for {} direction(s), {} gates, hidden "
                    "size {} and {} inputs",
                    ShapeToString(w_.shape), ShapeToString(r_.shape), dirs_, gates, hidden_, x[2]));
  }
  b_ = OptionalConstant(3).value_or(Tensor::Zeros(DataType::kFloat, {dirs_, 2 * gates * hidden_}));
  if (b_.shape != Shape{dirs_, 2 * gates * hidden_}) {
    e_.Refuse(fmt::format("bias of shape {}, expected [{}, {}]", ShapeToString(b_.shape), dirs_,
                          2 * gates * hidden_));
  }
  if (const std::optional<Tensor> lengths = OptionalConstant(4)) {
    for (int64_t length : lengths->ints) {
      if (length != seq_) {
        e_.Refuse(
            fmt::format("sequence_lens holds {}, shorter than the sequence ({}): padded "
                        "batches are not supported",
                        length, seq_));
      }
    }
  }
  if (type_ == "LSTM") p_ = OptionalConstant(7);
  if (p_ && p_->shape != Shape{dirs_, 3 * hidden_}) {
    e_.Refuse(fmt::format("peepholes of shape {}", ShapeToString(p_->shape)));
  }
  activations_ = node_.Strings("activations");
  if (activations_.empty()) {
    const std::vector<std::string> defaults =
        type_ == "LSTM"  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
        : type_ == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                         : std::vector<std::string>{"Tanh"};
    for (int64_t d = 0; d < dirs_; ++d) {
      activations_.insert(activations_.end(), defaults.begin(), defaults.end());
    }
  }
  if (static_cast<int64_t>(activations_.size()) != dirs_ * ActivationsOf(type_)) {
    e_.Refuse(fmt::format("{} activations for {} direction(s)", activations_.size(), dirs_));
  }
  for (const std::string& a : activations_) {
    if (a != "Sigmoid" && a != "Tanh" && a != "Relu") {
      e_.Refuse(fmt::format("activation '{}' is not supported (Sigmoid, Tanh, Relu are)", a));
    }
  }

  std::vector<std::vector<ValueId>> hidden(seq_, std::vector<ValueId>(dirs_));
  std::vector<ValueId> last_h(dirs_), last_c(dirs_);
  for (int64_t d = 0; d < dirs_; ++d) {
    // The input projection of every step at once, with the biases that add to it (all but the
    // GRU's recurrent candidate bias when the reset gate multiplies it).
    std::vector<double> bias(gates * hidden_);
    for (int64_t j = 0; j < gates * hidden_; ++j) {
      const bool kept_apart = type_ == "GRU" && linear_before_reset_ && j >= kH * hidden_;
      bias[j] = b_.values[d * 2 * gates * hidden_ + j] +
                (kept_apart ? 0.0 : b_.values[(d * 2 + 1) * gates * hidden_ + j]);
    }
    const ValueId projected =
        e_.Op("Add", {e_.Op("MatMul", {e_.input(), Transposed(w_, d, 0, gates * hidden_)}),
                      e_.Floats(std::move(bias), {gates * hidden_})});
    std::optional<ValueId> h = InitialState(5, d);
    std::optional<ValueId> c = type_ == "LSTM" ? InitialState(6, d) : std::nullopt;
    for (int64_t k = 0; k < seq_; ++k) {
      const int64_t t = d == 1 || direction == "reverse" ? seq_ - 1 - k : k;
      const Tensor position{DataType::kInt64, {}, {}, {t}};
      const ValueId xw =
          e_.Op("Gather", {projected, e_.Constant(position)}, {{"axis", layout_ ? int64_t{1} : 0}});
      h = Step(d, xw, h, c);
      hidden[t][d] = *h;
    }
    last_h[d] = *h;
    if (c) last_c[d] = *c;
  }
  Output(0, hidden, true);
  Output(1, {last_h}, false);
  if (type_ == "LSTM") Output(2, {last_c}, false);
}

}  // namespace

bool IsRecurrentOp(const std::string& op_type) {
  return op_type == "LSTM" || op_type == "GRU" || op_type == "RNN";
}

std::vector<Node> UnrollRecurrent(const Node& node, Graph& graph) {
  std::vector<Node> nodes;
  Unroller(node, graph, nodes).Run();
  return nodes;
}

}  // namespace tensorstark::frontend
