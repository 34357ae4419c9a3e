// Shared helpers for the NQE C++ tests.
#ifndef NQE_TESTS_TEST_SUPPORT_H_
#define NQE_TESTS_TEST_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/model/model_loader.h"
#include "edge_encoder/engine/image.h"
#include "edge_encoder/engine/tensor.h"
#include "gtest/gtest.h"
#include "proto/nqe_model.pb.h"

namespace nqe::testing {

// The whole file, or an empty string if it cannot be read.
std::string ReadFileBytes(const std::string& path);

// 8x8 input -> conv 3x3 (3->4, ternary) -> BSN (shift 4, 4-bit biases) -> QRELU2 ->
// maxpool 2 -> conv 1x1 (4->2) -> global sum pool: a valid 2-class classifier touching most ops.
model::Model TinyClassifierModel();

// Frames `model` as a file and loads it (the loader's full checks apply).
absl::StatusOr<std::shared_ptr<const LoadedModel>> LoadProto(const model::Model& model);

// Deterministic pseudo-random RGB image.
ImageU8 RandomImage(int height, int width, uint64_t seed);

// Deterministic pseudo-random tensor with values in [lo, hi].
Tensor RandomTensor(const TensorShape& shape, int32_t lo, int32_t hi, uint64_t seed);

// Success if equal; else names the first differing index as (c, y, x) and both values.
::testing::AssertionResult TensorsEqual(const Tensor& expected, const Tensor& actual);

}  // namespace nqe::testing

#endif  // NQE_TESTS_TEST_SUPPORT_H_
