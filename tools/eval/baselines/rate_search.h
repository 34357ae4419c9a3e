// Picks, per image, the knob setting whose file is the largest one not above a bit budget
// (issue 6: "the quality whose compressed size is closest to, and not above, x bpp").
#ifndef NQE_TOOLS_EVAL_BASELINES_RATE_SEARCH_H_
#define NQE_TOOLS_EVAL_BASELINES_RATE_SEARCH_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"
#include "tools/eval/baselines/baseline_codec.h"

namespace nqe::eval {

struct RateSearchResult {
  int knob = 0;
  std::vector<uint8_t> file;
  // False if even the smallest-file knob exceeds the budget: `file` is then that best effort.
  bool within_budget = false;
  int encodes = 0;  // how many trial encodes the search made
};

// Bisects codec.SearchRange(target_bpp) for the largest file of at most
// target_bpp * width * height bits. Codecs whose size is not strictly monotone in the knob are
// tolerated: the answer is the largest fitting file among those tried.
absl::StatusOr<RateSearchResult> SearchRate(const BaselineCodec& codec, const cv::Mat& rgb,
                                            double target_bpp);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_BASELINES_RATE_SEARCH_H_
