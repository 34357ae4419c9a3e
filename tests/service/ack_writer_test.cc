#include "cloud_decoder/service/ack_writer.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace nqe::cloud {
namespace {

// The server side of an Ingest stream whose client reads responses only while `reading`:
// otherwise Write blocks, as gRPC's does once the client's window is full, until Cancel().
class FakeStream : public AckWriter::Stream {
 public:
  explicit FakeStream(bool reading) : reading_(reading) {}

  bool Write(const service::IngestResponse& response, grpc::WriteOptions) override {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return reading_ || cancelled_; });
    if (cancelled_ || fail_writes_) return false;
    written_.push_back(response);
    return true;
  }
  void Cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  void FailWrites() {
    std::lock_guard<std::mutex> lock(mutex_);
    fail_writes_ = true;
  }
  bool cancelled() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
  }
  std::vector<service::IngestResponse> written() {
    std::lock_guard<std::mutex> lock(mutex_);
    return written_;
  }

  void SendInitialMetadata() override {}
  bool NextMessageSize(uint32_t*) override { return false; }
  bool Read(service::IngestRequest*) override { return false; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  const bool reading_;
  bool cancelled_ = false;
  bool fail_writes_ = false;
  std::vector<service::IngestResponse> written_;
};

// No stream: acks are bookkeeping only.
TEST(AckWriterTest, WaitBelowReturnsOnceAFrameIsDone) {
  AckWriter acks(nullptr, nullptr);
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

TEST(AckWriterTest, WritesEverythingQueuedInOrderBeforeClosing) {
  FakeStream stream(/*reading=*/true);
  AckWriter acks(&stream, [&] { stream.Cancel(); });
  service::IngestResponse welcome;
  welcome.mutable_welcome()->set_last_stored_sequence(7);
  acks.Send(welcome);
  for (int i = 0; i < 2; ++i) acks.FrameQueued();
  acks.Ack(8, /*duplicate=*/false);
  acks.Ack(8, /*duplicate=*/true);
  EXPECT_TRUE(acks.Close(absl::Now() + absl::Seconds(10)));
  EXPECT_FALSE(stream.cancelled());
  const std::vector<service::IngestResponse> written = stream.written();
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0].welcome().last_stored_sequence(), 7u);
  EXPECT_EQ(written[1].ack().sequence(), 8u);
  EXPECT_FALSE(written[1].ack().duplicate());
  EXPECT_TRUE(written[2].ack().duplicate());
  acks.Ack(9, /*duplicate=*/false);  // a worker finishing after Close: dropped, not written
  EXPECT_EQ(stream.written().size(), 3u);
}

// The stall this class exists to prevent: a decode worker acking a frame must not wait for a
// client that stopped reading, or every camera sharing that worker would wait with it.
TEST(AckWriterTest, AClientThatStopsReadingBlocksNoWorkerAndIsCancelledOnClose) {
  FakeStream stream(/*reading=*/false);
  AckWriter acks(&stream, [&] { stream.Cancel(); });
  constexpr int kFrames = 5;
  std::atomic<bool> worker_done{false};
  std::thread worker([&] {
    for (int i = 1; i <= kFrames; ++i) {
      acks.FrameQueued();
      acks.Ack(i, /*duplicate=*/false);
    }
    worker_done = true;
  });
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!worker_done && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_TRUE(worker_done);  // every ack queued while the first write is still blocked
  worker.join();
  EXPECT_TRUE(acks.WaitBelow(1, absl::Now()));  // the frames are done, whatever the client does
  const absl::Time start = absl::Now();
  EXPECT_FALSE(acks.Close(start + absl::Milliseconds(50)));
  EXPECT_TRUE(stream.cancelled());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // the cancel freed the blocked write
  EXPECT_TRUE(stream.written().empty());
}

TEST(AckWriterTest, AFailedWriteEndsWritingAndCloseReportsIt) {
  FakeStream stream(/*reading=*/true);
  stream.FailWrites();
  AckWriter acks(&stream, [&] { stream.Cancel(); });
  acks.FrameQueued();
  acks.Ack(1, /*duplicate=*/false);
  EXPECT_TRUE(acks.WaitBelow(1, absl::Now()));
  EXPECT_FALSE(acks.Close(absl::Now() + absl::Seconds(10)));
  EXPECT_TRUE(stream.written().empty());
}

}  // namespace
}  // namespace nqe::cloud
