#include "tools/eval/baselines/rate_search.h"

#include <utility>

#include "absl/strings/str_format.h"

namespace nqe::eval {

absl::StatusOr<RateSearchResult> SearchRate(const BaselineCodec& codec, const cv::Mat& rgb,
                                            double target_bpp) {
  if (!(target_bpp > 0)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("target bpp must be > 0, got %g", target_bpp));
  }
  const double budget_bits = target_bpp * rgb.rows * rgb.cols;
  const KnobRange range = codec.SearchRange(target_bpp);
  RateSearchResult best;
  auto fits = [&](const std::vector<uint8_t>& file) { return file.size() * 8.0 <= budget_bits; };
  // Encodes at `knob`, keeps it if it is the largest fitting file so far, says if it fits.
  auto try_knob = [&](int knob) -> absl::StatusOr<bool> {
    absl::StatusOr<std::vector<uint8_t>> file = codec.Encode(rgb, knob);
    if (!file.ok()) return file.status();
    ++best.encodes;
    const bool ok = fits(*file);
    if (ok && (!best.within_budget || file->size() > best.file.size())) {
      best.knob = knob;
      best.file = *std::move(file);
      best.within_budget = true;
    }
    return ok;
  };

  absl::StatusOr<std::vector<uint8_t>> smallest = codec.Encode(rgb, range.smallest_file);
  if (!smallest.ok()) return smallest.status();
  best.encodes = 1;
  best.knob = range.smallest_file;
  best.within_budget = fits(*smallest);
  best.file = *std::move(smallest);
  if (!best.within_budget) return best;  // unreachable: the smallest file is the best effort

  // Invariant: `fitting` fits; `too_big` does not (or is one past the end of the range).
  int fitting = range.smallest_file;
  int too_big = range.largest_file + 1;
  while (too_big - fitting > 1) {
    const int middle = fitting + (too_big - fitting) / 2;
    absl::StatusOr<bool> middle_fits = try_knob(middle);
    if (!middle_fits.ok()) return middle_fits.status();
    (*middle_fits ? fitting : too_big) = middle;
  }
  return best;
}

}  // namespace nqe::eval
