#include "edge_encoder/daemon/edge_metrics.h"

#include <string>

namespace nqe::edge {
namespace {

prometheus::Counter& Counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Gauge& Gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Histogram& Seconds(prometheus::Registry& registry, const std::string& name,
                               const std::string& help) {
  prometheus::Histogram::BucketBoundaries buckets;  // 0.5 ms .. ~8 s, doubling
  for (double bound = 0.0005; bound < 10; bound *= 2) buckets.push_back(bound);
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

}  // namespace

EdgeMetrics::EdgeMetrics(prometheus::Registry& r)
    : frames_captured(Counter(r, "nqe_edge_frames_captured_total", "Frames read from the source")),
      frames_encoded(Counter(r, "nqe_edge_frames_encoded_total", "Frames encoded to codes")),
      patches_encoded(Counter(r, "nqe_edge_patches_encoded_total", "Patches encoded to codes")),
      encode_seconds(Seconds(r, "nqe_edge_encode_seconds", "Encoding time per frame")),
      frames_sent(Counter(r, "nqe_edge_frames_sent_total", "Frames sent, resends included")),
      frames_resent(
          Counter(r, "nqe_edge_frames_resent_total", "Frames sent again after a reconnect")),
      frames_acked(Counter(r, "nqe_edge_frames_acked_total", "Frames the cloud confirmed stored")),
      sent_bytes(
          Counter(r, "nqe_edge_sent_code_bytes_total",
                  "Code bytes sent in chunks, as sent (entropy-coded with --entropy_prior)")),
      raw_code_bytes(Counter(r, "nqe_edge_raw_code_bytes_total",
                             "The sent chunks' codes before entropy coding (= sent without it)")),
      queue_depth(Gauge(r, "nqe_edge_send_queue_frames", "Encoded frames waiting to be sent")),
      in_flight(Gauge(r, "nqe_edge_in_flight_frames", "Frames sent and not yet acknowledged")),
      frames_dropped(Counter(r, "nqe_edge_frames_dropped_total",
                             "Frames dropped by the drop_oldest queue policy")),
      reconnects(
          Counter(r, "nqe_edge_reconnects_total", "Uplink connection attempts after a loss")),
      connected(Gauge(r, "nqe_edge_uplink_connected", "1 while an Ingest stream is open")),
      classify_requests(Counter(r, "nqe_edge_classify_requests_total", "Classify RPCs")),
      classify_errors(Counter(r, "nqe_edge_classify_errors_total", "Classify RPCs that failed")),
      classify_seconds(
          Seconds(r, "nqe_edge_classify_seconds", "Classify latency (decode, resize, inference)")),
      encode_requests(Counter(r, "nqe_edge_encode_requests_total", "Encode RPCs")) {}

}  // namespace nqe::edge
