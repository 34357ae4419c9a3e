// PURENET: reconstructs a whole frame from its grid of patch codes with the float decoder
// network, exported to ONNX by training/nqe/codec/export.py and run by OpenCV's DNN module.
//
// The decoder sees every patch of the frame at once, so its convolutions smooth across patch
// borders. Its input is the code map of docs (training/nqe/codec/code_grid.py): patch (r, c)'s
// C x q x q code fills rows r*q.. and columns c*q.. of a C x rows*q x cols*q map, bit 1 as +1,
// bit 0 as -1, and a patch that never arrived as 0, which the decoder learned to fill in from
// its neighbours.
#ifndef NQE_CLOUD_DECODER_PURENET_PURENET_DECODER_H_
#define NQE_CLOUD_DECODER_PURENET_PURENET_DECODER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/codes/frame_codes.h"
#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace nqe {

// One decoder network. Thread-compatible, not thread-safe (an OpenCV DNN Net keeps state
// per forward pass): a worker pool holds one PurenetDecoder per worker.
class PurenetDecoder {
 public:
  static absl::StatusOr<std::unique_ptr<PurenetDecoder>> Load(const std::string& onnx_path,
                                                              CodeShape shape);

  // The frame_height x frame_width RGB reconstruction (CV_8UC3, R,G,B channel order).
  // `received`, when given, holds grid.count() flags; patches flagged false decode as missing.
  absl::StatusOr<cv::Mat> Decode(const FrameCodes& codes,
                                 const std::vector<bool>* received = nullptr);

  const CodeShape& code_shape() const { return shape_; }

 private:
  PurenetDecoder(cv::dnn::Net net, CodeShape shape) : net_(std::move(net)), shape_(shape) {}

  // The 1 x C x rows*q x cols*q float blob the network reads.
  cv::Mat CodeMap(const FrameCodes& codes, const std::vector<bool>* received) const;

  cv::dnn::Net net_;
  CodeShape shape_;
};

}  // namespace nqe

#endif  // NQE_CLOUD_DECODER_PURENET_PURENET_DECODER_H_
