#include "edge_encoder/daemon/backoff.h"

#include "gtest/gtest.h"

namespace nqe::edge {
namespace {

TEST(BackoffTest, DoublesUpToTheCapWithJitter) {
  Backoff backoff(absl::Milliseconds(100), absl::Seconds(1), /*seed=*/7);
  const double expected_ms[] = {100, 200, 400, 800, 1000, 1000};
  for (double ms : expected_ms) {
    const double delay = absl::ToDoubleMilliseconds(backoff.NextDelay());
    EXPECT_GE(delay, ms * 0.8);
    EXPECT_LE(delay, ms * 1.2);
  }
  backoff.Reset();
  EXPECT_LE(absl::ToDoubleMilliseconds(backoff.NextDelay()), 120);
}

}  // namespace
}  // namespace nqe::edge
