#include "edge_encoder/engine/layers/conv2d.h"

namespace nqe::layers {

void Conv2dReference(const model::Conv2d& conv, absl::Span<const int8_t> levels, const Tensor& in,
                     Tensor* out) {
  const int kh = static_cast<int>(conv.kernel_h());
  const int kw = static_cast<int>(conv.kernel_w());
  const int stride = static_cast<int>(conv.stride());
  const int pad = static_cast<int>(conv.padding());
  const int group_in = static_cast<int>(conv.in_channels() / conv.groups());
  const int group_out = static_cast<int>(conv.out_channels() / conv.groups());
  for (int o = 0; o < out->shape.channels; ++o) {
    const int first_in = (o / group_out) * group_in;
    const int8_t* w = levels.data() + static_cast<size_t>(o) * group_in * kh * kw;
    for (int y = 0; y < out->shape.height; ++y) {
      for (int x = 0; x < out->shape.width; ++x) {
        int32_t sum = 0;
        for (int i = 0; i < group_in; ++i) {
          for (int ky = 0; ky < kh; ++ky) {
            for (int kx = 0; kx < kw; ++kx) {
              const int iy = y * stride + ky - pad;
              const int ix = x * stride + kx - pad;
              if (iy < 0 || iy >= in.shape.height || ix < 0 || ix >= in.shape.width) continue;
              sum += w[(i * kh + ky) * kw + kx] * in.at(first_in + i, iy, ix);
            }
          }
        }
        out->at(o, y, x) = sum;
      }
    }
  }
}

}  // namespace nqe::layers
