// Bit-exact agreement with the Python reference: every traced tensor of every input of every
// case in tests/golden/, with the reference kernels and with the fast ones.
#include <iostream>
#include <memory>
#include <string>

#include "edge_encoder/engine/engine.h"
#include "gtest/gtest.h"
#include "tests/golden_file.h"
#include "tests/test_support.h"

namespace nqe::testing {
namespace {

TEST(GoldenFileTest, RoundTripsTheFormat) {
  GoldenInput input;
  input.image = RandomImage(2, 3, 7);
  input.tensors.push_back(RandomTensor({2, 1, 3}, -5, 5, 8));
  input.tensors.push_back(RandomTensor({1, 1, 1}, INT32_MIN, INT32_MAX, 9));
  const std::string bytes = SerializeGolden({input, input});
  absl::StatusOr<std::vector<GoldenInput>> parsed = ParseGoldenBytes(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].image.rgb, input.image.rgb);
  ASSERT_EQ((*parsed)[1].tensors.size(), 2u);
  EXPECT_TRUE(TensorsEqual(input.tensors[1], (*parsed)[1].tensors[1]));
  EXPECT_FALSE(ParseGoldenBytes(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(ParseGoldenBytes(bytes + "x").ok());
}

struct GoldenParam {
  std::string case_name;
  bool reference_kernels;
};

void PrintTo(const GoldenParam& param, std::ostream* os) {
  *os << param.case_name << (param.reference_kernels ? " (reference kernels)" : " (fast kernels)");
}

class GoldenTest : public ::testing::TestWithParam<GoldenParam> {};

TEST_P(GoldenTest, EveryTracedTensorMatches) {
  const GoldenParam& param = GetParam();
  absl::StatusOr<GoldenCase> golden = ReadGoldenCase(GoldenDir(), param.case_name);
  ASSERT_TRUE(golden.ok()) << golden.status();
  // Every golden case is a complete model (op cases end in a GlobalSumPool), so it loads with
  // every check the loader makes.
  absl::StatusOr<LoadedModel> loaded = LoadModelFile(golden->model_path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  absl::StatusOr<Engine> engine = Engine::Create(
      std::make_shared<const LoadedModel>(*std::move(loaded)), {param.reference_kernels});
  ASSERT_TRUE(engine.ok()) << engine.status();
  // The Python exporter records its memory accounting in the provenance: both must agree.
  const model::Provenance& provenance = engine->model().proto.provenance();
  if (provenance.param_bits() != 0 || provenance.activation_bits() != 0) {
    EXPECT_EQ(engine->model().memory.param_bits, provenance.param_bits());
    EXPECT_EQ(engine->model().memory.activation_bits, provenance.activation_bits());
  }
  ASSERT_FALSE(golden->inputs.empty());
  for (size_t n = 0; n < golden->inputs.size(); ++n) {
    const GoldenInput& input = golden->inputs[n];
    std::vector<Tensor> trace;
    absl::StatusOr<Tensor> output = engine->Run(input.image, &trace);
    ASSERT_TRUE(output.ok()) << output.status();
    ASSERT_EQ(trace.size(), input.tensors.size()) << "input " << n;
    for (size_t i = 0; i < trace.size(); ++i) {
      const model::Layer& layer = engine->model().proto.layers(static_cast<int>(i));
      ASSERT_TRUE(TensorsEqual(input.tensors[i], trace[i]))
          << "input " << n << ", tensor " << i + 1 << " (layer " << i << " '" << layer.name()
          << "', " << layer.GetDescriptor()->FindFieldByNumber(layer.op_case())->name() << ")";
    }
    EXPECT_TRUE(TensorsEqual(trace.back(), *output));
  }
}

// One test per case and kernel set, listed when the binary starts (so $NQE_GOLDEN_DIR applies).
std::vector<GoldenParam> AllGoldenParams() {
  std::vector<GoldenParam> params;
  for (const std::string& name : ListGoldenCases(GoldenDir())) {
    params.push_back({name, true});
    params.push_back({name, false});
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(AllGoldenParams()),
                         [](const ::testing::TestParamInfo<GoldenParam>& info) {
                           return info.param.case_name +
                                  (info.param.reference_kernels ? "_Reference" : "_Fast");
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

TEST(GoldenDirTest, HasCases) {
  if (ListGoldenCases(GoldenDir()).empty()) GTEST_SKIP() << "no golden cases in " << GoldenDir();
  SUCCEED();
}

}  // namespace
}  // namespace nqe::testing
