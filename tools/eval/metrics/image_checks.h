// Argument checks shared by the metrics: both images 8-bit 3-channel and the same size.
#ifndef NQE_TOOLS_EVAL_METRICS_IMAGE_CHECKS_H_
#define NQE_TOOLS_EVAL_METRICS_IMAGE_CHECKS_H_

#include "absl/status/status.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

absl::Status CheckRgb8(const cv::Mat& image, const char* what);
absl::Status CheckSameRgb8(const cv::Mat& reference, const cv::Mat& reconstruction);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_METRICS_IMAGE_CHECKS_H_
