// The edge's producer: frames from a source, at most --fps per second, encoded patch by patch
// on a worker pool (EncodeFrame's threads), into the SendQueue.
#ifndef NQE_EDGE_ENCODER_DAEMON_CAPTURE_LOOP_H_
#define NQE_EDGE_ENCODER_DAEMON_CAPTURE_LOOP_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "edge_encoder/daemon/edge_metrics.h"
#include "edge_encoder/daemon/frame_source.h"
#include "edge_encoder/daemon/send_queue.h"
#include "edge_encoder/engine/engine.h"

namespace nqe::edge {

struct CaptureOptions {
  double max_fps = 0;      // 0: as fast as the source and the encoder go
  int encode_threads = 2;  // patch workers per frame
  int64_t max_frames = 0;  // stop after this many frames; 0: until the source ends
};

class CaptureLoop {
 public:
  CaptureLoop(FrameSource* source, const Engine* encoder, SendQueue* queue, EdgeMetrics* metrics,
              CaptureOptions options)
      : source_(source), encoder_(encoder), queue_(queue), metrics_(metrics), options_(options) {}

  // Runs until the source ends, max_frames, Stop(), or an error. Does not close the queue.
  absl::Status Run();
  void Stop() { stop_ = true; }

 private:
  FrameSource* source_;
  const Engine* encoder_;
  SendQueue* queue_;
  EdgeMetrics* metrics_;
  const CaptureOptions options_;
  std::atomic<bool> stop_{false};
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_CAPTURE_LOOP_H_
