#include "common/model/weight_codec.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/model/bit_stream.h"
#include "common/model/cellular_automaton.h"
#include "common/model/flexor.h"

namespace nqe {
namespace {

// A radix packing: `digits` levels per `field_bits`-bit field, v = sum_j (l_j - min) * radix^j.
// TERNARY and QUINARY are the two instances (our choice: 1.6 and 2.33 bits per weight).
struct RadixPacking {
  int radix;
  int digits;
  int field_bits;
  int min_level;
};
constexpr RadixPacking kTernary{3, 5, 8, -1};
constexpr RadixPacking kQuinary{5, 3, 7, -2};

// A fixed-width field per level: BINARY (1 bit, 1 = +1) and INT_K (k-bit two's complement).
struct FieldPacking {
  int bits;
  bool binary;  // levels are -1/+1 rather than two's complement
  int min_level() const { return binary ? -1 : -(1 << (bits - 1)); }
  int max_level() const { return binary ? 1 : (1 << (bits - 1)) - 1; }
};

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t RadixStoredBits(const RadixPacking& packing, uint64_t count) {
  return packing.field_bits * CeilDiv(count, packing.digits);
}

absl::Status CheckPackedSize(absl::string_view packed, uint64_t stored_bits,
                             absl::string_view what) {
  const uint64_t expected = BytesForBits(stored_bits);
  if (packed.size() != expected) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: packed size %d bytes, %d stored bits need %d", what, packed.size(),
                        stored_bits, expected));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int8_t>> DecodeRadix(const RadixPacking& packing,
                                                absl::string_view packed, uint32_t count,
                                                absl::string_view what) {
  absl::Status size_ok = CheckPackedSize(packed, RadixStoredBits(packing, count), what);
  if (!size_ok.ok()) return size_ok;
  int field_limit = 1;
  for (int j = 0; j < packing.digits; ++j) field_limit *= packing.radix;
  std::vector<int8_t> levels(count);
  const uint64_t fields = CeilDiv(count, packing.digits);
  for (uint64_t f = 0; f < fields; ++f) {
    int value = static_cast<int>(ReadBits(packed, f * packing.field_bits, packing.field_bits));
    if (value >= field_limit) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: field %d holds %d, past the radix limit %d^%d = %d", what, f, value,
                          packing.radix, packing.digits, field_limit));
    }
    for (int j = 0; j < packing.digits; ++j, value /= packing.radix) {
      const uint64_t index = f * packing.digits + j;
      if (index < count)
        levels[index] = static_cast<int8_t>(value % packing.radix + packing.min_level);
    }
  }
  return levels;
}

absl::StatusOr<std::vector<int8_t>> DecodeFields(const FieldPacking& packing,
                                                 absl::string_view packed, uint32_t count,
                                                 absl::string_view what) {
  absl::Status size_ok = CheckPackedSize(packed, uint64_t{count} * packing.bits, what);
  if (!size_ok.ok()) return size_ok;
  std::vector<int8_t> levels(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t field = ReadBits(packed, i * packing.bits, packing.bits);
    if (packing.binary) {
      levels[i] = field ? 1 : -1;
    } else {
      const int64_t sign_bit = int64_t{1} << (packing.bits - 1);
      levels[i] = static_cast<int8_t>((static_cast<int64_t>(field) ^ sign_bit) - sign_bit);
    }
  }
  return levels;
}

absl::Status CheckIntBits(uint32_t int_bits) {
  if (int_bits < 2 || int_bits > 8) {
    return absl::InvalidArgumentError(absl::StrFormat("INT_K: int_bits %d outside 2..8", int_bits));
  }
  return absl::OkStatus();
}

absl::Status LevelOutOfRange(size_t index, int level, int lo, int hi, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: level %d at index %d is outside %d..%d", what, level, index, lo, hi));
}

}  // namespace

