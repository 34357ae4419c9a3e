// Scalar integer rules shared by the loader's value-range proof and the engine's kernels, so
// that both apply one definition (docs/integer-semantics.md "Ops").
#ifndef NQE_COMMON_MODEL_INTEGER_OPS_H_
#define NQE_COMMON_MODEL_INTEGER_OPS_H_

#include <cstdint>

namespace nqe {

// Round-half-up right shift: rshift_round(v, 0) = v, else (v + 2^(s-1)) >> s with an arithmetic
// (flooring) shift. Takes int64 so that the rounding addend cannot overflow; shift is 0..15.
constexpr int64_t RshiftRound(int64_t value, int shift) {
  return shift == 0 ? value : (value + (int64_t{1} << (shift - 1))) >> shift;
}

// The largest value of a k-bit unsigned activation, 2^k - 1.
constexpr int32_t MaxUnsignedValue(int bits) { return (int32_t{1} << bits) - 1; }

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_INTEGER_OPS_H_
