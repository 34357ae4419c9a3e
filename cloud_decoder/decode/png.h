// PNG encoding of a decoder's RGB output (the format frames are stored and served in).
#ifndef NQE_CLOUD_DECODER_DECODE_PNG_H_
#define NQE_CLOUD_DECODER_DECODE_PNG_H_

#include <string>

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::decode {

// `rgb`: CV_8UC3 in R,G,B order (PurenetDecoder's output). Fast compression level (our
// choice: PNG level 1 is lossless like the others and several times cheaper to write).
absl::StatusOr<std::string> EncodeRgbPng(const cv::Mat& rgb);

}  // namespace nqe::decode

#endif  // NQE_CLOUD_DECODER_DECODE_PNG_H_
