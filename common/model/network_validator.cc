#include "common/model/network_validator.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/model/layer_info.h"
#include "common/model/weight_codec.h"

namespace nqe {
namespace {

absl::Status Refuse(absl::string_view context, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(context, ": ", rule));
}

absl::Status CheckRange(absl::string_view context, absl::string_view field, int64_t value,
                        int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return Refuse(context, absl::StrFormat("%s %d outside %d..%d", field, value, lo, hi));
}

// Checks one layer and computes its output shape. Every member reads the layer's inputs from
// `shapes` (already validated) and appends nothing: the caller records the result.
class LayerValidator {
 public:
  // `weight_budget`: how many more weights the model may decode (kMaxModelWeights).
  LayerValidator(const model::Layer& layer, std::string context,
                 const std::vector<TensorShape>& inputs, int64_t weight_budget)
      : layer_(layer),
        context_(std::move(context)),
        inputs_(inputs),
        weight_budget_(weight_budget) {}

  absl::StatusOr<TensorShape> Run(std::vector<int8_t>* conv_levels) {
    const size_t arity = layer_.has_mux_residual() ? 2 : 1;
    if (inputs_.size() != arity) {
      return Refuse(context_, absl::StrFormat("%s reads %d tensor(s), %d listed",
                                              LayerOpName(layer_), arity, inputs_.size()));
    }
    switch (layer_.op_case()) {
      case model::Layer::kConv2D:
        return Conv(layer_.conv2d(), conv_levels);
      case model::Layer::kBsn:
        return Bsn(layer_.bsn());
      case model::Layer::kActivation:
        return Activation(layer_.activation());
      case model::Layer::kMaxPool:
        return MaxPool(layer_.max_pool());
      case model::Layer::kGlobalSumPool:
        return TensorShape{inputs_[0].channels, 1, 1};
      case model::Layer::kMuxResidual:
        return Mux(layer_.mux_residual());
      default:
        return Refuse(context_, "no op set");
    }
  }

 private:
  absl::StatusOr<TensorShape> Conv(const model::Conv2d& conv, std::vector<int8_t>* levels) {
    const TensorShape& in = inputs_[0];
    absl::Status status;
    for (const auto& [field, value, lo, hi] :
         {std::tuple<const char*, int64_t, int64_t, int64_t>{"in_channels", conv.in_channels(), 1,
                                                             kMaxChannels},
          {"out_channels", conv.out_channels(), 1, kMaxChannels},
          {"kernel_h", conv.kernel_h(), 1, kMaxSide},
          {"kernel_w", conv.kernel_w(), 1, kMaxSide},
          {"stride", conv.stride(), 1, kMaxSide},
          {"padding", conv.padding(), 0, kMaxSide},
          {"groups", conv.groups(), 1, kMaxChannels}}) {
      status = CheckRange(context_, field, value, lo, hi);
      if (!status.ok()) return status;
    }
    if (static_cast<int>(conv.in_channels()) != in.channels) {
      return Refuse(context_, absl::StrFormat("in_channels %d, but its input has %d channels",
                                              conv.in_channels(), in.channels));
    }
    if (conv.in_channels() % conv.groups() != 0 || conv.out_channels() % conv.groups() != 0) {
      return Refuse(context_,
                    absl::StrFormat("groups %d does not divide in_channels %d and out_channels %d",
                                    conv.groups(), conv.in_channels(), conv.out_channels()));
    }
    const int64_t padded_h = int64_t{in.height} + 2 * int64_t{conv.padding()};
    const int64_t padded_w = int64_t{in.width} + 2 * int64_t{conv.padding()};
    if (conv.kernel_h() > padded_h || conv.kernel_w() > padded_w) {
      return Refuse(context_,
                    absl::StrFormat("kernel %dx%d larger than the padded input %dx%d",
                                    conv.kernel_h(), conv.kernel_w(), padded_h, padded_w));
    }
    const TensorShape out{static_cast<int32_t>(conv.out_channels()),
                          static_cast<int32_t>((padded_h - conv.kernel_h()) / conv.stride() + 1),
                          static_cast<int32_t>((padded_w - conv.kernel_w()) / conv.stride() + 1)};
    const int64_t expected_count = int64_t{conv.out_channels()} *
                                   (conv.in_channels() / conv.groups()) * conv.kernel_h() *
                                   conv.kernel_w();
    if (expected_count > kMaxLayerWeights) {
      return Refuse(context_, absl::StrFormat("%d weights, the limit is %d per layer",
                                              expected_count, kMaxLayerWeights));
    }
    if (expected_count > weight_budget_) {
      return Refuse(context_, absl::StrFormat("%d more weights exceed the model's limit of %d",
                                              expected_count, kMaxModelWeights));
    }
    if (!conv.has_weights()) return Refuse(context_, "conv2d without weights");
    if (conv.weights().count() != expected_count) {
      return Refuse(context_,
                    absl::StrFormat("weights.count %d, the layer shape needs O*(C/groups)*kh*kw "
                                    "= %d",
                                    conv.weights().count(), expected_count));
    }
    absl::StatusOr<std::vector<int8_t>> decoded =
        DecodeWeights(conv.weights(), conv.out_channels());
    if (!decoded.ok()) return Refuse(context_, decoded.status().message());
    *levels = *std::move(decoded);
    return out;
  }

