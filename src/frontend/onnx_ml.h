// The classical machine-learning operators of ONNX's 'ai.onnx.ml' domain (what scikit-learn's
// exporter writes: TreeEnsembleClassifier/Regressor, LinearClassifier/Regressor, Scaler,
// Normalizer, ArrayFeatureExtractor, ZipMap), lowered at import into default-domain nodes, so that
// float inference, calibration and the quantizer treat them as any other model. Their semantics are
// onnxruntime's, including its binary-classifier conventions (docs/operators.md).
//
// A tree ensemble becomes comparisons and sums: every branch node's decision is one comparison of
// the gathered feature with its threshold (0 or 1, an exact difference check once quantized); a
// leaf is reached when all decisions on its path go its way, so its indicator is
// relu(Σ path matches − (depth − 1)), exact on integers; the scores are the indicators times the
// leaf weights (a MatMul whose weights are the leaves' values).
#pragma once

#include <string>
#include <vector>

#include "frontend/graph.h"

namespace tensorstark::frontend {

// Appends to graph.nodes the default-domain nodes computing an 'ai.onnx.ml' node's outputs (its
// inputs and outputs are values of the graph already). Throws FrontendError naming the node for an
// operator, attribute or case it does not support.
void LowerOnnxMlNode(const Node& node, Graph& graph);

// The 'ai.onnx.ml' op types LowerOnnxMlNode takes, sorted.
std::vector<std::string> OnnxMlOpTypes();

}  // namespace tensorstark::frontend
