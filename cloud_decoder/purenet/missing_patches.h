// Which patches of a frame's grid arrived: the `received` flags PurenetDecoder::Decode reads.
// A patch whose code never arrived enters the decoder as 0 (neither bit value), and PURENET,
// trained with patches dropped at random, fills it in from its neighbours.
#ifndef NQE_CLOUD_DECODER_PURENET_MISSING_PATCHES_H_
#define NQE_CLOUD_DECODER_PURENET_MISSING_PATCHES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace nqe {

// patch_count flags, false at every index of `missing` (repeats allowed). InvalidArgument if
// an index is outside the grid.
absl::StatusOr<std::vector<bool>> ReceivedPatches(int patch_count,
                                                  absl::Span<const uint32_t> missing);

// patch_count flags where each patch is lost with probability `loss_rate`, decided by a hash
// of (seed, patch index): the same seed loses the same patches on every run and thread.
std::vector<bool> RandomlyReceivedPatches(int patch_count, double loss_rate, uint64_t seed);

// How many patches the flags mark missing.
int CountMissing(const std::vector<bool>& received);

}  // namespace nqe

#endif  // NQE_CLOUD_DECODER_PURENET_MISSING_PATCHES_H_
