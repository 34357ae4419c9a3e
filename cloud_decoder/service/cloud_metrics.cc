#include "cloud_decoder/service/cloud_metrics.h"

#include "prometheus/counter.h"

namespace nqe::cloud {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

prometheus::Counter& Counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Gauge& Gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Histogram& Seconds(prometheus::Registry& registry, const std::string& name,
                               const std::string& help) {
  // 1 ms .. ~16 s, doubling: decode of small frames to e2e latency under backlog.
  prometheus::Histogram::BucketBoundaries buckets;
  for (double bound = 0.001; bound < 20; bound *= 2) buckets.push_back(bound);
  return BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

// Refusals by what was wrong (proto/nqe_service.proto lists the codes).
const char* ReasonOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "malformed";
    case absl::StatusCode::kFailedPrecondition:
      return "unknown_encoder_or_layout";
    case absl::StatusCode::kOutOfRange:
      return "sequence_gap";
    case absl::StatusCode::kAborted:
      return "superseded";
    case absl::StatusCode::kUnavailable:
      return "busy";
    default:
      return "internal";
  }
}

}  // namespace

CloudMetrics::CloudMetrics(prometheus::Registry& registry)
    : streams_open(
          Gauge(registry, "nqe_cloud_ingest_streams_open", "Ingest streams currently open")),
      frames_received(Counter(registry, "nqe_cloud_frames_received_total",
                              "Complete frames received (new and duplicate)")),
      frames_duplicate(Counter(registry, "nqe_cloud_frames_duplicate_total",
                               "Frames received again after being stored: acked, dropped")),
      frames_decoded(
          Counter(registry, "nqe_cloud_frames_decoded_total", "Frames decoded by PURENET")),
      frames_stored(
          Counter(registry, "nqe_cloud_frames_stored_total", "Frames committed to the store")),
      frames_failed(Counter(registry, "nqe_cloud_frames_failed_total",
                            "Accepted frames that could not be decoded or stored")),
      received_bytes(Counter(registry, "nqe_cloud_received_code_bytes_total",
                             "Code bytes received in frame chunks")),
      decode_queue(Gauge(registry, "nqe_cloud_decode_queue_frames",
                         "Frames received and not yet stored, dropped or acked as duplicates")),
      ingest_throttled(
          Counter(registry, "nqe_cloud_ingest_throttled_total",
                  "Times an ingest stream had --max_queued_frames frames queued, so the cloud "
                  "stopped reading it until one was done")),
      decode_seconds(
          Seconds(registry, "nqe_cloud_decode_seconds", "PURENET decode time per frame")),
      store_seconds(Seconds(registry, "nqe_cloud_store_seconds",
                            "PNG encoding and atomic write time per frame")),
      end_to_end_seconds(Seconds(registry, "nqe_cloud_end_to_end_seconds",
                                 "From capture (edge clock) to stored (cloud clock)")),
      reconstruct_requests(
          Counter(registry, "nqe_cloud_reconstruct_requests_total", "Reconstruct RPCs served")),
      rejected_(BuildCounter()
                    .Name("nqe_cloud_frames_rejected_total")
                    .Help("Ingest streams refused, by reason (the frame in progress is lost)")
                    .Register(registry)) {
  for (absl::StatusCode code :
       {absl::StatusCode::kInvalidArgument, absl::StatusCode::kFailedPrecondition,
        absl::StatusCode::kOutOfRange, absl::StatusCode::kAborted, absl::StatusCode::kUnavailable,
        absl::StatusCode::kInternal}) {
    rejected_.Add({{"reason", ReasonOf(code)}});  // exported at 0 from the start
  }
}

void CloudMetrics::CountRejected(const absl::Status& status) {
  rejected_.Add({{"reason", ReasonOf(status.code())}}).Increment();
}

}  // namespace nqe::cloud
