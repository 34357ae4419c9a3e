#include "edge_encoder/engine/layers/x86/conv2d_fast.h"

#include <algorithm>

namespace nqe::layers {
namespace {

// 16 int16 lanes = one AVX2 register, two SSE ones.
constexpr int kLanes = 16;

int RoundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

template <typename T>
int32_t Dot(const T* __restrict a, const T* __restrict b, int n) {
  int32_t sum = 0;
  for (int k = 0; k < n; ++k) sum += static_cast<int32_t>(a[k]) * static_cast<int32_t>(b[k]);
  return sum;
}

}  // namespace

FastConv2d::FastConv2d(const model::Conv2d& conv, absl::Span<const int8_t> levels,
                       const ValueRange& input_range)
    : kernel_h_(static_cast<int>(conv.kernel_h())),
      kernel_w_(static_cast<int>(conv.kernel_w())),
      stride_(static_cast<int>(conv.stride())),
      padding_(static_cast<int>(conv.padding())),
      groups_(static_cast<int>(conv.groups())),
      group_in_(static_cast<int>(conv.in_channels() / conv.groups())),
      group_out_(static_cast<int>(conv.out_channels() / conv.groups())),
      patch_len_(group_in_ * kernel_h_ * kernel_w_),
      padded_patch_len_(RoundUp(patch_len_, kLanes)) {
  const int out_channels = groups_ * group_out_;
  auto repack = [&](auto& weights) {
    weights.assign(static_cast<size_t>(out_channels) * padded_patch_len_, 0);
    for (int o = 0; o < out_channels; ++o) {
      std::copy_n(levels.data() + static_cast<size_t>(o) * patch_len_, patch_len_,
                  weights.begin() + static_cast<size_t>(o) * padded_patch_len_);
    }
  };
  if (input_range.FitsInt16()) {
    repack(weights16_);
  } else {
    repack(weights32_);
  }
}

void FastConv2d::Run(const Tensor& in, Tensor* out) const {
  if (uses_int16()) {
    RunTyped(weights16_, in, out);
  } else {
    RunTyped(weights32_, in, out);
  }
}

template <typename T>
void FastConv2d::RunTyped(const std::vector<T>& weights, const Tensor& in, Tensor* out) const {
  const int out_h = out->shape.height;
  const int out_w = out->shape.width;
  const int positions = out_h * out_w;
  // im2col: one zero-padded row of patch_len_ inputs per output position (the group's
  // receptive field in (i, ky, kx) order, matching the OIHW weights).
  std::vector<T> columns(static_cast<size_t>(positions) * padded_patch_len_);
  for (int g = 0; g < groups_; ++g) {
    std::fill(columns.begin(), columns.end(), T{0});
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        T* row = columns.data() + static_cast<size_t>(y * out_w + x) * padded_patch_len_;
        for (int i = 0; i < group_in_; ++i) {
          const int32_t* plane = in.channel(g * group_in_ + i);
          for (int ky = 0; ky < kernel_h_; ++ky) {
            const int iy = y * stride_ + ky - padding_;
            if (iy < 0 || iy >= in.shape.height) continue;
            const int32_t* line = plane + static_cast<int64_t>(iy) * in.shape.width;
            T* dst = row + (i * kernel_h_ + ky) * kernel_w_;
            for (int kx = 0; kx < kernel_w_; ++kx) {
              const int ix = x * stride_ + kx - padding_;
              if (ix >= 0 && ix < in.shape.width) dst[kx] = static_cast<T>(line[ix]);
            }
          }
        }
      }
    }
    const T* group_weights =
        weights.data() + static_cast<size_t>(g) * group_out_ * padded_patch_len_;
    for (int p = 0; p < positions; ++p) {
      const T* row = columns.data() + static_cast<size_t>(p) * padded_patch_len_;
      for (int o = 0; o < group_out_; ++o) {
        out->channel(g * group_out_ + o)[p] =
            Dot(group_weights + static_cast<size_t>(o) * padded_patch_len_, row, padded_patch_len_);
      }
    }
  }
}

}  // namespace nqe::layers
