// Weight storage against hand-computed examples (docs/integer-semantics.md "Weight storage").
#include "common/model/weight_codec.h"

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/cellular_automaton.h"
#include "common/model/flexor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nqe {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

model::Weights Packed(model::WeightEncoding encoding, uint32_t count, std::string packed,
                      uint32_t int_bits = 0) {
  model::Weights w;
  w.set_encoding(encoding);
  w.set_count(count);
  w.set_packed(std::move(packed));
  w.set_int_bits(int_bits);
  return w;
}

std::vector<int8_t> Decode(const model::Weights& w, uint32_t out_channels = 1) {
  absl::StatusOr<std::vector<int8_t>> levels = DecodeWeights(w, out_channels);
  EXPECT_TRUE(levels.ok()) << levels.status();
  return levels.ok() ? *levels : std::vector<int8_t>{};
}

TEST(WeightCodecTest, BinaryBitOneIsPlusOne) {
  EXPECT_THAT(Decode(Packed(model::BINARY, 3, "\x05")), ElementsAre(1, -1, 1));
}

TEST(WeightCodecTest, TernaryGroupOfFive) {
  // digits (l + 1) = 2,1,0,2,1: v = 2 + 1*3 + 0*9 + 2*27 + 1*81 = 140.
  EXPECT_THAT(Decode(Packed(model::TERNARY, 5, "\x8c")), ElementsAre(1, 0, -1, 1, 0));
  absl::StatusOr<model::Weights> packed = EncodeWeights(model::TERNARY, {1, 0, -1, 1, 0});
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->packed(), "\x8c");
  EXPECT_EQ(StoredWeightBits(*packed), 8u);
}

TEST(WeightCodecTest, TernaryFieldPastRadixIsCorrupt) {
  absl::StatusOr<std::vector<int8_t>> levels = DecodeWeights(Packed(model::TERNARY, 5, "\xf3"), 1);
  EXPECT_EQ(levels.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(levels.status().message(), HasSubstr("past the radix limit"));
}

TEST(WeightCodecTest, QuinaryTwoGroupsAcrossAByte) {
  // Group 0: -2,0,2 -> digits 0,2,4 -> 110. Group 1: 1 then two padding levels 0 -> digits
  // 3,2,2 -> 63. Bits 0-6 = 110, bits 7-13 = 63: bytes 0xEE, 0x1F.
  EXPECT_THAT(Decode(Packed(model::QUINARY, 4, "\xee\x1f")), ElementsAre(-2, 0, 2, 1));
  absl::StatusOr<model::Weights> packed = EncodeWeights(model::QUINARY, {-2, 0, 2, 1});
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->packed(), "\xee\x1f");
  EXPECT_EQ(StoredWeightBits(*packed), 14u);
}

TEST(WeightCodecTest, IntKSignExtends) {
  // k = 3: fields 4, 7, 3, 0 -> byte0 = 4 | 7<<3 | 3<<6 = 0xFC, byte1 = 0.
  EXPECT_THAT(Decode(Packed(model::INT_K, 4, std::string("\xfc\x00", 2), 3)),
              ElementsAre(-4, -1, 3, 0));
  EXPECT_THAT(Decode(Packed(model::INT_K, 2, "\x80\x7f", 8)), ElementsAre(-128, 127));
}

TEST(WeightCodecTest, IntKBitsOutsideRange) {
  for (uint32_t bits : {0u, 1u, 9u}) {
    EXPECT_THAT(DecodeWeights(Packed(model::INT_K, 1, "\x01", bits), 1).status().message(),
                HasSubstr("int_bits"));
  }
}

TEST(WeightCodecTest, PackedSizeMustMatch) {
  absl::StatusOr<std::vector<int8_t>> levels = DecodeWeights(Packed(model::BINARY, 9, "\x01"), 1);
  EXPECT_THAT(levels.status().message(), HasSubstr("packed size 1 bytes"));
}

TEST(WeightCodecTest, EncodeDecodeRoundTripsEveryPackedEncoding) {
  const std::vector<int8_t> ternary = {-1, 0, 1, 1, 1, 0, -1, -1, 0, 1, 0};
  const std::vector<int8_t> quinary = {-2, -1, 0, 1, 2, 2, -2};
  const std::vector<int8_t> int5 = {-16, 15, 0, -1, 7};
  const std::vector<int8_t> binary = {1, -1, -1, 1, 1, 1, -1, 1, -1};
  EXPECT_EQ(Decode(*EncodeWeights(model::TERNARY, ternary)), ternary);
  EXPECT_EQ(Decode(*EncodeWeights(model::QUINARY, quinary)), quinary);
  EXPECT_EQ(Decode(*EncodeWeights(model::INT_K, int5, 5)), int5);
  EXPECT_EQ(Decode(*EncodeWeights(model::BINARY, binary)), binary);
  EXPECT_FALSE(EncodeWeights(model::BINARY, {0}).ok());
  EXPECT_FALSE(EncodeWeights(model::TERNARY, {2}).ok());
}

