// An adaptive binary arithmetic (range) coder, integer-only and deterministic so an edge ASIC
// and the cloud produce and read the same bytes. The carry-propagating range coder of LZMA
// (Igor Pavlov, public domain), with 12-bit probabilities that adapt by a shift after each bit.
#ifndef NQE_COMMON_CODES_ENTROPY_BINARY_ARITHMETIC_CODER_H_
#define NQE_COMMON_CODES_ENTROPY_BINARY_ARITHMETIC_CODER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace nqe {

// The probability that the next bit is 0, in units of 1/4096, adapted after every bit.
class AdaptiveBitModel {
 public:
  static constexpr int kBits = 12;
  static constexpr uint32_t kOne = 1u << kBits;
  // Adaptation rate 1/16 (our choice): a context sees only a few hundred bits per frame.
  // Measured on photos/val with a mid-training 0.25 bpp encoder: 1/8 saved 38.8 %, 1/16 39.7 %,
  // 1/32 (LZMA's) 38.2 %; mixing a 1/16 and a 1/128 estimate 36.5 %.
  static constexpr int kShift = 4;

  AdaptiveBitModel() = default;
  // Starts at a learned probability (entropy_prior.h) instead of 1/2; `p0` in [1, kOne - 1].
  explicit AdaptiveBitModel(uint32_t p0) : p0_(p0) {}

  uint32_t p0() const { return p0_; }
  void Update(bool bit) {
    if (bit) {
      p0_ -= p0_ >> kShift;
    } else {
      p0_ += (kOne - p0_) >> kShift;
    }
  }

 private:
  uint32_t p0_ = kOne / 2;
};

class BinaryArithmeticEncoder {
 public:
  // Codes `bit` with P(bit = 0) = p0 / 4096, p0 in [1, 4095].
  void Encode(bool bit, uint32_t p0);
  // The same with the model's probability, then updates the model.
  void Encode(bool bit, AdaptiveBitModel& model) {
    Encode(bit, model.p0());
    model.Update(bit);
  }
  // Flushes and returns the coded bytes; the encoder is spent afterwards.
  std::vector<uint8_t> Finish();

 private:
  void ShiftLow();

  uint64_t low_ = 0;
  uint32_t range_ = 0xFFFFFFFFu;
  uint8_t cache_ = 0;
  uint64_t cache_size_ = 1;
  std::vector<uint8_t> out_;
};

class BinaryArithmeticDecoder {
 public:
  explicit BinaryArithmeticDecoder(absl::Span<const uint8_t> coded);
  bool Decode(uint32_t p0);  // the inverse of Encode(bit, p0)
  bool Decode(AdaptiveBitModel& model) {
    const bool bit = Decode(model.p0());
    model.Update(bit);
    return bit;
  }
  // Bytes the decoder has asked for, including any past the end (read as 0). After the last
  // bit of a well-formed input this equals its size: the encoder flushes exactly the bytes
  // the decoder's renormalisations will ask for.
  size_t bytes_read() const { return requested_; }

 private:
  uint8_t NextByte() {
    ++requested_;
    return next_ < coded_.size() ? coded_[next_++] : 0;
  }

  absl::Span<const uint8_t> coded_;
  size_t next_ = 0;
  size_t requested_ = 0;
  uint32_t range_ = 0xFFFFFFFFu;
  uint32_t code_ = 0;
};

}  // namespace nqe

#endif  // NQE_COMMON_CODES_ENTROPY_BINARY_ARITHMETIC_CODER_H_
