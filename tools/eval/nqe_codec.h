// Our codec as the services run it: the integer NQE encoder (edge) turns a frame into patch
// codes, the PURENET decoder (cloud) turns the codes back into RGB.
#ifndef NQE_TOOLS_EVAL_NQE_CODEC_H_
#define NQE_TOOLS_EVAL_NQE_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cloud_decoder/purenet/purenet_decoder.h"
#include "common/codes/entropy/entropy_prior.h"
#include "edge_encoder/engine/engine.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

// The encoder at `path` (TASK_ENCODE checked), ready to run.
absl::StatusOr<Engine> LoadEncoder(const std::string& path);

// The entropy prior at `path` checked against the code shape, or p = 1/2 if `path` is empty.
absl::StatusOr<EntropyPrior> LoadEntropyPrior(const std::string& path, CodeShape shape);

struct NqeRoundTrip {
  cv::Mat reconstruction;  // CV_8UC3, R, G, B, the input's size
  // The bits sent: patches x bits_per_patch (edge padding included), or with entropy coding
  // the coded size.
  int64_t bits = 0;
  int missing_patches = 0;  // patches lost on the way (NqeCodecOptions::patch_loss)
};

struct NqeCodecOptions {
  // Decoders to make, one per thread that will call RoundTrip (an OpenCV DNN net is not
  // thread-safe).
  int workers = 1;
  // Send the codes through the lossless entropy coder (common/codes/entropy/): the bits count its
  // output, and the image is decoded from the entropy-decoded codes.
  bool entropy_code = false;
  // With entropy_code: the prior the coder's contexts start from
  // (common/codes/entropy/entropy_prior.h), a file learned for this encoder by `nqe-eval entropy
  // --learn_prior`; empty = p = 1/2.
  std::string entropy_prior;
  // Fraction of patches whose codes are lost on the way: the decoder gets them as missing and
  // fills them in from their neighbours. Which ones is a hash of (image seed, patch index).
  double patch_loss = 0;
};

class NqeCodec {
 public:
  // The code shape comes from the encoder's output tensor (C x q x q).
  static absl::StatusOr<std::unique_ptr<NqeCodec>> Load(const std::string& encoder_path,
                                                        const std::string& decoder_path,
                                                        const NqeCodecOptions& options);

  // Encodes `rgb` patch by patch and decodes the whole frame. Concurrent calls must pass
  // distinct `worker` values in [0, workers). `image_seed` picks the lost patches.
  absl::StatusOr<NqeRoundTrip> RoundTrip(const cv::Mat& rgb, int worker,
                                         uint64_t image_seed = 0) const;

 private:
  NqeCodec(Engine encoder, CodeShape shape, EntropyPrior prior, const NqeCodecOptions& options,
           std::vector<std::unique_ptr<PurenetDecoder>> decoders);

  // The codes as the cloud receives them, and how many bits that took.
  absl::StatusOr<std::pair<FrameCodes, int64_t>> Transmit(FrameCodes codes) const;

  Engine encoder_;
  CodeShape shape_;
  EntropyPrior prior_;
  NqeCodecOptions options_;
  std::vector<std::unique_ptr<PurenetDecoder>> decoders_;
};

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_NQE_CODEC_H_
