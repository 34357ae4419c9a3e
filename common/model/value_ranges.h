// The load-time proof that no op can overflow int32 (docs/integer-semantics.md "Value
// ranges"): a conservative interval per tensor, propagated layer by layer.
#ifndef NQE_COMMON_MODEL_VALUE_RANGES_H_
#define NQE_COMMON_MODEL_VALUE_RANGES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/model/network_validator.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

// Every value a tensor can hold lies in [lo, hi].
struct ValueRange {
  int64_t lo = 0;
  int64_t hi = 0;

  bool FitsInt16() const { return lo >= INT16_MIN && hi <= INT16_MAX; }
};

// One interval per tensor (index as NetworkAnalysis::tensor_shapes). InvalidArgument naming the
// first layer whose output, or an intermediate sum of it, could leave int32.
absl::StatusOr<std::vector<ValueRange>> ProveValueRanges(const model::Model& model,
                                                         const NetworkAnalysis& analysis);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_VALUE_RANGES_H_
