#include "common/model/value_ranges.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/model/integer_ops.h"
#include "common/model/layer_info.h"

namespace nqe {
namespace {

// Interval bounds are kept far from int64 overflow by saturating products: anything past
// int32 is refused anyway, so saturation never changes a verdict.
int64_t SaturatingMul(int64_t a, int64_t b) {
  int64_t product;
  if (__builtin_mul_overflow(a, b, &product)) {
    return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min()
                              : std::numeric_limits<int64_t>::max();
  }
  return product;
}

bool FitsInt32(const ValueRange& r) { return r.lo >= INT32_MIN && r.hi <= INT32_MAX; }

int64_t MaxMagnitude(const ValueRange& r) { return std::max(std::abs(r.lo), std::abs(r.hi)); }

ValueRange ConvRange(const model::Conv2d& conv, const std::vector<int8_t>& levels,
                     const ValueRange& in) {
  int max_level = 0;
  for (int8_t level : levels) max_level = std::max(max_level, std::abs(int{level}));
  const int64_t fan_in =
      int64_t{conv.in_channels() / conv.groups()} * conv.kernel_h() * conv.kernel_w();
  const int64_t bound = SaturatingMul(SaturatingMul(fan_in, max_level), MaxMagnitude(in));
  return {-bound, bound};
}

// The sum before the shift, in + bias: the part that must fit int32.
ValueRange BsnSumRange(const model::BitShiftNorm& bsn, const ValueRange& in) {
  int64_t max_bias = 0;
  for (int32_t bias : bsn.biases()) max_bias = std::max<int64_t>(max_bias, std::abs(int64_t{bias}));
  return {in.lo - max_bias, in.hi + max_bias};
}

ValueRange BsnOutputRange(const model::BitShiftNorm& bsn, const ValueRange& sum) {
  // rshift_round is monotone in its value, so each channel's extremes come from the sum's.
  ValueRange out{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
  for (uint32_t shift : bsn.shifts()) {
    out.lo = std::min(out.lo, RshiftRound(sum.lo, static_cast<int>(shift)));
    out.hi = std::max(out.hi, RshiftRound(sum.hi, static_cast<int>(shift)));
  }
  return out;
}

ValueRange ActivationRange(const model::Activation& activation) {
  switch (activation.kind()) {
    case model::QRELU:
      return {0, MaxUnsignedValue(static_cast<int>(activation.bits()))};
    case model::HWMSB:
      return {0, 4};
    default:  // SIGN
      return {0, 1};
  }
}

// BitShift(I + I1) of MuxResidual: v >> 1 for k > 1, (v + 1) >> 1 for k = 1.
int64_t MuxBitShift(int64_t sum, uint32_t bits) { return bits == 1 ? (sum + 1) >> 1 : sum >> 1; }

}  // namespace

absl::StatusOr<std::vector<ValueRange>> ProveValueRanges(const model::Model& model,
                                                         const NetworkAnalysis& analysis) {
  std::vector<ValueRange> ranges;
  ranges.reserve(analysis.tensor_shapes.size());
  const int64_t offset = model.input().offset();
  ranges.push_back({-offset, 255 - offset});

  for (int i = 0; i < model.layers_size(); ++i) {
    const model::Layer& layer = model.layers(i);
    const std::vector<int>& inputs = analysis.layer_inputs[i];
    const ValueRange& in = ranges[inputs[0]];
    // An intermediate value the op computes before its result (BSN's and MUX's sums).
    ValueRange intermediate = in;
    ValueRange out;
    switch (layer.op_case()) {
      case model::Layer::kConv2D:
        out = ConvRange(layer.conv2d(), analysis.conv_levels[i], in);
        break;
      case model::Layer::kBsn:
        intermediate = BsnSumRange(layer.bsn(), in);
        out = BsnOutputRange(layer.bsn(), intermediate);
        break;
      case model::Layer::kActivation:
        out = ActivationRange(layer.activation());
        break;
      case model::Layer::kMaxPool:
        out = in;
        break;
      case model::Layer::kGlobalSumPool: {
        const int64_t pixels = analysis.tensor_shapes[inputs[0]].PlaneSize();
        out = {SaturatingMul(in.lo, pixels), SaturatingMul(in.hi, pixels)};
        break;
      }
      case model::Layer::kMuxResidual: {
        const ValueRange& branch = ranges[inputs[1]];
        const uint32_t bits = layer.mux_residual().bits();
        intermediate = {in.lo + branch.lo, in.hi + branch.hi};
        out = {std::min(branch.lo, MuxBitShift(intermediate.lo, bits)),
               std::max(branch.hi, MuxBitShift(intermediate.hi, bits))};
        break;
      }
      default:
        return absl::InternalError("ProveValueRanges needs a validated network");
    }
    for (const ValueRange& r : {intermediate, out}) {
      if (!FitsInt32(r)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: values could reach [%d, %d], outside int32: the model could overflow",
            LayerLabel(i, layer), r.lo, r.hi));
      }
    }
    ranges.push_back(out);
  }
  return ranges;
}

}  // namespace nqe
