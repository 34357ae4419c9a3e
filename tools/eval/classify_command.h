// `nqe-eval classify`: accuracy of an integer NQE classifier on the CIFAR-10 test set, run by
// the same engine as the edge devices (issue 3, item 4).
#ifndef NQE_TOOLS_EVAL_CLASSIFY_COMMAND_H_
#define NQE_TOOLS_EVAL_CLASSIFY_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace nqe::eval {

struct ClassifyOptions {
  std::string model;
  std::string data;         // CIFAR-10 folder (either layout, see cifar10_dataset.h)
  std::string cache;        // where the JPEG archive is unpacked
  std::string predictions;  // optional: one "index label predicted" line per image
  int threads = 2;
  int limit = 0;  // 0 = all 10,000; else that many, evenly spread over the set
  // Two-view ensembling: the prediction is the argmax of the sum of the integer logits of the
  // image and of its horizontal mirror (still integer-only, 2x the compute).
  bool mirror = false;
};

// Ends `out` with "accuracy=<fraction> images=<n> param_bits=<n> activation_bits=<n>".
// Images whose size differs from the model's input are resized to it (cv::INTER_AREA).
absl::Status RunClassify(const ClassifyOptions& options, std::ostream& out);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_CLASSIFY_COMMAND_H_
