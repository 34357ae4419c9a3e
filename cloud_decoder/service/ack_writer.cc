#include "cloud_decoder/service/ack_writer.h"

namespace nqe::cloud {

void AckWriter::FrameQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++pending_;
}

void AckWriter::Ack(uint64_t sequence, bool duplicate) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stream_ != nullptr) {
    service::IngestResponse response;
    response.mutable_ack()->set_sequence(sequence);
    response.mutable_ack()->set_duplicate(duplicate);
    stream_->Write(response);  // a failed write means the client left: nothing to do
  }
  --pending_;
  frame_done_.notify_all();
}

void AckWriter::FrameDropped() {
  std::lock_guard<std::mutex> lock(mutex_);
  --pending_;
  frame_done_.notify_all();
}

bool AckWriter::WaitBelow(int limit, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return frame_done_.wait_until(lock, absl::ToChronoTime(deadline),
                                [&] { return pending_ < limit; });
}

void AckWriter::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  stream_ = nullptr;
}

}  // namespace nqe::cloud
