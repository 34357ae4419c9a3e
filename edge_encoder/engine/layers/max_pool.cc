#include "edge_encoder/engine/layers/max_pool.h"

#include <algorithm>

namespace nqe::layers {

void MaxPool(const model::MaxPool& pool, const Tensor& in, Tensor* out) {
  const int k = static_cast<int>(pool.kernel());
  const int s = static_cast<int>(pool.stride());
  for (int c = 0; c < out->shape.channels; ++c) {
    for (int y = 0; y < out->shape.height; ++y) {
      for (int x = 0; x < out->shape.width; ++x) {
        int32_t best = in.at(c, y * s, x * s);
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) best = std::max(best, in.at(c, y * s + ky, x * s + kx));
        }
        out->at(c, y, x) = best;
      }
    }
  }
}

}  // namespace nqe::layers
