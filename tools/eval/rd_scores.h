// One image's rate-distortion figures and the summary over an image set: what `nqe-eval rd`
// prints, the same for our codec and every baseline.
#ifndef NQE_TOOLS_EVAL_RD_SCORES_H_
#define NQE_TOOLS_EVAL_RD_SCORES_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

struct ImageScore {
  std::string name;  // file name without folder
  int width = 0;
  int height = 0;
  int64_t bits = 0;
  double bpp = 0;
  double psnr = 0;
  double msssim = 0;
  double blockiness = 0;
  std::string setting;        // the codec setting used ("nqe", "q=37", ...)
  bool within_budget = true;  // false: a baseline that could not get down to the target
};

// Scores `reconstruction` against `original` (both CV_8UC3 R, G, B, same size).
absl::StatusOr<ImageScore> ScoreImage(const std::string& name, const cv::Mat& original,
                                      const cv::Mat& reconstruction, int64_t bits, int block_size);

// The CSV: a header, then one row per image. Columns: name, width, height, bits, bpp, psnr,
// msssim, blockiness, setting, within_budget.
void WriteCsvHeader(std::ostream& out);
void WriteCsvRow(const ImageScore& score, std::ostream& out);

struct MeanScores {
  int images = 0;
  double bpp = 0;
  double psnr = 0;
  double msssim = 0;
  double blockiness = 0;
};

// Means over the scores with within_budget == `within_budget` (NaN for an empty set).
MeanScores Mean(const std::vector<ImageScore>& scores, bool within_budget);

// "bpp=<x> psnr=<dB> msssim=<x> blockiness=<x>"
std::string FormatMeans(const MeanScores& means);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_RD_SCORES_H_
