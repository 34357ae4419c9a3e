// nqe.service.EdgeEncoder: Classify and Encode over gRPC, a thin adapter over Classifier and
// EncodeFrame.
#ifndef NQE_EDGE_ENCODER_DAEMON_EDGE_SERVICE_H_
#define NQE_EDGE_ENCODER_DAEMON_EDGE_SERVICE_H_

#include <optional>

#include "edge_encoder/daemon/classifier.h"
#include "edge_encoder/daemon/edge_metrics.h"
#include "edge_encoder/engine/engine.h"
#include "proto/nqe_service.grpc.pb.h"

namespace nqe::edge {

class EdgeService final : public service::EdgeEncoder::Service {
 public:
  // `classifier` may be empty: Classify then answers FAILED_PRECONDITION.
  EdgeService(const Engine* encoder, std::optional<Classifier> classifier, int encode_threads,
              EdgeMetrics* metrics)
      : encoder_(encoder),
        classifier_(std::move(classifier)),
        encode_threads_(encode_threads),
        metrics_(metrics) {}

  grpc::Status Classify(grpc::ServerContext* context, const service::ClassifyRequest* request,
                        service::ClassifyResponse* response) override;
  grpc::Status Encode(grpc::ServerContext* context, const service::EncodeRequest* request,
                      service::EncodeResponse* response) override;

 private:
  const Engine* encoder_;
  const std::optional<Classifier> classifier_;
  const int encode_threads_;
  EdgeMetrics* metrics_;
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_EDGE_SERVICE_H_
