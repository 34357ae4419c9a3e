// Bit-Shift Normalisation: a power-of-two scale with round-half-up, replacing BatchNorm.
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_BIT_SHIFT_NORM_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_BIT_SHIFT_NORM_H_

#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

// out[c] = rshift_round(in[c] + bias[c], shift[c]); one shift for all channels or one each.
void BitShiftNorm(const model::BitShiftNorm& bsn, const Tensor& in, Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_BIT_SHIFT_NORM_H_
