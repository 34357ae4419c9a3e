// Multi-scale SSIM (Wang, Simoncelli, Bovik, "Multi-scale structural similarity for image
// quality assessment", Asilomar 2003), as in the authors' reference code (msssim.m):
// 5 scales, 11 x 11 Gaussian window with sigma 1.5 applied without padding ("valid"),
// K1 = 0.01, K2 = 0.03, L = 255, exponents 0.0448, 0.2856, 0.3001, 0.2363, 0.1333, and a 2 x 2
// average then decimation by 2 between scales. MS-SSIM = prod_{j<M} cs_j^w_j * ssim_M^w_M.
//
// Our choices, where the paper leaves room:
// - Computed on luma Y = 0.299 R + 0.587 G + 0.114 B (BT.601, in float, 0..255), as the paper
//   evaluates greyscale images; not on RGB-averaged SSIM.
// - Small images: the coarsest scale needs at least 11 x 11 pixels, i.e. 176 px on the short
//   side for 5 scales. A smaller image uses M = 1 + floor(log2(short_side / 11)) scales (the
//   finest ones) with their exponents rescaled to sum to 1; below 11 px it is an error.
// - An odd side loses its last row/column when halved (2 x 2 block means).
// - A negative cs or ssim at some scale (possible for very poor reconstructions) is clamped to
//   0 before the power, so the result stays in [0, 1] instead of becoming NaN.
#ifndef NQE_TOOLS_EVAL_METRICS_MSSSIM_H_
#define NQE_TOOLS_EVAL_METRICS_MSSSIM_H_

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

inline constexpr int kMsSsimScales = 5;
inline constexpr int kSsimWindow = 11;

// The number of scales MS-SSIM uses for an image whose short side is `short_side` (0 if none).
int MsSsimScalesFor(int short_side);

// Both images CV_8UC3 (R, G, B), the same size, short side >= 11.
absl::StatusOr<double> MsSsim(const cv::Mat& reference, const cv::Mat& reconstruction);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_METRICS_MSSSIM_H_
