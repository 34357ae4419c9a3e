#include "tools/eval/cifar10_dataset.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/eval/image_io.h"

namespace nqe::eval {
namespace {

namespace fs = std::filesystem;

constexpr int kSide = 32;
constexpr int kPlane = kSide * kSide;
constexpr int kRecordBytes = 1 + 3 * kPlane;

// For std::system: the path inside single quotes, with embedded quotes escaped.
std::string ShellQuote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

bool HasJpegTestTree(const fs::path& root) {
  std::error_code error;
  return fs::is_directory(root / "test" / Cifar10ClassNames().back(), error);
}

absl::StatusOr<LabeledImages> ReadJpegTestTree(const fs::path& root) {
  LabeledImages set;
  set.source = (root / "test").string();
  for (int label = 0; label < kCifarClasses; ++label) {
    const std::string class_dir = (root / "test" / Cifar10ClassNames()[label]).string();
    absl::StatusOr<std::vector<std::string>> files = ListImages(class_dir);
    if (!files.ok()) return files.status();
    for (const std::string& file : *files) {
      absl::StatusOr<cv::Mat> image = ReadRgb(file);
      if (!image.ok()) return image.status();
      set.images.push_back(*std::move(image));
      set.labels.push_back(label);
    }
  }
  return set;
}

// Unpacks the archive into cache_dir/cifar10-jpeg through a temporary folder renamed at the
// end, so an interrupted unpack never looks complete.
absl::StatusOr<fs::path> UnpackArchive(const fs::path& archive, const fs::path& cache_dir) {
  const fs::path root = cache_dir / "cifar10-jpeg";
  if (HasJpegTestTree(root)) return root;
  const fs::path partial = cache_dir / absl::StrCat("cifar10-jpeg.partial-", getpid());
  std::error_code error;
  fs::create_directories(partial, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create cache folder ", partial.string(), ": ", error.message()));
  }
  std::fprintf(stderr, "[classify] unpacking %s into %s (about 20 s, once)\n",
               archive.string().c_str(), root.string().c_str());
  const std::string command =
      absl::StrCat("tar -xJf ", ShellQuote(archive.string()), " -C ", ShellQuote(partial.string()));
  if (std::system(command.c_str()) != 0) {
    fs::remove_all(partial, error);
    return absl::InternalError(absl::StrCat("`", command, "` failed"));
  }
  fs::rename(partial, root, error);
  if (error) {
    fs::remove_all(partial, error);
    if (!HasJpegTestTree(root)) {
      return absl::InternalError(absl::StrCat("cannot move the unpacked archive to ", root.string(),
                                              "; remove that folder and retry"));
    }
  }
  return root;
}

}  // namespace

const std::vector<std::string>& Cifar10ClassNames() {
  static const std::vector<std::string> kNames = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return kNames;
}

absl::StatusOr<LabeledImages> ReadCifarBinaryBatch(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.size() % kRecordBytes != 0) {
    return absl::DataLossError(absl::StrCat(path, ": ", bytes.size(),
                                            " bytes is not a whole number of ", kRecordBytes,
                                            "-byte CIFAR-10 records"));
  }
  LabeledImages set;
  set.source = path;
  for (size_t at = 0; at < bytes.size(); at += kRecordBytes) {
    const auto* record = reinterpret_cast<const uint8_t*>(bytes.data() + at);
    if (record[0] >= kCifarClasses) {
      return absl::DataLossError(absl::StrCat(path, ": record ", at / kRecordBytes, " has label ",
                                              int{record[0]}, ", want 0..9"));
    }
    cv::Mat rgb(kSide, kSide, CV_8UC3);
    for (int y = 0; y < kSide; ++y) {
      uint8_t* row = rgb.ptr<uint8_t>(y);
      for (int x = 0; x < kSide; ++x) {
        for (int c = 0; c < 3; ++c) row[3 * x + c] = record[1 + c * kPlane + y * kSide + x];
      }
    }
    set.images.push_back(rgb);
    set.labels.push_back(record[0]);
  }
  return set;
}

absl::StatusOr<LabeledImages> LoadCifar10Test(const std::string& data_dir,
                                              const std::string& cache_dir) {
  const fs::path dir(data_dir);
  std::error_code error;
  for (const fs::path& batch :
       {dir / "cifar-10-batches-bin" / "test_batch.bin", dir / "test_batch.bin"}) {
    if (fs::is_regular_file(batch, error)) return ReadCifarBinaryBatch(batch.string());
  }
  if (HasJpegTestTree(dir)) return ReadJpegTestTree(dir);
  const fs::path archive = dir / "cifar10-jpeg.tar.xz";
  if (fs::is_regular_file(archive, error)) {
    absl::StatusOr<fs::path> root = UnpackArchive(archive, cache_dir);
    if (!root.ok()) return root.status();
    return ReadJpegTestTree(*root);
  }
  return absl::NotFoundError(absl::StrCat(
      "no CIFAR-10 test set in ", data_dir,
      ": expected cifar-10-batches-bin/test_batch.bin, test_batch.bin, test/<class>/*.jpg or "
      "cifar10-jpeg.tar.xz"));
}

}  // namespace nqe::eval
