// Stored frames on local disk: per camera, each frame is three files named by its sequence,
//   <root>/<camera>/<sequence:020>.png    the reconstruction
//   <root>/<camera>/<sequence:020>.codes  the codes it was decoded from
//   <root>/<camera>/<sequence:020>.meta   a serialized nqe.service.FrameInfo
// each written atomically (atomic_file.h). The .meta file is the commit record (our choice):
// it is written last and deleted first, so a frame exists exactly when its .meta does, and a
// crash at any point leaves either a whole frame or leftovers that Open() removes.
//
// The per-camera last sequence is recovered from disk at Open(), which is what lets the
// ingest protocol resume after a cloud restart. Retention keeps the newest N frames per
// camera; the last sequence survives retention because the newest frame is never removed.
#ifndef NQE_CLOUD_DECODER_STORE_FRAME_STORE_H_
#define NQE_CLOUD_DECODER_STORE_FRAME_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/nqe_service.pb.h"

namespace nqe::store {

struct StoreOptions {
  std::string root;          // created if absent
  int retention_frames = 0;  // frames kept per camera; 0 = keep everything
};

struct StoredFrame {
  service::FrameInfo info;
  std::string png;
  std::string codes;  // empty unless asked for
};

// Thread-safe. Frames of one camera must be Put in increasing sequence order (the ingest
// pipeline guarantees it); different cameras may be Put concurrently.
class FrameStore {
 public:
  static absl::StatusOr<std::unique_ptr<FrameStore>> Open(const StoreOptions& options);

  // The largest stored sequence of `camera_id`, 0 if it has none.
  uint64_t LastSequence(absl::string_view camera_id) const;

  // Commits one frame. FailedPrecondition if info.sequence() <= LastSequence(camera).
  absl::Status Put(const service::FrameInfo& info, absl::string_view png, absl::string_view codes);

  // NotFound if the frame is not (or no longer) stored.
  absl::StatusOr<StoredFrame> Get(absl::string_view camera_id, uint64_t sequence,
                                  bool with_codes) const;

  // Metadata of the frames with sequence > after_sequence, oldest first; limit 0 = all.
  absl::StatusOr<std::vector<service::FrameInfo>> List(absl::string_view camera_id,
                                                       uint64_t after_sequence, size_t limit) const;

  // Blocks until `camera_id` has a frame newer than `after_sequence` or `deadline` passes;
  // returns LastSequence(camera_id) at that point.
  uint64_t WaitForNewer(absl::string_view camera_id, uint64_t after_sequence,
                        absl::Time deadline) const;

  // Cameras with at least one stored frame.
  std::vector<std::string> Cameras() const;

 private:
  explicit FrameStore(StoreOptions options) : options_(std::move(options)) {}

  absl::Status Recover();
  std::string FramePath(absl::string_view camera_id, uint64_t sequence,
                        absl::string_view extension) const;
  // Removes the oldest frames of a camera beyond the retention limit.
  void ApplyRetention(const std::string& camera_id);

  const StoreOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable stored_;
  std::map<std::string, std::set<uint64_t>, std::less<>> sequences_;  // guarded by mutex_
};

}  // namespace nqe::store

#endif  // NQE_CLOUD_DECODER_STORE_FRAME_STORE_H_