  absl::StatusOr<TensorShape> Bsn(const model::BitShiftNorm& bsn) {
    const int channels = inputs_[0].channels;
    if (bsn.shifts_size() != 1 && bsn.shifts_size() != channels) {
      return Refuse(context_, absl::StrFormat("%d shifts, needs 1 or one per channel (%d)",
                                              bsn.shifts_size(), channels));
    }
    for (int c = 0; c < bsn.shifts_size(); ++c) {
      absl::Status status =
          CheckRange(context_, absl::StrCat("shift[", c, "]"), bsn.shifts(c), 0, kMaxShift);
      if (!status.ok()) return status;
    }
    if (bsn.biases_size() != 0 && bsn.biases_size() != channels) {
      return Refuse(context_, absl::StrFormat("%d biases, needs none or one per channel (%d)",
                                              bsn.biases_size(), channels));
    }
    if (bsn.biases_size() > 0 || bsn.bias_bits() != 0) {
      absl::Status status =
          CheckRange(context_, "bias_bits", bsn.bias_bits(), kMinBiasBits, kMaxBiasBits);
      if (!status.ok()) return status;
    }
    for (int c = 0; c < bsn.biases_size(); ++c) {
      const int64_t limit = int64_t{1} << (bsn.bias_bits() - 1);
      absl::Status status =
          CheckRange(context_, absl::StrCat("bias[", c, "] (", bsn.bias_bits(), "-bit)"),
                     bsn.biases(c), -limit, limit - 1);
      if (!status.ok()) return status;
    }
    return inputs_[0];
  }

  absl::StatusOr<TensorShape> Activation(const model::Activation& activation) {
    switch (activation.kind()) {
      case model::QRELU:
        if (absl::Status s = CheckRange(context_, "QRELU bits", activation.bits(), 1, 3); !s.ok())
          return s;
        break;
      case model::HWMSB:
        if (absl::Status s = CheckRange(context_, "HWMSB bits", activation.bits(), 2, 2); !s.ok())
          return s;
        break;
      case model::SIGN:
        if (absl::Status s = CheckRange(context_, "SIGN bits", activation.bits(), 1, 1); !s.ok())
          return s;
        break;
      default:
        return Refuse(context_, absl::StrFormat("unknown activation kind %d",
                                                static_cast<int>(activation.kind())));
    }
    return inputs_[0];
  }

  absl::StatusOr<TensorShape> MaxPool(const model::MaxPool& pool) {
    const TensorShape& in = inputs_[0];
    if (absl::Status s = CheckRange(context_, "max_pool kernel", pool.kernel(), 1,
                                    std::min(in.height, in.width));
        !s.ok())
      return s;
    if (absl::Status s = CheckRange(context_, "max_pool stride", pool.stride(), 1, kMaxSide);
        !s.ok())
      return s;
    const int k = static_cast<int>(pool.kernel());
    const int s = static_cast<int>(pool.stride());
    return TensorShape{in.channels, (in.height - k) / s + 1, (in.width - k) / s + 1};
  }

  absl::StatusOr<TensorShape> Mux(const model::MuxResidual& mux) {
    if (absl::Status s = CheckRange(context_, "mux_residual bits", mux.bits(), 1, kMaxMuxBits);
        !s.ok())
      return s;
    if (inputs_[0] != inputs_[1]) {
      return Refuse(context_, absl::StrFormat("mux inputs differ in shape: %s and %s",
                                              inputs_[0].ToString(), inputs_[1].ToString()));
    }
    return inputs_[0];
  }

