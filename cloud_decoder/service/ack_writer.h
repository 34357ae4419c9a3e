// Writes the responses of one Ingest stream (Welcome, FrameAcks) from its own thread. Decode
// workers only queue acks, so a client that stops reading its responses (gRPC's window fills and
// Write blocks) stalls its own stream's writer, never a worker shared with other cameras.
// gRPC's synchronous stream allows one writer at a time and no write after the handler returns:
// Close() (called by the handler before it returns) flushes what is queued until a deadline,
// then cancels the call to free a blocked Write; later acks are dropped, the frames stored all
// the same, and the edge learns of them from the next Welcome.
#ifndef NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_
#define NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "grpcpp/support/sync_stream.h"
#include "proto/nqe_service.pb.h"

namespace nqe::cloud {

class AckWriter {
 public:
  using Stream = grpc::ServerReaderWriterInterface<service::IngestResponse, service::IngestRequest>;
  // `cancel` ends the call (ServerContext::TryCancel): the only way to free a Write that a
  // client which stopped reading keeps blocked. A null stream makes acks bookkeeping only.
  AckWriter(Stream* stream, std::function<void()> cancel);
  ~AckWriter();  // Close(absl::InfinitePast()) unless closed

  void Send(service::IngestResponse response);  // queued; dropped once closing

  // Bookkeeping of frames handed to workers on behalf of this stream.
  void FrameQueued();
  void Ack(uint64_t sequence, bool duplicate);  // the frame is done; its ack is queued
  void FrameDropped();                          // done, never acked

  // Waits until fewer than `limit` frames are pending, or `deadline`; true if fewer are.
  // WaitBelow(1, ...) waits until every frame is done.
  bool WaitBelow(int limit, absl::Time deadline);

  // Writes what is queued until `deadline`, then cancels the call if writes are still due.
  // Returns whether everything queued was written. No write happens after it returns.
  bool Close(absl::Time deadline);

 private:
  void WriteQueued();  // the writer thread
  // With mutex_ held: one lock per ack, so a frame's ack is queued when it counts as done.
  void QueueLocked(service::IngestResponse response);
  void FrameDoneLocked();

  std::mutex mutex_;
  std::condition_variable frame_done_;
  std::condition_variable queue_changed_;
  Stream* const stream_;
  const std::function<void()> cancel_;
  std::deque<service::IngestResponse> queue_;
  bool writing_ = false;  // a Write is in progress outside the lock
  bool closing_ = false;
  bool broken_ = false;  // a Write failed: the call is over
  int pending_ = 0;
  std::thread writer_;
};

}  // namespace nqe::cloud

#endif  // NQE_CLOUD_DECODER_SERVICE_ACK_WRITER_H_
