#include "cloud_decoder/store/frame_store.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "cloud_decoder/store/atomic_file.h"
#include "cloud_decoder/store/camera_id.h"
#include "common/service/log.h"

namespace nqe::store {
namespace fs = std::filesystem;
namespace {

constexpr absl::string_view kMeta = ".meta";
constexpr absl::string_view kPng = ".png";
constexpr absl::string_view kCodes = ".codes";

void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FrameStore>> FrameStore::Open(const StoreOptions& options) {
  if (options.root.empty()) return absl::InvalidArgumentError("store root is empty");
  if (options.retention_frames < 0) {
    return absl::InvalidArgumentError("retention must be >= 0 frames");
  }
  std::error_code error;
  fs::create_directories(options.root, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create store directory ", options.root, ": ", error.message()));
  }
  std::unique_ptr<FrameStore> store(new FrameStore(options));
  if (absl::Status status = store->Recover(); !status.ok()) return status;
  return store;
}

absl::Status FrameStore::Recover() {
  int cameras = 0;
  int frames = 0;
  int leftovers = 0;
  for (const fs::directory_entry& camera_dir : fs::directory_iterator(options_.root)) {
    const std::string camera_id = camera_dir.path().filename().string();
    if (!camera_dir.is_directory() || !ValidateCameraId(camera_id).ok()) continue;
    std::set<uint64_t>& stored = sequences_[camera_id];
    std::vector<fs::path> files;
    for (const fs::directory_entry& file : fs::directory_iterator(camera_dir.path())) {
      files.push_back(file.path());
    }
    for (const fs::path& file : files) {
      uint64_t sequence = 0;
      const std::string name = file.filename().string();
      absl::string_view stem = name;
      if (absl::ConsumeSuffix(&stem, kMeta) && absl::SimpleAtoi(stem, &sequence)) {
        stored.insert(sequence);
      }
    }
    // Anything that is not part of a committed frame is what a crash left behind.
    for (const fs::path& file : files) {
      uint64_t sequence = 0;
      const std::string stem = file.stem().string();
      if (!absl::SimpleAtoi(stem, &sequence) || !stored.count(sequence)) {
        RemoveQuietly(file);
        ++leftovers;
      }
    }
    if (stored.empty()) {
      sequences_.erase(camera_id);
      continue;
    }
    ++cameras;
    frames += static_cast<int>(stored.size());
  }
  NQE_LOG(INFO) << "store " << options_.root << ": " << frames << " frames of " << cameras
                << " cameras recovered"
                << (leftovers ? absl::StrCat(", ", leftovers, " partial files removed") : "");
  for (const auto& [camera_id, stored] : sequences_) {
    NQE_LOG(INFO) << "store: camera " << camera_id << " last sequence " << *stored.rbegin();
  }
  return absl::OkStatus();
}

std::string FrameStore::FramePath(absl::string_view camera_id, uint64_t sequence,
                                  absl::string_view extension) const {
  return absl::StrFormat("%s/%s/%020d%s", options_.root, camera_id, sequence, extension);
}

uint64_t FrameStore::LastSequence(absl::string_view camera_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = sequences_.find(camera_id);
  return it == sequences_.end() || it->second.empty() ? 0 : *it->second.rbegin();
}

absl::Status FrameStore::Put(const service::FrameInfo& info, absl::string_view png,
                             absl::string_view codes) {
  const std::string& camera_id = info.camera_id();
  if (absl::Status status = ValidateCameraId(camera_id); !status.ok()) return status;
  if (info.sequence() <= LastSequence(camera_id)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "camera ", camera_id, " frame ", info.sequence(), " is not after the last stored one"));
  }
  const std::string dir = absl::StrCat(options_.root, "/", camera_id);
  std::error_code error;
  if (fs::create_directory(dir, error)) {
    if (absl::Status status = SyncDirectory(options_.root); !status.ok()) return status;
  } else if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  // PNG and codes first; the metadata commits the frame.
  if (absl::Status status = WriteFileAtomically(FramePath(camera_id, info.sequence(), kPng), png);
      !status.ok()) {
    return status;
  }
  if (absl::Status status =
          WriteFileAtomically(FramePath(camera_id, info.sequence(), kCodes), codes);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = WriteFileAtomically(FramePath(camera_id, info.sequence(), kMeta),
                                                info.SerializeAsString());
      !status.ok()) {
    return status;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sequences_[camera_id].insert(info.sequence());
  }
  stored_.notify_all();
  ApplyRetention(camera_id);
  return absl::OkStatus();
}

