// PurenetDecoder with the tiny testdata pair (tools/eval/testdata): loading checks the code
// shape against the network, decoding crops to the frame, and missing patches decode.
#include "cloud_decoder/purenet/purenet_decoder.h"

#include <string>
#include <vector>

#include "cloud_decoder/purenet/missing_patches.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nqe {
namespace {

const std::string kDecoder = std::string(NQE_SOURCE_DIR) + "/tools/eval/testdata/purenet-tiny.onnx";
constexpr CodeShape kShape{16, 4};  // the tiny pair's 256-bit codes

FrameCodes Codes(int height, int width) {
  FrameCodes codes;
  codes.frame_height = height;
  codes.frame_width = width;
  codes.patch_size = 32;
  codes.grid = GridForFrame(height, width, 32);
  codes.bits_per_patch = kShape.bits();
  codes.bytes.resize(static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch());
  for (size_t i = 0; i < codes.bytes.size(); ++i) codes.bytes[i] = static_cast<uint8_t>(i * 37);
  return codes;
}

TEST(PurenetDecoderTest, RefusesACodeShapeTheNetworkDoesNotRead) {
  auto decoder = PurenetDecoder::Load(kDecoder, CodeShape{8, 4});
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoder.status().message(), testing::HasSubstr("does not read the encoder's 8 x 4"));
}

TEST(PurenetDecoderTest, NamesAFileThatIsNotOnnx) {
  auto decoder = PurenetDecoder::Load(std::string(NQE_SOURCE_DIR) + "/README.md", kShape);
  ASSERT_FALSE(decoder.ok());
  EXPECT_THAT(decoder.status().message(), testing::HasSubstr("README.md"));
}

TEST(PurenetDecoderTest, DecodesToTheFrameSizeAndFillsMissingPatches) {
  auto decoder = PurenetDecoder::Load(kDecoder, kShape);
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  const FrameCodes codes = Codes(70, 45);  // 3 x 2 patches, cropped after decoding
  absl::StatusOr<cv::Mat> full = (*decoder)->Decode(codes);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->rows, 70);
  EXPECT_EQ(full->cols, 45);
  EXPECT_EQ(full->type(), CV_8UC3);

  const std::vector<uint32_t> missing = {1, 4};
  absl::StatusOr<std::vector<bool>> received = ReceivedPatches(codes.grid.count(), missing);
  ASSERT_TRUE(received.ok());
  absl::StatusOr<cv::Mat> filled = (*decoder)->Decode(codes, &*received);
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(filled->size(), full->size());
  EXPECT_GT(cv::norm(*filled, *full, cv::NORM_L1), 0) << "missing patches changed nothing";

  std::vector<bool> wrong_size(codes.grid.count() + 1, true);
  EXPECT_FALSE((*decoder)->Decode(codes, &wrong_size).ok());
}

}  // namespace
}  // namespace nqe
