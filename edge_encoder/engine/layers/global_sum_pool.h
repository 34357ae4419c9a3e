// Global sum pooling: the sum over H x W per channel (no division: our choice).
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_GLOBAL_SUM_POOL_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_GLOBAL_SUM_POOL_H_

#include "edge_encoder/engine/tensor.h"

namespace nqe::layers {

// out is C x 1 x 1.
void GlobalSumPool(const Tensor& in, Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_GLOBAL_SUM_POOL_H_
