// nqe.service.CloudDecoder: a thin adapter from gRPC to the ingest, decode and store
// libraries (proto/nqe_service.proto documents the protocol).
#ifndef NQE_CLOUD_DECODER_SERVICE_CLOUD_SERVICE_H_
#define NQE_CLOUD_DECODER_SERVICE_CLOUD_SERVICE_H_

#include <memory>

#include "absl/time/time.h"
#include "cloud_decoder/decode/decode_pool.h"
#include "cloud_decoder/decode/frame_committer.h"
#include "cloud_decoder/ingest/camera_registry.h"
#include "cloud_decoder/ingest/codec_spec.h"
#include "cloud_decoder/ingest/ingest_session.h"
#include "cloud_decoder/service/ack_writer.h"
#include "cloud_decoder/service/cloud_metrics.h"
#include "cloud_decoder/store/frame_store.h"
#include "proto/nqe_service.grpc.pb.h"

namespace nqe::cloud {

struct CloudServiceOptions {
  ingest::IngestLimits limits;
  // How long a Hello waits for frames a previous stream of the camera left decoding.
  absl::Duration drain_timeout = absl::Seconds(10);
  // How long a stream the edge closed cleanly waits for its last acks.
  absl::Duration final_ack_timeout = absl::Seconds(30);
  // Frames of one stream received and not yet done (stored, dropped, or acked as duplicates).
  // At this many the handler stops reading the stream until one is done: gRPC flow control
  // then holds the sender back, so a client that ignores acks cannot make the cloud queue
  // frames without bound. Values below 1 count as 1.
  int max_queued_frames = 16;
};

class CloudService final : public service::CloudDecoder::Service {
 public:
  CloudService(ingest::CodecSpec spec, CloudServiceOptions options, store::FrameStore* store,
               decode::DecodePool* pool, CloudMetrics* metrics);

  grpc::Status Ingest(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<service::IngestResponse, service::IngestRequest>* stream) override;
  grpc::Status GetFrame(grpc::ServerContext* context, const service::GetFrameRequest* request,
                        service::GetFrameResponse* response) override;
  grpc::Status ListFrames(grpc::ServerContext* context, const service::ListFramesRequest* request,
                          service::ListFramesResponse* response) override;
  grpc::Status WatchFrames(grpc::ServerContext* context, const service::WatchFramesRequest* request,
                           grpc::ServerWriter<service::FrameInfo>* writer) override;
  grpc::Status Reconstruct(grpc::ServerContext* context, const service::ReconstructRequest* request,
                           service::ReconstructResponse* response) override;

 private:
  // Back-pressure (options_.max_queued_frames): false if the call was cancelled meanwhile.
  bool WaitForQueueRoom(grpc::ServerContext* context, AckWriter& acks);
  // One message of an Ingest stream; an error ends the stream.
  absl::Status HandleIngestMessage(const service::IngestRequest& request,
                                   ingest::IngestSession& session,
                                   const std::shared_ptr<AckWriter>& acks);
  // Hands a complete frame to the camera's decode worker (acks go out in sequence order).
  void Dispatch(const std::string& camera_id, ingest::ChunkOutcome outcome,
                const std::shared_ptr<AckWriter>& acks);

  const ingest::CodecSpec spec_;
  const CloudServiceOptions options_;
  store::FrameStore* store_;
  decode::DecodePool* pool_;
  CloudMetrics* metrics_;
  ingest::CameraRegistry registry_;
  decode::FrameCommitter committer_;
};

}  // namespace nqe::cloud

#endif  // NQE_CLOUD_DECODER_SERVICE_CLOUD_SERVICE_H_