  const model::Layer& layer_;
  const std::string context_;
  const std::vector<TensorShape>& inputs_;
  const int64_t weight_budget_;
};

absl::Status CheckInput(const model::InputSpec& input) {
  const std::string context = "input";
  if (absl::Status s = CheckRange(context, "channels", input.channels(), 3, 3); !s.ok()) return s;
  if (absl::Status s = CheckRange(context, "height", input.height(), 1, kMaxSide); !s.ok())
    return s;
  if (absl::Status s = CheckRange(context, "width", input.width(), 1, kMaxSide); !s.ok()) return s;
  return CheckRange(context, "offset", input.offset(), 0, 255);
}

absl::Status CheckTaskOutput(const model::Model& model, const TensorShape& output) {
  const int last = model.layers_size() - 1;
  const std::string context = LayerLabel(last, model.layers(last));
  switch (model.task()) {
    case model::TASK_CLASSIFY: {
      const int classes = model.class_names_size();
      if (classes == 0) return Refuse("task CLASSIFY", "no class_names");
      if (output != TensorShape{classes, 1, 1}) {
        return Refuse(context, absl::StrFormat("classifier output %s, the %d classes need %dx1x1",
                                               output.ToString(), classes, classes));
      }
      return absl::OkStatus();
    }
    case model::TASK_ENCODE: {
      const model::Layer& layer = model.layers(last);
      if (!layer.has_activation() || layer.activation().kind() != model::SIGN) {
        return Refuse(context, "an encoder must end with a SIGN activation");
      }
      const model::CodeLayout& code = model.code_layout();
      if (code.patch_size() != model.input().height() ||
          code.patch_size() != model.input().width()) {
        return Refuse("code_layout",
                      absl::StrFormat("patch_size %d, the input is %dx%d", code.patch_size(),
                                      model.input().height(), model.input().width()));
      }
      if (code.bits_per_patch() != output.NumElements()) {
        return Refuse(context, absl::StrFormat("the code has %d bits (%s), bits_per_patch is %d",
                                               output.NumElements(), output.ToString(),
                                               code.bits_per_patch()));
      }
      return absl::OkStatus();
    }
    default:
      return Refuse("task", absl::StrFormat("unknown task %d", static_cast<int>(model.task())));
  }
}

}  // namespace

absl::StatusOr<NetworkAnalysis> AnalyzeNetwork(const model::Model& model) {
  if (absl::Status s = CheckInput(model.input()); !s.ok()) return s;
  if (absl::Status s = CheckRange("model", "layer count", model.layers_size(), 1, kMaxLayers);
      !s.ok())
    return s;

  NetworkAnalysis analysis;
  const int layer_count = model.layers_size();
  analysis.tensor_shapes.reserve(layer_count + 1);
  analysis.tensor_shapes.push_back({static_cast<int32_t>(model.input().channels()),
                                    static_cast<int32_t>(model.input().height()),
                                    static_cast<int32_t>(model.input().width())});
  analysis.layer_inputs.resize(layer_count);
  analysis.conv_levels.resize(layer_count);
  int64_t model_weights = 0;

  for (int i = 0; i < layer_count; ++i) {
    const model::Layer& layer = model.layers(i);
    const std::string context = LayerLabel(i, layer);
    std::vector<int>& inputs = analysis.layer_inputs[i];
    if (layer.inputs().empty()) inputs.push_back(i);
    for (uint32_t index : layer.inputs()) {
      if (index > static_cast<uint32_t>(i)) {
        return Refuse(context, absl::StrFormat("input tensor %d is not computed yet (the layer "
                                               "may read tensors 0..%d)",
                                               index, i));
      }
      inputs.push_back(static_cast<int>(index));
    }
    std::vector<TensorShape> input_shapes;
    for (int index : inputs) input_shapes.push_back(analysis.tensor_shapes[index]);

    absl::StatusOr<TensorShape> output =
        LayerValidator(layer, context, input_shapes, kMaxModelWeights - model_weights)
            .Run(&analysis.conv_levels[i]);
    if (!output.ok()) return output.status();
    if (output->channels > kMaxChannels || output->height > kMaxSide || output->width > kMaxSide) {
      return Refuse(context, absl::StrFormat("output %s exceeds the limits (%d channels, %d a "
                                             "side)",
                                             output->ToString(), kMaxChannels, kMaxSide));
    }
    model_weights += static_cast<int64_t>(analysis.conv_levels[i].size());
    analysis.tensor_shapes.push_back(*output);
  }
  if (absl::Status s = CheckTaskOutput(model, analysis.tensor_shapes.back()); !s.ok()) return s;
  return analysis;
}

}  // namespace nqe
