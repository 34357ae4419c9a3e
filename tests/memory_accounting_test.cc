// param_bits and activation_bits by hand for the tiny classifier
// (docs/integer-semantics.md "Memory accounting").
#include "common/model/memory_accounting.h"

#include "common/model/model_builder.h"
#include "common/model/weight_codec.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace nqe {
namespace {

TEST(MemoryAccountingTest, TinyClassifierByHand) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(testing::TinyClassifierModel());
  ASSERT_TRUE(model.ok()) << model.status();
  const MemoryReport& report = (*model)->memory;
  // conv1: 108 ternary levels = 22 bytes = 176 bits; BSN: 1 shift x 4 + 4 biases x 4 bits;
  // conv2: 8 levels = 2 fields = 16 bits.
  EXPECT_EQ(report.param_bits, 176u + 20u + 16u);
  ASSERT_EQ(report.layers.size(), 6u);
  // conv1 -> bsn1 -> act1 is fused: both accumulators are transient.
  EXPECT_TRUE(report.layers[0].transient);
  EXPECT_TRUE(report.layers[1].transient);
  EXPECT_FALSE(report.layers[2].transient);
  // conv2 feeds a sum pool, not a BSN or activation: materialised.
  EXPECT_FALSE(report.layers[4].transient);
  // act1: its 4x8x8 2-bit output plus the 3x8x8 8-bit input reached through the fused chain.
  EXPECT_EQ(report.layers[2].stage_bits, 4u * 64 * 2 + 3u * 64 * 8);
  EXPECT_EQ(report.layers[3].stage_bits, 4u * 16 * 2 + 4u * 64 * 2);
  EXPECT_EQ(report.layers[4].stage_bits, 2u * 16 * 32 + 4u * 16 * 2);
  EXPECT_EQ(report.layers[5].stage_bits, 2u * 32 + 2u * 16 * 32);
  EXPECT_EQ(report.activation_bits, 2048u);
  EXPECT_TRUE(report.FitsParamBudget());
}

TEST(MemoryAccountingTest, TwoReadersMaterialiseAConvOutput) {
  ModelBuilder b("two_readers", model::TASK_CLASSIFY, 4, 4, 0);
  const ConvSpec conv{3, 2, 1, 1, 0, 1};
  b.AddConv("conv", conv, *EncodeWeights(model::BINARY, SyntheticLevels(6, -1, 1, 1, true)));
  b.AddActivation("act", model::QRELU, 1);
  b.AddActivation("act_again", model::SIGN, 1);
  b.proto().mutable_layers(2)->add_inputs(1);  // the conv output, read a second time
  b.AddMaxPool("pool", 4, 4);
  b.AddGlobalSumPool("sum");
  b.SetClassNames({"a", "b"});
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model = testing::LoadProto(b.proto());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_FALSE((*model)->memory.layers[0].transient);
  EXPECT_EQ((*model)->memory.layers[0].stage_bits, 2u * 16 * 32 + 3u * 16 * 8);
  EXPECT_EQ((*model)->memory.param_bits, 6u);
}

TEST(MemoryAccountingTest, SyntheticEncoderFitsTheBudget) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(SyntheticEncoderModel());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->memory.FitsParamBudget());
  EXPECT_GT((*model)->memory.param_bits, 0u);
}

}  // namespace
}  // namespace nqe
