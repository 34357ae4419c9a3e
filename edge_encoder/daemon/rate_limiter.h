// Caps a loop at a frame rate: Wait() returns at most `fps` times per second. It keeps a
// schedule rather than sleeping a fixed period, so slow iterations are not made slower, and it
// does not burst to catch up after a stall (our choice: a camera has no use for old frames).
#ifndef NQE_EDGE_ENCODER_DAEMON_RATE_LIMITER_H_
#define NQE_EDGE_ENCODER_DAEMON_RATE_LIMITER_H_

#include <algorithm>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace nqe::edge {

class RateLimiter {
 public:
  explicit RateLimiter(double fps)  // fps <= 0: no cap
      : period_(fps > 0 ? absl::Seconds(1.0 / fps) : absl::ZeroDuration()) {}

  void Wait() {
    if (period_ == absl::ZeroDuration()) return;
    const absl::Time now = absl::Now();
    if (next_ > now) absl::SleepFor(next_ - now);
    next_ = std::max(next_, now) + period_;
  }

 private:
  const absl::Duration period_;
  absl::Time next_ = absl::InfinitePast();
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_RATE_LIMITER_H_
