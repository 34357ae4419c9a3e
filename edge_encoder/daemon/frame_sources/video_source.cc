// video: and v4l2: sources through OpenCV's VideoCapture (FFmpeg for files, V4L2 for devices).
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "edge_encoder/daemon/frame_source.h"
#include "edge_encoder/daemon/image_convert.h"
#include "opencv2/videoio.hpp"

namespace nqe::edge {
namespace {

class VideoCaptureSource : public FrameSource {
 public:
  VideoCaptureSource(std::string target, bool loop) : target_(std::move(target)), loop_(loop) {}

  absl::Status Open() {
    int device_index = 0;
    const bool opened = absl::SimpleAtoi(target_, &device_index)
                            ? capture_.open(device_index, cv::CAP_V4L2)
                            : capture_.open(target_);
    if (!opened || !capture_.isOpened()) {
      return absl::NotFoundError(absl::StrCat("cannot open video source ", target_));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<CapturedFrame>> Next() override {
    cv::Mat bgr;
    if (!capture_.read(bgr) || bgr.empty()) {
      if (!loop_ || !capture_.set(cv::CAP_PROP_POS_FRAMES, 0) || !capture_.read(bgr) ||
          bgr.empty()) {
        return std::nullopt;
      }
    }
    const int64_t captured = NowUnixNanos();
    absl::StatusOr<ImageU8> image = ImageFromBgr(bgr);
    if (!image.ok()) return image.status();
    return CapturedFrame{*std::move(image), captured, absl::StrCat(target_, "#", ++frames_)};
  }

 private:
  const std::string target_;
  const bool loop_;
  cv::VideoCapture capture_;
  int64_t frames_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FrameSource>> OpenVideoCapture(const std::string& target,
                                                              bool loop) {
  auto source = std::make_unique<VideoCaptureSource>(target, loop);
  if (absl::Status status = source->Open(); !status.ok()) return status;
  return source;
}

}  // namespace nqe::edge
