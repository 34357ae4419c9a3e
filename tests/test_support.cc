#include "tests/test_support.h"

#include <fstream>
#include <sstream>

#include "common/model/cellular_automaton.h"
#include "common/model/model_builder.h"
#include "common/model/weight_codec.h"

namespace nqe::testing {

std::string ReadFileBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

absl::StatusOr<std::shared_ptr<const LoadedModel>> LoadProto(const model::Model& model) {
  absl::StatusOr<LoadedModel> loaded = LoadModelBytes(ModelFileBytes(model), model.name());
  if (!loaded.ok()) return loaded.status();
  return std::make_shared<const LoadedModel>(*std::move(loaded));
}

model::Model TinyClassifierModel() {
  ModelBuilder b("tiny_classifier", model::TASK_CLASSIFY, 8, 8, 128);
  const ConvSpec conv1{3, 4, 3, 1, 1, 1};
  const ConvSpec conv2{4, 2, 1, 1, 0, 1};
  auto ternary = [](const ConvSpec& spec, uint64_t seed) {
    return *EncodeWeights(model::TERNARY, SyntheticLevels(spec.WeightCount(), -1, 1, seed));
  };
  b.AddConv("conv1", conv1, ternary(conv1, 3));
  b.AddBsn("bsn1", {4}, {1, -2, 3, 0}, 4);
  b.AddActivation("act1", model::QRELU, 2);
  b.AddMaxPool("pool", 2, 2);
  b.AddConv("conv2", conv2, ternary(conv2, 4));
  b.AddGlobalSumPool("sum");
  b.SetClassNames({"cat", "dog"});
  return b.proto();
}

ImageU8 RandomImage(int height, int width, uint64_t seed) {
  ImageU8 image(height, width);
  uint64_t state = seed;
  for (uint8_t& v : image.rgb) v = static_cast<uint8_t>(SplitMix64Next(&state));
  return image;
}

Tensor RandomTensor(const TensorShape& shape, int32_t lo, int32_t hi, uint64_t seed) {
  Tensor t(shape);
  uint64_t state = seed;
  const uint64_t span = static_cast<uint64_t>(int64_t{hi} - lo + 1);
  for (int32_t& v : t.data) v = static_cast<int32_t>(lo + int64_t(SplitMix64Next(&state) % span));
  return t;
}

::testing::AssertionResult TensorsEqual(const Tensor& expected, const Tensor& actual) {
  if (expected.shape != actual.shape) {
    return ::testing::AssertionFailure()
           << "shape " << actual.shape.ToString() << ", expected " << expected.shape.ToString();
  }
  for (size_t i = 0; i < expected.data.size(); ++i) {
    if (expected.data[i] != actual.data[i]) {
      const int64_t plane = expected.shape.PlaneSize();
      const int64_t c = static_cast<int64_t>(i) / plane;
      const int64_t y = (static_cast<int64_t>(i) % plane) / expected.shape.width;
      const int64_t x = static_cast<int64_t>(i) % expected.shape.width;
      return ::testing::AssertionFailure()
             << "first difference at index " << i << " (c=" << c << ", y=" << y << ", x=" << x
             << "): got " << actual.data[i] << ", expected " << expected.data[i];
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace nqe::testing
