// PSNR, MS-SSIM and blockiness against values worked out by hand.
#include <cmath>

#include "gtest/gtest.h"
#include "opencv2/core.hpp"
#include "opencv2/imgproc.hpp"
#include "tools/eval/metrics/blockiness.h"
#include "tools/eval/metrics/msssim.h"
#include "tools/eval/metrics/psnr.h"

namespace nqe::eval {
namespace {

cv::Mat Noise(int rows, int cols, uint64_t seed) {
  cv::Mat image(rows, cols, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  return image;
}

// A smooth, textured image: every neighbour difference is small and there is no grid.
cv::Mat Smooth(int rows, int cols) {
  cv::Mat image(rows, cols, CV_8UC3);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) {
      const double v = 128 + 60 * std::sin(x * 0.37) * std::cos(y * 0.23);
      image.at<cv::Vec3b>(y, x) =
          cv::Vec3b(cv::saturate_cast<uint8_t>(v), cv::saturate_cast<uint8_t>(255 - v),
                    cv::saturate_cast<uint8_t>(v / 2));
    }
  }
  return image;
}

TEST(PsnrTest, IdenticalImagesGiveTheCap) {
  const cv::Mat a = Noise(20, 30, 1);
  EXPECT_EQ(*Psnr(a, a), kMaxPsnrDb);
}

TEST(PsnrTest, OneValueOffByFullScale) {
  // MSE = 255^2 / 300 over 10 x 10 x 3 values, so PSNR = 10 log10(300) = 24.771 dB.
  cv::Mat a(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat b = a.clone();
  b.at<cv::Vec3b>(4, 7)[1] = 255;
  EXPECT_NEAR(*Psnr(a, b), 10 * std::log10(300.0), 1e-9);
}

TEST(PsnrTest, RefusesMismatchedImages) {
  EXPECT_FALSE(Psnr(Noise(10, 10, 1), Noise(10, 11, 1)).ok());
  EXPECT_FALSE(Psnr(cv::Mat(10, 10, CV_8UC1), cv::Mat(10, 10, CV_8UC1)).ok());
}

TEST(MsSsimTest, IdenticalImagesScoreOne) {
  const cv::Mat a = Noise(200, 180, 2);
  EXPECT_NEAR(*MsSsim(a, a), 1.0, 1e-12);
}

TEST(MsSsimTest, FlatImagesReduceToTheLuminanceTerm) {
  // Two flat grey images (100 and 110): every variance and covariance is 0, so cs = 1 at all
  // scales and MS-SSIM = l^w5 with l = (2*100*110 + C1) / (100^2 + 110^2 + C1), C1 = 2.55^2.
  const cv::Mat a(192, 192, CV_8UC3, cv::Scalar(100, 100, 100));
  const cv::Mat b(192, 192, CV_8UC3, cv::Scalar(110, 110, 110));
  const double c1 = 2.55 * 2.55;
  const double l = (2 * 100.0 * 110 + c1) / (100.0 * 100 + 110.0 * 110 + c1);
  // Tolerance: E[x^2] - E[x]^2 leaves ~1e-7 of rounding in the variances.
  EXPECT_NEAR(*MsSsim(a, b), std::pow(l, 0.1333), 1e-6);
}

TEST(MsSsimTest, SmallImagesUseFewerScales) {
  EXPECT_EQ(MsSsimScalesFor(176), 5);
  EXPECT_EQ(MsSsimScalesFor(175), 4);
  EXPECT_EQ(MsSsimScalesFor(64), 3);
  EXPECT_EQ(MsSsimScalesFor(11), 1);
  EXPECT_EQ(MsSsimScalesFor(10), 0);
  // With one scale the exponent is renormalised to 1: plain mean SSIM of the flat pair.
  const cv::Mat a(16, 16, CV_8UC3, cv::Scalar(100, 100, 100));
  const cv::Mat b(16, 16, CV_8UC3, cv::Scalar(110, 110, 110));
  const double c1 = 2.55 * 2.55;
  EXPECT_NEAR(*MsSsim(a, b), (22000 + c1) / (22100 + c1), 1e-9);
  EXPECT_FALSE(MsSsim(Noise(10, 40, 1), Noise(10, 40, 2)).ok());
}

TEST(MsSsimTest, MoreNoiseScoresLower) {
  const cv::Mat clean = Smooth(200, 200);
  double previous = 1.0;
  for (double sigma : {2.0, 8.0, 32.0}) {
    cv::Mat noise(clean.size(), CV_16SC3);
    cv::RNG(7).fill(noise, cv::RNG::NORMAL, 0, sigma);
    cv::Mat noisy;
    clean.convertTo(noisy, CV_16SC3);
    noisy += noise;
    noisy.convertTo(noisy, CV_8UC3);
    const double score = *MsSsim(clean, noisy);
    EXPECT_LT(score, previous) << "sigma " << sigma;
    EXPECT_GT(score, 0.0);
    previous = score;
  }
}

TEST(BlockinessTest, RampIsExactlyOne) {
  // Every horizontal step is 2 and every vertical step 1, at borders and inside alike:
  // both means are (2 + 1) / 2 = 1.5 per pair.
  cv::Mat image(96, 96, CV_8UC3);
  for (int y = 0; y < 96; ++y) {
    for (int x = 0; x < 96; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(2 * x, y, 2 * x);
  }
  EXPECT_DOUBLE_EQ(*Blockiness(image), 1.0);
}

TEST(BlockinessTest, SmoothTextureIsAboutOne) {
  // Blurred noise is stationary: borders see the same gradients as the interiors on average.
  cv::Mat image;
  cv::GaussianBlur(Noise(512, 512, 4), image, cv::Size(0, 0), 3.0);
  EXPECT_NEAR(*Blockiness(image), 1.0, 0.05);
}

TEST(BlockinessTest, BlockyImageIsAboveOne) {
  // Constant 32 x 32 blocks on a gentle ramp: steps only at the borders.
  cv::Mat image(128, 128, CV_8UC3);
  cv::RNG rng(3);
  for (int by = 0; by < 4; ++by) {
    for (int bx = 0; bx < 4; ++bx) {
      const int level = rng.uniform(40, 200);
      for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 32; ++x) {
          const uint8_t v = cv::saturate_cast<uint8_t>(level + (x + y) / 8);
          image.at<cv::Vec3b>(by * 32 + y, bx * 32 + x) = cv::Vec3b(v, v, v);
        }
      }
    }
  }
  EXPECT_GT(*Blockiness(image), 10.0);
}

TEST(BlockinessTest, HandChecked) {
  // 2 rows x 4 columns, block size 2, so the only border is between columns 1 and 2 (rows 0
  // and 1 are one block). Every channel holds
  //   row 0: 0 0 6 9
  //   row 1: 0 0 6 6
  // Border pairs: (1,2) in each row: 6, 6 -> mean 6. Inside pairs: horizontal (0,1) 0, 0 and
  // (2,3) 3, 0; vertical 0, 0, 0, 3 -> 6 / 8 = 0.75. Blockiness = 6 / 0.75 = 8.
  cv::Mat image(2, 4, CV_8UC3, cv::Scalar(0, 0, 0));
  image.colRange(2, 4).setTo(cv::Scalar(6, 6, 6));
  EXPECT_TRUE(std::isinf(*Blockiness(image, 2)));  // no step inside any block
  image.at<cv::Vec3b>(0, 3) = cv::Vec3b(9, 9, 9);
  EXPECT_DOUBLE_EQ(*Blockiness(image, 2), 8.0);
}

TEST(BlockinessTest, FlatImageIsOneAndTinyImageIsAnError) {
  EXPECT_EQ(*Blockiness(cv::Mat(64, 64, CV_8UC3, cv::Scalar(5, 5, 5))), 1.0);
  EXPECT_FALSE(Blockiness(Noise(32, 32, 1)).ok());
}

}  // namespace
}  // namespace nqe::eval
