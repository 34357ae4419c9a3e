// Runs a loaded NQE model on an RGB image in integer arithmetic only
// (docs/integer-semantics.md). One engine serves any number of threads.
#ifndef NQE_EDGE_ENCODER_ENGINE_ENGINE_H_
#define NQE_EDGE_ENCODER_ENGINE_ENGINE_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "common/model/model_loader.h"
#include "edge_encoder/engine/image.h"
#include "edge_encoder/engine/layers/x86/conv2d_fast.h"
#include "edge_encoder/engine/tensor.h"

namespace nqe {

struct EngineOptions {
  // The obviously-correct kernels instead of the optimised ones (the oracle in tests).
  bool use_reference_kernels = false;
};

class Engine {
 public:
  static absl::StatusOr<Engine> Create(std::shared_ptr<const LoadedModel> model,
                                       EngineOptions options = {});

  // The model's output tensor (logits or code bits) for `image`, which must be exactly
  // input.height x input.width. `trace`, when given, receives tensors 1..L: every layer's
  // output, in layer order. Const and thread-safe: every buffer belongs to the call.
  absl::StatusOr<Tensor> Run(const ImageU8& image, std::vector<Tensor>* trace = nullptr) const;

  const LoadedModel& model() const { return *model_; }
  const EngineOptions& options() const { return options_; }

 private:
  Engine(std::shared_ptr<const LoadedModel> model, EngineOptions options);

  // Tensor 0: x[c][y][x] = pixel[y][x][c] - input.offset.
  Tensor InputTensor(const ImageU8& image) const;
  void RunLayer(int index, const std::vector<Tensor>& tensors, Tensor* out) const;

  std::shared_ptr<const LoadedModel> model_;
  EngineOptions options_;
  // Per layer: the prepared fast conv (conv layers, unless reference kernels are asked for).
  std::vector<std::optional<layers::FastConv2d>> fast_convs_;
  // Per tensor: the last layer that reads it, so a run without trace frees it early.
  std::vector<int> last_reader_;
};

}  // namespace nqe

#endif  // NQE_EDGE_ENCODER_ENGINE_ENGINE_H_
