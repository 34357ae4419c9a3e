// `nqe-eval rd`: rate-distortion figures of our codec (integer encoder + PURENET) or of one
// baseline codec at a target bpp, over a folder of images.
#ifndef NQE_TOOLS_EVAL_RD_COMMAND_H_
#define NQE_TOOLS_EVAL_RD_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace nqe::eval {

struct RdOptions {
  std::string images;    // folder of images
  std::string encoder;   // ours: the .nqe encoder
  std::string decoder;   // ours: the PURENET .onnx
  std::string baseline;  // or a baseline codec name (then `bpp` is its target)
  double bpp = 0;
  int threads = 2;
  int limit = 0;  // 0 = every image
  int block_size = 32;
  bool entropy_code = false;  // ours: count the entropy-coded bits (common/codes/entropy/)
  std::string entropy_prior;  // ours, with entropy_code: the coder's prior (NqeCodecOptions)
  double patch_loss = 0;      // ours: fraction of patches lost on the way (NqeCodecOptions)
};

// Prints the CSV then the summary lines to `out`, progress to stderr. Ours ends with
// "bpp= psnr= msssim= blockiness=" (with patch_loss, then " missing_patches=<n>"); a baseline adds
// " unreachable=<n>" and, before it, a "best_effort ..." line with the means over the images that
// could not reach the target (their rows are in the CSV with within_budget=0; the main means
// exclude them).
absl::Status RunRd(const RdOptions& options, std::ostream& out);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_RD_COMMAND_H_
