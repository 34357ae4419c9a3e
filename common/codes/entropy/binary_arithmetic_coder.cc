#include "common/codes/entropy/binary_arithmetic_coder.h"

namespace nqe {
namespace {

constexpr uint32_t kTop = 1u << 24;  // renormalise when the range falls below this

uint32_t Bound(uint32_t range, uint32_t p0) { return (range >> AdaptiveBitModel::kBits) * p0; }

}  // namespace

void BinaryArithmeticEncoder::Encode(bool bit, uint32_t p0) {
  const uint32_t bound = Bound(range_, p0);
  if (!bit) {
    range_ = bound;
  } else {
    low_ += bound;
    range_ -= bound;
  }
  while (range_ < kTop) {
    range_ <<= 8;
    ShiftLow();
  }
}

// Emits the top byte of `low_`, holding back a run of 0xFF bytes until it is known whether a
// carry will ripple into them.
void BinaryArithmeticEncoder::ShiftLow() {
  if (static_cast<uint32_t>(low_) < 0xFF000000u || (low_ >> 32) != 0) {
    const uint8_t carry = static_cast<uint8_t>(low_ >> 32);
    uint8_t pending = cache_;
    do {
      out_.push_back(static_cast<uint8_t>(pending + carry));
      pending = 0xFF;
    } while (--cache_size_ != 0);
    cache_ = static_cast<uint8_t>(static_cast<uint32_t>(low_) >> 24);
  }
  ++cache_size_;
  low_ = (low_ & 0x00FFFFFFu) << 8;
}

std::vector<uint8_t> BinaryArithmeticEncoder::Finish() {
  for (int i = 0; i < 5; ++i) ShiftLow();
  // The first byte is always the initial cache (0): drop it, the decoder assumes it.
  out_.erase(out_.begin());
  return std::move(out_);
}

BinaryArithmeticDecoder::BinaryArithmeticDecoder(absl::Span<const uint8_t> coded) : coded_(coded) {
  for (int i = 0; i < 4; ++i) code_ = (code_ << 8) | NextByte();
}

bool BinaryArithmeticDecoder::Decode(uint32_t p0) {
  const uint32_t bound = Bound(range_, p0);
  bool bit;
  if (code_ < bound) {
    range_ = bound;
    bit = false;
  } else {
    code_ -= bound;
    range_ -= bound;
    bit = true;
  }
  while (range_ < kTop) {
    range_ <<= 8;
    code_ = (code_ << 8) | NextByte();
  }
  return bit;
}

}  // namespace nqe
