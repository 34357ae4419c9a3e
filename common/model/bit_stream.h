// LSB-first bit fields over a byte string: bit b of a stream is bit b % 8 of byte b / 8
// (docs/integer-semantics.md "Weight storage").
#ifndef NQE_COMMON_MODEL_BIT_STREAM_H_
#define NQE_COMMON_MODEL_BIT_STREAM_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace nqe {

// Bytes needed to hold `bits` bits.
constexpr uint64_t BytesForBits(uint64_t bits) { return (bits + 7) / 8; }

// Reads `width` (0..64) bits starting at bit `offset`; the caller guarantees they exist.
inline uint64_t ReadBits(absl::string_view bytes, uint64_t offset, int width) {
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const uint64_t bit = offset + i;
    const uint64_t byte = static_cast<unsigned char>(bytes[bit / 8]);
    value |= ((byte >> (bit % 8)) & 1u) << i;
  }
  return value;
}

// Appends fields to a growing LSB-first stream (the writer side, for model builders and codes).
class BitWriter {
 public:
  void Write(uint64_t value, int width) {
    for (int i = 0; i < width; ++i, ++bit_count_) {
      if (bit_count_ % 8 == 0) bytes_.push_back('\0');
      if ((value >> i) & 1u)
        bytes_.back() = static_cast<char>(bytes_.back() | (1 << (bit_count_ % 8)));
    }
  }
  uint64_t bit_count() const { return bit_count_; }
  const std::string& bytes() const { return bytes_; }
  std::string Release() { return std::move(bytes_); }

 private:
  std::string bytes_;
  uint64_t bit_count_ = 0;
};

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_BIT_STREAM_H_
