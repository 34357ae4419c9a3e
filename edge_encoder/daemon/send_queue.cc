#include "edge_encoder/daemon/send_queue.h"

#include "absl/strings/str_cat.h"

namespace nqe::edge {

absl::StatusOr<QueuePolicy> ParseQueuePolicy(absl::string_view name) {
  if (name == "block") return QueuePolicy::kBlock;
  if (name == "drop_oldest") return QueuePolicy::kDropOldest;
  return absl::InvalidArgumentError(
      absl::StrCat("queue policy '", name, "': use block or drop_oldest"));
}

bool SendQueue::Push(std::shared_ptr<const EncodedFrame> frame) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (policy_ == QueuePolicy::kBlock) {
      changed_.wait(lock, [&] { return closed_ || frames_.size() < capacity_; });
    }
    if (closed_) return false;
    while (frames_.size() >= capacity_ && !frames_.empty()) {
      frames_.pop_front();
      ++dropped_;
    }
    frames_.push_back(std::move(frame));
  }
  changed_.notify_all();
  return true;
}

std::shared_ptr<const EncodedFrame> SendQueue::Pop(absl::Duration timeout) {
  std::shared_ptr<const EncodedFrame> frame;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return closed_ || !frames_.empty(); });
    if (frames_.empty()) return nullptr;
    frame = std::move(frames_.front());
    frames_.pop_front();
  }
  changed_.notify_all();
  return frame;
}

void SendQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool SendQueue::closed_and_empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_ && frames_.empty();
}

size_t SendQueue::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return frames_.size();
}

uint64_t SendQueue::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

}  // namespace nqe::edge
