// Exponential backoff between reconnection attempts: initial, x2 per failure up to a cap,
// with +-20 % jitter so many cameras that lost the cloud together do not return in lockstep.
#ifndef NQE_EDGE_ENCODER_DAEMON_BACKOFF_H_
#define NQE_EDGE_ENCODER_DAEMON_BACKOFF_H_

#include <random>

#include "absl/time/time.h"

namespace nqe::edge {

class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max, uint32_t seed = std::random_device{}())
      : initial_(initial), max_(max), next_(initial), random_(seed) {}

  // The delay before the next attempt; each call doubles the following one (up to max).
  absl::Duration NextDelay();
  // After a successful connection.
  void Reset() { next_ = initial_; }

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  absl::Duration next_;
  std::mt19937 random_;
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_BACKOFF_H_
