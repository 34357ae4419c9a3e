// Frames -> patches -> codes: the grid, the edge replication and thread-count invariance.
#include "edge_encoder/patches.h"

#include <memory>

#include "common/model/model_builder.h"
#include "edge_encoder/engine/task_output.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace nqe {
namespace {

TEST(PatchesTest, GridRoundsUp) {
  EXPECT_EQ(GridForFrame(64, 96, 32).rows, 2);
  EXPECT_EQ(GridForFrame(64, 96, 32).cols, 3);
  EXPECT_EQ(GridForFrame(65, 97, 32).rows, 3);
  EXPECT_EQ(GridForFrame(65, 97, 32).cols, 4);
  EXPECT_EQ(GridForFrame(1, 1, 32).count(), 1);
}

TEST(PatchesTest, EdgePatchesReplicateTheLastRowAndColumn) {
  const ImageU8 frame = testing::RandomImage(5, 7, 3);
  const ImageU8 patch = ExtractPatch(frame, 4, 1, 1);  // rows 4..7, columns 4..7
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      const uint8_t* expected = frame.pixel(std::min(4 + y, 4), std::min(4 + x, 6));
      for (int c = 0; c < 3; ++c) ASSERT_EQ(patch.pixel(y, x)[c], expected[c]) << y << "," << x;
    }
  }
}

TEST(PatchesTest, EncodesEveryPatchIndependentlyOfTheThreadCount) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(SyntheticEncoderModel());
  ASSERT_TRUE(model.ok());
  const Engine engine = *Engine::Create(*model);
  const ImageU8 frame = testing::RandomImage(70, 100, 9);
  absl::StatusOr<FrameCodes> serial = EncodeFrame(engine, frame, 1);
  absl::StatusOr<FrameCodes> parallel = EncodeFrame(engine, frame, 3);
  ASSERT_TRUE(serial.ok()) << serial.status();
  ASSERT_TRUE(parallel.ok()) << parallel.status();
  EXPECT_EQ(serial->grid.rows, 3);
  EXPECT_EQ(serial->grid.cols, 4);
  EXPECT_EQ(serial->bits_per_patch, 256);
  EXPECT_EQ(serial->bytes.size(), 12u * 32);
  EXPECT_EQ(serial->bytes, parallel->bytes);
  // Patch (2, 3) is the bottom-right, padded one: its code is the engine's on that patch.
  const std::vector<uint8_t> expected = EncodeBits(*engine.Run(ExtractPatch(frame, 32, 2, 3)));
  const absl::Span<const uint8_t> code = serial->PatchCode(2, 3);
  EXPECT_EQ(std::vector<uint8_t>(code.begin(), code.end()), expected);
}

TEST(PatchesTest, RefusesAClassifier) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(testing::TinyClassifierModel());
  ASSERT_TRUE(model.ok());
  EXPECT_FALSE(EncodeFrame(*Engine::Create(*model), testing::RandomImage(8, 8, 1)).ok());
}

}  // namespace
}  // namespace nqe
