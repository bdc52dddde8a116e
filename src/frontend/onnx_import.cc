#include "frontend/onnx_import.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <map>

#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/onnx_ml.h"
#include "frontend/passes.h"

namespace tensorstark::frontend {

namespace {

// A refusal of an ONNX element type, by its ONNX name (UINT64, STRING, BFLOAT16, ...).
FrontendError UnsupportedType(int32_t onnx_type, const std::string& what) {
  const std::string name = onnx::TensorProto_DataType_IsValid(onnx_type)
                               ? onnx::TensorProto_DataType_Name(onnx_type)
                               : fmt::format("number {}", onnx_type);
  return FrontendError(fmt::format(
      "{}: element type {} is not supported (tensorstark reads FLOAT, DOUBLE, FLOAT16, INT8 to "
      "INT64, UINT8 to UINT32 and BOOL)",
      what, name));
}

DataType TypeOf(int32_t onnx_type, const std::string& what) {
  using onnx::TensorProto;
  switch (onnx_type) {
    case TensorProto::FLOAT:
    case TensorProto::DOUBLE:
    case TensorProto::FLOAT16:
      return DataType::kFloat;
    case TensorProto::INT64:
    case TensorProto::INT32:
    case TensorProto::INT16:
    case TensorProto::INT8:
    case TensorProto::UINT8:
    case TensorProto::UINT16:
    case TensorProto::UINT32:
      return DataType::kInt64;
    case TensorProto::BOOL:
      return DataType::kBool;
    default:
      throw UnsupportedType(onnx_type, what);
  }
}

template <class T, class Out>
void AppendRaw(const std::string& raw, std::vector<Out>& out) {
  const size_t n = raw.size() / sizeof(T);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<Out>(v));
  }
}

Tensor TensorFromProto(const onnx::TensorProto& proto, const std::string& what) {
  using onnx::TensorProto;
  if (proto.data_location() == TensorProto::EXTERNAL) {
    throw FrontendError(fmt::format("{}: tensors in external data files are not supported", what));
  }
  Tensor t;
  t.type = TypeOf(proto.data_type(), what);
  t.shape.assign(proto.dims().begin(), proto.dims().end());
  // Values come either as raw little-endian bytes or in the typed field of their type (int32_data
  // for the narrow integers and bool; the other typed fields are empty, so appending them all is
  // safe). Integers go straight to int64, never through a double.
  const std::string& raw = proto.raw_data();
  switch (proto.data_type()) {
    case TensorProto::FLOAT:
      AppendRaw<float>(raw, t.values);
      break;
    case TensorProto::DOUBLE:
      AppendRaw<double>(raw, t.values);
      break;
    case TensorProto::INT64:
      AppendRaw<int64_t>(raw, t.ints);
      break;
    case TensorProto::UINT32:
      AppendRaw<uint32_t>(raw, t.ints);
      break;
    case TensorProto::INT32:
      AppendRaw<int32_t>(raw, t.ints);
      break;
    case TensorProto::INT16:
      AppendRaw<int16_t>(raw, t.ints);
      break;
    case TensorProto::UINT16:
      AppendRaw<uint16_t>(raw, t.ints);
      break;
    case TensorProto::INT8:
      AppendRaw<int8_t>(raw, t.ints);
      break;
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      AppendRaw<uint8_t>(raw, t.ints);
      break;
    case TensorProto::FLOAT16:
      throw FrontendError(fmt::format(
          "{}: FLOAT16 constants are not supported (export the model in FLOAT, float32)", what));
    default:  // anything else TypeOf let through
      throw UnsupportedType(proto.data_type(), what);
  }
  t.values.insert(t.values.end(), proto.float_data().begin(), proto.float_data().end());
  t.values.insert(t.values.end(), proto.double_data().begin(), proto.double_data().end());
  t.ints.insert(t.ints.end(), proto.int64_data().begin(), proto.int64_data().end());
  t.ints.insert(t.ints.end(), proto.int32_data().begin(), proto.int32_data().end());
  // uint64_data holds UINT32 values (TypeOf refuses UINT64).
  t.ints.insert(t.ints.end(), proto.uint64_data().begin(), proto.uint64_data().end());
  if (t.type == DataType::kBool) {
    for (int64_t& v : t.ints) v = v != 0;
  }
  if (t.is_float() ? !t.ints.empty() : !t.values.empty()) {
    throw FrontendError(fmt::format("{}: holds values of another type than its own", what));
  }
  if (t.size() != NumElements(t.shape)) {
    throw FrontendError(
        fmt::format("{}: {} values for shape {}", what, t.size(), ShapeToString(t.shape)));
  }
  if (t.is_float()) {
    for (double& v : t.values) v = static_cast<float>(v);
  }
  return t;
}

