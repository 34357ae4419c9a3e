// Peak signal-to-noise ratio of an 8-bit RGB reconstruction (the figure the issue and DESIGN.md
// quote: MSE over every pixel and all three channels, peak 255).
#ifndef NQE_TOOLS_EVAL_METRICS_PSNR_H_
#define NQE_TOOLS_EVAL_METRICS_PSNR_H_

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

// Identical images would give +infinity; we report this cap instead so that means over a set
// stay finite (our choice; a lossless result is the only way to reach it).
inline constexpr double kMaxPsnrDb = 100.0;

// 10 log10(255^2 / MSE) over all H x W x 3 values. Both images CV_8UC3 of the same size.
absl::StatusOr<double> Psnr(const cv::Mat& reference, const cv::Mat& reconstruction);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_METRICS_PSNR_H_
