#include "cloud_decoder/purenet/missing_patches.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace nqe {
namespace {

// SplitMix64's finaliser: a well-mixed 64-bit hash, so neighbouring indices are independent.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

absl::StatusOr<std::vector<bool>> ReceivedPatches(int patch_count,
                                                  absl::Span<const uint32_t> missing) {
  std::vector<bool> received(static_cast<size_t>(patch_count), true);
  for (uint32_t index : missing) {
    if (index >= received.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "missing patch ", index, " is outside the grid of ", patch_count, " patches"));
    }
    received[index] = false;
  }
  return received;
}

std::vector<bool> RandomlyReceivedPatches(int patch_count, double loss_rate, uint64_t seed) {
  std::vector<bool> received(static_cast<size_t>(patch_count), true);
  // The top 53 bits of the hash as a uniform double in [0, 1).
  constexpr double kScale = 1.0 / static_cast<double>(uint64_t{1} << 53);
  for (int i = 0; i < patch_count; ++i) {
    const double u = static_cast<double>(Mix(Mix(seed) ^ static_cast<uint64_t>(i)) >> 11) * kScale;
    received[i] = u >= loss_rate;
  }
  return received;
}

int CountMissing(const std::vector<bool>& received) {
  return static_cast<int>(std::count(received.begin(), received.end(), false));
}

}  // namespace nqe