Attribute AttributeFromProto(const onnx::AttributeProto& a, const std::string& what) {
  using onnx::AttributeProto;
  switch (a.type()) {
    case AttributeProto::INT:
      return a.i();
    case AttributeProto::FLOAT:
      return static_cast<double>(a.f());
    case AttributeProto::STRING:
      return a.s();
    case AttributeProto::INTS:
      return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case AttributeProto::FLOATS:
      return std::vector<double>(a.floats().begin(), a.floats().end());
    case AttributeProto::STRINGS:
      return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case AttributeProto::TENSOR:
      return TensorFromProto(a.t(), what);
    default:
      throw FrontendError(
          fmt::format("{}: attribute '{}' has an unsupported type", what, a.name()));
  }
}

// Every value whose type and shape the file declares (outputs and value_info) must have them after
// shape inference: a disagreement means the frontend would compute something other than the model,
// so it is refused, naming the node. A symbolic dimension matches any size.
void CheckDeclaredShapes(const onnx::GraphProto& g, const Graph& graph,
                         const std::map<std::string, ValueId>& by_name) {
  std::map<ValueId, const Node*> producer;
  for (const Node& node : graph.nodes) {
    for (ValueId id : node.outputs) producer[id] = &node;
  }
  const auto check = [&](const onnx::ValueInfoProto& info) {
    auto it = by_name.find(info.name());
    if (it == by_name.end() || !info.type().has_tensor_type()) return;
    const Value& value = graph.value(it->second);
    const auto found = producer.find(it->second);
    const std::string what = found == producer.end()
                                 ? fmt::format("value '{}'", info.name())
                                 : fmt::format("{}: its output '{}'", found->second->Describe(),
                                               info.name());
    const auto& type = info.type().tensor_type();
    if (type.elem_type() != 0 && TypeOf(type.elem_type(), what) != value.type) {
      throw FrontendError(fmt::format("{} is {}, the model declares {}", what,
                                      ToString(value.type),
                                      ToString(TypeOf(type.elem_type(), what))));
    }
    if (!type.has_shape()) return;
    const auto& dims = type.shape().dim();
    bool agrees = dims.size() == static_cast<int>(value.shape.size());
    for (int d = 0; agrees && d < dims.size(); ++d) {
      agrees = !dims[d].has_dim_value() || dims[d].dim_value() == value.shape[d];
    }
    if (!agrees) {
      std::string declared;
      for (const auto& dim : dims) {
        if (!declared.empty()) declared += ", ";
        declared += dim.has_dim_value()     ? std::to_string(dim.dim_value())
                    : dim.dim_param().empty() ? std::string("?")
                                              : dim.dim_param();
      }
      throw FrontendError(fmt::format("{} has shape {}, the model declares [{}]", what,
                                      ShapeToString(value.shape), declared));
    }
  };
  for (const auto& output : g.output()) check(output);
  for (const auto& info : g.value_info()) check(info);
}

