// What both daemons set up the same way: the gRPC server (with standard health checking and
// server reflection), --help, and waiting for SIGTERM/SIGINT. (/metrics: metrics_http.h.)
#ifndef NQE_COMMON_SERVICE_DAEMON_SUPPORT_H_
#define NQE_COMMON_SERVICE_DAEMON_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace nqe {

struct ServerOptions {
  std::string listen_address;       // host:port
  int max_message_bytes = 4 << 20;  // larger messages are refused with RESOURCE_EXHAUSTED
  // TLS when both are set (PEM files); plaintext otherwise.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Builds and starts a server for `services`, with grpc.health.v1 (every service SERVING) and
// reflection. `bound_port` receives the port (useful with port 0).
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    int* bound_port = nullptr);

// Catches SIGTERM and SIGINT (call first in main); WaitForTerminationSignal() then returns the
// signal's name when one arrives. A handler feeding a pipe rather than sigwait(): libraries
// (OpenBLAS through OpenCV) start threads before main, which would not inherit a blocked mask
// and would let the default action kill the process.
void InstallTerminationHandlers();
std::string WaitForTerminationSignal();

}  // namespace nqe

#endif  // NQE_COMMON_SERVICE_DAEMON_SUPPORT_H_
