#include "edge_encoder/daemon/edge_service.h"

#include "absl/time/clock.h"
#include "common/service/grpc_status.h"
#include "edge_encoder/daemon/image_convert.h"
#include "edge_encoder/patches.h"

namespace nqe::edge {

grpc::Status EdgeService::Classify(grpc::ServerContext*, const service::ClassifyRequest* request,
                                   service::ClassifyResponse* response) {
  metrics_->classify_requests.Increment();
  const absl::Time start = absl::Now();
  if (!classifier_) {
    metrics_->classify_errors.Increment();
    return ToGrpcStatus(absl::FailedPreconditionError(
        "this edge daemon has no classifier model (--classifier_model)"));
  }
  absl::StatusOr<Classification> result =
      classifier_->Classify(request->image(), static_cast<int>(request->top_k()));
  if (!result.ok()) {
    metrics_->classify_errors.Increment();
    return ToGrpcStatus(result.status());
  }
  for (const ClassScore& score : result->top) {
    service::ClassScore& out = *response->add_top();
    out.set_index(score.index);
    out.set_name(score.name);
    out.set_probability(score.probability);
  }
  response->mutable_logits()->Add(result->logits.begin(), result->logits.end());
  response->set_model_checksum(classifier_->model().checksum);
  metrics_->classify_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
  return grpc::Status::OK;
}

grpc::Status EdgeService::Encode(grpc::ServerContext*, const service::EncodeRequest* request,
                                 service::EncodeResponse* response) {
  metrics_->encode_requests.Increment();
  absl::StatusOr<ImageU8> image = DecodeImageBytes(request->image());
  if (!image.ok()) return ToGrpcStatus(image.status());
  absl::StatusOr<FrameCodes> codes = EncodeFrame(*encoder_, *image, encode_threads_);
  if (!codes.ok()) return ToGrpcStatus(codes.status());
  response->set_height(codes->frame_height);
  response->set_width(codes->frame_width);
  response->mutable_code_layout()->set_patch_size(codes->patch_size);
  response->mutable_code_layout()->set_bits_per_patch(codes->bits_per_patch);
  response->set_codes(codes->bytes.data(), codes->bytes.size());
  response->set_encoder_checksum(encoder_->model().checksum);
  response->set_bits_per_pixel(static_cast<double>(codes->grid.count()) * codes->bits_per_patch /
                               (static_cast<double>(codes->frame_height) * codes->frame_width));
  return grpc::Status::OK;
}

}  // namespace nqe::edge
