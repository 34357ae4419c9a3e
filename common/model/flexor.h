// FleXOR (Lee et al., 2020): binary weights decrypted from encrypted bits by a fixed XOR-gate
// network (docs/integer-semantics.md "FleXOR").
#ifndef NQE_COMMON_MODEL_FLEXOR_H_
#define NQE_COMMON_MODEL_FLEXOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

inline constexpr uint32_t kFlexorMaxSliceBits = 64;

// ceil(count / n_out) * n_in encrypted bits plus the n_out x n_in matrix.
uint64_t FlexorStoredBits(const model::FlexorParams& params, uint64_t count);

// Weight bit b[i*n_out + j] = parity(M_j AND e_i), level = b ? +1 : -1, for the first `count`
// bits. Checks 1 <= n_in <= n_out <= 64, the sizes of `encrypted` and the matrix, and that
// every matrix row holds exactly n_tap ones.
absl::StatusOr<std::vector<int8_t>> DecryptFlexor(const model::FlexorParams& params,
                                                  absl::string_view encrypted, uint32_t count);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_FLEXOR_H_
