// The codecs users would pick instead of NQE (issue 6, item 4), behind one interface so that
// the rate search, the metrics and the report treat them alike. One file per codec
// (jpeg.cc, webp.cc, jp2.cc, avif.cc); MakeBaselineCodec picks one by name.
//
// Every codec exposes one integer "knob" whose larger values give larger files (the quality
// for JPEG/WebP, the inverse quantiser for AVIF, the requested rate for JPEG 2000). The rate
// search (rate_search.h) bisects it, so the knob need only be roughly monotone.
#ifndef NQE_TOOLS_EVAL_BASELINES_BASELINE_CODEC_H_
#define NQE_TOOLS_EVAL_BASELINES_BASELINE_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

// Knob values grow with file size, so smallest_file <= largest_file.
struct KnobRange {
  int smallest_file = 0;  // the knob value giving the smallest file
  int largest_file = 0;   // the knob value giving the largest file we search
};

class BaselineCodec {
 public:
  virtual ~BaselineCodec() = default;

  // "jpeg", "webp", "jp2" or "avif".
  virtual absl::string_view name() const = 0;

  // Describes a knob value for the CSV, e.g. "q=37".
  virtual std::string DescribeKnob(int knob) const = 0;

  // The knob interval to search when aiming at `target_bpp` bits per pixel.
  virtual KnobRange SearchRange(double target_bpp) const = 0;

  // `rgb` is CV_8UC3 in R, G, B order; the result is the complete file a user would store.
  // Const and thread-safe: every codec keeps its state per call.
  virtual absl::StatusOr<std::vector<uint8_t>> Encode(const cv::Mat& rgb, int knob) const = 0;

  // The CV_8UC3 R, G, B image back from Encode's bytes.
  virtual absl::StatusOr<cv::Mat> Decode(absl::Span<const uint8_t> file) const = 0;
};

// The codec called `name`; InvalidArgument listing the known names otherwise.
absl::StatusOr<std::unique_ptr<BaselineCodec>> MakeBaselineCodec(absl::string_view name);

// The names MakeBaselineCodec accepts, for --help texts and reports.
std::vector<std::string> BaselineCodecNames();

// One constructor per codec file.
std::unique_ptr<BaselineCodec> MakeJpegCodec();
std::unique_ptr<BaselineCodec> MakeWebpCodec();
std::unique_ptr<BaselineCodec> MakeJpeg2000Codec();
std::unique_ptr<BaselineCodec> MakeAvifCodec();

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_BASELINES_BASELINE_CODEC_H_
