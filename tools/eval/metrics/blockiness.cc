#include "tools/eval/metrics/blockiness.h"

#include <cstdint>
#include <cstdlib>
#include <limits>

#include "absl/strings/str_format.h"
#include "tools/eval/metrics/image_checks.h"

namespace nqe::eval {
namespace {

// Sums of absolute neighbour differences, split by whether the pair crosses a border.
struct GradientSums {
  double border = 0;
  int64_t border_pairs = 0;
  double inside = 0;
  int64_t inside_pairs = 0;

  void Add(const uint8_t* a, const uint8_t* b, bool crosses_border) {
    int sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::abs(int{a[c]} - int{b[c]});
    if (crosses_border) {
      border += sum;
      border_pairs += 3;
    } else {
      inside += sum;
      inside_pairs += 3;
    }
  }
};

}  // namespace

absl::StatusOr<double> Blockiness(const cv::Mat& image, int block_size) {
  if (absl::Status s = CheckRgb8(image, "image"); !s.ok()) return s;
  if (block_size < 2) return absl::InvalidArgumentError("block size must be at least 2");
  GradientSums sums;
  for (int y = 0; y < image.rows; ++y) {
    const uint8_t* row = image.ptr<uint8_t>(y);
    const uint8_t* below = y + 1 < image.rows ? image.ptr<uint8_t>(y + 1) : nullptr;
    const bool row_border = (y + 1) % block_size == 0;
    for (int x = 0; x < image.cols; ++x) {
      const uint8_t* pixel = row + 3 * x;
      if (x + 1 < image.cols) sums.Add(pixel, pixel + 3, (x + 1) % block_size == 0);
      if (below != nullptr) sums.Add(pixel, below + 3 * x, row_border);
    }
  }
  if (sums.border_pairs == 0 || sums.inside_pairs == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "a %dx%d image has no %d-px patch border to measure", image.cols, image.rows, block_size));
  }
  const double border_mean = sums.border / sums.border_pairs;
  const double inside_mean = sums.inside / sums.inside_pairs;
  if (inside_mean == 0) {
    return border_mean == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  }
  return border_mean / inside_mean;
}

}  // namespace nqe::eval
