#include "common/codes/entropy/code_context.h"

namespace nqe {

CodeMap::CodeMap(const PatchGrid& grid, CodeShape shape)
    : grid_(grid),
      shape_(shape),
      height_(grid.rows * shape.side),
      width_(grid.cols * shape.side),
      words_((static_cast<size_t>(shape.channels) * height_ * width_ + 63) / 64, 0) {}

CodeMap::Position CodeMap::At(int patch, int bit) const {
  const int q = shape_.side;
  const int row = patch / grid_.cols;
  const int col = patch % grid_.cols;
  const int channel = bit / (q * q);
  const int y = bit / q % q;
  const int x = bit % q;
  return {channel, row * q + y, col * q + x};
}

int CodeMap::Neighbour(int channel, int y, int x) const {
  if (channel < 0 || y < 0 || x < 0) return 2;
  const size_t i = Index(channel, y, x);
  return static_cast<int>((words_[i / 64] >> (i % 64)) & 1);
}

// Changing which bits make a context, or how, changes the code: bump kCoderVersion in
// entropy_prior.cc so that priors (and uplink peers) of the old coder are told apart.
CodeMap::Contexts CodeMap::ContextsOf(const Position& p) const {
  const int left = Neighbour(p.channel, p.y, p.x - 1);
  const int above = Neighbour(p.channel, p.y - 1, p.x);
  const int prev = Neighbour(p.channel - 1, p.y, p.x);
  const int prev2 = Neighbour(p.channel - 2, p.y, p.x);
  const int q = shape_.side;
  // Above-right is known unless it lies in the patch to the right (not yet coded).
  const bool right_known = p.y % q == 0 || p.x % q != q - 1;
  const int above_right =
      right_known && p.x + 1 < width_ ? Neighbour(p.channel, p.y - 1, p.x + 1) : 2;
  const int local = (((left * 3 + above) * 3 + prev) * 3 + above_right) * 3 + prev2;
  const int prev3 = Neighbour(p.channel - 3, p.y, p.x);
  const int prev4 = Neighbour(p.channel - 4, p.y, p.x);
  const int patch_above = Neighbour(p.channel, p.y - q, p.x);
  const int patch_left = Neighbour(p.channel, p.y, p.x - q);
  const int aligned =
      ((((prev * 3 + prev2) * 3 + prev3) * 3 + prev4) * 3 + patch_above) * 3 + patch_left;
  const int first = p.channel * kContextsPerChannel;
  return {first + local, first + kLocalContexts + aligned};
}

}  // namespace nqe