Graph FromModel(const onnx::ModelProto& model, const std::map<std::string, Tensor>& constants) {
  int64_t opset = 0;
  for (const auto& import : model.opset_import()) {
    if (import.domain().empty() || import.domain() == "ai.onnx") opset = import.version();
  }
  if (opset == 0) throw FrontendError("the model imports no version of the default ONNX domain");
  const onnx::GraphProto& g = model.graph();
  Graph graph;
  std::map<std::string, ValueId> by_name;
  auto define = [&](Value value) {
    const std::string name = value.name;
    if (by_name.count(name)) throw FrontendError(fmt::format("value '{}' is defined twice", name));
    const ValueId id = graph.AddValue(std::move(value));
    by_name[name] = id;
    return id;
  };
  for (const auto& init : g.initializer()) {
    Tensor t = TensorFromProto(init, fmt::format("initializer '{}'", init.name()));
    define({init.name(), t.type, t.shape, std::move(t)});
  }
  for (const auto& input : g.input()) {
    if (by_name.count(input.name())) continue;  // an initializer also listed as an input
    const std::string what = fmt::format("model input '{}'", input.name());
    if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape()) {
      throw FrontendError(fmt::format("{} is not a tensor of known rank", what));
    }
    Value value{input.name(), TypeOf(input.type().tensor_type().elem_type(), what), {}, {}};
    for (const auto& dim : input.type().tensor_type().shape().dim()) {
      // A symbolic dimension (a batch size) is fixed to 1.
      value.shape.push_back(dim.has_dim_value() ? dim.dim_value() : 1);
    }
    if (auto it = constants.find(input.name()); it != constants.end()) {
      if (it->second.shape != value.shape) {
        throw FrontendError(fmt::format("{} has shape {}, the bound value {}", what,
                                        ShapeToString(value.shape),
                                        ShapeToString(it->second.shape)));
      }
      value.constant = it->second;
      value.constant->type = value.type;
      define(std::move(value));
      continue;
    }
    graph.inputs.push_back(define(std::move(value)));
  }
  int index = 0;
  for (const auto& n : g.node()) {
    Node node;
    node.op_type = n.op_type();
    node.name = n.name().empty() ? fmt::format("{}_{}", n.op_type(), index) : n.name();
    node.opset = opset;
    ++index;
    const bool classical_ml = n.domain() == "ai.onnx.ml";
    if (!n.domain().empty() && n.domain() != "ai.onnx" && !classical_ml) {
      throw FrontendError(
          fmt::format("{}: domain '{}' is not supported", node.Describe(), n.domain()));
    }
    for (const auto& a : n.attribute()) {
      node.attributes[a.name()] = AttributeFromProto(a, node.Describe());
    }
    if (node.op_type == "Constant") {  // becomes a constant value, not a node
      if (n.output_size() != 1 || !node.Has("value")) {
        throw FrontendError(fmt::format("{}: only the 'value' form is supported", node.Describe()));
      }
      Tensor t = node.TensorAttribute("value");
      define({n.output(0), t.type, t.shape, std::move(t)});
      continue;
    }
    for (const std::string& name : n.input()) {
      if (name.empty()) {
        node.inputs.push_back(kNoValue);
        continue;
      }
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        throw FrontendError(
            fmt::format("{}: input '{}' is not defined before it", node.Describe(), name));
      }
      node.inputs.push_back(it->second);
    }
    for (const std::string& name : n.output()) {
      node.outputs.push_back(name.empty() ? graph.AddValue({}) : define({name, {}, {}, {}}));
    }
    if (classical_ml) {
      LowerOnnxMlNode(node, graph);
    } else {
      graph.nodes.push_back(std::move(node));
    }
  }
  for (const auto& output : g.output()) {
    auto it = by_name.find(output.name());
    if (it == by_name.end()) {
      throw FrontendError(fmt::format("model output '{}' is not computed", output.name()));
    }
    graph.outputs.push_back(it->second);
  }
  InferShapesAndFoldConstants(graph);
  CheckDeclaredShapes(g, graph, by_name);
  SimplifyGraph(graph);
  return graph;
}

}  // namespace

Graph ImportOnnxBytes(const std::string& bytes, const std::string& what,
                      const std::map<std::string, Tensor>& constants) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    throw FrontendError(fmt::format("{} is not an ONNX model (protobuf parse failed)", what));
  }
  return FromModel(model, constants);
}

Graph ImportOnnxFile(const std::string& path, const std::map<std::string, Tensor>& constants) {
  return ImportOnnxBytes(ReadFileBytes(path), fmt::format("'{}'", path), constants);
}

NamedTensor LoadTensorProtoFile(const std::string& path) {
  onnx::TensorProto proto;
  if (!proto.ParseFromString(ReadFileBytes(path))) {
    throw FrontendError(fmt::format("'{}' is not a serialized ONNX tensor", path));
  }
  return {proto.name(), TensorFromProto(proto, fmt::format("'{}'", path))};
}

}  // namespace tensorstark::frontend
