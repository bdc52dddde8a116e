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

// The `count` bytes after the header of a gzipped IDX file of the test set.
inline std::vector<uint8_t> ReadFashionMnistTestFile(const std::string& name, int header_size,
                                                     size_t count) {
  const std::string path = std::string(kFashionMnistDir) + "/" + name;
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<uint8_t> header(header_size), bytes(count);
  const bool ok = gzread(file, header.data(), header_size) == header_size &&
                  gzread(file, bytes.data(), static_cast<unsigned>(count)) ==
                      static_cast<int>(count);
  gzclose(file);
  if (!ok) throw std::runtime_error("cannot read " + path);
  return bytes;
}

// The first `count` images of the test set, 784 pixels each.
inline std::vector<std::vector<double>> FashionMnistTestImages(int count) {
  const std::vector<uint8_t> pixels =
      ReadFashionMnistTestFile("t10k-images-idx3-ubyte.gz", 16, static_cast<size_t>(count) * 784);
  std::vector<std::vector<double>> images(count);
  for (int i = 0; i < count; ++i) {
    for (int p = 0; p < 784; ++p) images[i].push_back(pixels[i * 784 + p] / 255.0);
  }
  return images;
}

// The classes of the first `count` test images.
inline std::vector<int> FashionMnistTestLabels(int count) {
  const std::vector<uint8_t> labels = ReadFashionMnistTestFile("t10k-labels-idx1-ubyte.gz", 8, count);
  return {labels.begin(), labels.end()};
}

}  // namespace tensorstark::frontend
