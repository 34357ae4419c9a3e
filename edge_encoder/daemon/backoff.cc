#include "edge_encoder/daemon/backoff.h"

#include <algorithm>

namespace nqe::edge {

absl::Duration Backoff::NextDelay() {
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const absl::Duration delay = next_ * jitter(random_);
  next_ = std::min(next_ * 2, max_);
  return delay;
}

}  // namespace nqe::edge
