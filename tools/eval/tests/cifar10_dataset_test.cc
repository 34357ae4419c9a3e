// The binary-layout reader: plane order, labels, and refusal of malformed files.
#include "tools/eval/cifar10_dataset.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace nqe::eval {
namespace {

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(Cifar10DatasetTest, ReadsRecordsAsRgbPlanes) {
  std::string bytes;
  for (int record = 0; record < 2; ++record) {
    bytes.push_back(static_cast<char>(record == 0 ? 3 : 9));
    for (int c = 0; c < 3; ++c) {
      for (int i = 0; i < 1024; ++i) bytes.push_back(static_cast<char>(c * 50 + record + i % 7));
    }
  }
  const std::string path = TempPath("test_batch.bin");
  std::ofstream(path, std::ios::binary) << bytes;
  auto set = ReadCifarBinaryBatch(path);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->images.size(), 2u);
  EXPECT_EQ(set->labels[0], 3);
  EXPECT_EQ(set->labels[1], 9);
  // Pixel (y=1, x=2) is plane index 34: value c*50 + record + 34 % 7.
  const cv::Vec3b p = set->images[1].at<cv::Vec3b>(1, 2);
  EXPECT_EQ(p[0], 0 + 1 + 34 % 7);
  EXPECT_EQ(p[1], 50 + 1 + 34 % 7);
  EXPECT_EQ(p[2], 100 + 1 + 34 % 7);
}

TEST(Cifar10DatasetTest, RefusesTruncatedFilesAndBadLabels) {
  const std::string path = TempPath("bad.bin");
  std::ofstream(path, std::ios::binary) << std::string(3000, '\0');
  EXPECT_EQ(ReadCifarBinaryBatch(path).status().code(), absl::StatusCode::kDataLoss);
  std::string record(3073, '\0');
  record[0] = 10;
  std::ofstream(path, std::ios::binary) << record;
  EXPECT_EQ(ReadCifarBinaryBatch(path).status().code(), absl::StatusCode::kDataLoss);
}

TEST(Cifar10DatasetTest, MissingFolderNamesTheLayouts) {
  auto set = LoadCifar10Test("/nonexistent-cifar", TempPath("cache"));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(set.status().message().find("test_batch.bin"), std::string::npos);
}

}  // namespace
}  // namespace nqe::eval
