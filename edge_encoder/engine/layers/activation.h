// The activation quantisers: QRELU k, HWMSB (2-bit logarithmic) and SIGN.
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_ACTIVATION_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_ACTIVATION_H_

#include <cstdint>

#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

// One value through the quantiser (docs/integer-semantics.md "Ops").
int32_t Activate(const model::Activation& activation, int32_t value);

void Activation(const model::Activation& activation, const Tensor& in, Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_ACTIVATION_H_
