#include "tools/eval/baselines/opencv_codec.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

namespace nqe::eval {
namespace {

class OpenCvCodec : public BaselineCodec {
 public:
  explicit OpenCvCodec(OpenCvCodecSettings settings) : settings_(std::move(settings)) {}

  absl::string_view name() const override { return settings_.name; }
  std::string DescribeKnob(int knob) const override { return absl::StrCat("q=", knob); }
  KnobRange SearchRange(double /*target_bpp*/) const override { return settings_.quality_range; }

  absl::StatusOr<std::vector<uint8_t>> Encode(const cv::Mat& rgb, int knob) const override {
    cv::Mat bgr;  // OpenCV's codecs read B, G, R
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uint8_t> file;
    try {
      if (!cv::imencode(settings_.extension, bgr, file, {settings_.quality_flag, knob})) {
        return absl::InternalError(absl::StrCat(settings_.name, ": cv::imencode failed"));
      }
    } catch (const cv::Exception& e) {
      return absl::InternalError(absl::StrCat(settings_.name, ": ", e.what()));
    }
    return file;
  }

  absl::StatusOr<cv::Mat> Decode(absl::Span<const uint8_t> file) const override {
    const cv::Mat buffer(1, static_cast<int>(file.size()), CV_8U,
                         const_cast<uint8_t*>(file.data()));
    const cv::Mat bgr = cv::imdecode(buffer, cv::IMREAD_COLOR);
    if (bgr.empty()) {
      return absl::DataLossError(absl::StrCat(settings_.name, ": cv::imdecode failed"));
    }
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
  }

 private:
  OpenCvCodecSettings settings_;
};

}  // namespace

std::unique_ptr<BaselineCodec> MakeOpenCvCodec(OpenCvCodecSettings settings) {
  return std::make_unique<OpenCvCodec>(std::move(settings));
}

}  // namespace nqe::eval
