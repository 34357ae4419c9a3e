// The bounded queue between the encoder and the uplink. When it is full (the cloud is slow or
// away) the policy decides:
//   kBlock       the producer waits: the camera's frame rate drops, nothing is lost. For
//                sources that can wait (files, folders) and for evidence that must be complete.
//   kDropOldest  the oldest queued frame is discarded (counted) to make room: the uplink
//                catches up with the present, as live monitoring wants.
// Frames already handed to the uplink (sent, not yet acknowledged) are not in this queue and
// are never dropped: the uplink resends them after a reconnect.
#ifndef NQE_EDGE_ENCODER_DAEMON_SEND_QUEUE_H_
#define NQE_EDGE_ENCODER_DAEMON_SEND_QUEUE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "edge_encoder/daemon/encoded_frame.h"

namespace nqe::edge {

enum class QueuePolicy { kBlock, kDropOldest };

// "block" or "drop_oldest".
absl::StatusOr<QueuePolicy> ParseQueuePolicy(absl::string_view name);

class SendQueue {
 public:
  SendQueue(size_t capacity, QueuePolicy policy) : capacity_(capacity), policy_(policy) {}

  // Adds a frame; under kBlock waits for room. False if the queue was closed (frame dropped).
  bool Push(std::shared_ptr<const EncodedFrame> frame);

  // The oldest frame, waiting up to `timeout`; nullptr on timeout or when closed and empty.
  std::shared_ptr<const EncodedFrame> Pop(absl::Duration timeout);

  // No more pushes; Pop drains what is left.
  void Close();

  bool closed_and_empty() const;
  size_t size() const;
  uint64_t dropped() const;

 private:
  const size_t capacity_;
  const QueuePolicy policy_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<const EncodedFrame>> frames_;
  bool closed_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_SEND_QUEUE_H_
