// The 20-byte frame around a serialized nqe.model.Model (docs/model-format.md "Container"):
// magic "NQEM", uint32 version, uint64 payload length, payload, uint32 CRC-32 of the payload.
#ifndef NQE_COMMON_MODEL_CONTAINER_H_
#define NQE_COMMON_MODEL_CONTAINER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nqe {

inline constexpr uint32_t kContainerVersion = 1;
inline constexpr uint64_t kMaxPayloadBytes = uint64_t{256} << 20;
inline constexpr size_t kContainerOverheadBytes = 20;

struct ContainerContents {
  absl::string_view payload;  // points into the bytes given to UnwrapContainer
  uint32_t crc32 = 0;
};

// Checks magic, version, length against size and the CRC, in that order. Errors name
// `source_name`. A wrong magic is InvalidArgument, another version Unimplemented, a size or CRC
// disagreement DataLoss.
absl::StatusOr<ContainerContents> UnwrapContainer(absl::string_view file_bytes,
                                                  absl::string_view source_name);

// The inverse: frames `payload` (the writer side, for tools and tests).
std::string WrapContainer(absl::string_view payload);

// zlib's CRC-32 (IEEE 802.3) of `bytes`.
uint32_t Crc32(absl::string_view bytes);

// The model checksum the services use: the CRC-32 as 8 lowercase hex digits.
std::string ChecksumHex(uint32_t crc32);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_CONTAINER_H_
