// Exactly-once bookkeeping per camera, shared by all ingest streams.
//
// For each camera: the last sequence stored (from the FrameStore at start), the last one
// accepted (handed to a decoder, not necessarily stored yet), how many are in flight, and
// which stream currently owns the camera. A frame is new iff its sequence is last accepted + 1;
// anything at or below is a duplicate (acknowledged, dropped); anything above is a gap.
//
// One stream owns a camera at a time. A reconnecting edge often opens its new stream before
// the server noticed the old one died, so a new Hello takes over (our choice) and the old
// stream is told ABORTED on its next chunk. Attach waits for the frames the previous stream
// left in flight, so the Welcome's last stored sequence is exact and nothing is decoded twice.
#ifndef NQE_CLOUD_DECODER_INGEST_CAMERA_REGISTRY_H_
#define NQE_CLOUD_DECODER_INGEST_CAMERA_REGISTRY_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace nqe::ingest {

// A stream's ownership of a camera.
struct Lease {
  std::string camera_id;
  uint64_t generation = 0;
  uint64_t last_stored = 0;  // at Attach: what the Welcome reports
};

enum class SequenceKind { kNew, kDuplicate };

class CameraRegistry {
 public:
  // `last_stored(camera)` seeds a camera's state the first time it is seen (the store's
  // recovered last sequence).
  explicit CameraRegistry(std::function<uint64_t(const std::string&)> last_stored)
      : last_stored_(std::move(last_stored)) {}

  // Makes the caller the camera's owner. Unavailable if the previous owner's frames are still
  // being decoded after `drain_timeout` (the edge retries).
  absl::StatusOr<Lease> Attach(const std::string& camera_id, absl::Duration drain_timeout);

  // Classifies the sequence of a frame's first chunk. Aborted if the lease was superseded;
  // OutOfRange for a gap.
  absl::StatusOr<SequenceKind> Classify(const Lease& lease, uint64_t sequence);

  // Records that frame `sequence` (kNew) went to a decoder.
  absl::Status Accept(const Lease& lease, uint64_t sequence);

  // True if `sequence` is the camera's next frame to store; a frame queued behind one that
  // failed is not, and must be dropped (the edge resends both).
  bool IsNextToStore(const std::string& camera_id, uint64_t sequence);

  // Outcome of an accepted frame. Failed rolls "accepted" back to "stored", so the camera's
  // next stream resumes right after the last stored frame.
  void Stored(const std::string& camera_id, uint64_t sequence);
  void Failed(const std::string& camera_id, uint64_t sequence);

  uint64_t LastStored(const std::string& camera_id);

 private:
  struct Camera {
    uint64_t last_stored = 0;
    uint64_t last_accepted = 0;
    int in_flight = 0;
    uint64_t generation = 0;
  };
  Camera& Get(const std::string& camera_id);  // requires mutex_

  std::function<uint64_t(const std::string&)> last_stored_;
  std::mutex mutex_;
  std::condition_variable drained_;
  std::map<std::string, Camera> cameras_;
};

}  // namespace nqe::ingest

#endif  // NQE_CLOUD_DECODER_INGEST_CAMERA_REGISTRY_H_
