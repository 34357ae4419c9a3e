// absl::Status <-> grpc::Status: the codes are the same numbers in both (canonical codes).
#ifndef NQE_COMMON_SERVICE_GRPC_STATUS_H_
#define NQE_COMMON_SERVICE_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace nqe {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace nqe

#endif  // NQE_COMMON_SERVICE_GRPC_STATUS_H_
