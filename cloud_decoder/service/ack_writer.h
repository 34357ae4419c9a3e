// Writes FrameAcks to one Ingest stream from decode workers. gRPC's synchronous stream allows
// one writer at a time and no write after the handler returns, so writes are serialised and
// Close() (called by the handler before it returns) turns later acks into no-ops: the frame is
// stored all the same and the edge learns it from the next Welcome.
#ifndef NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_
#define NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/time/time.h"
#include "grpcpp/support/sync_stream.h"
#include "proto/nqe_service.pb.h"

namespace nqe::cloud {

class AckWriter {
 public:
  using Stream = grpc::ServerReaderWriterInterface<service::IngestResponse, service::IngestRequest>;
  explicit AckWriter(Stream* stream) : stream_(stream) {}

  // Bookkeeping of frames handed to workers on behalf of this stream.
  void FrameQueued();
  void Ack(uint64_t sequence, bool duplicate);  // and the frame is no longer pending
  void FrameDropped();                          // pending, never acked

  // Waits until fewer than `limit` frames are pending, or `deadline`; true if fewer are.
  // WaitBelow(1, ...) waits for the stream to be idle.
  bool WaitBelow(int limit, absl::Time deadline);
  void Close();

 private:
  std::mutex mutex_;
  std::condition_variable frame_done_;
  Stream* stream_;  // null once closed
  int pending_ = 0;
};

}  // namespace nqe::cloud

#endif  // NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_
