// Reading the images nqe-eval evaluates, and converting them to the engine's image type.
#ifndef NQE_TOOLS_EVAL_IMAGE_IO_H_
#define NQE_TOOLS_EVAL_IMAGE_IO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "edge_encoder/engine/image.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

// The image files (.png, .jpg, .jpeg, .bmp, .ppm, .tif, .tiff, .webp; any case) directly in
// `dir`, sorted by file name. NotFound if `dir` is missing or holds no image.
absl::StatusOr<std::vector<std::string>> ListImages(const std::string& dir);

// The image at `path` as CV_8UC3 in R, G, B order (alpha dropped, grey expanded).
absl::StatusOr<cv::Mat> ReadRgb(const std::string& path);

// A copy of a CV_8UC3 R, G, B matrix as the engine's ImageU8.
ImageU8 ToImageU8(const cv::Mat& rgb);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_IMAGE_IO_H_
