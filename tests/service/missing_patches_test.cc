#include "cloud_decoder/purenet/missing_patches.h"

#include <algorithm>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nqe {
namespace {

int CountLost(const std::vector<bool>& received) {
  return static_cast<int>(std::count(received.begin(), received.end(), false));
}

TEST(ReceivedPatchesTest, FlagsExactlyTheListedPatches) {
  const std::vector<uint32_t> missing = {0, 5, 5, 11};
  absl::StatusOr<std::vector<bool>> received = ReceivedPatches(12, missing);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(*received, std::vector<bool>({false, true, true, true, true, false, true, true, true,
                                          true, true, false}));
}

TEST(ReceivedPatchesTest, NoneMissingMeansAllReceived) {
  absl::StatusOr<std::vector<bool>> received = ReceivedPatches(4, {});
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(CountLost(*received), 0);
}

TEST(ReceivedPatchesTest, IndexOutsideTheGridIsRefused) {
  const std::vector<uint32_t> missing = {3, 12};
  absl::StatusOr<std::vector<bool>> received = ReceivedPatches(12, missing);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(received.status().message(), testing::HasSubstr("missing patch 12"));
}

TEST(RandomlyReceivedPatchesTest, SameSeedSamePatchesOtherSeedOthers) {
  const std::vector<bool> a = RandomlyReceivedPatches(500, 0.2, 7);
  EXPECT_EQ(a, RandomlyReceivedPatches(500, 0.2, 7));
  EXPECT_NE(a, RandomlyReceivedPatches(500, 0.2, 8));
}

TEST(RandomlyReceivedPatchesTest, LosesAboutTheRequestedFraction) {
  for (double rate : {0.0, 0.03, 0.25, 0.5}) {
    const std::vector<bool> received = RandomlyReceivedPatches(20000, rate, 1);
    // Binomial(20000, rate): 5 standard deviations are at most 0.018 of the count.
    EXPECT_NEAR(CountLost(received) / 20000.0, rate, 0.018) << "rate " << rate;
  }
}

TEST(RandomlyReceivedPatchesTest, LostPatchesAreNotClustered) {
  // With a poor hash, consecutive indices lose together; count lost neighbours in a row.
  const std::vector<bool> received = RandomlyReceivedPatches(20000, 0.5, 3);
  int both_lost = 0;
  for (size_t i = 1; i < received.size(); ++i) both_lost += !received[i] && !received[i - 1];
  EXPECT_NEAR(both_lost / 19999.0, 0.25, 0.02);
}

}  // namespace
}  // namespace nqe
