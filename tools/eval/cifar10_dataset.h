// The CIFAR-10 test set (10,000 images, 32 x 32 RGB) in either layout the data README names:
//
// - the official binary release: <dir>/cifar-10-batches-bin/test_batch.bin or
//   <dir>/test_batch.bin (records of 1 label byte + 1024 R, 1024 G, 1024 B bytes);
// - the project's JPEG copies: <dir>/test/<class>/*.jpg, or <dir>/cifar10-jpeg.tar.xz, which is
//   unpacked once with `tar -xJf` into <cache>/cifar10-jpeg (the same place the Python loader,
//   training/nqe/data/cifar10.py, uses, so either side reuses the other's copy).
//
// Image i is the same image as index i of the Python loader's test split: record order for the
// binary file; for JPEG, classes in the official label order and files sorted by name.
#ifndef NQE_TOOLS_EVAL_CIFAR10_DATASET_H_
#define NQE_TOOLS_EVAL_CIFAR10_DATASET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "opencv2/core.hpp"

namespace nqe::eval {

inline constexpr int kCifarClasses = 10;

struct LabeledImages {
  std::vector<cv::Mat> images;  // CV_8UC3, R, G, B
  std::vector<int> labels;      // 0..9, official order (airplane .. truck)
  std::string source;           // which file or folder they came from
};

// The names of the classes in label order.
const std::vector<std::string>& Cifar10ClassNames();

// Loads the test split found under `data_dir` (binary preferred when both exist). NotFound
// naming every layout tried if there is none; DataLoss for a malformed binary file.
absl::StatusOr<LabeledImages> LoadCifar10Test(const std::string& data_dir,
                                              const std::string& cache_dir);

// Reads a binary-layout batch file (any number of records).
absl::StatusOr<LabeledImages> ReadCifarBinaryBatch(const std::string& path);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_CIFAR10_DATASET_H_