void FrameStore::ApplyRetention(const std::string& camera_id) {
  if (options_.retention_frames == 0) return;
  std::vector<uint64_t> expired;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<uint64_t>& stored = sequences_[camera_id];
    while (stored.size() > static_cast<size_t>(options_.retention_frames)) {
      expired.push_back(*stored.begin());
      stored.erase(stored.begin());
    }
  }
  for (uint64_t sequence : expired) {
    // Uncommit first, so a crash halfway leaves leftovers rather than a frame without a PNG.
    RemoveQuietly(FramePath(camera_id, sequence, kMeta));
    RemoveQuietly(FramePath(camera_id, sequence, kPng));
    RemoveQuietly(FramePath(camera_id, sequence, kCodes));
  }
}

absl::StatusOr<StoredFrame> FrameStore::Get(absl::string_view camera_id, uint64_t sequence,
                                            bool with_codes) const {
  if (absl::Status status = ValidateCameraId(camera_id); !status.ok()) return status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sequences_.find(camera_id);
    if (it == sequences_.end() || !it->second.count(sequence)) {
      return absl::NotFoundError(
          absl::StrCat("camera ", camera_id, " has no stored frame ", sequence));
    }
  }
  // A frame removed by retention between the check and the reads shows up as NotFound.
  StoredFrame frame;
  absl::StatusOr<std::string> meta = ReadFile(FramePath(camera_id, sequence, kMeta));
  if (!meta.ok()) return meta.status();
  if (!frame.info.ParseFromString(*meta)) {
    return absl::DataLossError(absl::StrCat("corrupt metadata of ", camera_id, "/", sequence));
  }
  absl::StatusOr<std::string> png = ReadFile(FramePath(camera_id, sequence, kPng));
  if (!png.ok()) return png.status();
  frame.png = *std::move(png);
  if (with_codes) {
    absl::StatusOr<std::string> codes = ReadFile(FramePath(camera_id, sequence, kCodes));
    if (!codes.ok()) return codes.status();
    frame.codes = *std::move(codes);
  }
  return frame;
}

absl::StatusOr<std::vector<service::FrameInfo>> FrameStore::List(absl::string_view camera_id,
                                                                 uint64_t after_sequence,
                                                                 size_t limit) const {
  if (absl::Status status = ValidateCameraId(camera_id); !status.ok()) return status;
  std::vector<uint64_t> wanted;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sequences_.find(camera_id);
    if (it != sequences_.end()) {
      for (auto seq = it->second.upper_bound(after_sequence);
           seq != it->second.end() && (limit == 0 || wanted.size() < limit); ++seq) {
        wanted.push_back(*seq);
      }
    }
  }
  std::vector<service::FrameInfo> infos;
  for (uint64_t sequence : wanted) {
    absl::StatusOr<std::string> meta = ReadFile(FramePath(camera_id, sequence, kMeta));
    if (!meta.ok()) continue;  // removed by retention meanwhile
    service::FrameInfo info;
    if (info.ParseFromString(*meta)) infos.push_back(std::move(info));
  }
  return infos;
}

uint64_t FrameStore::WaitForNewer(absl::string_view camera_id, uint64_t after_sequence,
                                  absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  auto last = [&] {
    const auto it = sequences_.find(camera_id);
    return it == sequences_.end() || it->second.empty() ? uint64_t{0} : *it->second.rbegin();
  };
  stored_.wait_until(lock, absl::ToChronoTime(deadline), [&] { return last() > after_sequence; });
  return last();
}

std::vector<std::string> FrameStore::Cameras() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> cameras;
  for (const auto& [camera_id, stored] : sequences_) {
    if (!stored.empty()) cameras.push_back(camera_id);
  }
  return cameras;
}

}  // namespace nqe::store
