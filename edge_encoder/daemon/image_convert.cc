#include "edge_encoder/daemon/image_convert.h"

#include <algorithm>
#include <vector>

#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

namespace nqe::edge {

absl::StatusOr<ImageU8> ImageFromBgr(const cv::Mat& image) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 3 && image.channels() != 1)) {
    return absl::InvalidArgumentError("not an 8-bit grey or colour image");
  }
  cv::Mat rgb;
  cv::cvtColor(image, rgb, image.channels() == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_GRAY2RGB);
  ImageU8 out(rgb.rows, rgb.cols);
  for (int y = 0; y < rgb.rows; ++y) {
    std::copy_n(rgb.ptr<uint8_t>(y), static_cast<size_t>(rgb.cols) * 3, out.pixel(y, 0));
  }
  return out;
}

absl::StatusOr<cv::Mat> DecodeToBgr(absl::string_view bytes) {
  if (bytes.empty()) return absl::InvalidArgumentError("empty image");
  const std::vector<uint8_t> buffer(bytes.begin(), bytes.end());
  cv::Mat bgr;
  try {
    bgr = cv::imdecode(buffer, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return absl::InvalidArgumentError(std::string("cannot decode image: ") + e.what());
  }
  if (bgr.empty()) return absl::InvalidArgumentError("cannot decode image (not PNG/JPEG?)");
  return bgr;
}

absl::StatusOr<ImageU8> DecodeImageBytes(absl::string_view bytes) {
  absl::StatusOr<cv::Mat> bgr = DecodeToBgr(bytes);
  if (!bgr.ok()) return bgr.status();
  return ImageFromBgr(*bgr);
}

absl::StatusOr<ImageU8> ResizedImage(const cv::Mat& bgr, int height, int width) {
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  return ImageFromBgr(resized);
}

}  // namespace nqe::edge
