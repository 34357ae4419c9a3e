#include "common/model/flexor.h"

#include <bitset>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/model/bit_stream.h"

namespace nqe {
namespace {

int Parity(uint64_t bits) { return static_cast<int>(std::bitset<64>(bits).count() & 1u); }
int Popcount(uint64_t bits) { return static_cast<int>(std::bitset<64>(bits).count()); }

}  // namespace

uint64_t FlexorStoredBits(const model::FlexorParams& params, uint64_t count) {
  const uint64_t n_in = params.n_in();
  const uint64_t n_out = params.n_out();
  if (n_out == 0) return 0;
  return (count + n_out - 1) / n_out * n_in + n_out * n_in;
}

absl::StatusOr<std::vector<int8_t>> DecryptFlexor(const model::FlexorParams& params,
                                                  absl::string_view encrypted, uint32_t count) {
  const uint32_t n_in = params.n_in();
  const uint32_t n_out = params.n_out();
  if (n_in < 1 || n_in > n_out || n_out > kFlexorMaxSliceBits) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "FLEXOR: needs 1 <= n_in <= n_out <= 64, has n_in %d, n_out %d", n_in, n_out));
  }
  const uint64_t slices = (uint64_t{count} + n_out - 1) / n_out;
  const uint64_t encrypted_bits = slices * n_in;
  if (encrypted.size() != BytesForBits(encrypted_bits)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("FLEXOR: packed size %d bytes, %d slices of %d encrypted bits need %d",
                        encrypted.size(), slices, n_in, BytesForBits(encrypted_bits)));
  }
  const absl::string_view matrix = params.xor_matrix();
  if (matrix.size() != BytesForBits(uint64_t{n_out} * n_in)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("FLEXOR: xor_matrix size %d bytes, %d x %d bits need %d", matrix.size(),
                        n_out, n_in, BytesForBits(uint64_t{n_out} * n_in)));
  }
  std::vector<uint64_t> rows(n_out);
  for (uint32_t j = 0; j < n_out; ++j) {
    rows[j] = ReadBits(matrix, uint64_t{j} * n_in, static_cast<int>(n_in));
    if (Popcount(rows[j]) != static_cast<int>(params.n_tap())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("FLEXOR: xor_matrix row %d has %d ones, n_tap is %d", j,
                          Popcount(rows[j]), params.n_tap()));
    }
  }
  std::vector<int8_t> levels(count);
  for (uint64_t i = 0; i < slices; ++i) {
    const uint64_t slice = ReadBits(encrypted, i * n_in, static_cast<int>(n_in));
    for (uint32_t j = 0; j < n_out && i * n_out + j < count; ++j) {
      levels[i * n_out + j] = Parity(rows[j] & slice) ? 1 : -1;
    }
  }
  return levels;
}

}  // namespace nqe
