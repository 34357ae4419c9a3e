// MOGNET MUX residual: per channel, a thresholded GAP of the block input chooses between
// the branch output and the bit-shifted sum of both.
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_MUX_RESIDUAL_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_MUX_RESIDUAL_H_

#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

// S = 1{2 * sum_{y,x} I[c] > H*W*(2^k-1)}; out[c] = S ? I1[c] : BitShift(I[c] + I1[c]), where
// BitShift(v) = v >> 1 for k > 1 and (v + 1) >> 1 (an OR of the bits) for k = 1.
void MuxResidual(const model::MuxResidual& mux, const Tensor& block_input, const Tensor& branch,
                 Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_MUX_RESIDUAL_H_
