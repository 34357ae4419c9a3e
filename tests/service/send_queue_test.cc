#include "edge_encoder/daemon/send_queue.h"

#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace nqe::edge {
namespace {

std::shared_ptr<const EncodedFrame> Frame(int64_t id) {
  auto frame = std::make_shared<EncodedFrame>();
  frame->capture_time_unix_nanos = id;
  return frame;
}

TEST(SendQueueTest, DropOldestKeepsTheNewestAndCounts) {
  SendQueue queue(2, QueuePolicy::kDropOldest);
  for (int id = 1; id <= 5; ++id) ASSERT_TRUE(queue.Push(Frame(id)));
  EXPECT_EQ(queue.dropped(), 3u);
  EXPECT_EQ(queue.Pop(absl::ZeroDuration())->capture_time_unix_nanos, 4);
  EXPECT_EQ(queue.Pop(absl::ZeroDuration())->capture_time_unix_nanos, 5);
  EXPECT_EQ(queue.Pop(absl::Milliseconds(1)), nullptr);
}

TEST(SendQueueTest, BlockWaitsForRoomAndLosesNothing) {
  SendQueue queue(1, QueuePolicy::kBlock);
  ASSERT_TRUE(queue.Push(Frame(1)));
  std::thread producer([&] { EXPECT_TRUE(queue.Push(Frame(2))); });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(queue.size(), 1u);  // the producer is waiting
  EXPECT_EQ(queue.Pop(absl::Seconds(1))->capture_time_unix_nanos, 1);
  producer.join();
  EXPECT_EQ(queue.Pop(absl::Seconds(1))->capture_time_unix_nanos, 2);
  EXPECT_EQ(queue.dropped(), 0u);
}

TEST(SendQueueTest, CloseDrainsThenEnds) {
  SendQueue queue(4, QueuePolicy::kBlock);
  ASSERT_TRUE(queue.Push(Frame(1)));
  queue.Close();
  EXPECT_FALSE(queue.Push(Frame(2)));
  EXPECT_FALSE(queue.closed_and_empty());
  EXPECT_NE(queue.Pop(absl::ZeroDuration()), nullptr);
  EXPECT_TRUE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(absl::Seconds(5)), nullptr);  // returns at once when closed
}

TEST(SendQueueTest, ParsesPolicies) {
  EXPECT_EQ(*ParseQueuePolicy("block"), QueuePolicy::kBlock);
  EXPECT_EQ(*ParseQueuePolicy("drop_oldest"), QueuePolicy::kDropOldest);
  EXPECT_FALSE(ParseQueuePolicy("drop_newest").ok());
}

}  // namespace
}  // namespace nqe::edge
