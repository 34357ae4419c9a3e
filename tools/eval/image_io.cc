#include "tools/eval/image_io.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

namespace nqe::eval {
namespace {

bool IsImageExtension(const std::string& extension) {
  static const char* const kExtensions[] = {".png", ".jpg", ".jpeg", ".bmp",
                                            ".ppm", ".tif", ".tiff", ".webp"};
  const std::string lower = absl::AsciiStrToLower(extension);
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return lower == e; });
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListImages(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("image directory ", dir, " does not exist"));
  }
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && IsImageExtension(entry.path().extension().string())) {
      paths.push_back(entry.path().string());
    }
  }
  if (error) return absl::InternalError(absl::StrCat("cannot list ", dir, ": ", error.message()));
  if (paths.empty()) return absl::NotFoundError(absl::StrCat("no image files in ", dir));
  std::sort(paths.begin(), paths.end());
  return paths;
}

absl::StatusOr<cv::Mat> ReadRgb(const std::string& path) {
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (bgr.empty()) return absl::InvalidArgumentError(absl::StrCat("cannot read image ", path));
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

ImageU8 ToImageU8(const cv::Mat& rgb) {
  ImageU8 image(rgb.rows, rgb.cols);
  for (int y = 0; y < rgb.rows; ++y) {
    std::copy_n(rgb.ptr<uint8_t>(y), static_cast<size_t>(rgb.cols) * ImageU8::kChannels,
                image.pixel(y, 0));
  }
  return image;
}

}  // namespace nqe::eval
