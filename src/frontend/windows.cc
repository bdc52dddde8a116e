#include "frontend/windows.h"

#include <fmt/format.h>

#include <algorithm>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {

int64_t Windows::InputIndex(int64_t o, int64_t k) const {
  int64_t flat = 0;
  int64_t o_rest = o, k_rest = k;
  for (size_t d = out.size(); d-- > 0;) {
    const int64_t od = o_rest % out[d], kd = k_rest % kernel[d];
    o_rest /= out[d];
    k_rest /= kernel[d];
    const int64_t id = od * strides[d] - pad_begin[d] + kd * dilations[d];
    if (id < 0 || id >= in[d]) return -1;
    int64_t stride = 1;
    for (size_t e = d + 1; e < in.size(); ++e) stride *= in[e];
    flat += id * stride;
  }
  return flat;
}

int64_t Windows::InsideCount(int64_t o) const {
  int64_t count = 0;
  for (int64_t k = 0; k < kernel_size(); ++k) count += InputIndex(o, k) >= 0;
  return count;
}

Windows WindowsOf(const Node& node, const Shape& in_spatial, const Shape& kernel,
                  bool allow_ceil_mode) {
  const size_t dims = in_spatial.size();
  Windows w;
  w.in = in_spatial;
  w.kernel = node.Ints("kernel_shape", kernel);
  if (w.kernel.size() != dims || (!kernel.empty() && w.kernel != kernel)) {
    throw FrontendError(fmt::format("{}: kernel_shape {} does not fit input {}", node.Describe(),
                                    ShapeToString(w.kernel), ShapeToString(in_spatial)));
  }
  w.strides = node.Ints("strides", Shape(dims, 1));
  w.dilations = node.Ints("dilations", Shape(dims, 1));
  Shape pads = node.Ints("pads", Shape(2 * dims, 0));
  if (w.strides.size() != dims || w.dilations.size() != dims || pads.size() != 2 * dims) {
    throw FrontendError(
        fmt::format("{}: strides, dilations or pads has the wrong length", node.Describe()));
  }
  const bool ceil_mode = allow_ceil_mode && node.Int("ceil_mode", 0) != 0;
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  for (size_t d = 0; d < dims; ++d) {
    if (w.kernel[d] < 1 || w.strides[d] < 1 || w.dilations[d] < 1 || pads[d] < 0 ||
        pads[d + dims] < 0) {
      throw FrontendError(
          fmt::format("{}: kernel, strides, dilations and pads must be positive", node.Describe()));
    }
    const int64_t extent = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t out = (in_spatial[d] + w.strides[d] - 1) / w.strides[d];
      const int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[d] + extent - in_spatial[d]);
      pads[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[d + dims] = total - pads[d];
    } else if (auto_pad == "VALID") {
      pads[d] = pads[d + dims] = 0;
    } else if (auto_pad != "NOTSET") {
      throw FrontendError(
          fmt::format("{}: auto_pad '{}' is not supported", node.Describe(), auto_pad));
    }
    const int64_t padded = in_spatial[d] + pads[d] + pads[d + dims];
    if (padded < extent) {
      throw FrontendError(
          fmt::format("{}: the kernel does not fit the padded input", node.Describe()));
    }
    int64_t out = (padded - extent) / w.strides[d] + 1;
    // With ceil_mode a last partial window counts if it starts inside the input or left padding.
    if (ceil_mode && (padded - extent) % w.strides[d] != 0 &&
        (out * w.strides[d]) < in_spatial[d] + pads[d]) {
      ++out;
    }
    w.pad_begin.push_back(pads[d]);
    w.out.push_back(out);
  }
  return w;
}

}  // namespace tensorstark::frontend
