// image: and folder: sources. Files are read when their frame is due, not up front.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "edge_encoder/daemon/frame_source.h"
#include "edge_encoder/daemon/image_convert.h"
#include "opencv2/imgcodecs.hpp"

namespace nqe::edge {
namespace {

class ImageListSource : public FrameSource {
 public:
  ImageListSource(std::vector<std::string> paths, bool loop)
      : paths_(std::move(paths)), loop_(loop) {}

  absl::StatusOr<std::optional<CapturedFrame>> Next() override {
    if (next_ == paths_.size()) {
      if (!loop_) return std::nullopt;
      next_ = 0;
    }
    const std::string& path = paths_[next_++];
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) return absl::InvalidArgumentError(absl::StrCat("cannot read image ", path));
    absl::StatusOr<ImageU8> image = ImageFromBgr(bgr);
    if (!image.ok()) return image.status();
    return CapturedFrame{*std::move(image), NowUnixNanos(), path};
  }

 private:
  const std::vector<std::string> paths_;
  const bool loop_;
  size_t next_ = 0;
};

bool IsImageFile(const std::filesystem::path& path) {
  const std::string ext = absl::AsciiStrToLower(path.extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

}  // namespace

absl::StatusOr<std::unique_ptr<FrameSource>> OpenImageFile(const std::string& path, bool loop) {
  if (!std::filesystem::is_regular_file(path)) {
    return absl::NotFoundError(absl::StrCat("no image file ", path));
  }
  return std::make_unique<ImageListSource>(std::vector<std::string>{path}, loop);
}

absl::StatusOr<std::unique_ptr<FrameSource>> OpenImageFolder(const std::string& dir, bool loop) {
  std::error_code error;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && IsImageFile(entry.path())) paths.push_back(entry.path());
  }
  if (error) return absl::NotFoundError(absl::StrCat("cannot list ", dir, ": ", error.message()));
  if (paths.empty()) return absl::NotFoundError(absl::StrCat("no images in ", dir));
  std::sort(paths.begin(), paths.end());
  return std::make_unique<ImageListSource>(std::move(paths), loop);
}

}  // namespace nqe::edge
