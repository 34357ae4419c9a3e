#include "tests/golden_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nqe::testing {
namespace {

constexpr uint32_t kGoldenVersion = 1;
// Sanity limits so that a damaged file fails cleanly instead of allocating wildly.
constexpr uint64_t kMaxElements = uint64_t{1} << 28;

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}

  absl::StatusOr<uint32_t> U32(const char* what) {
    if (bytes_.size() - pos_ < 4) return Truncated(what);
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += 4;
    return v;
  }
  absl::Status Bytes(void* dst, uint64_t n, const char* what) {
    if (bytes_.size() - pos_ < n) return Truncated(what);
    std::copy_n(bytes_.data() + pos_, n, static_cast<char*>(dst));
    pos_ += n;
    return absl::OkStatus();
  }
  bool AtEnd() const { return pos_ == bytes_.size(); }
  size_t pos() const { return pos_; }

 private:
  absl::Status Truncated(const char* what) {
    return absl::DataLossError(
        absl::StrCat("golden file truncated reading ", what, " at byte ", pos_));
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

#define ASSIGN_OR_RETURN_U32(var, reader, what)           \
  absl::StatusOr<uint32_t> var##_or = (reader).U32(what); \
  if (!var##_or.ok()) return var##_or.status();           \
  const uint32_t var = *var##_or

absl::StatusOr<Tensor> ReadTensor(Reader& reader) {
  ASSIGN_OR_RETURN_U32(c, reader, "tensor channels");
  ASSIGN_OR_RETURN_U32(h, reader, "tensor height");
  ASSIGN_OR_RETURN_U32(w, reader, "tensor width");
  if (uint64_t{c} * h * w > kMaxElements) {
    return absl::DataLossError(absl::StrCat("golden tensor ", c, "x", h, "x", w, " too large"));
  }
  Tensor t(TensorShape{static_cast<int32_t>(c), static_cast<int32_t>(h), static_cast<int32_t>(w)});
  for (int32_t& v : t.data) {
    ASSIGN_OR_RETURN_U32(raw, reader, "tensor values");
    v = static_cast<int32_t>(raw);
  }
  return t;
}

void AppendU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

absl::StatusOr<std::vector<GoldenInput>> ParseGoldenBytes(const std::string& bytes) {
  if (bytes.compare(0, 4, "NQEG") != 0) return absl::DataLossError("golden file: no NQEG magic");
  Reader reader(bytes);
  char magic[4];
  if (absl::Status s = reader.Bytes(magic, 4, "magic"); !s.ok()) return s;
  ASSIGN_OR_RETURN_U32(version, reader, "version");
  if (version != kGoldenVersion) {
    return absl::DataLossError(absl::StrCat("golden file version ", version, ", expected 1"));
  }
  ASSIGN_OR_RETURN_U32(n_inputs, reader, "n_inputs");
  std::vector<GoldenInput> inputs;
  for (uint32_t n = 0; n < n_inputs; ++n) {
    ASSIGN_OR_RETURN_U32(height, reader, "input height");
    ASSIGN_OR_RETURN_U32(width, reader, "input width");
    ASSIGN_OR_RETURN_U32(channels, reader, "input channels");
    if (channels != 3 || uint64_t{height} * width > kMaxElements) {
      return absl::DataLossError(
          absl::StrCat("golden input ", n, ": ", height, "x", width, "x", channels));
    }
    GoldenInput input;
    input.image = ImageU8(static_cast<int>(height), static_cast<int>(width));
    if (absl::Status s = reader.Bytes(input.image.rgb.data(), input.image.rgb.size(), "pixels");
        !s.ok())
      return s;
    ASSIGN_OR_RETURN_U32(n_tensors, reader, "n_tensors");
    for (uint32_t t = 0; t < n_tensors; ++t) {
      absl::StatusOr<Tensor> tensor = ReadTensor(reader);
      if (!tensor.ok()) return tensor.status();
      input.tensors.push_back(*std::move(tensor));
    }
    inputs.push_back(std::move(input));
  }
  if (!reader.AtEnd()) {
    return absl::DataLossError(
        absl::StrCat("golden file has ", bytes.size() - reader.pos(), " trailing bytes"));
  }
  return inputs;
}

std::string SerializeGolden(const std::vector<GoldenInput>& inputs) {
  std::string out = "NQEG";
  AppendU32(kGoldenVersion, &out);
  AppendU32(static_cast<uint32_t>(inputs.size()), &out);
  for (const GoldenInput& input : inputs) {
    AppendU32(input.image.height, &out);
    AppendU32(input.image.width, &out);
    AppendU32(ImageU8::kChannels, &out);
    out.append(input.image.rgb.begin(), input.image.rgb.end());
    AppendU32(static_cast<uint32_t>(input.tensors.size()), &out);
    for (const Tensor& t : input.tensors) {
      AppendU32(t.shape.channels, &out);
      AppendU32(t.shape.height, &out);
      AppendU32(t.shape.width, &out);
      for (int32_t v : t.data) AppendU32(static_cast<uint32_t>(v), &out);
    }
  }
  return out;
}

std::string GoldenDir() {
  const char* from_env = std::getenv("NQE_GOLDEN_DIR");
  return from_env != nullptr && *from_env != '\0' ? from_env : NQE_GOLDEN_DIR_DEFAULT;
}

std::vector<std::string> ListGoldenCases(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".golden") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<GoldenCase> ReadGoldenCase(const std::string& dir, const std::string& name) {
  GoldenCase golden;
  golden.name = name;
  golden.model_path = dir + "/" + name + ".nqe";
  const std::string path = dir + "/" + name + ".golden";
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream bytes;
  bytes << file.rdbuf();
  absl::StatusOr<std::vector<GoldenInput>> inputs = ParseGoldenBytes(bytes.str());
  if (!inputs.ok()) {
    return absl::Status(inputs.status().code(),
                        absl::StrCat(path, ": ", inputs.status().message()));
  }
  golden.inputs = *std::move(inputs);
  return golden;
}

}  // namespace nqe::testing
