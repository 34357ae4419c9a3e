#include "tools/eval/rd_scores.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "tools/eval/metrics/blockiness.h"
#include "tools/eval/metrics/msssim.h"
#include "tools/eval/metrics/psnr.h"

namespace nqe::eval {

absl::StatusOr<ImageScore> ScoreImage(const std::string& name, const cv::Mat& original,
                                      const cv::Mat& reconstruction, int64_t bits, int block_size) {
  ImageScore score;
  score.name = name;
  score.width = original.cols;
  score.height = original.rows;
  score.bits = bits;
  score.bpp = static_cast<double>(bits) / (static_cast<double>(original.cols) * original.rows);
  absl::StatusOr<double> psnr = Psnr(original, reconstruction);
  if (!psnr.ok()) return psnr.status();
  absl::StatusOr<double> msssim = MsSsim(original, reconstruction);
  if (!msssim.ok()) return msssim.status();
  absl::StatusOr<double> blockiness = Blockiness(reconstruction, block_size);
  if (!blockiness.ok()) return blockiness.status();
  score.psnr = *psnr;
  score.msssim = *msssim;
  score.blockiness = *blockiness;
  return score;
}

void WriteCsvHeader(std::ostream& out) {
  out << "name,width,height,bits,bpp,psnr,msssim,blockiness,setting,within_budget\n";
}

void WriteCsvRow(const ImageScore& s, std::ostream& out) {
  out << absl::StrFormat("%s,%d,%d,%d,%.5f,%.4f,%.5f,%.4f,%s,%d\n", s.name, s.width, s.height,
                         s.bits, s.bpp, s.psnr, s.msssim, s.blockiness, s.setting,
                         s.within_budget ? 1 : 0);
}

MeanScores Mean(const std::vector<ImageScore>& scores, bool within_budget) {
  MeanScores m;
  for (const ImageScore& s : scores) {
    if (s.within_budget != within_budget) continue;
    ++m.images;
    m.bpp += s.bpp;
    m.psnr += s.psnr;
    m.msssim += s.msssim;
    m.blockiness += s.blockiness;
  }
  const double n = m.images > 0 ? m.images : std::numeric_limits<double>::quiet_NaN();
  m.bpp /= n;
  m.psnr /= n;
  m.msssim /= n;
  m.blockiness /= n;
  return m;
}

std::string FormatMeans(const MeanScores& m) {
  return absl::StrFormat("bpp=%.4f psnr=%.3f msssim=%.5f blockiness=%.4f", m.bpp, m.psnr, m.msssim,
                         m.blockiness);
}

}  // namespace nqe::eval
