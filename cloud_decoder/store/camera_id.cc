#include "cloud_decoder/store/camera_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nqe::store {

absl::Status ValidateCameraId(absl::string_view camera_id) {
  constexpr size_t kMaxLength = 64;
  if (camera_id.empty() || camera_id.size() > kMaxLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("camera id must have 1..", kMaxLength, " characters"));
  }
  if (camera_id.front() == '.') {
    return absl::InvalidArgumentError("camera id must not start with '.'");
  }
  for (char c : camera_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat("camera id may only hold [A-Za-z0-9_.-], not '", std::string(1, c), "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace nqe::store
