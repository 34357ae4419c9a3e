#include "edge_encoder/engine/layers/activation.h"

#include <algorithm>

#include "common/model/integer_ops.h"

namespace nqe::layers {

int32_t Activate(const model::Activation& activation, int32_t value) {
  switch (activation.kind()) {
    case model::QRELU:
      return std::clamp(value, 0, MaxUnsignedValue(static_cast<int>(activation.bits())));
    case model::HWMSB:
      // Our reading of the research's HWMSB: 0, 1, 2, 4 by the most significant bit.
      if (value <= 0) return 0;
      if (value == 1) return 1;
      if (value <= 3) return 2;
      return 4;
    default:  // SIGN
      return value > 0 ? 1 : 0;
  }
}

void Activation(const model::Activation& activation, const Tensor& in, Tensor* out) {
  std::transform(in.data.begin(), in.data.end(), out->data.begin(),
                 [&activation](int32_t v) { return Activate(activation, v); });
}

}  // namespace nqe::layers
