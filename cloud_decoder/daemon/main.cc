// nqe-cloud: receives frame codes from edge daemons, reconstructs the frames with PURENET,
// stores them and serves them (proto/nqe_service.proto, service CloudDecoder).
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "cloud_decoder/decode/decode_pool.h"
#include "cloud_decoder/ingest/codec_spec.h"
#include "cloud_decoder/service/cloud_metrics.h"
#include "cloud_decoder/service/cloud_service.h"
#include "cloud_decoder/store/frame_store.h"
#include "common/cli/usage.h"
#include "common/codes/entropy/entropy_prior.h"
#include "common/model/model_loader.h"
#include "common/service/daemon_support.h"
#include "common/service/log.h"
#include "common/service/metrics_http.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address to serve on (host:port; port 0 picks a free one, logged at start)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9101",
          "address of the Prometheus /metrics endpoint (host:port); empty disables it");
ABSL_FLAG(std::string, encoder_model, "models/encoder-0.25bpp.nqe",
          "the encoder the decoder was trained with: streams must present its checksum, and "
          "its output tensor gives the code layout");
ABSL_FLAG(std::string, decoder_model, "models/purenet-0.25bpp.onnx",
          "PURENET decoder (ONNX) run by OpenCV DNN");
ABSL_FLAG(std::string, entropy_prior, "",
          "entropy prior (.prior, from nqe-eval entropy --learn_prior) for --encoder_model: edges "
          "that name it in their Hello may send entropy-coded codes; empty: raw codes only (raw "
          "streams are accepted either way)");
ABSL_FLAG(std::string, store_dir, "cloud-store", "directory of stored frames (created)");
ABSL_FLAG(int, retention_frames, 10000, "newest frames kept per camera; 0 keeps all");
ABSL_FLAG(int, decode_workers, 2,
          "decode threads, each with its own decoder; a camera always uses the same one");
ABSL_FLAG(int, max_frame_side, 8192, "largest frame height or width accepted, in pixels");
ABSL_FLAG(int, max_queued_frames, 16,
          "frames of one ingest stream received and not yet stored; at this many the cloud "
          "stops reading that stream until one is stored (gRPC flow control then holds the edge "
          "back, so memory per stream stays bounded); an edge with --max_in_flight below it "
          "never meets the limit");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "largest gRPC message accepted; larger ones fail with RESOURCE_EXHAUSTED");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS (with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");

namespace nqe {
namespace {

absl::Status Run() {
  if (absl::GetFlag(FLAGS_max_queued_frames) < 1) {
    return absl::InvalidArgumentError("--max_queued_frames must be at least 1");
  }
  absl::StatusOr<LoadedModel> encoder = LoadModelFile(absl::GetFlag(FLAGS_encoder_model));
  if (!encoder.ok()) return encoder.status();
  absl::StatusOr<ingest::CodecSpec> spec = ingest::CodecSpecFromEncoder(*encoder);
  if (!spec.ok()) return spec.status();
  NQE_LOG(INFO) << "codec: encoder " << absl::GetFlag(FLAGS_encoder_model) << " (checksum "
                << spec->encoder_checksum << "), " << spec->patch_size << " px patches, "
                << spec->bits_per_patch << " bits, codes " << spec->code_shape.channels << "x"
                << spec->code_shape.side << "x" << spec->code_shape.side;

  if (const std::string path = absl::GetFlag(FLAGS_entropy_prior); !path.empty()) {
    absl::StatusOr<EntropyPrior> prior = EntropyPrior::LoadFor(path, spec->code_shape.channels);
    if (!prior.ok()) return prior.status();
    if (absl::Status s = ingest::AcceptEntropyPrior(*std::move(prior), *spec); !s.ok()) return s;
    NQE_LOG(INFO) << "entropy prior " << path << " (checksum " << spec->entropy_prior_checksum
                  << "): entropy-coded streams accepted";
  }

  absl::StatusOr<std::unique_ptr<store::FrameStore>> store = store::FrameStore::Open(
      {absl::GetFlag(FLAGS_store_dir), absl::GetFlag(FLAGS_retention_frames)});
  if (!store.ok()) return store.status();
  absl::StatusOr<std::unique_ptr<decode::DecodePool>> pool = decode::DecodePool::Create(
      absl::GetFlag(FLAGS_decoder_model), spec->code_shape, absl::GetFlag(FLAGS_decode_workers));
  if (!pool.ok()) return pool.status();

  auto registry = std::make_shared<prometheus::Registry>();
  cloud::CloudMetrics metrics(*registry);
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> metrics_server =
      MetricsHttpServer::StartIfConfigured(absl::GetFlag(FLAGS_metrics_listen), registry);
  if (!metrics_server.ok()) return metrics_server.status();

  cloud::CloudServiceOptions options;
  options.limits.max_frame_side = absl::GetFlag(FLAGS_max_frame_side);
  options.max_queued_frames = absl::GetFlag(FLAGS_max_queued_frames);
  cloud::CloudService service(*spec, options, store->get(), pool->get(), &metrics);
  int port = 0;
  absl::StatusOr<std::unique_ptr<grpc::Server>> server =
      StartGrpcServer({absl::GetFlag(FLAGS_listen), absl::GetFlag(FLAGS_max_message_bytes),
                       absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key)},
                      {&service}, &port);
  if (!server.ok()) return server.status();
  (*server)->GetHealthCheckService()->SetServingStatus(
      nqe::service::CloudDecoder::service_full_name(), true);
  NQE_LOG(INFO) << "nqe-cloud serving on port " << port << " ("
                << absl::GetFlag(FLAGS_decode_workers) << " decode workers, store "
                << absl::GetFlag(FLAGS_store_dir) << ")";

  const std::string signal = WaitForTerminationSignal();
  NQE_LOG(INFO) << signal << ": shutting down (open streams get 5 s)";
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return absl::OkStatus();  // the pool finishes queued frames as it is destroyed
}

}  // namespace
}  // namespace nqe

int main(int argc, char** argv) {
  nqe::InstallTerminationHandlers();
  nqe::SetProgramUsage(
      "nqe-cloud: PURENET decoding service for NQE edge cameras.\n"
      "  nqe-cloud --encoder_model=E.nqe --decoder_model=D.onnx --store_dir=DIR");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = nqe::Run(); !status.ok()) {
    NQE_LOG(ERROR) << "nqe-cloud: " << status;
    return 1;
  }
  return 0;
}
