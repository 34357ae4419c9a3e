#include "cloud_decoder/decode/png.h"

#include <vector>

#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

namespace nqe::decode {

absl::StatusOr<std::string> EncodeRgbPng(const cv::Mat& rgb) {
  if (rgb.type() != CV_8UC3) return absl::InvalidArgumentError("PNG input is not 8-bit RGB");
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // OpenCV's codecs read BGR
  std::vector<uint8_t> png;
  try {
    if (!cv::imencode(".png", bgr, png, {cv::IMWRITE_PNG_COMPRESSION, 1})) {
      return absl::InternalError("PNG encoding failed");
    }
  } catch (const cv::Exception& e) {
    return absl::InternalError(std::string("PNG encoding failed: ") + e.what());
  }
  return std::string(png.begin(), png.end());
}

}  // namespace nqe::decode
