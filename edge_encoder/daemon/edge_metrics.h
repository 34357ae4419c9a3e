// The edge daemon's Prometheus metrics (documented in the README's metrics table).
#ifndef NQE_EDGE_ENCODER_DAEMON_EDGE_METRICS_H_
#define NQE_EDGE_ENCODER_DAEMON_EDGE_METRICS_H_

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace nqe::edge {

struct EdgeMetrics {
  explicit EdgeMetrics(prometheus::Registry& registry);

  prometheus::Counter& frames_captured;
  prometheus::Counter& frames_encoded;
  prometheus::Counter& patches_encoded;
  prometheus::Histogram& encode_seconds;
  prometheus::Counter& frames_sent;  // first sends and resends
  prometheus::Counter& frames_resent;
  prometheus::Counter& frames_acked;
  prometheus::Counter& sent_bytes;      // code bytes in chunks, as sent (entropy-coded or raw)
  prometheus::Counter& raw_code_bytes;  // the same chunks' codes before entropy coding
  prometheus::Gauge& queue_depth;
  prometheus::Gauge& in_flight;
  prometheus::Counter& frames_dropped;  // by the drop_oldest policy
  prometheus::Counter& reconnects;
  prometheus::Gauge& connected;
  prometheus::Counter& classify_requests;
  prometheus::Counter& classify_errors;
  prometheus::Histogram& classify_seconds;
  prometheus::Counter& encode_requests;
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_EDGE_METRICS_H_
