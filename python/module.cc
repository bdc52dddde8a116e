// The tensorstark Python module's native part (_tensorstark): the library's compile, run, prove and
// verify (src/api/) over numpy arrays and bytes. tensorstark/__init__.py is the interface users
// see; this file converts values and errors, releases the GIL while the library works, and takes
// it back to report progress.
#include <fmt/format.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "air/proof_io.h"
#include "api/calldata.h"
#include "api/compile.h"
#include "api/compress.h"
#include "api/hash_family.h"
#include "api/prove.h"
#include "api/run.h"
#include "api/tree.h"
#include "frontend/context.h"
#include "frontend/frontend_error.h"
#include "frontend/graph.h"
#include "frontend/quantized_model.h"
#include "pipeline/starknet_fact.h"

namespace py = pybind11;

namespace tensorstark::python {
namespace {

using frontend::FrontendError;
using frontend::QuantizedModel;
using frontend::Tensor;

// The base of the module's exception types (never thrown itself).
struct ErrorBase {};

// A compiled model and, when it was read from them, its file's bytes (which name its key-cache
// entries without serializing it again).
struct Model {
  std::shared_ptr<const QuantizedModel> model;
  std::optional<std::string> file;
};

// A callback from Python, called with the GIL held (the library calls it with the GIL released);
// an exception it raises stops the work and reaches the caller.
template <class... Args>
std::function<void(Args...)> WithGil(const std::optional<py::function>& callback) {
  if (!callback) return nullptr;
  return [callback](Args... args) {
    py::gil_scoped_acquire gil;
    (*callback)(args...);
  };
}

std::string VisibilityText(frontend::Visibility visibility) {
  return std::string(frontend::VisibilityName(visibility));
}

frontend::Visibility ParseVisibilityOr(const std::string& group, const std::string& word) {
  auto parsed = api::ParseGroupVisibility(group, word);
  if (const auto* error = std::get_if<std::string>(&parsed)) throw FrontendError(*error);
  return std::get<frontend::Visibility>(parsed);
}

std::string ShapeText(std::span<const int64_t> shape) {
  return frontend::ShapeToString(frontend::Shape(shape.begin(), shape.end()));
}

// Array `index` of `arrays` as model input `value` of the graph: its shape exactly, floats for a
// float input (integers converted), integers for an integer one (0 and 1 for bool), every value
// finite.
Tensor InputTensor(const frontend::Value& value, size_t index, const py::array& array) {
  const std::string what =
      fmt::format("input {} ('{}', {} {})", index, value.name, frontend::ToString(value.type),
                  frontend::ShapeToString(value.shape));
  const frontend::Shape shape(array.shape(), array.shape() + array.ndim());
  if (shape != value.shape) {
    throw FrontendError(fmt::format("{}: an array of shape {} given", what, ShapeText(shape)));
  }
  const char kind = array.dtype().kind();
  Tensor tensor = Tensor::Zeros(value.type, value.shape);
  if (tensor.is_float()) {
    if (kind != 'f' && kind != 'i' && kind != 'u') {
      throw FrontendError(fmt::format("{}: an array of dtype {} given, not numbers", what,
                                      std::string(py::str(array.dtype()))));
    }
    const auto doubles = py::array_t<double, py::array::c_style | py::array::forcecast>(array);
    for (py::ssize_t i = 0; i < doubles.size(); ++i) {
      const double v = doubles.data()[i];
      if (!std::isfinite(v))
        throw FrontendError(fmt::format("{}: value {} is not finite", what, i));
      tensor.values[i] = v;
    }
    return tensor;
  }
  if (kind != 'i' && kind != 'u' && kind != 'b') {
    throw FrontendError(fmt::format("{}: an array of dtype {} given, not integers", what,
                                    std::string(py::str(array.dtype()))));
  }
  const auto ints = py::array_t<int64_t, py::array::c_style | py::array::forcecast>(array);
  for (py::ssize_t i = 0; i < ints.size(); ++i) {
    const int64_t v = ints.data()[i];
    if (value.type == frontend::DataType::kBool && v != 0 && v != 1) {
      throw FrontendError(fmt::format("{}: value {} is not 0 or 1", what, i));
    }
    tensor.ints[i] = v;
  }
  return tensor;
}

// The arrays as the inputs the model declares (api::ModelInputs).
std::vector<Tensor> InputTensors(std::span<const frontend::Value> declared,
                                 const std::vector<py::array>& arrays) {
  if (arrays.size() != declared.size()) {
    throw FrontendError(
        fmt::format("the model takes {} input(s), {} given", declared.size(), arrays.size()));
  }
  std::vector<Tensor> tensors;
  for (size_t i = 0; i < arrays.size(); ++i) {
    tensors.push_back(InputTensor(declared[i], i, arrays[i]));
  }
  return tensors;
}

py::array ToArray(const Tensor& tensor) {
  std::vector<py::ssize_t> shape(tensor.shape.begin(), tensor.shape.end());
  if (tensor.is_float()) return py::array_t<double>(shape, tensor.values.data());
  return py::array_t<int64_t>(shape, tensor.ints.data());
}

py::list ToArrays(const std::vector<Tensor>& tensors) {
  py::list arrays;
  for (const Tensor& tensor : tensors) arrays.append(ToArray(tensor));
  return arrays;
}

py::list Specs(const QuantizedModel& model, bool inputs) {
  py::list specs;
  for (frontend::TensorId id : inputs ? model.inputs : model.outputs) {
    const frontend::QTensor& t = model.tensor(id);
    py::dict spec;
    spec["name"] = t.name;
    spec["shape"] = py::tuple(py::cast(t.shape));
    spec["visibility"] = VisibilityText(inputs ? model.input_visibility : model.output_visibility);
    specs.append(spec);
  }
  return specs;
}

// A profile by name, as the command's --profile takes it.
air::Profile ProfileOf(const std::string& name) {
  const auto profile = air::ParseProfile(name);
  if (!profile) throw FrontendError("profile must be 'test', 'fast', 'onchain' or 'recursive'");
  return *profile;
}

// At most `threads` worker threads while `limit` lives (as the commands' --threads), if given.
void LimitThreads(std::optional<tbb::global_control>& limit, std::optional<int> threads) {
  if (!threads) return;
  if (*threads < 1) throw FrontendError("threads must be at least 1");
  limit.emplace(tbb::global_control::max_allowed_parallelism, *threads);
}

// compile's options from keyword arguments, as the command's flags take them.
api::CompileOptions CompileOptionsOf(const py::dict& options) {
  const auto get = [&](const char* key, const std::string& fallback) {
    return options.contains(key) ? py::cast<std::string>(options[key]) : fallback;
  };
  const frontend::Visibility weights = ParseVisibilityOr("weights", get("weights", "private"));
  api::CompileOptions compile = api::DefaultCompileOptions(weights);
  compile.input = ParseVisibilityOr("input", get("input", "private"));
  compile.output = ParseVisibilityOr("output", get("output", "public"));
  const auto layout = frontend::ParseTraceShape(get("layout", "narrow"));
  if (!layout) throw FrontendError("layout must be 'narrow' or 'wide'");
  compile.layout = *layout;
  compile.profile = ProfileOf(get("profile", "fast"));
  compile.hash = api::ProfileHash(compile.profile);
  const auto integer = [&](const char* key, int fallback, int lo, int hi) {
    const int value = options.contains(key) ? py::cast<int>(options[key]) : fallback;
    if (value < lo || value > hi) {
      throw FrontendError(fmt::format("{} must be in [{}, {}], not {}", key, lo, hi, value));
    }
    return value;
  };
  compile.quantize.activation_bits =
      integer("activation_bits", compile.quantize.activation_bits, 4, 14);
  compile.quantize.weight_bits = integer("weight_bits", compile.quantize.weight_bits, 4, 16);
  if (options.contains("weight_frac_bits") && !options["weight_frac_bits"].is_none()) {
    if (py::isinstance<py::str>(options["weight_frac_bits"])) {
      if (get("weight_frac_bits", "") != "auto") {
        throw FrontendError("weight_frac_bits must be 'auto' or an integer in [0, 24]");
      }
      compile.quantize.weight_frac_bits.reset();
    } else {
      compile.quantize.weight_frac_bits = integer("weight_frac_bits", 0, 0, 24);
    }
  }
  compile.context_felts =
      static_cast<uint32_t>(integer("context", 0, 0, static_cast<int>(frontend::kMaxContextFelts)));
  compile.force = options.contains("force") && py::cast<bool>(options["force"]);
  if (options.contains("proof_memory") && !options["proof_memory"].is_none()) {
    const double gib = py::cast<double>(options["proof_memory"]);
    if (!(gib >= 1.0 / 1024) || gib > double(1 << 20)) {
      throw FrontendError(
          fmt::format("proof_memory must be a number of GiB, at least 1/1024, not {}", gib));
    }
    compile.proof_memory_bytes = static_cast<uint64_t>(gib * double(uint64_t{1} << 30));
  }
  return compile;
}

// The calibration samples for the graph: a list of samples, each a list of arrays (one per model
// input), or for a model of one input an array of samples along its first axis: each of the
// input's shape, or, for an input whose first axis is a batch of one, stacked along it.
std::vector<std::vector<Tensor>> SampleTensors(const frontend::Graph& graph,
                                               const py::object& samples) {
  std::vector<frontend::Value> declared;
  for (const frontend::ValueId id : graph.inputs) declared.push_back(graph.value(id));
  std::vector<std::vector<Tensor>> tensors;
  if (py::isinstance<py::array>(samples)) {
    if (graph.inputs.size() != 1) {
      throw FrontendError(fmt::format(
          "the model takes {} inputs: give the calibration as a list of samples, each a list of "
          "arrays",
          graph.inputs.size()));
    }
    const auto array = py::reinterpret_borrow<py::array>(samples);
    const frontend::Shape& shape = graph.value(graph.inputs[0]).shape;
    const frontend::Shape given(array.shape(), array.shape() + array.ndim());
    // [N, d1, ...] for an input of shape [1, d1, ...]: sample s is rows s to s + 1.
    const bool batched = !shape.empty() && shape[0] == 1 && given.size() == shape.size() &&
                         std::equal(shape.begin() + 1, shape.end(), given.begin() + 1);
    for (py::ssize_t s = 0; s < (array.ndim() > 0 ? array.shape(0) : 0); ++s) {
      const py::object sample =
          batched ? array[py::slice(s, s + 1, 1)] : py::object(array[py::int_(s)]);
      tensors.push_back(InputTensors(declared, {py::cast<py::array>(sample)}));
    }
  } else {
    for (const py::handle sample : samples) {
      tensors.push_back(InputTensors(declared, py::cast<std::vector<py::array>>(sample)));
    }
  }
  if (tensors.empty()) throw FrontendError("the calibration set holds no sample");
  return tensors;
}

py::dict Compile(const py::bytes& onnx, const std::string& source, const py::object& samples,
                 const py::dict& options, const std::optional<py::function>& on_step) {
  const api::CompileOptions compile = CompileOptionsOf(options);
  const std::string onnx_bytes = onnx;
  api::CompileCallbacks callbacks;
  callbacks.on_step = WithGil<std::string_view>(on_step);
  api::CompiledModel compiled;
  {
    py::gil_scoped_release released;
    compiled = api::CompileModel(
        onnx_bytes, source,
        [&](const frontend::Graph& graph) {
          py::gil_scoped_acquire gil;
          return SampleTensors(graph, samples);
        },
        compile, callbacks);
  }
  py::dict result;
  result["model"] = Model{std::make_shared<const QuantizedModel>(std::move(compiled.model)), {}};
  result["verifying_model"] =
      compiled.verifying_model
          ? py::cast(Model{std::make_shared<const QuantizedModel>(*compiled.verifying_model), {}})
          : py::none();
  result["accuracy"] = compiled.accuracy.Lines();
  result["commitment"] = frontend::ToHex(compiled.commitment);
  return result;
}

py::list Run(const Model& self, const std::vector<py::array>& inputs, bool reference) {
  const std::vector<Tensor> tensors = InputTensors(api::ModelInputs(*self.model), inputs);
  api::ModelRun run;
  {
    py::gil_scoped_release released;
    run = api::RunModel(*self.model, tensors, reference);
  }
  return ToArrays(reference ? run.reference : run.outputs);
}

py::dict Prove(const Model& self, const std::vector<py::array>& inputs, const std::string& profile,
               bool zk, const std::vector<std::string>& context, std::optional<int> threads,
               const std::optional<py::function>& on_phase,
               const std::optional<py::function>& on_warning) {
  const std::vector<Tensor> tensors = InputTensors(api::ModelInputs(*self.model), inputs);
  std::optional<tbb::global_control> limit;
  LimitThreads(limit, threads);
  api::ProveRequest request;
  request.profile = ProfileOf(profile);
  request.hash = api::ProfileHash(request.profile);
  request.zk = zk;
  for (const std::string& felt : context) {
    const std::vector<field::Felt252> felts = frontend::ParseContextFelts(felt);
    request.context.insert(request.context.end(), felts.begin(), felts.end());
  }
  request.on_phase = WithGil<std::string_view, double>(on_phase);
  request.on_warning = WithGil<std::string_view>(on_warning);
  api::ProvedModel proved;
  {
    py::gil_scoped_release released;
    proved = api::ProveModel(*self.model, tensors, request);
  }
  py::dict result;
  result["proof"] =
      py::bytes(reinterpret_cast<const char*>(proved.proof.data()), proved.proof.size());
  result["outputs"] = ToArrays(proved.run.outputs);
  result["commitment"] = frontend::ToHex(proved.commitment);
  return result;
}

std::span<const uint8_t> BytesSpan(const std::string& bytes) {
  return std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

py::dict StatementDict(const frontend::StatementLayout& layout,
                       std::span<const field::M31> statement) {
  py::list tensors;
  for (const frontend::StatementLayout::StatedTensor& stated : layout.Statement(statement)) {
    py::dict tensor;
    tensor["name"] = stated.name;
    tensor["kind"] = stated.is_input ? "input" : "output";
    tensor["visibility"] = VisibilityText(stated.visibility);
    tensor["values"] = stated.visibility == frontend::Visibility::kPublic
                           ? py::object(ToArray(stated.values))
                           : py::none();
    tensor["digest"] = stated.visibility == frontend::Visibility::kCommitted
                           ? py::object(py::str(frontend::ToHex(stated.digest)))
                           : py::none();
    tensors.append(tensor);
  }
  py::list context;
  const auto felts = layout.Context(statement);
  if (const auto* valid = std::get_if<std::vector<field::Felt252>>(&felts)) {
    for (const field::Felt252& felt : *valid) context.append(felt.ToHex());
  }
  py::dict result;
  result["model"] = frontend::ToHex(frontend::ModelAir::StatedCommitment(statement));
  result["tensors"] = tensors;
  result["context"] = context;
  return result;
}

// What verify and verify_compressed take: the minimum security, whether the key cache serves,
// and the callbacks, each called with the GIL.
api::VerifyOptions VerifyOptionsOf(uint32_t min_security_bits, bool cache,
                                   const std::optional<py::function>& on_step,
                                   const std::optional<py::function>& on_warning) {
  return {.min_security_bits = min_security_bits,
          .key_cache = cache,
          .on_step = WithGil<std::string_view>(on_step),
          .on_warning = WithGil<std::string_view>(on_warning)};
}

py::dict Verify(const Model& self, const py::bytes& proof, uint32_t min_security_bits, bool cache,
                const std::optional<py::function>& on_step,
                const std::optional<py::function>& on_warning) {
  const std::string bytes = proof;
  const auto span = BytesSpan(bytes);
  const api::VerifyOptions options = VerifyOptionsOf(min_security_bits, cache, on_step, on_warning);
  api::VerifiedProof verified;
  {
    py::gil_scoped_release released;
    verified = api::VerifyProof(
        *self.model, self.file ? std::optional<std::string_view>(*self.file) : std::nullopt, span,
        options);
  }
  py::dict result;
  result["valid"] = !verified.rejection;
  result["reason"] = verified.rejection ? py::object(py::str(*verified.rejection)) : py::none();
  if (verified.rejection) return result;
  result["security_bits"] = verified.config.SecurityBits();
  result["zero_knowledge"] = verified.config.zk;
  result["statement"] = StatementDict(*verified.layout, verified.statement);
  return result;
}

std::vector<const QuantizedModel*> ModelsOf(const std::vector<Model>& models) {
  std::vector<const QuantizedModel*> pointers;
  for (const Model& model : models) pointers.push_back(model.model.get());
  return pointers;
}

// How verify and compress name the models in messages: "model 1", "model 2", ...
std::vector<std::string> ModelNames(size_t n) {
  std::vector<std::string> names;
  for (size_t m = 0; m < n; ++m) names.push_back(fmt::format("model {}", m + 1));
  return names;
}

// What a compressed or final proof states: each inner proof's statement, model id and, for a
// final proof, what Starknet's fact registry records of it (with the verifier's class hash, the
// fact itself).
py::dict CompressedStatementDict(const api::CompressedStatement& stated,
                                 const std::optional<field::Felt252>& verifier_class) {
  const auto statements = stated.Statements();
  const auto starknet = stated.StarknetStatements();
  py::list proofs;
  for (size_t i = 0; i < statements.size(); ++i) {
    py::dict proof;
    proof["model"] = stated.inferences[i].model;
    proof["model_id"] = stated.ids.models[i].ToHex();
    proof["zero_knowledge"] = stated.inferences[i].zero_knowledge;
    proof["statement"] = StatementDict(stated.LayoutOf(i), statements[i]);
    if (stated.final) {
      py::dict fact;
      fact["inputs_hash"] = starknet[i].inputs_hash.ToHex();
      fact["outputs_hash"] = starknet[i].outputs_hash.ToHex();
      fact["fact"] = verifier_class ? py::object(py::str(starknet[i].Fact(*verifier_class).ToHex()))
                                    : py::none();
      proof["starknet"] = fact;
    }
    proofs.append(proof);
  }
  py::dict result;
  result["final"] = stated.final;
  result["security_bits"] = stated.security_bits;
  result["circuit_id"] = stated.ids.circuit.ToHex();
  result["proofs"] = proofs;
  return result;
}

py::bytes BytesOf(std::span<const uint8_t> bytes) {
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// Compress's and the tree's inputs: (model index, proof) pairs, their bytes held while they live,
// named "proof 1", "proof 2", ... in messages.
struct Inners {
  std::vector<std::string> bytes;
  std::vector<api::InnerProofInput> inputs;

  Inners(const Inners&) = delete;  // the inputs point into `bytes`
  explicit Inners(const std::vector<std::pair<size_t, py::bytes>>& proofs) {
    for (const auto& [model, proof] : proofs) bytes.push_back(proof);
    for (size_t i = 0; i < proofs.size(); ++i) {
      inputs.push_back({proofs[i].first, BytesSpan(bytes[i]), fmt::format("proof {}", i + 1)});
    }
  }
};

api::CompressRequest CompressRequestOf(const std::string& profile,
                                       const std::optional<py::function>& on_phase,
                                       const std::optional<py::function>& on_warning) {
  api::CompressRequest request;
  request.profile = ProfileOf(profile);
  request.hash = api::ProfileHash(request.profile);
  request.on_phase = WithGil<std::string_view, double>(on_phase);
  request.on_warning = WithGil<std::string_view>(on_warning);
  return request;
}

py::bytes Compress(const std::vector<Model>& models,
                   const std::vector<std::pair<size_t, py::bytes>>& proofs,
                   const std::string& profile, bool fit, std::optional<int> threads,
                   const std::optional<py::function>& on_phase,
                   const std::optional<py::function>& on_warning) {
  std::optional<tbb::global_control> limit;
  LimitThreads(limit, threads);
  api::CompressRequest request = CompressRequestOf(profile, on_phase, on_warning);
  request.shape = fit ? pipeline::OuterShape::kFit : pipeline::OuterShape::kStandard;
  const Inners inners(proofs);
  api::CompressedModelProof compressed;
  {
    py::gil_scoped_release released;
    compressed = api::CompressProofs(ModelsOf(models), inners.inputs, request);
  }
  return BytesOf(compressed.file);
}

// The aggregation tree's steps one at a time (api/tree.h), as the `tree` command and
// `prove --slice` take them: from bytes and to bytes another process can take up. The tree's
// proofs are at the onchain profile, as compress's.

py::bytes NewSalts(const Model& self) { return BytesOf(api::NewSaltsFile(*self.model)); }

py::bytes ProveSlice(const Model& self, const std::vector<py::array>& inputs, size_t k,
                     const py::bytes& salts, std::optional<int> threads,
                     const std::optional<py::function>& on_phase,
                     const std::optional<py::function>& on_warning) {
  const std::vector<Tensor> tensors = InputTensors(api::ModelInputs(*self.model), inputs);
  const std::string salts_bytes = salts;
  const api::SliceSalts cut_salts =
      api::ReadSaltsFile(*self.model, BytesSpan(salts_bytes), "the salts");
  std::optional<tbb::global_control> limit;
  LimitThreads(limit, threads);
  api::ProveRequest request;
  request.profile = air::Profile::kRecursive;
  request.hash = api::ProfileHash(request.profile);
  request.on_phase = WithGil<std::string_view, double>(on_phase);
  request.on_warning = WithGil<std::string_view>(on_warning);
  api::ProvedModel proved;
  {
    py::gil_scoped_release released;
    proved = api::ProveSlice(*self.model, tensors, k, cut_salts, request);
  }
  return BytesOf(proved.proof);
}

py::bytes JoinSlices(const Model& model, const std::vector<py::bytes>& slices) {
  std::vector<std::vector<uint8_t>> proofs;
  for (const py::bytes& slice : slices) {
    const std::string bytes = slice;
    proofs.emplace_back(bytes.begin(), bytes.end());
  }
  return BytesOf(api::JoinSliceProofs(*model.model, proofs));
}

size_t TreeLeafCount(const std::vector<Model>& models,
                     const std::vector<std::pair<size_t, py::bytes>>& proofs) {
  return api::TreeLeafCount(ModelsOf(models), Inners(proofs).inputs);
}

// A tree step at the onchain profile with at most `threads` worker threads, run with the GIL
// released: the tree proof file (or final proof) it makes.
py::bytes RunTreeStep(
    std::optional<int> threads, const std::optional<py::function>& on_phase,
    const std::optional<py::function>& on_warning,
    const std::function<std::vector<uint8_t>(const api::CompressRequest&)>& step) {
  std::optional<tbb::global_control> limit;
  LimitThreads(limit, threads);
  const api::CompressRequest request = CompressRequestOf("onchain", on_phase, on_warning);
  std::vector<uint8_t> bytes;
  {
    py::gil_scoped_release released;
    bytes = step(request);
  }
  return BytesOf(bytes);
}

py::bytes TreeLeaf(const std::vector<Model>& models,
                   const std::vector<std::pair<size_t, py::bytes>>& proofs, size_t j,
                   std::optional<int> threads, const std::optional<py::function>& on_phase,
                   const std::optional<py::function>& on_warning) {
  const Inners inners(proofs);
  return RunTreeStep(threads, on_phase, on_warning, [&](const api::CompressRequest& request) {
    return api::ProveTreeLeaf(ModelsOf(models), inners.inputs, j, request);
  });
}

py::bytes TreeNode(const py::bytes& left, const py::bytes& right, std::optional<int> threads,
                   const std::optional<py::function>& on_phase,
                   const std::optional<py::function>& on_warning) {
  const std::string left_bytes = left, right_bytes = right;
  return RunTreeStep(threads, on_phase, on_warning, [&](const api::CompressRequest& request) {
    return api::ProveTreeNode(BytesSpan(left_bytes), "the left proof", BytesSpan(right_bytes),
                              "the right proof", request);
  });
}

py::bytes TreeFinal(const std::vector<Model>& models,
                    const std::vector<std::pair<size_t, py::bytes>>& proofs, const py::bytes& top,
                    std::optional<int> threads, const std::optional<py::function>& on_phase,
                    const std::optional<py::function>& on_warning) {
  const Inners inners(proofs);
  const std::string top_bytes = top;
  return RunTreeStep(threads, on_phase, on_warning, [&](const api::CompressRequest& request) {
    return api::ProveTreeFinal(ModelsOf(models), inners.inputs, BytesSpan(top_bytes), request)
        .file;
  });
}

std::optional<std::string> CheckTreeTop(const std::vector<Model>& models,
                                        const std::vector<std::pair<size_t, py::bytes>>& proofs,
                                        const py::bytes& top) {
  const api::CompressRequest request = CompressRequestOf("onchain", std::nullopt, std::nullopt);
  const Inners inners(proofs);
  const std::string top_bytes = top;
  std::optional<std::string> rejection;
  {
    py::gil_scoped_release released;
    rejection = api::CheckTreeTop(ModelsOf(models), inners.inputs, BytesSpan(top_bytes), request);
  }
  return rejection;
}

std::string ProofKind(const py::bytes& proof) {
  const std::string bytes = proof;
  return std::string(api::ProofKindName(api::ProofKindOf(BytesSpan(bytes))));
}

py::dict VerifyCompressed(const std::vector<Model>& models, const py::bytes& proof,
                          uint32_t min_security_bits, bool cache,
                          const std::optional<std::string>& class_hash,
                          const std::optional<py::function>& on_step,
                          const std::optional<py::function>& on_warning) {
  std::optional<field::Felt252> verifier_class;
  if (class_hash) {
    verifier_class = field::Felt252::FromHex(*class_hash);
    if (!verifier_class) {
      throw FrontendError(
          fmt::format("class_hash must be a felt in hex (0x...), not '{}'", *class_hash));
    }
  }
  const std::string bytes = proof;
  const api::VerifyOptions options = VerifyOptionsOf(min_security_bits, cache, on_step, on_warning);
  api::VerifiedCompressed verified;
  {
    py::gil_scoped_release released;
    verified = api::VerifyCompressed(ModelsOf(models), ModelNames(models.size()), BytesSpan(bytes),
                                     options);
  }
  py::dict result;
  result["valid"] = !verified.rejection;
  result["reason"] = verified.rejection ? py::object(py::str(*verified.rejection)) : py::none();
  if (verified.rejection) return result;
  result["statement"] = CompressedStatementDict(verified.stated, verifier_class);
  return result;
}

std::vector<std::string> Calldata(const py::bytes& proof, const std::vector<Model>& models) {
  const std::string bytes = proof;
  std::vector<std::string> felts;
  for (const field::Felt252& felt :
       api::CalldataOf(BytesSpan(bytes), "the proof", ModelsOf(models), ModelNames(models.size()))
           .Felts()) {
    felts.push_back(felt.ToHex());
  }
  return felts;
}

}  // namespace
}  // namespace tensorstark::python

PYBIND11_MODULE(_tensorstark, m) {
  using namespace tensorstark::python;
  m.doc() = "tensorstark's native part; use the tensorstark package.";
  // Errors with the command line's one-line messages: Error, and InputError for what the model,
  // its input or the options do not allow (the library's FrontendError).
  static py::exception<ErrorBase> error(m, "Error");
  py::register_exception<tensorstark::frontend::FrontendError>(m, "InputError", error.ptr());
  py::class_<Model>(m, "Model")
      .def_static(
          "from_bytes",
          [](const py::bytes& bytes, const std::string& name) {
            std::string file = bytes;
            auto model = std::make_shared<const QuantizedModel>(
                tensorstark::api::ParseModel(file, name));
            return Model{std::move(model), std::move(file)};
          },
          py::arg("data"), py::arg("name"))
      .def("to_bytes",
           [](const Model& self) {
             return py::bytes(self.file
                                  ? *self.file
                                  : tensorstark::api::SerializeModel(*self.model));
           })
      .def_property_readonly("inputs", [](const Model& self) { return Specs(*self.model, true); })
      .def_property_readonly("outputs", [](const Model& self) { return Specs(*self.model, false); })
      .def_property_readonly(
          "weights",
          [](const Model& self) { return VisibilityText(self.model->weights_visibility); })
      .def_property_readonly("context_felts",
                             [](const Model& self) { return self.model->context_felts; })
      .def_property_readonly("source", [](const Model& self) { return self.model->source; })
      .def_property_readonly(
          "slices", [](const Model& self) { return tensorstark::api::SliceCount(*self.model); })
      .def_property_readonly(
          "is_verifying_model",
          [](const Model& self) { return tensorstark::api::IsVerifyingModel(*self.model); })
      .def("run", &Run, py::arg("inputs"), py::arg("reference") = false)
      .def("prove", &Prove, py::arg("inputs"), py::arg("profile"), py::arg("zk"),
           py::arg("context"), py::arg("threads"), py::arg("on_phase"), py::arg("on_warning"))
      .def("verify", &Verify, py::arg("proof"), py::arg("min_security_bits"), py::arg("cache"),
           py::arg("on_step"), py::arg("on_warning"));
  m.def("compile", &Compile, py::arg("onnx"), py::arg("source"), py::arg("samples"),
        py::arg("options"), py::arg("on_step"));
  m.def("compress", &Compress, py::arg("models"), py::arg("proofs"), py::arg("profile"),
        py::arg("fit"), py::arg("threads"), py::arg("on_phase"), py::arg("on_warning"));
  m.def("verify_compressed", &VerifyCompressed, py::arg("models"), py::arg("proof"),
        py::arg("min_security_bits"), py::arg("cache"), py::arg("class_hash"), py::arg("on_step"),
        py::arg("on_warning"));
  m.def("proof_kind", &ProofKind, py::arg("proof"));
  m.def("new_salts", &NewSalts, py::arg("model"));
  m.def("prove_slice", &ProveSlice, py::arg("model"), py::arg("inputs"), py::arg("k"),
        py::arg("salts"), py::arg("threads"), py::arg("on_phase"), py::arg("on_warning"));
  m.def("join_slices", &JoinSlices, py::arg("model"), py::arg("slices"));
  m.def("tree_leaf_count", &TreeLeafCount, py::arg("models"), py::arg("proofs"));
  m.def("tree_leaf", &TreeLeaf, py::arg("models"), py::arg("proofs"), py::arg("j"),
        py::arg("threads"), py::arg("on_phase"), py::arg("on_warning"));
  m.def("tree_node", &TreeNode, py::arg("left"), py::arg("right"), py::arg("threads"),
        py::arg("on_phase"), py::arg("on_warning"));
  m.def("tree_final", &TreeFinal, py::arg("models"), py::arg("proofs"), py::arg("top"),
        py::arg("threads"), py::arg("on_phase"), py::arg("on_warning"));
  m.def("check_tree_top", &CheckTreeTop, py::arg("models"), py::arg("proofs"), py::arg("top"));
  m.def("calldata", &Calldata, py::arg("proof"), py::arg("models"));
}
