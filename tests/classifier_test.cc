// Classifier (edge_encoder/daemon): integer logits from the engine, probabilities as the
// softmax of logit_scale * logits, and refusal of a scale that is not a finite value >= 0.
#include "edge_encoder/daemon/classifier.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "opencv2/imgcodecs.hpp"
#include "tests/test_support.h"

namespace nqe::edge {
namespace {

absl::StatusOr<Classifier> TinyClassifier(float logit_scale) {
  model::Model proto = testing::TinyClassifierModel();
  proto.set_logit_scale(logit_scale);
  absl::StatusOr<std::shared_ptr<const LoadedModel>> model = testing::LoadProto(proto);
  if (!model.ok()) return model.status();
  return Classifier::Create(*model);
}

std::string PngBytes(uint64_t seed) {
  const ImageU8 image = testing::RandomImage(16, 12, seed);
  cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
  std::vector<uint8_t> png;
  EXPECT_TRUE(cv::imencode(".png", rgb, png));
  return std::string(png.begin(), png.end());
}

// softmax(scale * logits)[index], straight from the definition.
double Softmax(const std::vector<int32_t>& logits, double scale, int index) {
  double total = 0;
  for (int32_t l : logits) total += std::exp(scale * l);
  return std::exp(scale * logits[index]) / total;
}

TEST(ClassifierTest, ProbabilitiesAreTheSoftmaxOfTheScaledLogits) {
  for (float scale : {0.0f, 1.0f, 0.25f, 0.05f}) {
    absl::StatusOr<Classifier> classifier = TinyClassifier(scale);
    ASSERT_TRUE(classifier.ok()) << classifier.status();
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      absl::StatusOr<Classification> result = classifier->Classify(PngBytes(seed), 2);
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_EQ(result->top.size(), 2u);
      const double applied = scale > 0 ? scale : 1.0;  // 0: unset, older files
      for (const ClassScore& score : result->top) {
        EXPECT_NEAR(score.probability, Softmax(result->logits, applied, score.index), 1e-12)
            << "scale " << scale << " seed " << seed;
      }
      EXPECT_NEAR(result->top[0].probability + result->top[1].probability, 1.0, 1e-12);
    }
  }
}

TEST(ClassifierTest, RefusesANegativeOrNonFiniteScale) {
  for (float scale :
       {-1.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    absl::StatusOr<Classifier> classifier = TinyClassifier(scale);
    ASSERT_FALSE(classifier.ok()) << scale;
    EXPECT_EQ(classifier.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace nqe::edge
