#include "tools/eval/metrics/psnr.h"

#include <algorithm>
#include <cmath>

#include "tools/eval/metrics/image_checks.h"

namespace nqe::eval {

absl::StatusOr<double> Psnr(const cv::Mat& reference, const cv::Mat& reconstruction) {
  if (absl::Status s = CheckSameRgb8(reference, reconstruction); !s.ok()) return s;
  // cv::norm(NORM_L2SQR) sums in double: exact for any image size we meet.
  const double squared_error = cv::norm(reference, reconstruction, cv::NORM_L2SQR);
  const double mse = squared_error / (static_cast<double>(reference.total()) * 3.0);
  if (mse == 0.0) return kMaxPsnrDb;
  return std::min(kMaxPsnrDb, 10.0 * std::log10(255.0 * 255.0 / mse));
}

}  // namespace nqe::eval
