// Crash-safe file writes: a reader never sees a half-written file, only the old state or the
// whole new file, even across a power cut (POSIX: write to a temp name, fsync, rename, fsync
// the directory).
#ifndef NQE_CLOUD_DECODER_STORE_ATOMIC_FILE_H_
#define NQE_CLOUD_DECODER_STORE_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nqe::store {

// The suffix of temp files; a store removes leftovers with it at start (a crash mid-write).
inline constexpr absl::string_view kTempSuffix = ".tmp";

// Writes `bytes` to `path` atomically and durably.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view bytes);

// The whole content of `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// fsync of a directory, so a rename or unlink in it survives a crash.
absl::Status SyncDirectory(const std::string& dir);

}  // namespace nqe::store

#endif  // NQE_CLOUD_DECODER_STORE_ATOMIC_FILE_H_
