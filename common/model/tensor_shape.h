// The C x H x W shape of an NQE tensor (docs/integer-semantics.md "Tensors").
#ifndef NQE_COMMON_MODEL_TENSOR_SHAPE_H_
#define NQE_COMMON_MODEL_TENSOR_SHAPE_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace nqe {

struct TensorShape {
  int32_t channels = 0;
  int32_t height = 0;
  int32_t width = 0;

  int64_t NumElements() const { return int64_t{channels} * height * width; }
  int64_t PlaneSize() const { return int64_t{height} * width; }
  std::string ToString() const { return absl::StrCat(channels, "x", height, "x", width); }

  friend bool operator==(const TensorShape& a, const TensorShape& b) {
    return a.channels == b.channels && a.height == b.height && a.width == b.width;
  }
  friend bool operator!=(const TensorShape& a, const TensorShape& b) { return !(a == b); }
};

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_TENSOR_SHAPE_H_
