// nqe-edge: the camera-side daemon. Reads frames from a source, encodes them with the NQE
// encoder, streams the codes to nqe-cloud (Ingest), and serves Classify and Encode.
//
// Shutdown (SIGTERM/SIGINT): capture stops, then what is queued or unacknowledged gets
// --drain_timeout to reach the cloud; whatever is left after it is reported and abandoned.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/cli/usage.h"
#include "common/codes/entropy/entropy_prior.h"
#include "common/model/model_loader.h"
#include "common/service/daemon_support.h"
#include "common/service/log.h"
#include "common/service/metrics_http.h"
#include "edge_encoder/daemon/capture_loop.h"
#include "edge_encoder/daemon/classifier.h"
#include "edge_encoder/daemon/edge_metrics.h"
#include "edge_encoder/daemon/edge_service.h"
#include "edge_encoder/daemon/frame_source.h"
#include "edge_encoder/daemon/send_queue.h"
#include "edge_encoder/daemon/uplink.h"
#include "edge_encoder/patches.h"

ABSL_FLAG(std::string, source, "",
          "frames to stream: image:<file>, folder:<dir>, video:<file>, v4l2:<device or index>, "
          "pattern:<W>x<H>; empty: serve Classify/Encode only");
ABSL_FLAG(bool, loop, false, "restart image, folder and video sources at their end");
ABSL_FLAG(double, fps, 0, "frame rate cap (frames/s); 0: no cap");
ABSL_FLAG(int64_t, max_frames, 0, "stop capturing after this many frames; 0: no limit");
ABSL_FLAG(bool, exit_when_done, true,
          "exit once a finite source is fully acknowledged by the cloud (else keep serving)");
ABSL_FLAG(std::string, cloud, "127.0.0.1:50051", "nqe-cloud address (host:port)");
ABSL_FLAG(std::string, camera_id, "camera-0",
          "this camera's id at the cloud: 1..64 characters of [A-Za-z0-9_.-]");
ABSL_FLAG(std::string, encoder_model, "models/encoder-0.25bpp.nqe", "NQE encoder (.nqe)");
ABSL_FLAG(std::string, entropy_prior, "",
          "entropy prior (.prior) for --encoder_model: send the codes entropy-coded (lossless, "
          "fewer bytes; the cloud must run with the same prior); empty: raw codes");
ABSL_FLAG(std::string, classifier_model, "models/classifier-cifar10.nqe",
          "NQE classifier (.nqe) for Classify; empty disables Classify");
ABSL_FLAG(int, encode_threads, 2, "encoder worker threads (patches of a frame in parallel)");
ABSL_FLAG(int, queue_capacity, 32, "encoded frames the send queue holds");
ABSL_FLAG(std::string, queue_policy, "block",
          "when the send queue is full: block (the source waits, nothing lost) or drop_oldest "
          "(discard the oldest queued frame, counted in nqe_edge_frames_dropped_total)");
ABSL_FLAG(int, rows_per_chunk, 4, "patch rows per Ingest chunk");
ABSL_FLAG(int, max_in_flight, 8, "frames sent to the cloud and not yet acknowledged");
ABSL_FLAG(double, drain_timeout_s, 10, "seconds to drain queued frames on SIGTERM");
ABSL_FLAG(std::string, tls_ca, "", "PEM root certificates: use TLS to the cloud");
ABSL_FLAG(std::string, listen, "127.0.0.1:50061",
          "gRPC address for Classify/Encode (host:port; port 0 picks a free one)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9102",
          "address of the Prometheus /metrics endpoint (host:port); empty disables it");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS (with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");

namespace nqe::edge {
namespace {

// What main waits for: a termination signal, or the end of a finite stream.
class ShutdownLatch {
 public:
  void Trigger(std::string reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!reason_) reason_ = std::move(reason);
    changed_.notify_all();
  }
  std::string Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return reason_.has_value(); });
    return *reason_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::string> reason_;
};

