// The optimised conv against the reference on random shapes (Larq-style): kernels 1/3/5,
// strides 1/2, padding, groups including depthwise, random levels and inputs, and both the
// int16 and the int32 input paths.
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "common/model/model_builder.h"
#include "edge_encoder/engine/layers/conv2d.h"
#include "edge_encoder/engine/layers/x86/conv2d_fast.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace nqe::layers {
namespace {

struct ConvCase {
  int channels, out_channels, height, width, kernel, stride, padding, groups;
  int level_lo, level_hi;
  int32_t input_lo, input_hi;
};

void ExpectFastMatchesReference(const ConvCase& c, uint64_t seed) {
  SCOPED_TRACE(
      absl::StrFormat("C=%d O=%d %dx%d k=%d s=%d p=%d g=%d levels %d..%d inputs %d..%d seed %d",
                      c.channels, c.out_channels, c.height, c.width, c.kernel, c.stride, c.padding,
                      c.groups, c.level_lo, c.level_hi, c.input_lo, c.input_hi, seed));
  model::Conv2d conv;
  conv.set_in_channels(c.channels);
  conv.set_out_channels(c.out_channels);
  conv.set_kernel_h(c.kernel);
  conv.set_kernel_w(c.kernel);
  conv.set_stride(c.stride);
  conv.set_padding(c.padding);
  conv.set_groups(c.groups);
  const size_t count =
      static_cast<size_t>(c.out_channels) * (c.channels / c.groups) * c.kernel * c.kernel;
  const std::vector<int8_t> levels = SyntheticLevels(count, c.level_lo, c.level_hi, seed);
  const Tensor in =
      testing::RandomTensor({c.channels, c.height, c.width}, c.input_lo, c.input_hi, seed + 1);
  const TensorShape out_shape{c.out_channels, (c.height + 2 * c.padding - c.kernel) / c.stride + 1,
                              (c.width + 2 * c.padding - c.kernel) / c.stride + 1};
  Tensor expected(out_shape);
  Conv2dReference(conv, levels, in, &expected);
  const FastConv2d fast(conv, levels, ValueRange{c.input_lo, c.input_hi});
  EXPECT_EQ(fast.uses_int16(), c.input_lo >= INT16_MIN && c.input_hi <= INT16_MAX);
  Tensor actual(out_shape);
  fast.Run(in, &actual);
  EXPECT_TRUE(testing::TensorsEqual(expected, actual));
}

TEST(ConvFastTest, HandPickedShapes) {
  const ConvCase cases[] = {
      {3, 32, 32, 32, 3, 2, 1, 1, -1, 1, -128, 127},     // the first layer of an encoder
      {16, 16, 9, 11, 3, 1, 1, 16, -2, 2, 0, 4},         // depthwise, HWMSB inputs
      {8, 12, 7, 7, 5, 2, 2, 4, -128, 127, -255, 255},   // grouped, INT8 levels
      {64, 8, 4, 4, 1, 1, 0, 1, -1, 1, 0, 3},            // pointwise
      {4, 4, 6, 5, 3, 1, 0, 2, -8, 7, -100000, 100000},  // int32 inputs
      {1, 1, 1, 1, 1, 1, 0, 1, -1, 1, -255, 255},        // the smallest conv
      {2, 2, 3, 3, 5, 1, 1, 1, -1, 1, -5, 5},            // kernel larger than the input
  };
  uint64_t seed = 1;
  for (const ConvCase& c : cases) ExpectFastMatchesReference(c, seed++);
}

TEST(ConvFastTest, RandomShapes) {
  std::mt19937_64 rng(20240601);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 300; ++trial) {
    ConvCase c;
    const int kernels[] = {1, 3, 5};
    c.kernel = kernels[pick(0, 2)];
    c.stride = pick(1, 2);
    c.padding = pick(0, c.kernel / 2 + 1);
    const int group_in = pick(1, 6);
    const int group_out = pick(1, 6);
    c.groups = pick(0, 3) == 0 ? pick(2, 8) : 1;
    c.channels = group_in * c.groups;
    c.out_channels = group_out * c.groups;
    if (pick(0, 4) == 0) {  // depthwise
      c.channels = c.out_channels = c.groups = pick(1, 24);
    }
    c.height = pick(std::max(1, c.kernel - 2 * c.padding), 17);
    c.width = pick(std::max(1, c.kernel - 2 * c.padding), 17);
    const int level_bits = pick(1, 8);
    c.level_lo = level_bits == 1 ? -1 : -(1 << (level_bits - 1));
    c.level_hi = level_bits == 1 ? 1 : (1 << (level_bits - 1)) - 1;
    switch (pick(0, 2)) {
      case 0:
        c.input_lo = -255;
        c.input_hi = 255;
        break;
      case 1:
        c.input_lo = 0;
        c.input_hi = 4;
        break;
      default:
        c.input_lo = -1000000;
        c.input_hi = 1000000;
        break;
    }
    ExpectFastMatchesReference(c, 1000 + trial);
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace nqe::layers
