#include "tools/eval/metrics/image_checks.h"

#include "absl/strings/str_format.h"

namespace nqe::eval {

absl::Status CheckRgb8(const cv::Mat& image, const char* what) {
  if (image.empty() || image.type() != CV_8UC3) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s must be a non-empty 8-bit 3-channel image", what));
  }
  return absl::OkStatus();
}

absl::Status CheckSameRgb8(const cv::Mat& reference, const cv::Mat& reconstruction) {
  if (absl::Status s = CheckRgb8(reference, "reference"); !s.ok()) return s;
  if (absl::Status s = CheckRgb8(reconstruction, "reconstruction"); !s.ok()) return s;
  if (reference.size() != reconstruction.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("image sizes differ: %dx%d reference, %dx%d reconstruction", reference.cols,
                        reference.rows, reconstruction.cols, reconstruction.rows));
  }
  return absl::OkStatus();
}

}  // namespace nqe::eval
