// pattern: a synthetic frame that changes every frame (a colour gradient scrolling right and a
// moving square), so a pipeline can be exercised without a camera or files.
#include <string>

#include "absl/strings/str_cat.h"
#include "edge_encoder/daemon/frame_source.h"

namespace nqe::edge {
namespace {

class TestPatternSource : public FrameSource {
 public:
  TestPatternSource(int width, int height) : width_(width), height_(height) {}

  absl::StatusOr<std::optional<CapturedFrame>> Next() override {
    ImageU8 image(height_, width_);
    const int shift = static_cast<int>(frame_ * 4);
    const int square = std::max(4, std::min(width_, height_) / 4);
    const int square_x = static_cast<int>((frame_ * 3) % std::max(1, width_ - square));
    for (int y = 0; y < height_; ++y) {
      for (int x = 0; x < width_; ++x) {
        uint8_t* p = image.pixel(y, x);
        const bool in_square =
            x >= square_x && x < square_x + square && y >= height_ / 3 && y < height_ / 3 + square;
        p[0] = in_square ? 255 : static_cast<uint8_t>((x + shift) * 255 / std::max(1, width_));
        p[1] = in_square ? 255 : static_cast<uint8_t>(y * 255 / std::max(1, height_));
        p[2] = in_square ? 0 : static_cast<uint8_t>(128 + ((x / 16 + y / 16) % 2) * 64);
      }
    }
    return CapturedFrame{std::move(image), NowUnixNanos(), absl::StrCat("pattern#", ++frame_)};
  }

 private:
  const int width_;
  const int height_;
  int64_t frame_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FrameSource>> OpenTestPattern(int width, int height) {
  if (width < 1 || height < 1 || width > 8192 || height > 8192) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern size ", width, "x", height, " outside 1..8192"));
  }
  return std::make_unique<TestPatternSource>(width, height);
}

}  // namespace nqe::edge
