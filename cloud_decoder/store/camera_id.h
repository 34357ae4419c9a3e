// Camera ids name directories in the store, so they are restricted to a safe alphabet.
#ifndef NQE_CLOUD_DECODER_STORE_CAMERA_ID_H_
#define NQE_CLOUD_DECODER_STORE_CAMERA_ID_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nqe::store {

// OK for 1..64 characters of [A-Za-z0-9_.-] not starting with '.'; InvalidArgument otherwise
// (no path separators, no "..", no hidden names).
absl::Status ValidateCameraId(absl::string_view camera_id);

}  // namespace nqe::store

#endif  // NQE_CLOUD_DECODER_STORE_CAMERA_ID_H_
