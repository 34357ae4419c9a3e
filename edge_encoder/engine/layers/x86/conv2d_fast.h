// Conv2d, the optimised kernel: im2col per group, then dot products over the patch rows in a
// form g++ auto-vectorises (int16 x int16 -> int32 becomes pmaddwd). Bit-identical to
// Conv2dReference: integer sums are exact in any order, and the loader proved that no partial
// sum can overflow (each is bounded by the sum of the absolute products).
#ifndef NQE_EDGE_ENCODER_ENGINE_LAYERS_X86_CONV2D_FAST_H_
#define NQE_EDGE_ENCODER_ENGINE_LAYERS_X86_CONV2D_FAST_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "common/model/value_ranges.h"
#include "edge_encoder/engine/tensor.h"
#include "proto/nqe_model.pb.h"

namespace nqe::layers {

class FastConv2d {
 public:
  // Repacks `levels` (OIHW) once. Inputs whose proven range fits int16 (the image after the
  // offset, every quantised activation) take the int16 path; others keep int32.
  FastConv2d(const model::Conv2d& conv, absl::Span<const int8_t> levels,
             const ValueRange& input_range);

  // Thread-safe: all scratch is per call.
  void Run(const Tensor& in, Tensor* out) const;

  bool uses_int16() const { return !weights16_.empty(); }

 private:
  template <typename T>
  void RunTyped(const std::vector<T>& weights, const Tensor& in, Tensor* out) const;

  int kernel_h_, kernel_w_, stride_, padding_, groups_;
  int group_in_, group_out_;
  int patch_len_;         // Cg * kh * kw: one im2col row
  int padded_patch_len_;  // rounded up to whole vectors: no scalar tail in the dot product
  // [group][o in group][padded_patch_len], zero-padded; only one of the two is filled.
  std::vector<int16_t> weights16_;
  std::vector<int32_t> weights32_;
};

}  // namespace nqe::layers

#endif  // NQE_EDGE_ENCODER_ENGINE_LAYERS_X86_CONV2D_FAST_H_
