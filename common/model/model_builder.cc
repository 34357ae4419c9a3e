#include "common/model/model_builder.h"

#include <utility>

#include "common/model/cellular_automaton.h"
#include "common/model/container.h"
#include "common/model/weight_codec.h"

namespace nqe {

ModelBuilder::ModelBuilder(std::string name, model::Task task, uint32_t height, uint32_t width,
                           int32_t offset) {
  model_.set_name(std::move(name));
  model_.set_task(task);
  model::InputSpec* input = model_.mutable_input();
  input->set_height(height);
  input->set_width(width);
  input->set_channels(3);
  input->set_offset(offset);
}

model::Layer* ModelBuilder::NewLayer(std::string name) {
  model::Layer* layer = model_.add_layers();
  layer->set_name(std::move(name));
  return layer;
}

int ModelBuilder::AddConv(std::string name, const ConvSpec& spec, model::Weights weights,
                          std::vector<uint32_t> inputs) {
  model::Layer* layer = NewLayer(std::move(name));
  for (uint32_t input : inputs) layer->add_inputs(input);
  model::Conv2d* conv = layer->mutable_conv2d();
  conv->set_in_channels(spec.in_channels);
  conv->set_out_channels(spec.out_channels);
  conv->set_kernel_h(spec.kernel);
  conv->set_kernel_w(spec.kernel);
  conv->set_stride(spec.stride);
  conv->set_padding(spec.padding);
  conv->set_groups(spec.groups);
  *conv->mutable_weights() = std::move(weights);
  return model_.layers_size();
}

int ModelBuilder::AddBsn(std::string name, std::vector<uint32_t> shifts,
                         std::vector<int32_t> biases, uint32_t bias_bits) {
  model::BitShiftNorm* bsn = NewLayer(std::move(name))->mutable_bsn();
  bsn->mutable_shifts()->Add(shifts.begin(), shifts.end());
  bsn->mutable_biases()->Add(biases.begin(), biases.end());
  bsn->set_bias_bits(bias_bits);
  return model_.layers_size();
}

int ModelBuilder::AddActivation(std::string name, model::ActivationKind kind, uint32_t bits) {
  model::Activation* activation = NewLayer(std::move(name))->mutable_activation();
  activation->set_kind(kind);
  activation->set_bits(bits);
  return model_.layers_size();
}

int ModelBuilder::AddMaxPool(std::string name, uint32_t kernel, uint32_t stride) {
  model::MaxPool* pool = NewLayer(std::move(name))->mutable_max_pool();
  pool->set_kernel(kernel);
  pool->set_stride(stride);
  return model_.layers_size();
}

int ModelBuilder::AddGlobalSumPool(std::string name) {
  NewLayer(std::move(name))->mutable_global_sum_pool();
  return model_.layers_size();
}

int ModelBuilder::AddMuxResidual(std::string name, uint32_t bits, uint32_t block_input,
                                 uint32_t branch) {
  model::Layer* layer = NewLayer(std::move(name));
  layer->add_inputs(block_input);
  layer->add_inputs(branch);
  layer->mutable_mux_residual()->set_bits(bits);
  return model_.layers_size();
}

void ModelBuilder::SetClassNames(std::initializer_list<std::string> names) {
  model_.clear_class_names();
  for (const std::string& name : names) model_.add_class_names(name);
}

void ModelBuilder::SetCodeLayout(uint32_t patch_size, uint32_t bits_per_patch) {
  model_.mutable_code_layout()->set_patch_size(patch_size);
  model_.mutable_code_layout()->set_bits_per_patch(bits_per_patch);
}

std::string ModelBuilder::FileBytes() const { return ModelFileBytes(model_); }

std::string ModelFileBytes(const model::Model& model) {
  return WrapContainer(model.SerializeAsString());
}

std::vector<int8_t> SyntheticLevels(size_t count, int lo, int hi, uint64_t seed, bool nonzero) {
  std::vector<int8_t> levels(count);
  uint64_t state = seed;
  const uint64_t span = static_cast<uint64_t>(hi - lo + 1);
  for (int8_t& level : levels) {
    do {
      level = static_cast<int8_t>(lo + static_cast<int>(SplitMix64Next(&state) % span));
    } while (nonzero && level == 0);
  }
  return levels;
}

model::Model SyntheticEncoderModel(uint64_t seed) {
  ModelBuilder builder("synthetic_encoder_32", model::TASK_ENCODE, 32, 32, 128);
  auto ternary = [&](const ConvSpec& spec) {
    return *EncodeWeights(model::TERNARY, SyntheticLevels(spec.WeightCount(), -1, 1, seed++));
  };
  const ConvSpec conv1{3, 32, 3, 2, 1, 1};   // 32x32 -> 16x16
  const ConvSpec conv2{32, 64, 3, 2, 1, 1};  // -> 8x8
  const ConvSpec conv3{64, 64, 3, 1, 1, 1};  // 8x8, the residual branch
  const ConvSpec conv4{64, 16, 3, 2, 1, 1};  // -> 4x4x16 = 256 code bits
  builder.AddConv("conv1", conv1, ternary(conv1));
  builder.AddBsn("bsn1", {5});
  builder.AddActivation("act1", model::HWMSB, 2);
  builder.AddConv("conv2", conv2, ternary(conv2));
  builder.AddBsn("bsn2", {5});
  const int block_input = builder.AddActivation("act2", model::QRELU, 2);
  builder.AddConv("conv3", conv3, ternary(conv3));
  builder.AddBsn("bsn3", {4});
  const int branch = builder.AddActivation("act3", model::QRELU, 2);
  builder.AddMuxResidual("mux", 2, block_input, branch);
  builder.AddConv("conv4", conv4, ternary(conv4));
  builder.AddBsn("bsn4", {0});
  builder.AddActivation("code", model::SIGN, 1);
  builder.SetCodeLayout(32, 256);
  return builder.proto();
}

}  // namespace nqe
