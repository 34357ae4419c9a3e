// The edge's side of CloudDecoder.Ingest (proto/nqe_service.proto): sends the frames of a
// SendQueue to the cloud, keeps every sent frame until the cloud acknowledges it, and survives
// the cloud going away.
//
// Exactly-once across reconnects: frames get their sequence numbers here, when they first
// leave the queue, counting on from the cloud's last stored sequence (so frames dropped by the
// queue policy never leave a gap). After a reconnect the Welcome names the last frame the
// cloud stored; the unacknowledged frames up to it are done, the rest are renumbered from it
// (normally a no-op: they keep their numbers) and resent. The cloud drops duplicates, so a
// frame whose ack was lost is stored once. Reconnection uses exponential backoff (backoff.h).
#ifndef NQE_EDGE_ENCODER_DAEMON_UPLINK_H_
#define NQE_EDGE_ENCODER_DAEMON_UPLINK_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/codes/entropy/entropy_prior.h"
#include "edge_encoder/daemon/backoff.h"
#include "edge_encoder/daemon/edge_metrics.h"
#include "edge_encoder/daemon/send_queue.h"
#include "grpcpp/security/credentials.h"
#include "proto/nqe_service.grpc.pb.h"

namespace nqe::edge {

struct UplinkOptions {
  std::string target;  // the cloud's host:port
  std::string camera_id;
  std::string encoder_checksum;  // LoadedModel::checksum of our encoder
  // When set, codes travel entropy-coded with this prior (proto: Hello.entropy_prior_checksum);
  // code_shape is then the encoder's output tensor.
  std::shared_ptr<const EntropyPrior> entropy_prior;
  CodeShape code_shape;
  int rows_per_chunk = 4;  // patch rows per FrameChunk
  int max_in_flight = 8;   // frames sent and not yet acknowledged
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(10);
  std::string tls_ca_file;  // PEM roots: TLS to the cloud when set
};

class Uplink {
 public:
  Uplink(UplinkOptions options, SendQueue* queue, EdgeMetrics* metrics);

  // Sends until the queue is closed, drained and every frame acknowledged (OK), or until
  // Abort() (Cancelled). Reconnects by itself in between. Call once.
  absl::Status Run();

  // Makes Run() return soon (Cancelled), abandoning unsent and unacknowledged frames.
  // Thread-safe.
  void Abort();

  size_t unacknowledged() const;

 private:
  struct InFlight {
    uint64_t sequence = 0;
    std::shared_ptr<const EncodedFrame> frame;
  };
  using Stream = grpc::ClientReaderWriter<service::IngestRequest, service::IngestResponse>;

  // One stream: Hello, resend, send new frames, until it breaks, Abort() or all is done
  // (*finished). The stream's status.
  absl::Status RunStream(bool* finished);
  // Applies the Welcome; returns the frames to resend.
  std::deque<InFlight> Resume(uint64_t last_stored);
  void ReadAcks(Stream* stream, bool* broken);
  bool SendFrame(Stream* stream, const InFlight& frame);
  std::shared_ptr<grpc::ChannelCredentials> Credentials() const;
  // Abort() with a reason: Run() returns it.
  void Fail(absl::Status why);

  const UplinkOptions options_;
  SendQueue* queue_;
  EdgeMetrics* metrics_;
  std::unique_ptr<service::CloudDecoder::Stub> stub_;
  Backoff backoff_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<InFlight> in_flight_;  // oldest first
  uint64_t next_sequence_ = 0;      // 0 until the first Welcome
  bool aborted_ = false;
  absl::Status failure_;                    // why, once aborted_
  grpc::ClientContext* context_ = nullptr;  // the open stream's, for Abort()
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_UPLINK_H_
