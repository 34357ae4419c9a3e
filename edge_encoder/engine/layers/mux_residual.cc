#include "edge_encoder/engine/layers/mux_residual.h"

#include "common/model/integer_ops.h"

namespace nqe::layers {

void MuxResidual(const model::MuxResidual& mux, const Tensor& block_input, const Tensor& branch,
                 Tensor* out) {
  const int bits = static_cast<int>(mux.bits());
  const int64_t plane = block_input.shape.PlaneSize();
  // The research's thresholded GAP with m = 1, as an integer comparison (int64: H*W*(2^k-1)
  // can pass int32 on large maps).
  const int64_t threshold = plane * MaxUnsignedValue(bits);
  const int round = bits == 1 ? 1 : 0;
  for (int c = 0; c < block_input.shape.channels; ++c) {
    const int32_t* in = block_input.channel(c);
    const int32_t* in1 = branch.channel(c);
    int32_t* dst = out->channel(c);
    int64_t sum = 0;
    for (int64_t i = 0; i < plane; ++i) sum += in[i];
    const bool pass_through = 2 * sum > threshold;
    for (int64_t i = 0; i < plane; ++i) {
      dst[i] = pass_through ? in1[i] : static_cast<int32_t>((int64_t{in[i]} + in1[i] + round) >> 1);
    }
  }
}

}  // namespace nqe::layers
