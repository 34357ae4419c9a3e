#include "common/model/model_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/model/container.h"
#include "common/model/network_validator.h"

namespace nqe {
namespace {

// Keeps the status code, prefixes the message with the file's name.
absl::Status InFile(absl::string_view source_name, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(source_name, ": ", status.message()));
}

}  // namespace

absl::StatusOr<LoadedModel> LoadModelFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    const std::string reason = absl::StrCat(path, ": cannot open: ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(reason) : absl::PermissionDeniedError(reason);
  }
  // Refuse before reading a file that cannot be a model (the payload limit plus the frame).
  file.seekg(0, std::ios::end);
  const std::streamoff size = file.tellg();
  if (size < 0) return absl::UnavailableError(absl::StrCat(path, ": cannot determine its size"));
  if (static_cast<uint64_t>(size) > kMaxPayloadBytes + kContainerOverheadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", size, " bytes, larger than any model file can be"));
  }
  file.seekg(0, std::ios::beg);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!file.read(bytes.data(), size)) {
    return absl::DataLossError(absl::StrCat(path, ": read failed"));
  }
  return LoadModelBytes(bytes, path);
}

absl::StatusOr<LoadedModel> LoadModelBytes(absl::string_view bytes, absl::string_view source_name) {
  absl::StatusOr<ContainerContents> contents = UnwrapContainer(bytes, source_name);
  if (!contents.ok()) return contents.status();

  LoadedModel loaded;
  loaded.source_name = std::string(source_name);
  loaded.checksum = ChecksumHex(contents->crc32);
  if (!loaded.proto.ParseFromArray(contents->payload.data(),
                                   static_cast<int>(contents->payload.size()))) {
    return absl::DataLossError(
        absl::StrCat(source_name, ": the payload is not a valid nqe.model.Model message"));
  }

  absl::StatusOr<NetworkAnalysis> analysis = AnalyzeNetwork(loaded.proto);
  if (!analysis.ok()) return InFile(source_name, analysis.status());
  absl::StatusOr<std::vector<ValueRange>> ranges = ProveValueRanges(loaded.proto, *analysis);
  if (!ranges.ok()) return InFile(source_name, ranges.status());

  loaded.memory = ComputeMemoryReport(loaded.proto, *analysis);
  loaded.tensor_shapes = std::move(analysis->tensor_shapes);
  loaded.layer_inputs = std::move(analysis->layer_inputs);
  loaded.conv_levels = std::move(analysis->conv_levels);
  loaded.tensor_ranges = *std::move(ranges);
  return loaded;
}

}  // namespace nqe
