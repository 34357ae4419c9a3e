// The entropy coder's mixer (logistic_mixer.h): its integer stretch and squash invert each
// other, and it learns to trust whichever model predicts better.
#include "common/codes/entropy/logistic_mixer.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace nqe {
namespace {

TEST(LogisticMixerTest, SquashIsTheLogisticFunctionAndStretchItsInverse) {
  uint32_t previous = 0;
  for (int d = -2047; d <= 2047; ++d) {
    const uint32_t p = Squash(d);
    ASSERT_GE(p, previous) << d;  // monotone
    ASSERT_GE(p, 1u);
    ASSERT_LE(p, 4095u);
    // Within 1.5 % of 4096 of the exact logistic (the interpolation between 33 points).
    ASSERT_NEAR(p, 4096.0 / (1.0 + std::exp(-d / 256.0)), 0.015 * 4096) << d;
    previous = p;
  }
  EXPECT_EQ(Squash(0), 2048u);
  EXPECT_EQ(Squash(-100000), Squash(-2047));  // clamped
  for (uint32_t p = 1; p < 4096; ++p) {
    const int d = Stretch(p);
    ASSERT_GE(Squash(d), p) << p;
    if (d > -2047) {
      ASSERT_LT(Squash(d - 1), p) << p;  // the smallest such d
    }
  }
  EXPECT_EQ(Stretch(2048), 0);
}

// Bits drawn with P(0) = 0.9; one model knows it, the other says 1/2 (an uninformative
// context): the mix must end up near the good model, and cost about its entropy.
TEST(LogisticMixerTest, LearnsToFollowTheModelThatPredicts) {
  for (const bool good_is_local : {true, false}) {
    LogisticMixer mixer(2);
    std::mt19937 rng(3);
    std::bernoulli_distribution zero(0.9);
    const uint32_t good = 3686, blind = 2048;  // 0.9 and 0.5 in 1/4096
    double bits = 0;
    const int n = 20000;
    uint32_t p0 = 0;
    for (int i = 0; i < n; ++i) {
      p0 = good_is_local ? mixer.Mix(1, good, blind) : mixer.Mix(1, blind, good);
      const bool bit = !zero(rng);
      bits -= std::log2((bit ? 4096 - p0 : p0) / 4096.0);
      mixer.Update(bit);
    }
    EXPECT_NEAR(p0, good, 200) << good_is_local;
    EXPECT_LT(bits / n, 0.469 * 1.05) << good_is_local;  // H(0.9) = 0.469
  }
}

}  // namespace
}  // namespace nqe
