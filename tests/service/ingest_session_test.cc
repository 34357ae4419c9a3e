#include "cloud_decoder/ingest/ingest_session.h"

#include <map>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace nqe::ingest {
namespace {

using Kind = ChunkOutcome::Kind;

constexpr int kPatch = 32;
constexpr int kBits = 256;  // 32 bytes per patch

CodecSpec Spec() {
  CodecSpec spec;
  spec.encoder_checksum = "0123abcd";
  spec.patch_size = kPatch;
  spec.bits_per_patch = kBits;
  spec.code_shape = {16, 4};
  return spec;
}

class IngestSessionTest : public ::testing::Test {
 protected:
  IngestSessionTest()
      : registry_([this](const std::string& camera) { return stored_on_disk_[camera]; }) {}

  std::unique_ptr<IngestSession> Session() {
    return std::make_unique<IngestSession>(spec_, limits_, &registry_, absl::Seconds(1));
  }

  static service::Hello Hello(const std::string& camera, const std::string& checksum) {
    service::Hello hello;
    hello.set_camera_id(camera);
    hello.set_encoder_checksum(checksum);
    return hello;
  }

  // A chunk of a height x width frame holding `rows` patch rows from `first_row`.
  static service::FrameChunk Chunk(uint64_t sequence, int height, int width, int first_row,
                                   int rows, int bytes_per_patch = kBits / 8) {
    service::FrameChunk chunk;
    chunk.set_sequence(sequence);
    chunk.mutable_header()->set_height(height);
    chunk.mutable_header()->set_width(width);
    chunk.mutable_header()->mutable_code_layout()->set_patch_size(kPatch);
    chunk.mutable_header()->mutable_code_layout()->set_bits_per_patch(kBits);
    chunk.set_first_row(first_row);
    chunk.set_row_count(rows);
    const int cols = (width + kPatch - 1) / kPatch;
    chunk.set_codes(std::string(static_cast<size_t>(rows) * cols * bytes_per_patch,
                                static_cast<char>(first_row + 1)));
    return chunk;
  }

  // Sends a whole one-row 32x32 frame; its outcome.
  absl::StatusOr<ChunkOutcome> Frame(IngestSession& session, uint64_t sequence) {
    return session.OnChunk(Chunk(sequence, kPatch, kPatch, 0, 1));
  }

  CodecSpec spec_ = Spec();
  IngestLimits limits_{4096, 1 << 22};
  std::map<std::string, uint64_t> stored_on_disk_;
  CameraRegistry registry_;
};

TEST_F(IngestSessionTest, HelloAnswersTheLastStoredSequence) {
  stored_on_disk_["cam"] = 41;
  auto session = Session();
  absl::StatusOr<uint64_t> last = session->OnHello(Hello("cam", "0123abcd"));
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 41u);
  EXPECT_EQ(session->camera_id(), "cam");
}

