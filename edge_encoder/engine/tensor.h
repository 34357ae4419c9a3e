// A CHW tensor of int32 values (docs/integer-semantics.md "Tensors").
#ifndef NQE_EDGE_ENCODER_ENGINE_TENSOR_H_
#define NQE_EDGE_ENCODER_ENGINE_TENSOR_H_

#include <cstdint>
#include <vector>

#include "common/model/tensor_shape.h"

namespace nqe {

struct Tensor {
  TensorShape shape;
  std::vector<int32_t> data;  // channel-major: data[(c * H + y) * W + x]

  Tensor() = default;
  explicit Tensor(const TensorShape& s) : shape(s), data(static_cast<size_t>(s.NumElements())) {}

  int32_t* channel(int c) { return data.data() + c * shape.PlaneSize(); }
  const int32_t* channel(int c) const { return data.data() + c * shape.PlaneSize(); }
  int32_t& at(int c, int y, int x) { return channel(c)[int64_t{y} * shape.width + x]; }
  int32_t at(int c, int y, int x) const { return channel(c)[int64_t{y} * shape.width + x]; }
};

}  // namespace nqe

#endif  // NQE_EDGE_ENCODER_ENGINE_TENSOR_H_
