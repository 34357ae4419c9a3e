// The entropy coder is lossless, near the entropy on skewed bits, and never much larger than
// the raw codes on incompressible ones.
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tools/eval/entropy/binary_arithmetic_coder.h"
#include "tools/eval/entropy/frame_codes_coder.h"

namespace nqe::eval {
namespace {

constexpr CodeShape kShape{16, 4};  // 256 bits per 32 x 32 patch, as the 0.25 bpp encoder

FrameCodes RandomCodes(int rows, int cols, double p_one, uint32_t seed) {
  FrameCodes codes;
  codes.frame_height = rows * 32;
  codes.frame_width = cols * 32;
  codes.patch_size = 32;
  codes.grid = {rows, cols};
  codes.bits_per_patch = kShape.bits();
  codes.bytes.assign(static_cast<size_t>(rows * cols) * codes.bytes_per_patch(), 0);
  std::mt19937 rng(seed);
  std::bernoulli_distribution one(p_one);
  for (uint8_t& byte : codes.bytes) {
    for (int b = 0; b < 8; ++b) byte |= one(rng) ? (1u << b) : 0;
  }
  return codes;
}

void ExpectRoundTrip(const FrameCodes& codes, const std::vector<uint8_t>& coded) {
  auto decoded = EntropyDecodeCodes(coded, codes, kShape);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->bytes, codes.bytes);
}

TEST(BinaryArithmeticCoderTest, RoundTripsNearTheEntropy) {
  std::mt19937 rng(1);
  std::bernoulli_distribution one(0.1);
  std::vector<bool> bits(100000);
  for (size_t i = 0; i < bits.size(); ++i) bits[i] = one(rng);
  AdaptiveBitModel model;
  BinaryArithmeticEncoder encoder;
  for (bool bit : bits) encoder.Encode(bit, model);
  const std::vector<uint8_t> coded = encoder.Finish();
  // H(0.1) = 0.469 bits per bit; a fast-adapting model pays a few percent more.
  const double entropy_bits = bits.size() * 0.469;
  EXPECT_LT(coded.size() * 8.0, entropy_bits * 1.08);
  AdaptiveBitModel decode_model;
  BinaryArithmeticDecoder decoder(coded);
  for (size_t i = 0; i < bits.size(); ++i) ASSERT_EQ(decoder.Decode(decode_model), bits[i]) << i;
}

TEST(FrameCodesCoderTest, RandomCodesRoundTripAndBarelyGrow) {
  const FrameCodes codes = RandomCodes(11, 16, 0.5, 2);
  auto coded = EntropyEncodeCodes(codes, kShape);
  ASSERT_TRUE(coded.ok()) << coded.status();
  ExpectRoundTrip(codes, *coded);
  EXPECT_LT(coded->size(), codes.bytes.size() * 1.03 + 8);
}

TEST(FrameCodesCoderTest, RedundantCodesShrink) {
  const FrameCodes zeros = RandomCodes(4, 5, 0.0, 3);
  auto coded = EntropyEncodeCodes(zeros, kShape);
  ASSERT_TRUE(coded.ok());
  ExpectRoundTrip(zeros, *coded);
  // Mostly the cost of teaching each of the 1296 contexts that 1s do not occur.
  EXPECT_LT(coded->size(), zeros.bytes.size() / 4);

  // H(0.2) = 0.72 bits per bit, plus the cost of learning 1296 contexts.
  const FrameCodes skewed = RandomCodes(16, 24, 0.2, 4);
  coded = EntropyEncodeCodes(skewed, kShape);
  ASSERT_TRUE(coded.ok());
  ExpectRoundTrip(skewed, *coded);
  EXPECT_LT(coded->size(), skewed.bytes.size() * 0.8);
}

TEST(FrameCodesCoderTest, SingleAndOddGridsRoundTrip) {
  for (auto [rows, cols] : {std::pair{1, 1}, std::pair{1, 7}, std::pair{5, 1}}) {
    const FrameCodes codes = RandomCodes(rows, cols, 0.3, rows * 10 + cols);
    auto coded = EntropyEncodeCodes(codes, kShape);
    ASSERT_TRUE(coded.ok());
    ExpectRoundTrip(codes, *coded);
  }
}

TEST(FrameCodesCoderTest, RefusesAMismatchedShape) {
  const FrameCodes codes = RandomCodes(2, 2, 0.5, 5);
  EXPECT_FALSE(EntropyEncodeCodes(codes, CodeShape{8, 4}).ok());
}

}  // namespace
}  // namespace nqe::eval
