// Conv2d, the reference kernel: the formula of docs/integer-semantics.md, written out.
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_CONV2D_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_CONV2D_H_

#include <cstdint>

#include "absl/types/span.h"
#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

// out[o][y][x] = sum_{i,ky,kx} w[o][i][ky][kx] * in[g*Cg + i][y*s+ky-p][x*s+kx-p], zero padding.
// `levels` are OIHW; `out` arrives shaped by the loader. The oracle for the fast kernel.
void Conv2dReference(const model::Conv2d& conv, absl::Span<const int8_t> levels, const Tensor& in,
                     Tensor* out);

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_CONV2D_H_
