// OpenCV images <-> the engine's ImageU8 (RGB), and image-file bytes -> ImageU8.
#ifndef NQE_EDGE_ENCODER_DAEMON_IMAGE_CONVERT_H_
#define NQE_EDGE_ENCODER_DAEMON_IMAGE_CONVERT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "edge_encoder/engine/image.h"
#include "opencv2/core.hpp"

namespace nqe::edge {

// A CV_8UC3 BGR (OpenCV's order) or CV_8UC1 grey Mat -> RGB ImageU8.
absl::StatusOr<ImageU8> ImageFromBgr(const cv::Mat& bgr);

// PNG/JPEG/... bytes -> RGB. InvalidArgument if OpenCV cannot decode them.
absl::StatusOr<ImageU8> DecodeImageBytes(absl::string_view bytes);

// `bgr` resized to height x width with INTER_AREA (the classifier's input; our choice of
// filter: area averaging does not alias when shrinking), -> RGB.
absl::StatusOr<ImageU8> ResizedImage(const cv::Mat& bgr, int height, int width);

// Decodes bytes into a BGR Mat (for callers that resize before converting).
absl::StatusOr<cv::Mat> DecodeToBgr(absl::string_view bytes);

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_IMAGE_CONVERT_H_
