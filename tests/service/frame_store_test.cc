#include "cloud_decoder/store/frame_store.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nqe::store {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class FrameStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
  }

  std::unique_ptr<FrameStore> Open(int retention = 0) {
    absl::StatusOr<std::unique_ptr<FrameStore>> store = FrameStore::Open({root_, retention});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  static service::FrameInfo Info(const std::string& camera, uint64_t sequence) {
    service::FrameInfo info;
    info.set_camera_id(camera);
    info.set_sequence(sequence);
    info.set_width(32);
    info.set_height(16);
    return info;
  }

  static std::vector<uint64_t> Sequences(const FrameStore& store, const std::string& camera) {
    std::vector<uint64_t> sequences;
    const absl::StatusOr<std::vector<service::FrameInfo>> infos = store.List(camera, 0, 0);
    EXPECT_TRUE(infos.ok()) << infos.status();
    for (const service::FrameInfo& info : *infos) {
      sequences.push_back(info.sequence());
    }
    return sequences;
  }

  fs::path root_;
};

TEST_F(FrameStoreTest, PutGetAndList) {
  std::unique_ptr<FrameStore> store = Open();
  ASSERT_TRUE(store->Put(Info("cam", 1), "png-1", "codes-1").ok());
  ASSERT_TRUE(store->Put(Info("cam", 2), "png-2", "codes-2").ok());
  EXPECT_EQ(store->LastSequence("cam"), 2u);
  EXPECT_EQ(store->LastSequence("other"), 0u);
  absl::StatusOr<StoredFrame> frame = store->Get("cam", 2, /*with_codes=*/true);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->png, "png-2");
  EXPECT_EQ(frame->codes, "codes-2");
  EXPECT_EQ(frame->info.width(), 32u);
  EXPECT_TRUE(store->Get("cam", 2, /*with_codes=*/false)->codes.empty());
  EXPECT_THAT(Sequences(*store, "cam"), ElementsAre(1, 2));
  EXPECT_THAT(*store->List("cam", 1, 0), ::testing::SizeIs(1));
  EXPECT_EQ(store->Get("cam", 3, false).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FrameStoreTest, RefusesFramesNotAfterTheLast) {
  std::unique_ptr<FrameStore> store = Open();
  ASSERT_TRUE(store->Put(Info("cam", 5), "p", "c").ok());
  EXPECT_EQ(store->Put(Info("cam", 5), "p", "c").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->Put(Info("cam", 4), "p", "c").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(FrameStoreTest, RefusesUnsafeCameraIds) {
  std::unique_ptr<FrameStore> store = Open();
  for (const char* id : {"", "..", "../x", "a/b", ".hidden", "sp ace"}) {
    EXPECT_EQ(store->Put(Info(id, 1), "p", "c").code(), absl::StatusCode::kInvalidArgument) << id;
  }
}

TEST_F(FrameStoreTest, RecoversLastSequenceAndRemovesPartialFrames) {
  {
    std::unique_ptr<FrameStore> store = Open();
    ASSERT_TRUE(store->Put(Info("cam", 1), "p", "c").ok());
    ASSERT_TRUE(store->Put(Info("cam", 2), "p", "c").ok());
  }
  // What a crash leaves: a PNG without its commit record, and a temp file.
  std::ofstream(root_ / "cam" / "00000000000000000003.png") << "half";
  std::ofstream(root_ / "cam" / "00000000000000000003.meta.tmp") << "half";
  std::unique_ptr<FrameStore> store = Open();
  EXPECT_EQ(store->LastSequence("cam"), 2u);
  EXPECT_THAT(Sequences(*store, "cam"), ElementsAre(1, 2));
  EXPECT_FALSE(fs::exists(root_ / "cam" / "00000000000000000003.png"));
  EXPECT_FALSE(fs::exists(root_ / "cam" / "00000000000000000003.meta.tmp"));
  EXPECT_TRUE(store->Get("cam", 1, true).ok());
}

TEST_F(FrameStoreTest, RetentionKeepsTheNewestFrames) {
  std::unique_ptr<FrameStore> store = Open(/*retention=*/2);
  for (uint64_t sequence = 1; sequence <= 5; ++sequence) {
    ASSERT_TRUE(store->Put(Info("cam", sequence), "p", "c").ok());
  }
  EXPECT_THAT(Sequences(*store, "cam"), ElementsAre(4, 5));
  EXPECT_EQ(store->Get("cam", 1, false).status().code(), absl::StatusCode::kNotFound);
  // The last sequence survives a restart, so a resuming camera is not asked to resend.
  EXPECT_EQ(Open(2)->LastSequence("cam"), 5u);
}

TEST_F(FrameStoreTest, WaitForNewerWakesOnPut) {
  std::unique_ptr<FrameStore> store = Open();
  EXPECT_EQ(store->WaitForNewer("cam", 0, absl::Now() + absl::Milliseconds(10)), 0u);
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(store->Put(Info("cam", 1), "p", "c").ok());
  });
  EXPECT_EQ(store->WaitForNewer("cam", 0, absl::Now() + absl::Seconds(10)), 1u);
  writer.join();
}

}  // namespace
}  // namespace nqe::store
