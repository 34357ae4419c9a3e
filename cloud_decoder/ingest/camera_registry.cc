#include "cloud_decoder/ingest/camera_registry.h"

#include "absl/strings/str_cat.h"

namespace nqe::ingest {

CameraRegistry::Camera& CameraRegistry::Get(const std::string& camera_id) {
  auto it = cameras_.find(camera_id);
  if (it == cameras_.end()) {
    Camera camera;
    camera.last_stored = camera.last_accepted = last_stored_(camera_id);
    it = cameras_.emplace(camera_id, camera).first;
  }
  return it->second;
}

absl::StatusOr<Lease> CameraRegistry::Attach(const std::string& camera_id,
                                             absl::Duration drain_timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  Camera& camera = Get(camera_id);
  ++camera.generation;  // supersede the previous owner at once: it accepts nothing more
  const uint64_t generation = camera.generation;
  if (!drained_.wait_for(lock, absl::ToChronoNanoseconds(drain_timeout),
                         [&] { return camera.in_flight == 0; })) {
    return absl::UnavailableError(absl::StrCat(
        "camera ", camera_id, ": the previous stream's frames are still decoding; retry"));
  }
  if (camera.generation != generation) {
    return absl::AbortedError(
        absl::StrCat("camera ", camera_id, ": a newer stream took over while attaching"));
  }
  camera.last_accepted = camera.last_stored;
  return Lease{camera_id, generation, camera.last_stored};
}

absl::StatusOr<SequenceKind> CameraRegistry::Classify(const Lease& lease, uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex_);
  Camera& camera = Get(lease.camera_id);
  if (camera.generation != lease.generation) {
    return absl::AbortedError(
        absl::StrCat("camera ", lease.camera_id, ": a newer stream took over"));
  }
  if (sequence == 0) return absl::InvalidArgumentError("sequence 0 is not a frame sequence");
  if (sequence <= camera.last_accepted) return SequenceKind::kDuplicate;
  if (sequence != camera.last_accepted + 1) {
    return absl::OutOfRangeError(absl::StrCat("camera ", lease.camera_id, ": frame ", sequence,
                                              " after ", camera.last_accepted,
                                              " (gap or reordering)"));
  }
  return SequenceKind::kNew;
}

absl::Status CameraRegistry::Accept(const Lease& lease, uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex_);
  Camera& camera = Get(lease.camera_id);
  if (camera.generation != lease.generation) {
    return absl::AbortedError(
        absl::StrCat("camera ", lease.camera_id, ": a newer stream took over"));
  }
  if (sequence != camera.last_accepted + 1) {
    return absl::OutOfRangeError(absl::StrCat("camera ", lease.camera_id, ": frame ", sequence,
                                              " is not next after ", camera.last_accepted));
  }
  camera.last_accepted = sequence;
  ++camera.in_flight;
  return absl::OkStatus();
}

bool CameraRegistry::IsNextToStore(const std::string& camera_id, uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex_);
  return sequence == Get(camera_id).last_stored + 1;
}

void CameraRegistry::Stored(const std::string& camera_id, uint64_t sequence) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Camera& camera = Get(camera_id);
    camera.last_stored = sequence;
    --camera.in_flight;
  }
  drained_.notify_all();
}

void CameraRegistry::Failed(const std::string& camera_id, uint64_t /*sequence*/) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Camera& camera = Get(camera_id);
    camera.last_accepted = camera.last_stored;
    --camera.in_flight;
  }
  drained_.notify_all();
}

uint64_t CameraRegistry::LastStored(const std::string& camera_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Get(camera_id).last_stored;
}

}  // namespace nqe::ingest
