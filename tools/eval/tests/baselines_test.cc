// Every baseline codec round-trips an image, and the rate search meets its budget or says so.
#include <cmath>

#include "gtest/gtest.h"
#include "opencv2/core.hpp"
#include "opencv2/imgproc.hpp"
#include "tools/eval/baselines/baseline_codec.h"
#include "tools/eval/baselines/rate_search.h"
#include "tools/eval/metrics/psnr.h"

namespace nqe::eval {
namespace {

// A smooth colour image with some texture: compressible, like a photo.
cv::Mat TestImage() {
  cv::Mat image(160, 192, CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      image.at<cv::Vec3b>(y, x) =
          cv::Vec3b(cv::saturate_cast<uint8_t>(128 + 80 * std::sin(x * 0.11)),
                    cv::saturate_cast<uint8_t>(128 + 80 * std::cos(y * 0.07)),
                    cv::saturate_cast<uint8_t>(128 + 60 * std::sin((x + y) * 0.05)));
    }
  }
  return image;
}

class BaselineCodecTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BaselineCodecTest, RoundTripsAtHighQuality) {
  auto codec = MakeBaselineCodec(GetParam());
  ASSERT_TRUE(codec.ok()) << codec.status();
  const cv::Mat image = TestImage();
  const KnobRange range = (*codec)->SearchRange(4.0);
  auto file = (*codec)->Encode(image, range.largest_file);
  ASSERT_TRUE(file.ok()) << file.status();
  auto decoded = (*codec)->Decode(*file);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->size(), image.size());
  EXPECT_GT(*Psnr(image, *decoded), 30.0) << GetParam();
}

TEST_P(BaselineCodecTest, RateSearchFitsTheBudget) {
  auto codec = MakeBaselineCodec(GetParam());
  ASSERT_TRUE(codec.ok());
  const cv::Mat image = TestImage();
  for (double bpp : {1.0, 2.0}) {
    auto found = SearchRate(**codec, image, bpp);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_TRUE(found->within_budget) << GetParam() << " at " << bpp;
    EXPECT_LE(found->file.size() * 8.0, bpp * image.total());
    // Closest from below: the next knob up (if any) gives no larger file that still fits
    // (OpenJPEG's sizes are not strictly monotone in the requested rate, so it may fit with a
    // smaller file).
    const KnobRange range = (*codec)->SearchRange(bpp);
    if (found->knob != range.largest_file) {
      auto bigger = (*codec)->Encode(image, found->knob + 1);
      ASSERT_TRUE(bigger.ok());
      const bool fits = bigger->size() * 8.0 <= bpp * image.total();
      EXPECT_TRUE(!fits || bigger->size() <= found->file.size()) << GetParam();
    }
  }
}

TEST_P(BaselineCodecTest, ImpossibleBudgetIsReportedNotDropped) {
  auto codec = MakeBaselineCodec(GetParam());
  ASSERT_TRUE(codec.ok());
  auto found = SearchRate(**codec, TestImage(), 0.001);  // 12 bits: no header fits
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->within_budget);
  EXPECT_FALSE(found->file.empty());  // the best effort is still there to decode
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BaselineCodecTest, ::testing::ValuesIn(BaselineCodecNames()));

TEST(BaselineCodecFactoryTest, UnknownNameListsTheKnownOnes) {
  auto codec = MakeBaselineCodec("bpg");
  ASSERT_FALSE(codec.ok());
  EXPECT_NE(codec.status().message().find("jpeg"), std::string::npos);
}

}  // namespace
}  // namespace nqe::eval
