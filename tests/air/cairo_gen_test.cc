// The generated Cairo AIR reads the mask with accessors that cannot panic (verifier-cairo's
// mask_value): cairo-gen must refuse a constraint that reads outside the mask its layout gives.
#include <doctest/doctest.h>

#include <functional>
#include <stdexcept>

#include "air/cairo_gen.h"
#include "air/profiles.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

// A component that is `inner` except for its info, which `edit` changes: the layout (and so the
// mask's dimensions) then no longer match what its constraints read.
class EditedInfo final : public Component {
 public:
  EditedInfo(const Component& inner, std::function<void(ComponentInfo&)> edit)
      : inner_(inner), edit_(std::move(edit)) {}

  std::string name() const override { return inner_.name(); }
  uint32_t log_size() const override { return inner_.log_size(); }
  ComponentInfo Info() const override {
    ComponentInfo info = inner_.Info();
    edit_(info);
    return info;
  }
  InteractionTrace GenerateInteractionTrace(const ColumnsView& trace,
                                            const EvalContext& ctx) const override {
    return inner_.GenerateInteractionTrace(trace, ctx);
  }
  void EvaluateOnDomain(const circle::CircleDomain& domain, const ColumnsView& columns,
                        const EvalContext& ctx, std::span<const QM31> coeffs,
                        fri::SecureColumn& accumulator) const override {
    inner_.EvaluateOnDomain(domain, columns, ctx, coeffs, accumulator);
  }
  void EvaluateAtPoint(const MaskValues& mask, const circle::CirclePoint<QM31>& point,
                       QM31 random_coeff, const EvalContext& ctx,
                       QM31& accumulator) const override {
    inner_.EvaluateAtPoint(mask, point, random_coeff, ctx, accumulator);
  }
  std::optional<ConstraintFailure> AssertConstraints(const ColumnsView& trace,
                                                     const EvalContext& ctx) const override {
    return inner_.AssertConstraints(trace, ctx);
  }
  std::vector<Expr> Constraints() const override { return inner_.Constraints(); }

 private:
  const Component& inner_;
  std::function<void(ComponentInfo&)> edit_;
};

std::string Generate(const Component& component) {
  const Component* components[] = {&component};
  auto layout = MakeLayout(components, ProfileConfig(Profile::kOnchain));
  REQUIRE(std::holds_alternative<AirLayout>(layout));
  return GenerateCairoAir(components, std::get<AirLayout>(layout), CairoStatement{}, "a test");
}

TEST_CASE(
    "the module implements ModelAir, for the one verifier contract, and has none of its own") {
  const auto instance = examples::MakeWideFib(/*log_size=*/5, /*n_columns=*/8);
  const std::string code = Generate(instance.component);
  CHECK(code.find("pub impl Air of ModelAir") != std::string::npos);
  CHECK(code.find("#[starknet::contract]") == std::string::npos);
  CHECK(code.find("verify_final adds its length and preprocessed root") != std::string::npos);
}

TEST_CASE("cairo-gen reads the mask through mask_value, and refuses reads outside the mask") {
  const auto instance = examples::MakeWideFib(/*log_size=*/5, /*n_columns=*/8);
  const std::string code = Generate(instance.component);
  CHECK(code.find("mask_value(trace, i0, i1)") != std::string::npos);
  CHECK(code.find("*(*trace[") == std::string::npos);

  // Its last column left out of the mask, which its constraints still read.
  const EditedInfo fewer_columns(instance.component,
                                 [](ComponentInfo& info) { info.trace_offsets.pop_back(); });
  CHECK_THROWS_WITH_AS(Generate(fewer_columns), "cairo-gen: a column not in the mask",
                       std::logic_error);
  // Every column sampled at the next row instead of its own.
  const EditedInfo other_offsets(instance.component, [](ComponentInfo& info) {
    for (std::vector<int>& offsets : info.trace_offsets) offsets = {1};
  });
  CHECK_THROWS_WITH_AS(Generate(other_offsets), "cairo-gen: an offset not in the mask",
                       std::logic_error);
}

}  // namespace
}  // namespace tensorstark::air
