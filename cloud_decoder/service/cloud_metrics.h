// The cloud daemon's Prometheus metrics (documented in the README's metrics table).
#ifndef NQE_CLOUD_DECODER_SERVICE_CLOUD_METRICS_H_
#define NQE_CLOUD_DECODER_SERVICE_CLOUD_METRICS_H_

#include <string>

#include "absl/status/status.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace nqe::cloud {

class CloudMetrics {
 public:
  explicit CloudMetrics(prometheus::Registry& registry);

  // A refused stream, counted under a reason derived from the status code.
  void CountRejected(const absl::Status& status);

  prometheus::Gauge& streams_open;
  prometheus::Counter& frames_received;
  prometheus::Counter& frames_duplicate;
  prometheus::Counter& frames_decoded;
  prometheus::Counter& frames_stored;
  prometheus::Counter& frames_failed;
  prometheus::Counter& received_bytes;
  prometheus::Gauge& decode_queue;
  prometheus::Counter& ingest_throttled;
  prometheus::Histogram& decode_seconds;
  prometheus::Histogram& store_seconds;
  prometheus::Histogram& end_to_end_seconds;
  prometheus::Counter& reconstruct_requests;

 private:
  prometheus::Family<prometheus::Counter>& rejected_;
};

}  // namespace nqe::cloud

#endif  // NQE_CLOUD_DECODER_SERVICE_CLOUD_METRICS_H_
