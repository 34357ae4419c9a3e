// nqe-health-check: asks a gRPC server's grpc.health.v1.Health/Check and exits 0 only when the
// answer is SERVING. Docker's HEALTHCHECK runs it inside the daemon containers (the runtime
// image has no grpcurl or grpc_health_probe), and it works against any gRPC health server.
#include <chrono>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "proto/grpc/health/v1/health.grpc.pb.h"
#include "tools/tool_flags.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "server address (host:port)");
ABSL_FLAG(std::string, service, "",
          "service name to check, e.g. nqe.service.CloudDecoder; empty: the whole server");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(3), "deadline of the check, e.g. 3s, 500ms");

namespace {

// Exit codes: 0 SERVING, 1 answered but not SERVING, 2 no answer (unreachable, deadline, error).
int Run() {
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  const std::string what =
      absl::GetFlag(FLAGS_service).empty() ? "server" : absl::GetFlag(FLAGS_service);
  if (!status.ok()) {
    std::cerr << "nqe-health-check: " << absl::GetFlag(FLAGS_addr) << " " << what << ": no answer ("
              << status.error_code() << " " << status.error_message() << ")\n";
    return 2;
  }
  const std::string name =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
  std::cout << absl::GetFlag(FLAGS_addr) << " " << what << ": " << name << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  nqe::ParseToolFlags(argc, argv,
                      "nqe-health-check [--addr host:port] [--service name] [--timeout 3s]\n"
                      "Exits 0 when the gRPC health service answers SERVING, 1 when it answers "
                      "anything else, 2 when there is no answer.");
  return Run();
}
