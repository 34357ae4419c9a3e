#include "common/codes/entropy/logistic_mixer.h"

#include <algorithm>

namespace nqe {
namespace {

constexpr int kStretchLimit = 2047;

// round(4096 / (1 + e^(-(i - 16) / 2))) for i = 0..32.
constexpr std::array<int32_t, 33> kSquashPoints = {
    1,    2,    4,    6,    10,   17,   27,   45,   74,   120,  194,
    311,  488,  747,  1102, 1546, 2048, 2550, 2994, 3349, 3608, 3785,
    3902, 3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095};

std::array<int16_t, 4096> StretchTable() {
  std::array<int16_t, 4096> table{};
  int d = -kStretchLimit;
  for (uint32_t p = 0; p < table.size(); ++p) {
    while (d < kStretchLimit && Squash(d) < p) ++d;
    table[p] = static_cast<int16_t>(d);
  }
  return table;
}

}  // namespace

uint32_t Squash(int d) {
  d = std::clamp(d, -kStretchLimit, kStretchLimit) + 2048;  // 1..4095
  const int i = d >> 7, w = d & 127;
  return static_cast<uint32_t>((kSquashPoints[i] * (128 - w) + kSquashPoints[i + 1] * w + 64) >> 7);
}

int Stretch(uint32_t p) {
  static const std::array<int16_t, 4096> table = StretchTable();
  return table[std::min<uint32_t>(p, 4095)];
}

LogisticMixer::LogisticMixer(int channels)
    // Starts trusting the local model a little more (0.6 / 0.4), as the probe did.
    : weights_(static_cast<size_t>(channels), {39322, 26214, 0}) {}

uint32_t LogisticMixer::Mix(int channel, uint32_t p0_local, uint32_t p0_aligned) {
  channel_ = channel;
  inputs_ = {Stretch(p0_local), Stretch(p0_aligned), 256};
  int64_t dot = 0;
  for (int i = 0; i < kInputs; ++i) dot += int64_t{weights_[channel][i]} * inputs_[i];
  p0_ = Squash(static_cast<int>(std::clamp<int64_t>(dot >> 16, -kStretchLimit, kStretchLimit)));
  return p0_;
}

void LogisticMixer::Update(bool bit) {
  const int32_t error = (bit ? 0 : 4096) - static_cast<int32_t>(p0_);  // target P(0) - P(0)
  for (int i = 0; i < kInputs; ++i) {
    int32_t& w = weights_[channel_][i];
    w = std::clamp(w + ((inputs_[i] * error) >> kRateShift), -kWeightLimit, kWeightLimit);
  }
}

}  // namespace nqe
