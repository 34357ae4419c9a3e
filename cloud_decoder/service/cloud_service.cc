#include "cloud_decoder/service/cloud_service.h"

#include <algorithm>
#include <future>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cloud_decoder/decode/png.h"
#include "cloud_decoder/purenet/missing_patches.h"
#include "common/service/grpc_status.h"
#include "common/service/log.h"

namespace nqe::cloud {

CloudService::CloudService(ingest::CodecSpec spec, CloudServiceOptions options,
                           store::FrameStore* store, decode::DecodePool* pool,
                           CloudMetrics* metrics)
    : spec_(std::move(spec)),
      options_(options),
      store_(store),
      pool_(pool),
      metrics_(metrics),
      registry_([store](const std::string& camera) { return store->LastSequence(camera); }),
      committer_(spec_, store_, &registry_) {}

grpc::Status CloudService::Ingest(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<service::IngestResponse, service::IngestRequest>* stream) {
  metrics_->streams_open.Increment();
  auto acks = std::make_shared<AckWriter>(stream, [context] { context->TryCancel(); });
  ingest::IngestSession session(spec_, options_.limits, &registry_, options_.drain_timeout);
  absl::Status status;
  service::IngestRequest request;
  while (status.ok() && WaitForQueueRoom(context, *acks) && stream->Read(&request)) {
    status = HandleIngestMessage(request, session, acks);
  }
  const std::string who =
      session.camera_id().empty() ? context->peer() : absl::StrCat("camera ", session.camera_id());
  const bool cancelled = context->IsCancelled();
  // A cancelled call takes no more writes; otherwise the acks due go out (a refused stream's
  // too) until the deadline.
  const absl::Time flush_deadline =
      cancelled ? absl::InfinitePast() : absl::Now() + options_.final_ack_timeout;
  if (!status.ok()) {
    metrics_->CountRejected(status);
    NQE_LOG(WARNING) << who << ": refused: " << status;
  } else if (cancelled) {
    // No ack can reach the client any more; its queued frames are stored all the same.
    NQE_LOG(INFO) << who << ": stream cancelled";
  } else {
    // The edge closed its side: let the frames it sent be stored and acked first.
    if (!acks->WaitBelow(1, flush_deadline)) {
      NQE_LOG(WARNING) << who << ": stream closed with frames still decoding";
    }
    NQE_LOG(INFO) << who << ": stream closed";
  }
  if (!acks->Close(flush_deadline) && !cancelled) {
    NQE_LOG(WARNING) << who << ": responses not read by the client in time; call cancelled";
  }
  metrics_->streams_open.Decrement();
  return ToGrpcStatus(status);
}

bool CloudService::WaitForQueueRoom(grpc::ServerContext* context, AckWriter& acks) {
  const int limit = std::max(1, options_.max_queued_frames);
  if (acks.WaitBelow(limit, absl::Now())) return true;
  metrics_->ingest_throttled.Increment();
  // Workers always finish their frames; the timeout only lets a cancelled call leave sooner.
  while (!acks.WaitBelow(limit, absl::Now() + absl::Seconds(1))) {
    if (context->IsCancelled()) return false;
  }
  return true;
}

absl::Status CloudService::HandleIngestMessage(const service::IngestRequest& request,
                                               ingest::IngestSession& session,
                                               const std::shared_ptr<AckWriter>& acks) {
  if (request.has_hello()) {
    absl::StatusOr<uint64_t> last_stored = session.OnHello(request.hello());
    if (!last_stored.ok()) return last_stored.status();
    NQE_LOG(INFO) << "camera " << session.camera_id() << ": connected, resuming after frame "
                  << *last_stored;
    service::IngestResponse welcome;
    welcome.mutable_welcome()->set_last_stored_sequence(*last_stored);
    acks->Send(std::move(welcome));
    return absl::OkStatus();
  }
  if (!request.has_chunk()) return absl::InvalidArgumentError("empty IngestRequest");
  metrics_->received_bytes.Increment(static_cast<double>(request.chunk().codes().size()));
  absl::StatusOr<ingest::ChunkOutcome> outcome = session.OnChunk(request.chunk());
  if (!outcome.ok()) return outcome.status();
  if (outcome->kind != ingest::ChunkOutcome::Kind::kMoreRowsDue) {
    metrics_->frames_received.Increment();
    Dispatch(session.camera_id(), *std::move(outcome), acks);
  }
  return absl::OkStatus();
}

void CloudService::Dispatch(const std::string& camera_id, ingest::ChunkOutcome outcome,
                            const std::shared_ptr<AckWriter>& acks) {
  acks->FrameQueued();
  metrics_->decode_queue.Increment();
  // Duplicates go through the camera's worker too, so their ack never overtakes the ack of
  // the original frame still being decoded.
  auto frame = std::make_shared<ingest::AssembledFrame>(std::move(outcome.frame));
  const bool duplicate = outcome.kind == ingest::ChunkOutcome::Kind::kDuplicate;
  pool_->Submit(camera_id, [this, camera_id, frame, duplicate, acks](PurenetDecoder& decoder) {
    // The gauge drops before the ack frees the stream's queue slot, so it never counts more
    // frames than the stream may queue (--max_queued_frames).
    if (duplicate) {
      metrics_->frames_duplicate.Increment();
      metrics_->decode_queue.Decrement();
      acks->Ack(frame->sequence, /*duplicate=*/true);
      return;
    }
    decode::CommitTimings timings;
    absl::StatusOr<service::FrameInfo> info =
        committer_.Commit(decoder, camera_id, *frame, &timings);
    if (!info.ok()) {
      metrics_->frames_failed.Increment();
      NQE_LOG(ERROR) << "camera " << camera_id << " frame " << frame->sequence
                     << " not stored: " << info.status();
      metrics_->decode_queue.Decrement();
      acks->FrameDropped();
      return;
    }
    metrics_->frames_decoded.Increment();
    metrics_->frames_stored.Increment();
    metrics_->decode_seconds.Observe(absl::ToDoubleSeconds(timings.decode));
    metrics_->store_seconds.Observe(absl::ToDoubleSeconds(timings.store));
    metrics_->end_to_end_seconds.Observe(
        static_cast<double>(info->stored_time_unix_nanos() - info->capture_time_unix_nanos()) *
        1e-9);
    metrics_->decode_queue.Decrement();
    acks->Ack(frame->sequence, /*duplicate=*/false);
  });
}

grpc::Status CloudService::GetFrame(grpc::ServerContext*, const service::GetFrameRequest* request,
                                    service::GetFrameResponse* response) {
  absl::StatusOr<store::StoredFrame> frame =
      store_->Get(request->camera_id(), request->sequence(), request->include_codes());
  if (!frame.ok()) return ToGrpcStatus(frame.status());
  *response->mutable_info() = std::move(frame->info);
  response->set_png(std::move(frame->png));
  response->set_codes(std::move(frame->codes));
  return grpc::Status::OK;
}

grpc::Status CloudService::ListFrames(grpc::ServerContext*,
                                      const service::ListFramesRequest* request,
                                      service::ListFramesResponse* response) {
  absl::StatusOr<std::vector<service::FrameInfo>> frames =
      store_->List(request->camera_id(), request->after_sequence(), request->limit());
  if (!frames.ok()) return ToGrpcStatus(frames.status());
  for (service::FrameInfo& info : *frames) *response->add_frames() = std::move(info);
  return grpc::Status::OK;
}

grpc::Status CloudService::WatchFrames(grpc::ServerContext* context,
                                       const service::WatchFramesRequest* request,
                                       grpc::ServerWriter<service::FrameInfo>* writer) {
  // Poll-free wait on the store, waking at least once a second to notice a cancelled client.
  uint64_t after =
      request->from_now() ? store_->LastSequence(request->camera_id()) : request->after_sequence();
  while (!context->IsCancelled()) {
    const uint64_t last =
        store_->WaitForNewer(request->camera_id(), after, absl::Now() + absl::Seconds(1));
    if (last <= after) continue;
    absl::StatusOr<std::vector<service::FrameInfo>> frames =
        store_->List(request->camera_id(), after, 0);
    if (!frames.ok()) return ToGrpcStatus(frames.status());
    for (const service::FrameInfo& info : *frames) {
      if (!writer->Write(info)) return grpc::Status::OK;  // the client left
    }
    after = last;
  }
  return grpc::Status::OK;
}

grpc::Status CloudService::Reconstruct(grpc::ServerContext*,
                                       const service::ReconstructRequest* request,
                                       service::ReconstructResponse* response) {
  metrics_->reconstruct_requests.Increment();
  // The request is a one-chunk frame: the assembler applies the same validation as ingest.
  service::FrameChunk chunk;
  chunk.set_sequence(1);
  chunk.mutable_header()->set_height(request->height());
  chunk.mutable_header()->set_width(request->width());
  *chunk.mutable_header()->mutable_code_layout() = request->code_layout();
  chunk.set_first_row(0);
  chunk.set_row_count(GridForFrame(static_cast<int>(request->height()),
                                   static_cast<int>(request->width()), spec_.patch_size)
                          .rows);
  chunk.set_codes(request->codes());
  ingest::FrameAssembler assembler(spec_, options_.limits);
  absl::StatusOr<std::optional<ingest::AssembledFrame>> frame = assembler.Add(chunk);
  if (!frame.ok()) return ToGrpcStatus(frame.status());
  if (!frame->has_value()) return ToGrpcStatus(absl::InvalidArgumentError("incomplete codes"));
  absl::StatusOr<std::vector<bool>> received = ReceivedPatches(
      (*frame)->codes.grid.count(),
      absl::MakeConstSpan(request->missing_patches().data(), request->missing_patches().size()));
  if (!received.ok()) return ToGrpcStatus(received.status());
  const int missing = CountMissing(*received);

  std::promise<absl::StatusOr<std::string>> result;
  pool_->Submit("reconstruct", [&](PurenetDecoder& decoder) {
    absl::StatusOr<cv::Mat> rgb =
        decoder.Decode((*frame)->codes, missing > 0 ? &*received : nullptr);
    result.set_value(rgb.ok() ? decode::EncodeRgbPng(*rgb)
                              : absl::StatusOr<std::string>(rgb.status()));
  });
  absl::StatusOr<std::string> png = result.get_future().get();
  if (!png.ok()) return ToGrpcStatus(png.status());
  response->set_png(*std::move(png));
  response->set_incomplete(missing > 0);
  response->set_missing_patches(static_cast<uint32_t>(missing));
  return grpc::Status::OK;
}

}  // namespace nqe::cloud
