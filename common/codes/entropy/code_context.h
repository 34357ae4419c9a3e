// The contexts each code bit is coded in (issue 6, item 7: "context from neighbouring patches'
// bits"): two models predict each bit, and a logistic mixer (logistic_mixer.h) combines them.
//
// A frame's codes form a C x (rows*q) x (cols*q) map (patch (r, c)'s C x q x q code at rows
// r*q.. and columns c*q.., as PURENET reads it). Patches are coded in raster order and each
// patch's bits in CHW order, so when bit (ch, Y, X) is coded these are known:
//   left  (ch, Y, X-1)   inside the patch, or in the left patch;
//   above (ch, Y-1, X)   inside the patch, or in the patch above;
//   prev  (ch-1, Y, X)   the previous channel of the same patch; prev2, prev3, prev4 likewise;
//   above-right (ch, Y-1, X+1)  inside the patch, or in the patch above or above-right; unknown
//                        on the patch's right column below its top row (the right patch);
//   the same position in the patch above (ch, Y-q, X) and in the left patch (ch, Y, X-q).
// Each is 0, 1, or "unknown / outside the frame". Per channel:
//   the local context (243): left, above, prev, above-right, prev2;
//   the aligned context (729): prev, prev2, prev3, prev4, the same position above and left.
// (Our choices. The local context alone: above-right adds 0.4 points of saving, 39.3 % ->
// 39.7 % on photos/val with a mid-training 0.25 bpp encoder; prev2 pays once the contexts start
// from a prior learned on training photos (entropy_prior.h): with the 22-channel encoder on
// photos/val, 0.2364 -> 0.2321 bpp coded, against 0.2420 -> 0.2414 starting from p = 1/2. More
// bits in one context stopped paying; a second model mixed in did: tools/entropy_mixing_probe.py.)
#ifndef NQE_COMMON_CODES_ENTROPY_CODE_CONTEXT_H_
#define NQE_COMMON_CODES_ENTROPY_CODE_CONTEXT_H_

#include <vector>

#include "common/codes/frame_codes.h"

namespace nqe {

// The code map of a frame, 0/1 per position, filled as bits become known. One bit per position
// (as much memory as the frame's raw codes: a cloud holds one per stream being received).
class CodeMap {
 public:
  CodeMap(const PatchGrid& grid, CodeShape shape);

  // Each channel's models: its local contexts, then its aligned ones.
  static constexpr int kLocalContexts = 243;
  static constexpr int kAlignedContexts = 729;
  static constexpr int kContextsPerChannel = kLocalContexts + kAlignedContexts;
  int num_contexts() const { return shape_.channels * kContextsPerChannel; }

  // Bit `bit` (CHW index) of patch `patch` as a map position.
  struct Position {
    int channel, y, x;
  };
  Position At(int patch, int bit) const;

  // Indices of a bit's two models among num_contexts().
  struct Contexts {
    int local, aligned;
  };
  Contexts ContextsOf(const Position& p) const;
  void Set(const Position& p, bool value) {
    const size_t i = Index(p.channel, p.y, p.x);
    const uint64_t mask = uint64_t{1} << (i % 64);
    words_[i / 64] = value ? words_[i / 64] | mask : words_[i / 64] & ~mask;
  }

 private:
  size_t Index(int channel, int y, int x) const {
    return (static_cast<size_t>(channel) * height_ + y) * width_ + x;
  }
  // 0 or 1 for a position inside the map, 2 outside.
  int Neighbour(int channel, int y, int x) const;

  PatchGrid grid_;
  CodeShape shape_;
  int height_, width_;
  std::vector<uint64_t> words_;
};

}  // namespace nqe

#endif  // NQE_COMMON_CODES_ENTROPY_CODE_CONTEXT_H_
