// JPEG through OpenCV (libjpeg-turbo, baseline, 4:2:0 chroma: what cv::imwrite gives users).
#include "opencv2/imgcodecs.hpp"
#include "tools/eval/baselines/opencv_codec.h"

namespace nqe::eval {

std::unique_ptr<BaselineCodec> MakeJpegCodec() {
  return MakeOpenCvCodec({"jpeg", ".jpg", cv::IMWRITE_JPEG_QUALITY, {1, 100}});
}

}  // namespace nqe::eval
