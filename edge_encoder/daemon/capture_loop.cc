#include "edge_encoder/daemon/capture_loop.h"

#include <memory>

#include "absl/time/clock.h"
#include "common/service/log.h"
#include "edge_encoder/daemon/rate_limiter.h"
#include "edge_encoder/patches.h"

namespace nqe::edge {

absl::Status CaptureLoop::Run() {
  RateLimiter rate(options_.max_fps);
  int64_t frames = 0;
  uint64_t dropped_before = queue_->dropped();
  while (!stop_ && (options_.max_frames == 0 || frames < options_.max_frames)) {
    rate.Wait();
    absl::StatusOr<std::optional<CapturedFrame>> captured = source_->Next();
    if (!captured.ok()) return captured.status();
    if (!captured->has_value()) {
      NQE_LOG(INFO) << "capture: source ended after " << frames << " frames";
      return absl::OkStatus();
    }
    metrics_->frames_captured.Increment();
    const absl::Time start = absl::Now();
    absl::StatusOr<FrameCodes> codes =
        EncodeFrame(*encoder_, (*captured)->image, options_.encode_threads);
    if (!codes.ok()) return codes.status();
    metrics_->encode_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    metrics_->frames_encoded.Increment();
    metrics_->patches_encoded.Increment(codes->grid.count());
    auto frame = std::make_shared<EncodedFrame>();
    frame->codes = *std::move(codes);
    frame->capture_time_unix_nanos = (*captured)->capture_time_unix_nanos;
    frame->origin = std::move((*captured)->origin);
    if (!queue_->Push(std::move(frame))) return absl::OkStatus();  // closed: shutting down
    ++frames;
    metrics_->queue_depth.Set(static_cast<double>(queue_->size()));
    if (const uint64_t dropped = queue_->dropped(); dropped != dropped_before) {
      metrics_->frames_dropped.Increment(static_cast<double>(dropped - dropped_before));
      dropped_before = dropped;
    }
  }
  return absl::OkStatus();
}

}  // namespace nqe::edge
