#include "cloud_decoder/service/ack_writer.h"

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace nqe::cloud {
namespace {

// No stream: acks are bookkeeping only, as after Close().
TEST(AckWriterTest, WaitBelowReturnsOnceAFrameIsDone) {
  AckWriter acks(nullptr);
  acks.FrameQueued();
  acks.FrameQueued();
  EXPECT_TRUE(acks.WaitBelow(3, absl::Now()));
  EXPECT_FALSE(acks.WaitBelow(2, absl::Now() + absl::Milliseconds(10)));
  std::atomic<bool> returned{false};
  std::thread reader([&] {
    EXPECT_TRUE(acks.WaitBelow(2, absl::Now() + absl::Seconds(10)));
    returned = true;
  });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(returned);  // still two pending
  acks.Ack(1, /*duplicate=*/false);
  reader.join();
  EXPECT_TRUE(returned);
  acks.FrameDropped();  // a dropped frame is done too
  EXPECT_TRUE(acks.WaitBelow(1, absl::Now()));
}

}  // namespace
}  // namespace nqe::cloud
