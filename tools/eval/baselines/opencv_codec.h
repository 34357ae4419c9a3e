// A baseline codec run through OpenCV's imgcodecs (cv::imencode / cv::imdecode) with one
// quality parameter: shared by jpeg.cc and webp.cc, which differ only in the settings below.
#ifndef NQE_TOOLS_EVAL_BASELINES_OPENCV_CODEC_H_
#define NQE_TOOLS_EVAL_BASELINES_OPENCV_CODEC_H_

#include <memory>
#include <string>

#include "tools/eval/baselines/baseline_codec.h"

namespace nqe::eval {

struct OpenCvCodecSettings {
  std::string name;         // "jpeg"
  std::string extension;    // ".jpg": picks OpenCV's encoder
  int quality_flag = 0;     // cv::IMWRITE_JPEG_QUALITY
  KnobRange quality_range;  // e.g. {1, 100}
};

std::unique_ptr<BaselineCodec> MakeOpenCvCodec(OpenCvCodecSettings settings);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_BASELINES_OPENCV_CODEC_H_
