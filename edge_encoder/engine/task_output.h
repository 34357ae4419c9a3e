// What the tasks read from the model's output tensor (docs/integer-semantics.md, end of "Ops").
#ifndef NQE_EDGE_ENCODER_ENGINE_TASK_OUTPUT_H_
#define NQE_EDGE_ENCODER_ENGINE_TASK_OUTPUT_H_

#include <cstdint>
#include <vector>

#include "edge_encoder/engine/tensor.h"

namespace nqe {

// TASK_CLASSIFY: the num_classes x 1 x 1 output as int32 logits, one per class.
std::vector<int32_t> ClassifyLogits(const Tensor& output);

// The index of the largest logit (the first on ties).
int ArgMax(const std::vector<int32_t>& logits);

// TASK_ENCODE: the SIGN tensor's 0/1 values flattened in CHW order and packed LSB-first like the
// weights (bit b is bit b % 8 of byte b / 8): ceil(bits / 8) bytes.
std::vector<uint8_t> EncodeBits(const Tensor& output);

}  // namespace nqe

#endif  // NQE_EDGE_ENCODER_ENGINE_TASK_OUTPUT_H_
