#include "tools/eval/metrics/msssim.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_format.h"
#include "opencv2/imgproc.hpp"
#include "tools/eval/metrics/image_checks.h"

namespace nqe::eval {
namespace {

constexpr std::array<double, kMsSsimScales> kExponents = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
constexpr double kC1 = (0.01 * 255) * (0.01 * 255);
constexpr double kC2 = (0.03 * 255) * (0.03 * 255);

// BT.601 luma as CV_64F.
cv::Mat Luma(const cv::Mat& rgb) {
  cv::Mat luma;
  cv::Mat as_double;
  rgb.convertTo(as_double, CV_64F);
  cv::transform(as_double, luma, cv::Matx13d(0.299, 0.587, 0.114));
  return luma;
}

// The Gaussian-weighted local mean, only where the whole window lies inside the image.
cv::Mat FilterValid(const cv::Mat& image) {
  static const cv::Mat kernel = cv::getGaussianKernel(kSsimWindow, 1.5, CV_64F);
  cv::Mat filtered;
  cv::sepFilter2D(image, filtered, CV_64F, kernel, kernel);
  const int half = kSsimWindow / 2;
  return filtered(cv::Rect(half, half, image.cols - 2 * half, image.rows - 2 * half));
}

struct ScaleTerms {
  double cs = 0;    // mean contrast-structure term
  double ssim = 0;  // mean SSIM (luminance * contrast-structure)
};

ScaleTerms SsimAtScale(const cv::Mat& x, const cv::Mat& y) {
  const cv::Mat mu_x = FilterValid(x);
  const cv::Mat mu_y = FilterValid(y);
  const cv::Mat mu_xx = mu_x.mul(mu_x);
  const cv::Mat mu_yy = mu_y.mul(mu_y);
  const cv::Mat mu_xy = mu_x.mul(mu_y);
  const cv::Mat var_x = FilterValid(x.mul(x)) - mu_xx;
  const cv::Mat var_y = FilterValid(y.mul(y)) - mu_yy;
  const cv::Mat cov = FilterValid(x.mul(y)) - mu_xy;

  cv::Mat cs_map;
  cv::divide(2 * cov + kC2, var_x + var_y + kC2, cs_map);
  cv::Mat luminance_map;
  cv::divide(2 * mu_xy + kC1, mu_xx + mu_yy + kC1, luminance_map);
  return {cv::mean(cs_map)[0], cv::mean(luminance_map.mul(cs_map))[0]};
}

cv::Mat HalveByBlockMean(const cv::Mat& image) {
  cv::Mat half;
  const cv::Mat even = image(cv::Rect(0, 0, image.cols / 2 * 2, image.rows / 2 * 2));
  cv::resize(even, half, cv::Size(even.cols / 2, even.rows / 2), 0, 0, cv::INTER_AREA);
  return half;
}

}  // namespace

int MsSsimScalesFor(int short_side) {
  int scales = 0;
  while (scales < kMsSsimScales && (short_side >> scales) >= kSsimWindow) ++scales;
  return scales;
}

absl::StatusOr<double> MsSsim(const cv::Mat& reference, const cv::Mat& reconstruction) {
  if (absl::Status s = CheckSameRgb8(reference, reconstruction); !s.ok()) return s;
  const int scales = MsSsimScalesFor(std::min(reference.rows, reference.cols));
  if (scales == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("MS-SSIM needs at least %d x %d pixels, got %dx%d", kSsimWindow,
                        kSsimWindow, reference.cols, reference.rows));
  }
  double exponent_sum = 0;
  for (int j = 0; j < scales; ++j) exponent_sum += kExponents[j];

  cv::Mat x = Luma(reference);
  cv::Mat y = Luma(reconstruction);
  double result = 1.0;
  for (int j = 0; j < scales; ++j) {
    const ScaleTerms terms = SsimAtScale(x, y);
    const bool coarsest = j == scales - 1;
    const double term = std::max(0.0, coarsest ? terms.ssim : terms.cs);
    result *= std::pow(term, kExponents[j] / exponent_sum);
    if (!coarsest) {
      x = HalveByBlockMean(x);
      y = HalveByBlockMean(y);
    }
  }
  return result;
}

}  // namespace nqe::eval