absl::StatusOr<std::shared_ptr<const LoadedModel>> LoadShared(const std::string& path) {
  absl::StatusOr<LoadedModel> model = LoadModelFile(path);
  if (!model.ok()) return model.status();
  return std::make_shared<const LoadedModel>(*std::move(model));
}

absl::Status Run() {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> encoder_model =
      LoadShared(absl::GetFlag(FLAGS_encoder_model));
  if (!encoder_model.ok()) return encoder_model.status();
  absl::StatusOr<Engine> encoder = Engine::Create(*encoder_model);
  if (!encoder.ok()) return encoder.status();
  NQE_LOG(INFO) << "encoder " << absl::GetFlag(FLAGS_encoder_model) << " (checksum "
                << (*encoder_model)->checksum << ")";
  std::optional<Classifier> classifier;
  if (const std::string path = absl::GetFlag(FLAGS_classifier_model); !path.empty()) {
    absl::StatusOr<std::shared_ptr<const LoadedModel>> model = LoadShared(path);
    if (!model.ok()) return model.status();
    absl::StatusOr<Classifier> created = Classifier::Create(*model);
    if (!created.ok()) return created.status();
    classifier = *std::move(created);
    NQE_LOG(INFO) << "classifier " << path << " (checksum " << (*model)->checksum << ")";
  }
  absl::StatusOr<QueuePolicy> policy = ParseQueuePolicy(absl::GetFlag(FLAGS_queue_policy));
  if (!policy.ok()) return policy.status();
  std::unique_ptr<FrameSource> source;
  if (const std::string spec = absl::GetFlag(FLAGS_source); !spec.empty()) {
    absl::StatusOr<std::unique_ptr<FrameSource>> opened =
        OpenFrameSource(spec, absl::GetFlag(FLAGS_loop));
    if (!opened.ok()) return opened.status();
    source = *std::move(opened);
  }

  auto registry = std::make_shared<prometheus::Registry>();
  EdgeMetrics metrics(*registry);
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> metrics_server =
      MetricsHttpServer::StartIfConfigured(absl::GetFlag(FLAGS_metrics_listen), registry);
  if (!metrics_server.ok()) return metrics_server.status();
  EdgeService service(&*encoder, std::move(classifier), absl::GetFlag(FLAGS_encode_threads),
                      &metrics);
  int port = 0;
  absl::StatusOr<std::unique_ptr<grpc::Server>> server =
      StartGrpcServer({absl::GetFlag(FLAGS_listen), 4 << 20, absl::GetFlag(FLAGS_tls_cert),
                       absl::GetFlag(FLAGS_tls_key)},
                      {&service}, &port);
  if (!server.ok()) return server.status();
  (*server)->GetHealthCheckService()->SetServingStatus(
      nqe::service::EdgeEncoder::service_full_name(), true);
  NQE_LOG(INFO) << "nqe-edge serving Classify/Encode on port " << port;

  ShutdownLatch shutdown;
  std::thread([&shutdown] { shutdown.Trigger(WaitForTerminationSignal()); }).detach();

  SendQueue queue(static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_queue_capacity))), *policy);
  UplinkOptions uplink_options;
  uplink_options.target = absl::GetFlag(FLAGS_cloud);
  uplink_options.camera_id = absl::GetFlag(FLAGS_camera_id);
  uplink_options.encoder_checksum = (*encoder_model)->checksum;
  if (const std::string path = absl::GetFlag(FLAGS_entropy_prior); !path.empty()) {
    absl::StatusOr<CodeShape> shape = EncoderCodeShape(*encoder);
    if (!shape.ok()) return shape.status();
    absl::StatusOr<EntropyPrior> prior = EntropyPrior::LoadFor(path, shape->channels);
    if (!prior.ok()) return prior.status();
    uplink_options.code_shape = *shape;
    uplink_options.entropy_prior = std::make_shared<const EntropyPrior>(*std::move(prior));
    NQE_LOG(INFO) << "entropy prior " << path << " (checksum "
                  << uplink_options.entropy_prior->Checksum() << "): codes go entropy-coded";
  }
  uplink_options.rows_per_chunk = std::max(1, absl::GetFlag(FLAGS_rows_per_chunk));
  uplink_options.max_in_flight = std::max(1, absl::GetFlag(FLAGS_max_in_flight));
  uplink_options.tls_ca_file = absl::GetFlag(FLAGS_tls_ca);
  Uplink uplink(uplink_options, &queue, &metrics);
  CaptureLoop capture(source.get(), &*encoder, &queue, &metrics,
                      {absl::GetFlag(FLAGS_fps), absl::GetFlag(FLAGS_encode_threads),
                       absl::GetFlag(FLAGS_max_frames)});

  absl::Status capture_status;
  absl::Status uplink_status;
  std::thread capture_thread;
  std::thread uplink_thread;
  if (source != nullptr) {
    NQE_LOG(INFO) << "streaming " << absl::GetFlag(FLAGS_source) << " to " << uplink_options.target
                  << " as camera " << uplink_options.camera_id << " (queue "
                  << absl::GetFlag(FLAGS_queue_capacity) << ", "
                  << absl::GetFlag(FLAGS_queue_policy) << ")";
    capture_thread = std::thread([&] {
      capture_status = capture.Run();
      if (!capture_status.ok()) NQE_LOG(ERROR) << "capture stopped: " << capture_status;
      queue.Close();  // the uplink finishes once the rest is acknowledged
    });
    uplink_thread = std::thread([&] {
      uplink_status = uplink.Run();
      if (uplink_status.ok()) {
        NQE_LOG(INFO) << "uplink: every frame acknowledged";
        if (absl::GetFlag(FLAGS_exit_when_done)) shutdown.Trigger("stream complete");
      } else if (!absl::IsCancelled(uplink_status)) {  // not our own shutdown: a bug
        NQE_LOG(ERROR) << "uplink stopped: " << uplink_status;
        shutdown.Trigger("uplink failed");
      }
    });
  }

  const std::string reason = shutdown.Wait();
  NQE_LOG(INFO) << reason << ": shutting down";
  if (source != nullptr) {
    capture.Stop();
    queue.Close();
    capture_thread.join();
    // Drain: the uplink ends by itself once everything queued is acknowledged.
    const absl::Time deadline = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_drain_timeout_s));
    while ((!queue.closed_and_empty() || uplink.unacknowledged() > 0) && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    const size_t left = queue.size() + uplink.unacknowledged();
    uplink.Abort();  // a no-op if it already finished
    uplink_thread.join();
    if (left > 0) NQE_LOG(WARNING) << "drain deadline passed: " << left << " frames not stored";
    NQE_LOG(INFO) << "sent " << metrics.frames_sent.Value() << " frames, "
                  << metrics.frames_acked.Value() << " acknowledged, "
                  << metrics.frames_dropped.Value() << " dropped by the queue policy, "
                  << metrics.reconnects.Value() << " reconnects";
  }
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (!uplink_status.ok() && !absl::IsCancelled(uplink_status)) return uplink_status;
  return capture_status;
}

}  // namespace
}  // namespace nqe::edge

int main(int argc, char** argv) {
  nqe::InstallTerminationHandlers();
  nqe::SetProgramUsage(
      "nqe-edge: NQE camera daemon (encode, stream to nqe-cloud, Classify/Encode).\n"
      "  nqe-edge --source=folder:DIR --cloud=HOST:PORT --camera_id=ID "
      "--encoder_model=E.nqe");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = nqe::edge::Run(); !status.ok()) {
    NQE_LOG(ERROR) << "nqe-edge: " << status;
    return 1;
  }
  return 0;
}
