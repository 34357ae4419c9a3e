// A minimal HTTP endpoint serving a prometheus-cpp Registry at /metrics (text format 0.0.4).
//
// Why not prometheus::Exposer: Debian 12's civetweb runs its workers on fixed 100 KiB stacks,
// and glibc carves the static TLS of every loaded library out of them; with OpenCV's
// dependencies loaded (libopenblas alone takes 60 KiB of TLS) a scrape overflows the stack
// inside civetweb's printf and the daemon dies (reproduced: nqe-edge, and nqe-cloud with
// libopencv_videoio preloaded). This server uses an ordinary thread. One scrape at a time is
// plenty for a Prometheus server and a few humans.
#ifndef NQE_COMMON_SERVICE_METRICS_HTTP_H_
#define NQE_COMMON_SERVICE_METRICS_HTTP_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

namespace nqe {

class MetricsHttpServer {
 public:
  // Listens on `address` (host:port, numeric IPv4 host; port 0 picks one).
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  // As Start, but an empty `address` (metrics turned off by flag) gives a null server.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> StartIfConfigured(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  ~MetricsHttpServer();

  int port() const { return port_; }

 private:
  MetricsHttpServer(int fd, int port, std::shared_ptr<prometheus::Registry> registry);
  void Serve();
  void Answer(int client) const;

  const int listen_fd_;
  const int port_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace nqe

#endif  // NQE_COMMON_SERVICE_METRICS_HTTP_H_