model::FlexorParams TinyFlexor() {
  // n_in 3, n_out 4, n_tap 2; rows 011, 110, 101, 011 (values 3, 6, 5, 3 at bits 3j..3j+2):
  // byte0 = 3 | 6<<3 | (5&3)<<6 = 0x73, byte1 = 5>>2 | 3<<1 = 0x07.
  model::FlexorParams params;
  params.set_n_in(3);
  params.set_n_out(4);
  params.set_n_tap(2);
  params.set_xor_matrix("\x73\x07");
  return params;
}

TEST(FlexorTest, DecryptsTinyExample) {
  // Encrypted slices e0 = 101, e1 = 011: byte = 5 | 3<<3 = 0x1D. Slice 0: parity(M_j & 101) =
  // 1,1,0,1; slice 1 (first two of its four weights): parity(M_j & 011) = 0,1.
  absl::StatusOr<std::vector<int8_t>> levels = DecryptFlexor(TinyFlexor(), "\x1d", 6);
  ASSERT_TRUE(levels.ok()) << levels.status();
  EXPECT_THAT(*levels, ElementsAre(1, 1, -1, 1, -1, 1));
  EXPECT_EQ(FlexorStoredBits(TinyFlexor(), 6), 2u * 3 + 4 * 3);
}

TEST(FlexorTest, RefusesRowsWithTheWrongTapCount) {
  model::FlexorParams params = TinyFlexor();
  params.set_n_tap(1);
  EXPECT_THAT(DecryptFlexor(params, "\x1d", 6).status().message(), HasSubstr("n_tap"));
  params = TinyFlexor();
  params.set_n_in(5);  // n_in <= n_out holds, but the sizes no longer agree
  EXPECT_FALSE(DecryptFlexor(params, "\x1d", 6).ok());
  params.set_n_in(0);
  EXPECT_THAT(DecryptFlexor(params, "", 6).status().message(), HasSubstr("n_in"));
}

TEST(CellularAutomatonTest, SplitMix64KnownValue) {
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64Next(&state), 0xE220A8397B1DCDAFull);
}

TEST(CellularAutomatonTest, Rule30FirstRows) {
  std::vector<uint8_t> row = {0, 0, 0, 1, 0, 0, 0};
  std::vector<uint8_t> next;
  CellularAutomatonStep(30, row, &next);
  EXPECT_THAT(next, ElementsAre(0, 0, 1, 1, 1, 0, 0));
  CellularAutomatonStep(30, next, &row);
  EXPECT_THAT(row, ElementsAre(0, 1, 1, 0, 0, 1, 0));
  CellularAutomatonStep(30, row, &next);  // wraps around: periodic boundary
  EXPECT_THAT(next, ElementsAre(1, 1, 0, 1, 1, 1, 1));
}

TEST(CellularAutomatonTest, LevelsFollowTheStateAfterEachUpdate) {
  // Seed 0: output 0 ends in 0xAF = cells 1,1,1,1,0,1,0,1; one rule-30 update gives
  // 0,0,0,0,0,1,0,1, the weights of 8 output channels with one weight each.
  EXPECT_THAT(CellularAutomatonInitialState(0, 8), ElementsAre(1, 1, 1, 1, 0, 1, 0, 1));
  model::CellularAutomatonParams params;
  params.set_rule(30);
  params.set_seed(0);
  absl::StatusOr<std::vector<int8_t>> levels = GenerateCellularAutomatonLevels(params, 8, 8);
  ASSERT_TRUE(levels.ok());
  EXPECT_THAT(*levels, ElementsAre(-1, -1, -1, -1, -1, 1, -1, 1));
  // Two rows per channel: w[o][1] is the state after the second update.
  levels = GenerateCellularAutomatonLevels(params, 8, 16);
  ASSERT_TRUE(levels.ok());
  std::vector<uint8_t> first, second;
  CellularAutomatonStep(30, CellularAutomatonInitialState(0, 8), &first);
  CellularAutomatonStep(30, first, &second);
  for (int o = 0; o < 8; ++o) EXPECT_EQ((*levels)[o * 2 + 1], second[o] ? 1 : -1);
}

TEST(CellularAutomatonTest, RefusesRuleAbove255AndPackedBytes) {
  model::Weights w;
  w.set_encoding(model::CELLULAR_AUTOMATON);
  w.set_count(8);
  w.mutable_ca()->set_rule(256);
  EXPECT_THAT(DecodeWeights(w, 8).status().message(), HasSubstr("rule 256"));
  w.mutable_ca()->set_rule(30);
  w.set_packed("x");
  EXPECT_THAT(DecodeWeights(w, 8).status().message(), HasSubstr("packed must be empty"));
  EXPECT_EQ(StoredWeightBits(w), 72u);
}

}  // namespace
}  // namespace nqe
