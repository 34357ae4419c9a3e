// The entropy coder is lossless, near the entropy on skewed bits, and never much larger than
// the raw codes on incompressible ones.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/codes/entropy/binary_arithmetic_coder.h"
#include "common/codes/entropy/entropy_prior.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "gtest/gtest.h"

namespace nqe {
namespace {

constexpr CodeShape kShape{16, 4};  // 256 bits per 32 x 32 patch, as the 0.25 bpp encoder
const EntropyPrior kNoPrior = EntropyPrior::Uniform(kShape.channels);

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

void ExpectRoundTrip(const FrameCodes& codes, const std::vector<uint8_t>& coded,
                     const EntropyPrior& prior = EntropyPrior::Uniform(kShape.channels)) {
  auto decoded = EntropyDecodeCodes(coded, codes, kShape, prior);
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
  auto coded = EntropyEncodeCodes(codes, kShape, kNoPrior);
  ASSERT_TRUE(coded.ok()) << coded.status();
  ExpectRoundTrip(codes, *coded);
  EXPECT_LT(coded->size(), codes.bytes.size() * 1.03 + 8);
}

// The coded bytes of a fixed frame, pinned: a change to how bits are coded (contexts, mixer,
// arithmetic) fails here and must bump kCoderVersion in entropy_prior.cc, so that priors and
// uplink peers of the old coder are told apart (and an edge ASIC knows which bytes to make).
TEST(FrameCodesCoderTest, Version2CodedBytesArePinned) {
  FrameCodes codes = RandomCodes(3, 4, 0.0, 1);
  uint32_t state = 12345;  // an LCG, not <random>'s distributions: the same bits everywhere
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (uint8_t& byte : codes.bytes) byte = static_cast<uint8_t>((next() >> 24) & (next() >> 24));
  auto coded = EntropyEncodeCodes(codes, kShape, kNoPrior);
  ASSERT_TRUE(coded.ok());
  ExpectRoundTrip(codes, *coded);
  uint32_t hash = 2166136261u;  // FNV-1a
  for (uint8_t byte : *coded) hash = (hash ^ byte) * 16777619u;
  EXPECT_EQ(coded->size(), 346u);
  EXPECT_EQ(hash, 3914606046u);
}

TEST(FrameCodesCoderTest, RedundantCodesShrink) {
  const FrameCodes zeros = RandomCodes(4, 5, 0.0, 3);
  auto coded = EntropyEncodeCodes(zeros, kShape, kNoPrior);
  ASSERT_TRUE(coded.ok());
  ExpectRoundTrip(zeros, *coded);
  // Mostly the cost of teaching each context that 1s do not occur.
  EXPECT_LT(coded->size(), zeros.bytes.size() / 4);

  // H(0.2) = 0.72 bits per bit, plus the cost of learning the contexts.
  const FrameCodes skewed = RandomCodes(16, 24, 0.2, 4);
  coded = EntropyEncodeCodes(skewed, kShape, kNoPrior);
  ASSERT_TRUE(coded.ok());
  ExpectRoundTrip(skewed, *coded);
  EXPECT_LT(coded->size(), skewed.bytes.size() * 0.8);
}

TEST(FrameCodesCoderTest, SingleAndOddGridsRoundTrip) {
  for (auto [rows, cols] : {std::pair{1, 1}, std::pair{1, 7}, std::pair{5, 1}}) {
    const FrameCodes codes = RandomCodes(rows, cols, 0.3, rows * 10 + cols);
    auto coded = EntropyEncodeCodes(codes, kShape, kNoPrior);
    ASSERT_TRUE(coded.ok());
    ExpectRoundTrip(codes, *coded);
  }
}

TEST(FrameCodesCoderTest, RefusesAMismatchedShape) {
  const FrameCodes codes = RandomCodes(2, 2, 0.5, 5);
  EXPECT_FALSE(EntropyEncodeCodes(codes, CodeShape{8, 4}, kNoPrior).ok());
  EXPECT_FALSE(EntropyEncodeCodes(codes, kShape, EntropyPrior::Uniform(8)).ok());
  std::vector<uint8_t> coded(16, 0);
  EXPECT_FALSE(EntropyDecodeCodes(coded, codes, kShape, EntropyPrior::Uniform(8)).ok());
}

// The uplink codes a frame in chunks of patch rows; any split decodes to the same codes.
TEST(FrameRowsCoderTest, ChunksOfAnySizeRoundTrip) {
  const FrameCodes codes = RandomCodes(7, 5, 0.3, 21);
  const size_t row_bytes = static_cast<size_t>(codes.grid.cols) * codes.bytes_per_patch();
  for (int chunk_rows : {1, 2, 3, 7}) {
    FrameRowsEncoder encoder(codes.grid, kShape, kNoPrior);
    FrameRowsDecoder decoder(codes.grid, kShape, kNoPrior);
    std::vector<uint8_t> decoded;
    size_t coded_bytes = 0;
    for (int row = 0; row < codes.grid.rows; row += chunk_rows) {
      const int rows = std::min(chunk_rows, codes.grid.rows - row);
      auto coded = encoder.EncodeRows(
          rows, absl::MakeConstSpan(codes.bytes).subspan(row * row_bytes, rows * row_bytes));
      ASSERT_TRUE(coded.ok()) << coded.status();
      coded_bytes += coded->size();
      auto rows_back = decoder.DecodeRows(rows, *coded);
      ASSERT_TRUE(rows_back.ok()) << "chunk_rows " << chunk_rows << ": " << rows_back.status();
      decoded.insert(decoded.end(), rows_back->begin(), rows_back->end());
    }
    EXPECT_EQ(decoded, codes.bytes) << "chunk_rows " << chunk_rows;
    EXPECT_EQ(decoder.next_row(), codes.grid.rows);
    // Each chunk costs a flush (4-5 bytes) on top of coding the frame whole.
    const size_t whole = EntropyEncodeCodes(codes, kShape, kNoPrior)->size();
    const size_t chunks = (codes.grid.rows + chunk_rows - 1) / chunk_rows;
    EXPECT_LE(coded_bytes, whole + 5 * chunks) << "chunk_rows " << chunk_rows;
  }
}

TEST(FrameRowsCoderTest, RefusesTruncatedPaddedAndMisframedPieces) {
  const FrameCodes codes = RandomCodes(4, 3, 0.3, 22);
  auto coded = EntropyEncodeCodes(codes, kShape, kNoPrior);
  ASSERT_TRUE(coded.ok());
  std::vector<uint8_t> truncated(coded->begin(), coded->end() - 1);
  std::vector<uint8_t> padded = *coded;
  padded.push_back(0);
  EXPECT_FALSE(EntropyDecodeCodes(truncated, codes, kShape, kNoPrior).ok());
  EXPECT_FALSE(EntropyDecodeCodes(padded, codes, kShape, kNoPrior).ok());
  EXPECT_FALSE(EntropyDecodeCodes({}, codes, kShape, kNoPrior).ok());
  FrameCodes empty = codes;
  empty.grid = {0, 0};
  empty.bytes.clear();
  EXPECT_TRUE(EntropyDecodeCodes({}, empty, kShape, kNoPrior).ok());
  EXPECT_FALSE(EntropyDecodeCodes(*coded, empty, kShape, kNoPrior).ok());

  FrameRowsDecoder decoder(codes.grid, kShape, kNoPrior);
  EXPECT_FALSE(decoder.DecodeRows(0, *coded).ok());
  EXPECT_FALSE(decoder.DecodeRows(5, *coded).ok());  // more rows than the frame has
  // The whole frame's bytes read as its first two rows: the byte count gives it away.
  EXPECT_FALSE(decoder.DecodeRows(2, *coded).ok());

  FrameRowsEncoder encoder(codes.grid, kShape, kNoPrior);
  EXPECT_FALSE(encoder.EncodeRows(1, codes.bytes).ok());  // 4 rows' bytes for one row
  EXPECT_TRUE(FrameRowsCoderState::Check(kShape, kNoPrior).ok());
  EXPECT_FALSE(FrameRowsCoderState::Check(kShape, EntropyPrior::Uniform(8)).ok());
}

TEST(EntropyPriorTest, ChecksumNamesTheProbabilitiesNotTheFile) {
  EXPECT_EQ(EntropyPrior::Uniform(16).Checksum(), EntropyPrior::Uniform(16).Checksum());
  EXPECT_NE(EntropyPrior::Uniform(16).Checksum(), EntropyPrior::Uniform(8).Checksum());
  EXPECT_EQ(EntropyPrior::Uniform(16).Checksum().size(), 8u);
}

// Codes whose channel c repeats channel c - 2 on every other channel and are otherwise skewed
// bits: structure the contexts can learn (prev2 sees the repeat).
FrameCodes StructuredCodes(int rows, int cols, uint32_t seed) {
  FrameCodes codes = RandomCodes(rows, cols, 0.25, seed);
  const int q2 = kShape.side * kShape.side;
  for (int patch = 0; patch < codes.grid.count(); ++patch) {
    uint8_t* code = codes.bytes.data() + static_cast<size_t>(patch) * codes.bytes_per_patch();
    for (int c = 2; c < kShape.channels; c += 2) {
      for (int i = 0; i < q2; ++i) {
        const int from = (c - 2) * q2 + i, to = c * q2 + i;
        const bool bit = code[from / 8] >> (from % 8) & 1;
        code[to / 8] = static_cast<uint8_t>((code[to / 8] & ~(1u << (to % 8))) | (bit << (to % 8)));
      }
    }
  }
  return codes;
}

TEST(EntropyPriorTest, ALearnedPriorCodesSimilarFramesSmallerAndLosslessly) {
  ContextCounts counts(kShape.channels);
  for (uint32_t seed = 10; seed < 14; ++seed) {
    ASSERT_TRUE(CountCodeContexts(StructuredCodes(8, 8, seed), kShape, counts).ok());
  }
  const EntropyPrior prior = EntropyPrior::FromCounts(counts);
  const FrameCodes frame = StructuredCodes(3, 4, 99);  // small: learning costs the most here
  auto with_prior = EntropyEncodeCodes(frame, kShape, prior);
  auto without = EntropyEncodeCodes(frame, kShape, kNoPrior);
  ASSERT_TRUE(with_prior.ok() && without.ok());
  ExpectRoundTrip(frame, *with_prior, prior);
  EXPECT_LT(with_prior->size(), without->size() * 0.85);
  // Decoding with another prior than the encoder's does not give the codes back (it is
  // usually caught: the decoder then reads another number of bytes than were coded).
  auto wrong = EntropyDecodeCodes(*with_prior, frame, kShape, kNoPrior);
  EXPECT_TRUE(!wrong.ok() || wrong->bytes != frame.bytes);
}

TEST(EntropyPriorTest, CountsFollowTheBits) {
  ContextCounts counts(kShape.channels);
  const FrameCodes zeros = RandomCodes(2, 3, 0.0, 1);
  ASSERT_TRUE(CountCodeContexts(zeros, kShape, counts).ok());
  int64_t zero_total = 0, one_total = 0;
  for (size_t k = 0; k < counts.zeros.size(); ++k) {
    zero_total += counts.zeros[k];
    one_total += counts.ones[k];
  }
  EXPECT_EQ(counts.bits, int64_t{6} * kShape.bits());
  EXPECT_EQ(zero_total, 2 * counts.bits);  // each bit in both models' contexts
  EXPECT_EQ(one_total, 0);
  ContextCounts other(8);
  EXPECT_FALSE(CountCodeContexts(zeros, kShape, other).ok());
}

TEST(EntropyPriorTest, SavesAndLoadsExactly) {
  ContextCounts counts(kShape.channels);
  ASSERT_TRUE(CountCodeContexts(StructuredCodes(6, 6, 7), kShape, counts).ok());
  const EntropyPrior prior = EntropyPrior::FromCounts(counts);
  const std::string path =
      (std::filesystem::temp_directory_path() / "nqe_entropy_prior_test.prior").string();
  ASSERT_TRUE(prior.Save(path, "test prior\nsecond comment line").ok());
  auto loaded = EntropyPrior::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->channels(), kShape.channels);
  EXPECT_EQ(loaded->Checksum(), prior.Checksum());
  EXPECT_NE(prior.Checksum(), kNoPrior.Checksum());
  // The same starting models: the same bytes out.
  const FrameCodes frame = StructuredCodes(2, 5, 8);
  EXPECT_EQ(*EntropyEncodeCodes(frame, kShape, prior), *EntropyEncodeCodes(frame, kShape, *loaded));
  std::filesystem::remove(path);
}

TEST(EntropyPriorTest, RejectsMalformedFiles) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "nqe_entropy_prior_bad.prior").string();
  auto load = [&](const std::string& text) {
    std::ofstream(path) << text;
    return EntropyPrior::Load(path).status();
  };
  EXPECT_EQ(EntropyPrior::Load(path + ".missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(load("not a prior\n").ok());
  EXPECT_FALSE(load("nqe-entropy-prior 1\nchannels 1 contexts_per_channel 81\n").ok());
  // A prior of the coder before mixing (version 1: 243 contexts per channel) is refused.
  std::string old_coder = "nqe-entropy-prior 1\nchannels 1 contexts_per_channel 243\n";
  for (int k = 0; k < 243; ++k) old_coder += "2048 ";
  EXPECT_FALSE(load(old_coder + "\n").ok());
  std::string one_channel = "nqe-entropy-prior 1\nchannels 1 contexts_per_channel 972\n";
  for (int k = 0; k < 972; ++k) one_channel += "2048 ";
  EXPECT_TRUE(load(one_channel + "\n").ok());
  EXPECT_FALSE(load(one_channel + "2048\n").ok());                                  // one too many
  EXPECT_FALSE(load(one_channel.substr(0, one_channel.size() - 5) + "0 \n").ok());  // p = 0
  EXPECT_FALSE(load(one_channel.substr(0, one_channel.size() - 5) + "x \n").ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace nqe
