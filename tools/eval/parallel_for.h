// Work sharing over a list of independent items (images): the evaluation is embarrassingly
// parallel, and the machine it runs on is shared, so the thread count is the caller's flag.
#ifndef NQE_TOOLS_EVAL_PARALLEL_FOR_H_
#define NQE_TOOLS_EVAL_PARALLEL_FOR_H_

#include <functional>

#include "absl/status/status.h"

namespace nqe::eval {

// Calls body(index, worker) for every index in [0, count) on `threads` threads (worker in
// [0, threads), so per-worker state can be indexed by it). Items are handed out in order; after
// the first error no new item starts, and that error is returned.
absl::Status ParallelFor(int count, int threads,
                         const std::function<absl::Status(int index, int worker)>& body);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_PARALLEL_FOR_H_
