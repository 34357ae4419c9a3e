#include "edge_encoder/engine/engine.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "edge_encoder/engine/layers/activation.h"
#include "edge_encoder/engine/layers/bit_shift_norm.h"
#include "edge_encoder/engine/layers/conv2d.h"
#include "edge_encoder/engine/layers/global_sum_pool.h"
#include "edge_encoder/engine/layers/max_pool.h"
#include "edge_encoder/engine/layers/mux_residual.h"

namespace nqe {

absl::StatusOr<Engine> Engine::Create(std::shared_ptr<const LoadedModel> model,
                                      EngineOptions options) {
  if (model == nullptr) return absl::InvalidArgumentError("Engine::Create: no model");
  if (model->num_layers() == 0 ||
      model->tensor_shapes.size() != static_cast<size_t>(model->num_layers()) + 1) {
    return absl::InvalidArgumentError(
        "Engine::Create: the model was not produced by LoadModelFile/LoadModelBytes");
  }
  return Engine(std::move(model), options);
}

Engine::Engine(std::shared_ptr<const LoadedModel> model, EngineOptions options)
    : model_(std::move(model)), options_(options) {
  const int layer_count = model_->num_layers();
  fast_convs_.resize(layer_count);
  last_reader_.assign(layer_count + 1, -1);
  for (int i = 0; i < layer_count; ++i) {
    const model::Layer& layer = model_->proto.layers(i);
    const std::vector<int>& inputs = model_->layer_inputs[i];
    for (int t : inputs) last_reader_[t] = i;
    if (layer.has_conv2d() && !options_.use_reference_kernels) {
      fast_convs_[i].emplace(layer.conv2d(), model_->conv_levels[i],
                             model_->tensor_ranges[inputs[0]]);
    }
  }
}

Tensor Engine::InputTensor(const ImageU8& image) const {
  const int32_t offset = model_->proto.input().offset();
  Tensor x(model_->tensor_shapes[0]);
  for (int c = 0; c < ImageU8::kChannels; ++c) {
    for (int y = 0; y < image.height; ++y) {
      for (int col = 0; col < image.width; ++col) {
        x.at(c, y, col) = int32_t{image.pixel(y, col)[c]} - offset;
      }
    }
  }
  return x;
}

void Engine::RunLayer(int index, const std::vector<Tensor>& tensors, Tensor* out) const {
  const model::Layer& layer = model_->proto.layers(index);
  const std::vector<int>& inputs = model_->layer_inputs[index];
  const Tensor& in = tensors[inputs[0]];
  switch (layer.op_case()) {
    case model::Layer::kConv2D:
      if (fast_convs_[index].has_value()) {
        fast_convs_[index]->Run(in, out);
      } else {
        layers::Conv2dReference(layer.conv2d(), model_->conv_levels[index], in, out);
      }
      break;
    case model::Layer::kBsn:
      layers::BitShiftNorm(layer.bsn(), in, out);
      break;
    case model::Layer::kActivation:
      layers::Activation(layer.activation(), in, out);
      break;
    case model::Layer::kMaxPool:
      layers::MaxPool(layer.max_pool(), in, out);
      break;
    case model::Layer::kGlobalSumPool:
      layers::GlobalSumPool(in, out);
      break;
    case model::Layer::kMuxResidual:
      layers::MuxResidual(layer.mux_residual(), in, tensors[inputs[1]], out);
      break;
    default:
      break;  // unreachable: the loader refuses layers without an op
  }
}

absl::StatusOr<Tensor> Engine::Run(const ImageU8& image, std::vector<Tensor>* trace) const {
  const TensorShape& input = model_->tensor_shapes[0];
  if (image.height != input.height || image.width != input.width ||
      image.rgb.size() != static_cast<size_t>(input.NumElements())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s expects a %dx%d RGB image, got %dx%d (%d bytes)", model_->source_name,
                        input.height, input.width, image.height, image.width, image.rgb.size()));
  }
  const int layer_count = model_->num_layers();
  std::vector<Tensor> tensors(layer_count + 1);
  tensors[0] = InputTensor(image);
  for (int i = 0; i < layer_count; ++i) {
    tensors[i + 1] = Tensor(model_->tensor_shapes[i + 1]);
    RunLayer(i, tensors, &tensors[i + 1]);
    if (trace == nullptr) {
      for (int t : model_->layer_inputs[i]) {
        if (last_reader_[t] == i) tensors[t] = Tensor();
      }
    }
  }
  Tensor output = tensors[layer_count];
  if (trace != nullptr) {
    trace->assign(std::make_move_iterator(tensors.begin() + 1),
                  std::make_move_iterator(tensors.end()));
  }
  return output;
}

}  // namespace nqe
