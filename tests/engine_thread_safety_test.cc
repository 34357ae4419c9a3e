// One Engine shared by 4 threads gives the serial results: Run is const with per-call buffers.
#include <memory>
#include <thread>
#include <vector>

#include "common/model/model_builder.h"
#include "edge_encoder/engine/engine.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace nqe {
namespace {

TEST(EngineThreadSafetyTest, FourThreadsMatchSerialRuns) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(SyntheticEncoderModel());
  ASSERT_TRUE(model.ok()) << model.status();
  for (bool reference : {false, true}) {
    absl::StatusOr<Engine> engine = Engine::Create(*model, {reference});
    ASSERT_TRUE(engine.ok());
    constexpr int kImages = 24;
    std::vector<ImageU8> images;
    std::vector<Tensor> serial;
    for (int i = 0; i < kImages; ++i) {
      images.push_back(testing::RandomImage(32, 32, 100 + i));
      serial.push_back(*engine->Run(images.back()));
    }
    constexpr int kThreads = 4;
    constexpr int kRounds = 2;
    std::vector<std::vector<Tensor>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < kRounds; ++round) {
          for (int i = 0; i < kImages; ++i) {
            // Each thread walks the images in its own order to interleave differently.
            results[t].push_back(*engine->Run(images[(i * (t + 1)) % kImages]));
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_EQ(results[t].size(), static_cast<size_t>(kRounds * kImages));
      for (int n = 0; n < kRounds * kImages; ++n) {
        const int i = n % kImages;
        ASSERT_TRUE(testing::TensorsEqual(serial[(i * (t + 1)) % kImages], results[t][n]))
            << "thread " << t << " run " << n;
      }
    }
  }
}

TEST(EngineTest, RefusesAnImageOfTheWrongSize) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(SyntheticEncoderModel());
  ASSERT_TRUE(model.ok());
  absl::StatusOr<Engine> engine = Engine::Create(*model);
  ASSERT_TRUE(engine.ok());
  const absl::StatusOr<Tensor> output = engine->Run(testing::RandomImage(31, 32, 1));
  EXPECT_EQ(output.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Engine::Create(nullptr).ok());
}

TEST(EngineTest, TraceHoldsEveryLayerOutputAndFastEqualsReference) {
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model =
      testing::LoadProto(SyntheticEncoderModel());
  ASSERT_TRUE(model.ok());
  const Engine fast = *Engine::Create(*model, {false});
  const Engine reference = *Engine::Create(*model, {true});
  const ImageU8 image = testing::RandomImage(32, 32, 5);
  std::vector<Tensor> fast_trace, reference_trace;
  ASSERT_TRUE(fast.Run(image, &fast_trace).ok());
  ASSERT_TRUE(reference.Run(image, &reference_trace).ok());
  ASSERT_EQ(fast_trace.size(), static_cast<size_t>((*model)->num_layers()));
  for (size_t i = 0; i < fast_trace.size(); ++i) {
    EXPECT_EQ(fast_trace[i].shape, (*model)->tensor_shapes[i + 1]);
    EXPECT_TRUE(testing::TensorsEqual(reference_trace[i], fast_trace[i])) << "tensor " << i + 1;
  }
}

}  // namespace
}  // namespace nqe
