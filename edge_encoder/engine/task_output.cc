#include "edge_encoder/engine/task_output.h"

#include <algorithm>

namespace nqe {

std::vector<int32_t> ClassifyLogits(const Tensor& output) { return output.data; }

int ArgMax(const std::vector<int32_t>& logits) {
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

std::vector<uint8_t> EncodeBits(const Tensor& output) {
  std::vector<uint8_t> bytes((output.data.size() + 7) / 8, 0);
  for (size_t b = 0; b < output.data.size(); ++b) {
    if (output.data[b] != 0) bytes[b / 8] |= static_cast<uint8_t>(1u << (b % 8));
  }
  return bytes;
}

}  // namespace nqe
