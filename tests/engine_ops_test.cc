// Each op's reference kernel against hand-computed values (docs/integer-semantics.md "Ops").
#include <vector>

#include "edge_encoder/engine/layers/activation.h"
#include "edge_encoder/engine/layers/bit_shift_norm.h"
#include "edge_encoder/engine/layers/conv2d.h"
#include "edge_encoder/engine/layers/global_sum_pool.h"
#include "edge_encoder/engine/layers/max_pool.h"
#include "edge_encoder/engine/layers/mux_residual.h"
#include "edge_encoder/engine/task_output.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nqe::layers {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

Tensor Make(TensorShape shape, std::vector<int32_t> values) {
  Tensor t(shape);
  t.data = std::move(values);
  return t;
}

TEST(BitShiftNormTest, RoundsHalfUpWithAFlooringShift) {
  model::BitShiftNorm bsn;
  bsn.add_shifts(1);
  const Tensor in = Make({1, 1, 6}, {-3, -2, -1, 1, 2, 3});
  Tensor out(in.shape);
  BitShiftNorm(bsn, in, &out);
  // (v + 1) >> 1 floors: -3 -> -1, -2 -> -1, -1 -> 0, 1 -> 1, 2 -> 1, 3 -> 2.
  EXPECT_THAT(out.data, ElementsAre(-1, -1, 0, 1, 1, 2));
}

TEST(BitShiftNormTest, PerChannelShiftsAndBiases) {
  model::BitShiftNorm bsn;
  bsn.add_shifts(0);
  bsn.add_shifts(2);
  bsn.add_biases(5);
  bsn.add_biases(-3);
  const Tensor in = Make({2, 1, 2}, {1, -7, 9, 4});
  Tensor out(in.shape);
  BitShiftNorm(bsn, in, &out);
  // Channel 0: shift 0 -> 6, -2. Channel 1: (6 + 2) >> 2 = 2, (1 + 2) >> 2 = 0.
  EXPECT_THAT(out.data, ElementsAre(6, -2, 2, 0));
}

TEST(ActivationTest, Quantisers) {
  const Tensor in = Make({1, 1, 7}, {-5, 0, 1, 2, 3, 4, 100});
  Tensor out(in.shape);
  model::Activation activation;
  activation.set_kind(model::QRELU);
  activation.set_bits(2);
  Activation(activation, in, &out);
  EXPECT_THAT(out.data, ElementsAre(0, 0, 1, 2, 3, 3, 3));
  activation.set_bits(1);
  Activation(activation, in, &out);
  EXPECT_THAT(out.data, ElementsAre(0, 0, 1, 1, 1, 1, 1));
  activation.set_kind(model::HWMSB);
  activation.set_bits(2);
  Activation(activation, in, &out);
  EXPECT_THAT(out.data, ElementsAre(0, 0, 1, 2, 2, 4, 4));
  activation.set_kind(model::SIGN);
  activation.set_bits(1);
  Activation(activation, in, &out);
  EXPECT_THAT(out.data, ElementsAre(0, 0, 1, 1, 1, 1, 1));
}

TEST(MaxPoolTest, WindowsWithoutPadding) {
  const Tensor in = Make({1, 3, 3}, {1, -2, 3, 4, 5, -6, 7, 8, 9});
  model::MaxPool pool;
  pool.set_kernel(2);
  pool.set_stride(1);
  Tensor out({1, 2, 2});
  MaxPool(pool, in, &out);
  EXPECT_THAT(out.data, ElementsAre(5, 5, 8, 9));
}

TEST(GlobalSumPoolTest, SumsEachChannel) {
  const Tensor in = Make({2, 1, 3}, {1, 2, 3, -4, 5, -6});
  Tensor out({2, 1, 1});
  GlobalSumPool(in, &out);
  EXPECT_THAT(out.data, ElementsAre(6, -5));
}

TEST(MuxResidualTest, ThresholdedGapChoosesPerChannel) {
  // k = 2, H*W = 2, threshold 2 * 3 = 6. Channel 0: 2 * (3 + 3) = 12 > 6 -> pass I1.
  // Channel 1: 2 * (1 + 2) = 6, not > 6 -> (I + I1) >> 1.
  model::MuxResidual mux;
  mux.set_bits(2);
  const Tensor block = Make({2, 1, 2}, {3, 3, 1, 2});
  const Tensor branch = Make({2, 1, 2}, {0, 1, 2, 3});
  Tensor out(block.shape);
  MuxResidual(mux, block, branch, &out);
  EXPECT_THAT(out.data, ElementsAre(0, 1, 1, 2));
  // k = 1: BitShift is (v + 1) >> 1, the OR of two bits. Threshold 2: 2 * 1 = 2, not > 2.
  mux.set_bits(1);
  const Tensor block1 = Make({1, 1, 2}, {1, 0});
  const Tensor branch1 = Make({1, 1, 2}, {0, 0});
  Tensor out1(block1.shape);
  MuxResidual(mux, block1, branch1, &out1);
  EXPECT_THAT(out1.data, ElementsAre(1, 0));
}

TEST(Conv2dReferenceTest, GroupedWithPaddingAndStride) {
  // Two groups of one channel, 1x1 kernels of 2 and -1, on a 2x2 input; then a 3x3 kernel of
  // ones with padding 1 and stride 2 on one channel.
  model::Conv2d conv;
  conv.set_in_channels(2);
  conv.set_out_channels(2);
  conv.set_kernel_h(1);
  conv.set_kernel_w(1);
  conv.set_stride(1);
  conv.set_groups(2);
  const Tensor in = Make({2, 2, 2}, {1, 2, 3, 4, 10, 20, 30, 40});
  Tensor out({2, 2, 2});
  const std::vector<int8_t> levels = {2, -1};
  Conv2dReference(conv, levels, in, &out);
  EXPECT_THAT(out.data, ElementsAre(2, 4, 6, 8, -10, -20, -30, -40));

  model::Conv2d box;
  box.set_in_channels(1);
  box.set_out_channels(1);
  box.set_kernel_h(3);
  box.set_kernel_w(3);
  box.set_stride(2);
  box.set_padding(1);
  box.set_groups(1);
  const Tensor in3 = Make({1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor out3({1, 2, 2});
  Conv2dReference(box, std::vector<int8_t>(9, 1), in3, &out3);
  EXPECT_THAT(out3.data, ElementsAre(1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9));
}

TEST(TaskOutputTest, CodeBitsArePackedLsbFirstInChwOrder) {
  const Tensor code = Make({2, 1, 5}, {1, 0, 0, 0, 0, 0, 0, 0, 1, 1});
  EXPECT_THAT(EncodeBits(code), ElementsAre(0x01, 0x03));
  EXPECT_EQ(ArgMax(ClassifyLogits(Make({3, 1, 1}, {-4, 7, 7}))), 1);
}

}  // namespace
}  // namespace nqe::layers
