// WebP (lossy) through OpenCV's libwebp. Quality 1..100; OpenCV treats > 100 as lossless, which
// the search never reaches.
#include "opencv2/imgcodecs.hpp"
#include "tools/eval/baselines/opencv_codec.h"

namespace nqe::eval {

std::unique_ptr<BaselineCodec> MakeWebpCodec() {
  return MakeOpenCvCodec({"webp", ".webp", cv::IMWRITE_WEBP_QUALITY, {1, 100}});
}

}  // namespace nqe::eval
