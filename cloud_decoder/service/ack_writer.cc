#include "cloud_decoder/service/ack_writer.h"

#include <utility>

namespace nqe::cloud {

AckWriter::AckWriter(Stream* stream, std::function<void()> cancel)
    : stream_(stream), cancel_(std::move(cancel)) {
  if (stream_ != nullptr) writer_ = std::thread([this] { WriteQueued(); });
}

AckWriter::~AckWriter() {
  if (writer_.joinable()) Close(absl::InfinitePast());
}

void AckWriter::Send(service::IngestResponse response) {
  std::lock_guard<std::mutex> lock(mutex_);
  QueueLocked(std::move(response));
}

void AckWriter::FrameQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++pending_;
}

void AckWriter::Ack(uint64_t sequence, bool duplicate) {
  service::IngestResponse response;
  response.mutable_ack()->set_sequence(sequence);
  response.mutable_ack()->set_duplicate(duplicate);
  std::lock_guard<std::mutex> lock(mutex_);
  QueueLocked(std::move(response));  // the write follows on the writer thread
  FrameDoneLocked();
}

void AckWriter::FrameDropped() {
  std::lock_guard<std::mutex> lock(mutex_);
  FrameDoneLocked();
}

void AckWriter::QueueLocked(service::IngestResponse response) {
  if (stream_ == nullptr || closing_ || broken_) return;
  queue_.push_back(std::move(response));
  queue_changed_.notify_all();
}

void AckWriter::FrameDoneLocked() {
  --pending_;
  frame_done_.notify_all();
}

bool AckWriter::WaitBelow(int limit, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return frame_done_.wait_until(lock, absl::ToChronoTime(deadline),
                                [&] { return pending_ < limit; });
}

void AckWriter::WriteQueued() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queue_changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
    if (queue_.empty()) return;  // closing, and everything written
    service::IngestResponse response = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    const bool written = stream_->Write(response);
    lock.lock();
    writing_ = false;
    if (!written) {  // the call is over: no later write can succeed
      broken_ = true;
      queue_.clear();
    }
    queue_changed_.notify_all();
  }
}

bool AckWriter::Close(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_) return queue_.empty() && !writing_ && !broken_;
  closing_ = true;
  queue_changed_.notify_all();
  const bool flushed = queue_changed_.wait_until(lock, absl::ToChronoTime(deadline),
                                                 [&] { return queue_.empty() && !writing_; });
  if (!flushed) {
    queue_.clear();
    lock.unlock();
    if (cancel_) cancel_();  // frees a Write the client blocks by not reading
  } else {
    lock.unlock();
  }
  if (writer_.joinable()) writer_.join();
  return flushed && !broken_;  // broken_ is settled: the writer has been joined
}

}  // namespace nqe::cloud