uint64_t StoredWeightBits(const model::Weights& weights) {
  const uint64_t count = weights.count();
  switch (weights.encoding()) {
    case model::BINARY:
      return count;
    case model::TERNARY:
      return RadixStoredBits(kTernary, count);
    case model::QUINARY:
      return RadixStoredBits(kQuinary, count);
    case model::INT_K:
      return uint64_t{weights.int_bits()} * count;
    case model::FLEXOR:
      return FlexorStoredBits(weights.flexor(), count);
    case model::CELLULAR_AUTOMATON:
      return kCellularAutomatonStoredBits;
    default:
      return 0;
  }
}

absl::StatusOr<std::vector<int8_t>> DecodeWeights(const model::Weights& weights,
                                                  uint32_t out_channels) {
  const uint32_t count = weights.count();
  switch (weights.encoding()) {
    case model::BINARY:
      return DecodeFields({1, true}, weights.packed(), count, "BINARY");
    case model::TERNARY:
      return DecodeRadix(kTernary, weights.packed(), count, "TERNARY");
    case model::QUINARY:
      return DecodeRadix(kQuinary, weights.packed(), count, "QUINARY");
    case model::INT_K: {
      absl::Status bits_ok = CheckIntBits(weights.int_bits());
      if (!bits_ok.ok()) return bits_ok;
      return DecodeFields({static_cast<int>(weights.int_bits()), false}, weights.packed(), count,
                          "INT_K");
    }
    case model::FLEXOR:
      return DecryptFlexor(weights.flexor(), weights.packed(), count);
    case model::CELLULAR_AUTOMATON:
      if (!weights.packed().empty()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "CELLULAR_AUTOMATON: packed must be empty (rule + seed only), has %d bytes",
            weights.packed().size()));
      }
      return GenerateCellularAutomatonLevels(weights.ca(), out_channels, count);
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("unknown weight encoding %d", static_cast<int>(weights.encoding())));
  }
}

absl::StatusOr<model::Weights> EncodeWeights(model::WeightEncoding encoding,
                                             absl::Span<const int8_t> levels, int int_bits) {
  model::Weights weights;
  weights.set_encoding(encoding);
  weights.set_count(static_cast<uint32_t>(levels.size()));
  BitWriter writer;
  const std::string what = model::WeightEncoding_Name(encoding);
  switch (encoding) {
    case model::BINARY:
    case model::INT_K: {
      if (encoding == model::INT_K) {
        absl::Status bits_ok = CheckIntBits(int_bits);
        if (!bits_ok.ok()) return bits_ok;
        weights.set_int_bits(int_bits);
      }
      const FieldPacking packing{encoding == model::BINARY ? 1 : int_bits,
                                 encoding == model::BINARY};
      for (size_t i = 0; i < levels.size(); ++i) {
        const int level = levels[i];
        if (level < packing.min_level() || level > packing.max_level() ||
            (packing.binary && level == 0)) {
          return LevelOutOfRange(i, level, packing.min_level(), packing.max_level(), what);
        }
        writer.Write(packing.binary ? (level > 0) : static_cast<uint64_t>(level), packing.bits);
      }
      break;
    }
    case model::TERNARY:
    case model::QUINARY: {
      const RadixPacking& packing = encoding == model::TERNARY ? kTernary : kQuinary;
      const int max_level = packing.min_level + packing.radix - 1;
      for (size_t first = 0; first < levels.size(); first += packing.digits) {
        uint64_t value = 0;
        // Digits past the last level are padding: level 0.
        for (int j = packing.digits - 1; j >= 0; --j) {
          const size_t index = first + j;
          const int level = index < levels.size() ? levels[index] : 0;
          if (level < packing.min_level || level > max_level) {
            return LevelOutOfRange(index, level, packing.min_level, max_level, what);
          }
          value = value * packing.radix + (level - packing.min_level);
        }
        writer.Write(value, packing.field_bits);
      }
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("EncodeWeights does not pack %s (build its parameters directly)", what));
  }
  weights.set_packed(writer.Release());
  return weights;
}

}  // namespace nqe
