#include "common/model/container.h"

#include <zlib.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace nqe {
namespace {

constexpr absl::string_view kMagic = "NQEM";

// Little-endian fields, independent of the host's byte order.
uint64_t LoadLittleEndian(const char* p, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

void AppendLittleEndian(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

uint32_t Crc32(absl::string_view bytes) {
  // zlib takes uInt lengths: feed large inputs in chunks.
  uLong crc = crc32(0L, Z_NULL, 0);
  const char* data = bytes.data();
  size_t remaining = bytes.size();
  while (remaining > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(remaining, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    remaining -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

std::string ChecksumHex(uint32_t crc32) { return absl::StrFormat("%08x", crc32); }

absl::StatusOr<ContainerContents> UnwrapContainer(absl::string_view file_bytes,
                                                  absl::string_view source_name) {
  const size_t size = file_bytes.size();
  if (size >= kMagic.size() && file_bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: not an NQE model file (no \"NQEM\" magic)", source_name));
  }
  if (size < kContainerOverheadBytes) {
    return absl::DataLossError(
        absl::StrFormat("%s: truncated: %d bytes, the container frame alone takes %d", source_name,
                        size, kContainerOverheadBytes));
  }
  const uint32_t version = static_cast<uint32_t>(LoadLittleEndian(file_bytes.data() + 4, 4));
  if (version != kContainerVersion) {
    return absl::UnimplementedError(absl::StrFormat("%s: format version %d, this build reads %d",
                                                    source_name, version, kContainerVersion));
  }
  const uint64_t length = LoadLittleEndian(file_bytes.data() + 8, 8);
  if (length > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: payload length %d exceeds the limit of %d bytes (256 MiB)",
                        source_name, length, kMaxPayloadBytes));
  }
  const uint64_t expected_size = length + kContainerOverheadBytes;
  if (size < expected_size) {
    return absl::DataLossError(
        absl::StrFormat("%s: truncated: payload length %d needs a file of %d bytes, found %d",
                        source_name, length, expected_size, size));
  }
  if (size > expected_size) {
    return absl::DataLossError(
        absl::StrFormat("%s: trailing bytes: payload length %d needs a file of %d bytes, found %d",
                        source_name, length, expected_size, size));
  }
  ContainerContents contents;
  contents.payload = file_bytes.substr(16, length);
  const uint32_t stored_crc =
      static_cast<uint32_t>(LoadLittleEndian(file_bytes.data() + 16 + length, 4));
  contents.crc32 = Crc32(contents.payload);
  if (contents.crc32 != stored_crc) {
    return absl::DataLossError(
        absl::StrFormat("%s: corrupt: payload CRC-32 is %s, the file says %s", source_name,
                        ChecksumHex(contents.crc32), ChecksumHex(stored_crc)));
  }
  return contents;
}

std::string WrapContainer(absl::string_view payload) {
  std::string out(kMagic);
  AppendLittleEndian(kContainerVersion, 4, &out);
  AppendLittleEndian(payload.size(), 8, &out);
  out.append(payload.data(), payload.size());
  AppendLittleEndian(Crc32(payload), 4, &out);
  return out;
}

}  // namespace nqe