TEST_F(IngestSessionTest, RefusesBadHellos) {
  EXPECT_EQ(Session()->OnHello(Hello("cam", "ffffffff")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Session()->OnHello(Hello("../cam", "0123abcd")).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  EXPECT_EQ(session->OnHello(Hello("cam", "0123abcd")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Session()->OnChunk(Chunk(1, 32, 32, 0, 1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IngestSessionTest, ReassemblesChunksOfPatchRows) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  // 70 x 100 pixels: 3 x 4 patches, sent as rows 0..1 and row 2.
  absl::StatusOr<ChunkOutcome> first = session->OnChunk(Chunk(1, 70, 100, 0, 2));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->kind, Kind::kMoreRowsDue);
  absl::StatusOr<ChunkOutcome> last = session->OnChunk(Chunk(1, 70, 100, 2, 1));
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->kind, Kind::kNewFrame);
  const FrameCodes& codes = last->frame.codes;
  EXPECT_EQ(codes.grid.rows, 3);
  EXPECT_EQ(codes.grid.cols, 4);
  ASSERT_EQ(codes.bytes.size(), 12u * 32);
  EXPECT_EQ(codes.bytes.front(), 1);  // row 0 from the first chunk
  EXPECT_EQ(codes.bytes.back(), 3);   // row 2 from the second
}

TEST_F(IngestSessionTest, DuplicatesAreRecognisedAfterAReconnect) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  ASSERT_EQ(Frame(*session, 1)->kind, Kind::kNewFrame);
  registry_.Stored("cam", 1);
  ASSERT_EQ(Frame(*session, 2)->kind, Kind::kNewFrame);
  registry_.Stored("cam", 2);
  // The edge lost the acks and reconnects: it resends 2, then goes on with 3.
  auto resumed = Session();
  EXPECT_EQ(*resumed->OnHello(Hello("cam", "0123abcd")), 2u);
  EXPECT_EQ(Frame(*resumed, 2)->kind, Kind::kDuplicate);
  EXPECT_EQ(Frame(*resumed, 3)->kind, Kind::kNewFrame);
}

TEST_F(IngestSessionTest, RefusesGapsAndReorderings) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  EXPECT_EQ(Frame(*session, 2).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Frame(*session, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestSessionTest, RefusesMalformedChunks) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  EXPECT_EQ(session->OnChunk(Chunk(1, 32, 32, 0, 1, /*bytes_per_patch=*/31)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(session->OnChunk(Chunk(1, 100000, 32, 0, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(session->OnChunk(Chunk(1, 0, 32, 0, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(session->OnChunk(Chunk(1, 64, 32, 1, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);  // does not start at row 0
  service::FrameChunk layout = Chunk(1, 32, 32, 0, 1);
  layout.mutable_header()->mutable_code_layout()->set_bits_per_patch(512);
  EXPECT_EQ(session->OnChunk(layout).status().code(), absl::StatusCode::kFailedPrecondition);
  // Rows past the grid, and a new frame while one is incomplete.
  EXPECT_EQ(session->OnChunk(Chunk(1, 64, 32, 0, 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(session->OnChunk(Chunk(1, 64, 32, 0, 1))->kind, Kind::kMoreRowsDue);
  EXPECT_EQ(session->OnChunk(Chunk(2, 64, 32, 1, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestSessionTest, ANewStreamSupersedesTheOldOne) {
  auto old_stream = Session();
  ASSERT_TRUE(old_stream->OnHello(Hello("cam", "0123abcd")).ok());
  auto new_stream = Session();
  ASSERT_TRUE(new_stream->OnHello(Hello("cam", "0123abcd")).ok());
  EXPECT_EQ(Frame(*old_stream, 1).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Frame(*new_stream, 1)->kind, Kind::kNewFrame);
}

TEST_F(IngestSessionTest, AFailedFrameRollsBackSoItIsResent) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  ASSERT_EQ(Frame(*session, 1)->kind, Kind::kNewFrame);
  ASSERT_EQ(Frame(*session, 2)->kind, Kind::kNewFrame);
  EXPECT_TRUE(registry_.IsNextToStore("cam", 1));
  registry_.Failed("cam", 1);
  EXPECT_FALSE(registry_.IsNextToStore("cam", 2));  // queued behind the failure: dropped
  registry_.Failed("cam", 2);
  auto resumed = Session();
  EXPECT_EQ(*resumed->OnHello(Hello("cam", "0123abcd")), 0u);
  EXPECT_EQ(Frame(*resumed, 1)->kind, Kind::kNewFrame);
}

TEST_F(IngestSessionTest, HelloWaitsForThePreviousStreamsFrames) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  ASSERT_EQ(Frame(*session, 1)->kind, Kind::kNewFrame);  // accepted, still decoding
  std::thread decoder([&] {
    absl::SleepFor(absl::Milliseconds(50));
    registry_.Stored("cam", 1);
  });
  EXPECT_EQ(*Session()->OnHello(Hello("cam", "0123abcd")), 1u);
  decoder.join();
}

}  // namespace
}  // namespace nqe::ingest
