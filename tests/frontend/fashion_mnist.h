// Fashion-MNIST test images from Debian's dataset-fashion-mnist (gzipped IDX files), scaled to
// [0, 1] as scripts/train_examples.py does.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tensorstark::frontend {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The first `count` images of the test set, 784 pixels each.
inline std::vector<std::vector<double>> FashionMnistTestImages(int count) {
  const std::string path = std::string(kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz";
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open " + path);
  uint8_t header[16];
  std::vector<uint8_t> pixels(static_cast<size_t>(count) * 784);
  const bool ok = gzread(file, header, sizeof header) == sizeof header &&
                  gzread(file, pixels.data(), static_cast<unsigned>(pixels.size())) ==
                      static_cast<int>(pixels.size());
  gzclose(file);
  if (!ok) throw std::runtime_error("cannot read " + path);
  std::vector<std::vector<double>> images(count);
  for (int i = 0; i < count; ++i) {
    for (int p = 0; p < 784; ++p) images[i].push_back(pixels[i * 784 + p] / 255.0);
  }
  return images;
}

}  // namespace tensorstark::frontend
