// Structural validation of a parsed model (docs/model-format.md "What the loader refuses"):
// fields in range, shapes that chain, weight counts and packed sizes that agree with the
// layer shapes, the loader's size limits and an output that fits the task. Decodes the conv
// weights on the way, since their stored form is only valid if it decodes.
#ifndef NQE_COMMON_MODEL_NETWORK_VALIDATOR_H_
#define NQE_COMMON_MODEL_NETWORK_VALIDATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/model/tensor_shape.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

// Size limits (our choice): generous for an edge ASIC, tight enough that a hostile file cannot
// make the loader allocate gigabytes.
inline constexpr int kMaxLayers = 1024;
inline constexpr int kMaxChannels = 4096;
inline constexpr int kMaxSide = 8192;
inline constexpr int64_t kMaxLayerWeights = int64_t{1} << 26;
// Not in the format doc: a cellular-automaton layer expands 72 stored bits into up to 2^26
// levels, so without a model-wide cap 1024 such layers would decode to 64 Gi levels.
inline constexpr int64_t kMaxModelWeights = int64_t{1} << 26;
inline constexpr int kMaxShift = 15;
inline constexpr int kMinBiasBits = 2;
inline constexpr int kMaxBiasBits = 24;
inline constexpr int kMaxMuxBits = 8;

struct NetworkAnalysis {
  // tensor_shapes[0] is the model input, tensor_shapes[i + 1] the output of layer i.
  std::vector<TensorShape> tensor_shapes;
  // The tensors each layer reads, with an empty `inputs` list resolved to the previous tensor.
  std::vector<std::vector<int>> layer_inputs;
  // The decoded levels (OIHW) of each conv layer; empty for other layers.
  std::vector<std::vector<int8_t>> conv_levels;
};

// InvalidArgument naming the layer ("layer 3 'conv2': ...") and the rule broken, including an
// output that does not fit the task.
absl::StatusOr<NetworkAnalysis> AnalyzeNetwork(const model::Model& model);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_NETWORK_VALIDATOR_H_
