// Mixes the predictions of the coder's two context models (code_context.h) into one, by
// logistic mixing as in PAQ/lpaq: p = squash(w_local * stretch(p_local) + w_aligned *
// stretch(p_aligned) + w_bias), one weight set per code channel, learned online within each
// frame by a gradient step on the bit's code length. Two models that are each right in other
// places predict better together than either alone: on photos/val with the 28-channel encoder,
// 0.2296 bpp (ideal code lengths) against 0.2411 for the local model alone
// (tools/entropy_mixing_probe.py, in floating point).
//
// Integer only, so both ends of the uplink compute the same probabilities: probabilities in
// 1/4096 (AdaptiveBitModel), stretch(p) = ln(p / (1 - p)) in 1/256 within +-2047, weights in
// 1/65536. Right shifts of negative numbers are arithmetic (as GCC and Clang do; C++20 says so).
#ifndef NQE_COMMON_CODES_ENTROPY_LOGISTIC_MIXER_H_
#define NQE_COMMON_CODES_ENTROPY_LOGISTIC_MIXER_H_

#include <array>
#include <cstdint>
#include <vector>

namespace nqe {

// 4096 / (1 + e^(-d / 256)) for d in 1/256, clamped to [-2047, 2047]; within [1, 4095].
// Interpolated linearly between 33 points (every 0.5 in ln-odds).
uint32_t Squash(int d);
// Its inverse: the smallest d in [-2047, 2047] with Squash(d) >= p, for p in [0, 4095].
int Stretch(uint32_t p);

class LogisticMixer {
 public:
  explicit LogisticMixer(int channels);

  // P(bit = 0) of `channel`'s next bit, in 1/4096, from the two models' P(bit = 0). Update()
  // learns from the inputs of the last call.
  uint32_t Mix(int channel, uint32_t p0_local, uint32_t p0_aligned);
  void Update(bool bit);

 private:
  static constexpr int kInputs = 3;  // the two models' stretched predictions and a bias
  // Learning rate 2^-10 in this fixed point, ~0.016 in ln-odds and probability units (the
  // probe measured 0.02 and 0.002 within 0.3 % of each other).
  static constexpr int kRateShift = 10;
  static constexpr int32_t kWeightLimit = 1 << 20;  // |w| <= 16: no overflow, ever

  std::vector<std::array<int32_t, kInputs>> weights_;
  std::array<int32_t, kInputs> inputs_{};
  int channel_ = 0;
  uint32_t p0_ = 2048;
};

}  // namespace nqe

#endif  // NQE_COMMON_CODES_ENTROPY_LOGISTIC_MIXER_H_
