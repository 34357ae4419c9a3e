// Reader for the golden vectors the Python reference writes (tests/golden/<case>.golden):
//   "NQEG", uint32 version = 1, uint32 n_inputs, then per input: uint32 height, width,
//   channels (= 3), height*width*3 uint8 (HWC RGB), uint32 n_tensors (= layers), then per
//   tensor 1..n: uint32 c, h, w and c*h*w int32 (CHW). All little-endian.
#ifndef NQE_TESTS_GOLDEN_FILE_H_
#define NQE_TESTS_GOLDEN_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "edge_encoder/engine/image.h"
#include "edge_encoder/engine/tensor.h"

namespace nqe::testing {

struct GoldenInput {
  ImageU8 image;
  std::vector<Tensor> tensors;  // tensors 1..L: every layer's output
};

struct GoldenCase {
  std::string name;        // <case>
  std::string model_path;  // <dir>/<case>.nqe
  std::vector<GoldenInput> inputs;
};

absl::StatusOr<std::vector<GoldenInput>> ParseGoldenBytes(const std::string& bytes);

// The writer side, for the reader's own test.
std::string SerializeGolden(const std::vector<GoldenInput>& inputs);

// The golden directory: $NQE_GOLDEN_DIR, else the one CMake configured.
std::string GoldenDir();

// The <case> of every <case>.golden in `dir`, sorted; empty if there is no such directory.
std::vector<std::string> ListGoldenCases(const std::string& dir);

// Reads <dir>/<name>.golden; model_path names <dir>/<name>.nqe.
absl::StatusOr<GoldenCase> ReadGoldenCase(const std::string& dir, const std::string& name);

}  // namespace nqe::testing

#endif  // NQE_TESTS_GOLDEN_FILE_H_
