// Max pooling over k x k windows with stride s, no padding.
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_MAX_POOL_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_MAX_POOL_H_

#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

void MaxPool(const model::MaxPool& pool, const Tensor& in, Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_MAX_POOL_H_
