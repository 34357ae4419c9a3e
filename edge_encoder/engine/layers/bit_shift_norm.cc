#include "edge_encoder/engine/layers/bit_shift_norm.h"

#include "common/model/integer_ops.h"

namespace nqe::layers {

void BitShiftNorm(const model::BitShiftNorm& bsn, const Tensor& in, Tensor* out) {
  const int64_t plane = in.shape.PlaneSize();
  for (int c = 0; c < in.shape.channels; ++c) {
    const int shift = static_cast<int>(bsn.shifts_size() == 1 ? bsn.shifts(0) : bsn.shifts(c));
    const int64_t bias = bsn.biases().empty() ? 0 : bsn.biases(c);
    const int32_t* src = in.channel(c);
    int32_t* dst = out->channel(c);
    for (int64_t i = 0; i < plane; ++i) {
      // The loader proved in + bias and the result fit int32; the rounding addend is int64.
      dst[i] = static_cast<int32_t>(RshiftRound(src[i] + bias, shift));
    }
  }
}

}  // namespace nqe::layers
