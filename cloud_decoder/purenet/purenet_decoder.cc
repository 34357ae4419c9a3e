#include "cloud_decoder/purenet/purenet_decoder.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace nqe {

absl::StatusOr<std::unique_ptr<PurenetDecoder>> PurenetDecoder::Load(const std::string& onnx_path,
                                                                     CodeShape shape) {
  if (shape.channels <= 0 || shape.side <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid code shape ", shape.channels, "x", shape.side, "x", shape.side));
  }
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(onnx_path);
  } catch (const cv::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load PURENET decoder ", onnx_path, ": ", e.what()));
  }
  if (net.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("PURENET decoder ", onnx_path, " is empty"));
  }
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  // The ONNX file does not say which encoder it was trained with: decode one all-missing patch
  // now, so a decoder that reads another code shape fails here, named, and not on a frame.
  const int sizes[] = {1, shape.channels, shape.side, shape.side};
  cv::Mat out;
  try {
    net.setInput(cv::Mat(4, sizes, CV_32F, cv::Scalar(0)));
    out = net.forward();
  } catch (const cv::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("PURENET decoder ", onnx_path, " does not read the encoder's ", shape.channels,
                     " x ", shape.side, " x ", shape.side, " codes: ", e.what()));
  }
  if (out.dims != 4 || out.size[0] != 1 || out.size[1] != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("PURENET decoder ", onnx_path, " does not output 1 x 3 x H x W RGB"));
  }
  return std::unique_ptr<PurenetDecoder>(new PurenetDecoder(std::move(net), shape));
}

cv::Mat PurenetDecoder::CodeMap(const FrameCodes& codes, const std::vector<bool>* received) const {
  const int q = shape_.side;
  const int height = codes.grid.rows * q;
  const int width = codes.grid.cols * q;
  const int sizes[] = {1, shape_.channels, height, width};
  cv::Mat blob(4, sizes, CV_32F, cv::Scalar(0));
  float* data = blob.ptr<float>();
  for (int r = 0; r < codes.grid.rows; ++r) {
    for (int c = 0; c < codes.grid.cols; ++c) {
      const int patch = r * codes.grid.cols + c;
      if (received != nullptr && !(*received)[patch]) continue;  // missing: stays 0
      for (int ch = 0; ch < shape_.channels; ++ch) {
        for (int y = 0; y < q; ++y) {
          for (int x = 0; x < q; ++x) {
            const int bit = (ch * q + y) * q + x;
            const size_t at = (static_cast<size_t>(ch) * height + r * q + y) * width + c * q + x;
            data[at] = codes.Bit(patch, bit) ? 1.0f : -1.0f;
          }
        }
      }
    }
  }
  return blob;
}

absl::StatusOr<cv::Mat> PurenetDecoder::Decode(const FrameCodes& codes,
                                               const std::vector<bool>* received) {
  if (codes.bits_per_patch != shape_.bits()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codes have ", codes.bits_per_patch, " bits per patch, the decoder reads ", shape_.bits()));
  }
  if (codes.bytes.size() != static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch()) {
    return absl::InvalidArgumentError(absl::StrCat("code buffer holds ", codes.bytes.size(),
                                                   " bytes, the grid needs ",
                                                   codes.grid.count() * codes.bytes_per_patch()));
  }
  if (received != nullptr && received->size() != static_cast<size_t>(codes.grid.count())) {
    return absl::InvalidArgumentError("received-patch flags do not match the grid");
  }
  cv::Mat out;
  try {
    net_.setInput(CodeMap(codes, received));
    out = net_.forward();
  } catch (const cv::Exception& e) {
    return absl::InternalError(absl::StrCat("PURENET forward pass failed: ", e.what()));
  }
  // out: 1 x 3 x H' x W' float in [0, 1] (not clamped); crop the edge padding away.
  if (out.dims != 4 || out.size[1] != 3 || out.size[2] < codes.frame_height ||
      out.size[3] < codes.frame_width) {
    return absl::InternalError("PURENET output has an unexpected shape");
  }
  const int plane_w = out.size[3];
  cv::Mat rgb(codes.frame_height, codes.frame_width, CV_8UC3);
  for (int ch = 0; ch < 3; ++ch) {
    const float* plane = out.ptr<float>(0, ch);
    for (int y = 0; y < codes.frame_height; ++y) {
      uint8_t* row = rgb.ptr<uint8_t>(y);
      for (int x = 0; x < codes.frame_width; ++x) {
        row[x * 3 + ch] = cv::saturate_cast<uint8_t>(plane[y * plane_w + x] * 255.0f);
      }
    }
  }
  return rgb;
}

}  // namespace nqe
