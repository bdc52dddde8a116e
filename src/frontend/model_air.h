// The lowering of a compiled model to the AIR: one component per operator plus the range table,
// the global address of every tensor element, and the witness (main traces and public inputs)
// from an integer run.
//
// Public inputs: the model inputs' quantized values, then the outputs', in tensor order (as M31,
// negative values as p - |v|). The verifier turns them into the public LogUp terms of the tensor
// relation: it yields each input element as many times as operators read it, and reads each
// output element once.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/relation.h"
#include "frontend/quantized_eval.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

class ModelAir {
 public:
  // Throws FrontendError naming the operator for one the prover does not support yet.
  explicit ModelAir(const QuantizedModel& model);
  ~ModelAir();
  ModelAir(ModelAir&&) noexcept;

  std::vector<const air::Component*> components() const;

  struct Witness {
    std::vector<std::vector<std::vector<field::M31>>> traces;  // per component, storage order
    std::vector<field::M31> public_inputs;
  };
  // Soundness tests only: a cheating prover's rewrite of a rescale's quotient and remainder
  // (component index, flat index of the output element) before the trace is built from them.
  using RescaleHook =
      std::function<void(size_t component, int64_t element, int64_t& q, int64_t& r)>;

  // From a run of the same model (RunQuantized).
  Witness GenerateWitness(const QuantizedRun& run, const RescaleHook& hook = nullptr) const;

  // The statement's length: the inputs' and outputs' element counts.
  size_t n_public_inputs() const;

  // The verifier's LogUp terms for the model's inputs and outputs, from the proof's public inputs;
  // throws FrontendError if their number is wrong.
  std::vector<air::PublicLogupTerm> PublicTerms(std::span<const field::M31> public_inputs) const;

  // The model outputs, dequantized, from the public inputs.
  std::vector<Tensor> Outputs(std::span<const field::M31> public_inputs) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tensorstark::frontend
