#include "common/model/memory_accounting.h"

#include <algorithm>
#include <set>

#include "common/model/layer_info.h"
#include "common/model/weight_codec.h"

namespace nqe {
namespace {

constexpr int kInputBits = 8;
constexpr int kAccumulatorBits = 32;
constexpr int kBsnShiftBits = 4;

// Width of each value of tensor `t` (0 = the input): input 8 bits, QRELU k, HWMSB 2, SIGN 1,
// MaxPool as its input, MuxResidual k, everything else a 32-bit accumulator.
std::vector<int> TensorValueBits(const model::Model& model, const NetworkAnalysis& analysis) {
  std::vector<int> bits(model.layers_size() + 1, kInputBits);
  for (int i = 0; i < model.layers_size(); ++i) {
    const model::Layer& layer = model.layers(i);
    int& width = bits[i + 1];
    switch (layer.op_case()) {
      case model::Layer::kActivation:
        width = static_cast<int>(layer.activation().bits());
        break;
      case model::Layer::kMaxPool:
        width = bits[analysis.layer_inputs[i][0]];
        break;
      case model::Layer::kMuxResidual:
        width = static_cast<int>(layer.mux_residual().bits());
        break;
      default:
        width = kAccumulatorBits;
    }
  }
  return bits;
}

uint64_t LayerParamBits(const model::Layer& layer) {
  if (layer.has_conv2d()) return StoredWeightBits(layer.conv2d().weights());
  if (layer.has_bsn()) {
    const model::BitShiftNorm& bsn = layer.bsn();
    return uint64_t{kBsnShiftBits} * bsn.shifts_size() +
           uint64_t{bsn.bias_bits()} * bsn.biases_size();
  }
  return 0;  // MUX/TGAP thresholds derive from the shape: stored nowhere.
}

// A Conv2d or BSN output read by exactly one layer, itself a BSN or an Activation, is fused
// away by the hardware (our choice, stated in the contract so the figure is reproducible).
std::vector<bool> TransientTensors(const model::Model& model, const NetworkAnalysis& analysis) {
  const int layer_count = model.layers_size();
  std::vector<std::set<int>> readers(layer_count + 1);
  for (int i = 0; i < layer_count; ++i) {
    for (int t : analysis.layer_inputs[i]) readers[t].insert(i);
  }
  std::vector<bool> transient(layer_count + 1, false);
  for (int i = 0; i < layer_count; ++i) {
    const model::Layer& producer = model.layers(i);
    if (!producer.has_conv2d() && !producer.has_bsn()) continue;
    if (readers[i + 1].size() != 1) continue;
    const model::Layer& reader = model.layers(*readers[i + 1].begin());
    transient[i + 1] = reader.has_bsn() || reader.has_activation();
  }
  return transient;
}

}  // namespace

MemoryReport ComputeMemoryReport(const model::Model& model, const NetworkAnalysis& analysis) {
  const std::vector<int> value_bits = TensorValueBits(model, analysis);
  const std::vector<bool> transient = TransientTensors(model, analysis);
  auto tensor_bits = [&](int t) {
    return static_cast<uint64_t>(analysis.tensor_shapes[t].NumElements()) * value_bits[t];
  };

  MemoryReport report;
  for (int i = 0; i < model.layers_size(); ++i) {
    const model::Layer& layer = model.layers(i);
    LayerMemoryRow row;
    row.name = layer.name();
    row.op = LayerOpName(layer);
    row.output = analysis.tensor_shapes[i + 1];
    row.value_bits = value_bits[i + 1];
    row.transient = transient[i + 1];
    row.param_bits = LayerParamBits(layer);
    if (!row.transient) {
      // The materialised tensors this layer reads, directly or through fused (transient) ones;
      // each counted once however many paths reach it.
      std::set<int> materialised_inputs;
      std::vector<int> pending = analysis.layer_inputs[i];
      while (!pending.empty()) {
        const int t = pending.back();
        pending.pop_back();
        if (transient[t]) {
          const std::vector<int>& producer_inputs = analysis.layer_inputs[t - 1];
          pending.insert(pending.end(), producer_inputs.begin(), producer_inputs.end());
        } else {
          materialised_inputs.insert(t);
        }
      }
      row.stage_bits = tensor_bits(i + 1);
      for (int t : materialised_inputs) row.stage_bits += tensor_bits(t);
    }
    report.param_bits += row.param_bits;
    report.activation_bits = std::max(report.activation_bits, row.stage_bits);
    report.layers.push_back(std::move(row));
  }
  return report;
}

}  // namespace nqe
