// Blockiness: how visible a P x P patch grid is in a reconstruction (issue 6, item 4).
//
//   blockiness = mean |I(p) - I(q)| over neighbour pairs (p, q) that straddle a patch border
//              / mean |I(p) - I(q)| over neighbour pairs inside one patch
//
// Neighbours are horizontal and vertical pixel pairs, over all three RGB channels (our choice:
// the colour seams of a codec count too). Borders are at multiples of P from the top-left
// corner, where the NQE encoder cuts its patches (and where JPEG's 8 x 8 blocks also fall
// when P is a multiple of 8). 1.0 means the borders are as smooth as the patch interiors; a
// blocky image scores above 1.
#ifndef NQE_TOOLS_EVAL_METRICS_BLOCKINESS_H_
#define NQE_TOOLS_EVAL_METRICS_BLOCKINESS_H_

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

inline constexpr int kDefaultBlockSize = 32;

// `image` CV_8UC3. Errors if the image has no patch border (both sides <= block_size) or no
// pair inside a patch. A perfectly flat image (both means 0) scores 1.0.
absl::StatusOr<double> Blockiness(const cv::Mat& image, int block_size = kDefaultBlockSize);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_METRICS_BLOCKINESS_H_
