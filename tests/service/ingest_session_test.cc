#include "cloud_decoder/ingest/ingest_session.h"

#include <map>
#include <thread>

#include "absl/time/clock.h"
#include "common/codes/entropy/frame_codes_coder.h"
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

// Entropy-coded streams (Hello.entropy_prior_checksum): the edge codes each chunk's rows with
// FrameRowsEncoder, the session decodes them back to the same codes.
class EntropyCodedIngestTest : public IngestSessionTest {
 protected:
  EntropyCodedIngestTest() {
    EXPECT_TRUE(AcceptEntropyPrior(EntropyPrior::Uniform(16), spec_).ok());
  }

  static service::Hello CodedHello(const std::string& checksum) {
    service::Hello hello = Hello("cam", "0123abcd");
    hello.set_entropy_prior_checksum(checksum);
    return hello;
  }

  // A 70 x 100 frame (3 x 4 patches) of skewed codes, as raw chunks of rows 0..1 and row 2.
  static std::vector<service::FrameChunk> RawChunks(uint64_t sequence) {
    std::vector<service::FrameChunk> chunks = {Chunk(sequence, 70, 100, 0, 2),
                                               Chunk(sequence, 70, 100, 2, 1)};
    uint32_t state = 12345;
    for (service::FrameChunk& chunk : chunks) {
      std::string codes = chunk.codes();
      for (char& byte : codes) {
        state = state * 1103515245u + 12345u;
        byte = static_cast<char>((state >> 16) & (state >> 20) & 0xFF);  // ~1/4 ones
      }
      chunk.set_codes(codes);
    }
    return chunks;
  }

  // The same chunks entropy-coded as the edge's uplink codes them.
  std::vector<service::FrameChunk> Coded(std::vector<service::FrameChunk> chunks) {
    FrameRowsEncoder encoder({3, 4}, spec_.code_shape, *spec_.entropy_prior);
    for (service::FrameChunk& chunk : chunks) {
      const auto raw = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(chunk.codes().data()),
                                           chunk.codes().size());
      absl::StatusOr<std::vector<uint8_t>> coded =
          encoder.EncodeRows(static_cast<int>(chunk.row_count()), raw);
      EXPECT_TRUE(coded.ok()) << coded.status();
      chunk.set_codes(std::string(coded->begin(), coded->end()));
    }
    return chunks;
  }
};

TEST_F(EntropyCodedIngestTest, CodedChunksGiveBackTheRawCodes) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(CodedHello(spec_.entropy_prior_checksum)).ok());
  const std::vector<service::FrameChunk> raw = RawChunks(1);
  const std::vector<service::FrameChunk> coded = Coded(raw);
  ASSERT_EQ(session->OnChunk(coded[0])->kind, Kind::kMoreRowsDue);
  absl::StatusOr<ChunkOutcome> last = session->OnChunk(coded[1]);
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->kind, Kind::kNewFrame);
  EXPECT_EQ(std::string(last->frame.codes.bytes.begin(), last->frame.codes.bytes.end()),
            raw[0].codes() + raw[1].codes());
  EXPECT_EQ(last->frame.wire_bytes, coded[0].codes().size() + coded[1].codes().size());
  EXPECT_LT(last->frame.wire_bytes, last->frame.codes.bytes.size());
  // The next frame starts from the prior again (a session that carried the models over from
  // frame 1 would decode it wrongly or refuse it).
  registry_.Stored("cam", 1);
  ASSERT_EQ(session->OnChunk(Coded(RawChunks(2))[0])->kind, Kind::kMoreRowsDue);
  absl::StatusOr<ChunkOutcome> second = session->OnChunk(Coded(RawChunks(2))[1]);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->kind, Kind::kNewFrame);
  EXPECT_EQ(std::string(second->frame.codes.bytes.begin(), second->frame.codes.bytes.end()),
            raw[0].codes() + raw[1].codes());
}

TEST(FrameAssemblerTest, EntropyCodingNeedsAPrior) {
  FrameAssembler assembler(Spec(), IngestLimits{});
  EXPECT_EQ(assembler.ExpectEntropyCoded().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EntropyCodedIngestTest, RawStreamsStayWelcome) {
  auto session = Session();
  ASSERT_TRUE(session->OnHello(Hello("cam", "0123abcd")).ok());
  const std::vector<service::FrameChunk> raw = RawChunks(1);
  ASSERT_EQ(session->OnChunk(raw[0])->kind, Kind::kMoreRowsDue);
  absl::StatusOr<ChunkOutcome> last = session->OnChunk(raw[1]);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->frame.wire_bytes, last->frame.codes.bytes.size());
}

TEST_F(EntropyCodedIngestTest, RefusesAnUnknownPriorAndCorruptRows) {
  EXPECT_EQ(Session()->OnHello(CodedHello("ffffffff")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  {  // A cloud without a prior refuses any coded stream.
    CodecSpec raw_only = Spec();
    IngestSession session(raw_only, limits_, &registry_, absl::Seconds(1));
    EXPECT_EQ(session.OnHello(CodedHello(spec_.entropy_prior_checksum)).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  auto session = Session();
  ASSERT_TRUE(session->OnHello(CodedHello(spec_.entropy_prior_checksum)).ok());
  std::vector<service::FrameChunk> coded = Coded(RawChunks(1));
  coded[0].set_codes(coded[0].codes().substr(1));  // truncated
  absl::StatusOr<ChunkOutcome> outcome = session->OnChunk(coded[0]);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status().message().find("bytes"), std::string::npos) << outcome.status();
  // A corrupt second chunk, after the first was taken (the models carried over), is refused.
  auto midway = Session();
  ASSERT_TRUE(midway->OnHello(CodedHello(spec_.entropy_prior_checksum)).ok());
  coded = Coded(RawChunks(1));
  ASSERT_EQ(midway->OnChunk(coded[0])->kind, Kind::kMoreRowsDue);
  coded[1].set_codes(coded[1].codes() + "x");  // padded
  EXPECT_EQ(midway->OnChunk(coded[1]).status().code(), absl::StatusCode::kInvalidArgument);
  // A few bytes claiming a whole large frame are refused (and stop decoding at once).
  auto forged = Session();
  ASSERT_TRUE(forged->OnHello(CodedHello(spec_.entropy_prior_checksum)).ok());
  service::FrameChunk big = Chunk(1, 2048, 2048, 0, 64);  // the most limits_ allow
  big.set_codes(std::string(6, '\0'));
  outcome = forged->OnChunk(big);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status().message().find("decoder read"), std::string::npos) << outcome.status();
  // Raw chunks on a coded stream are refused too, not taken as codes.
  auto confused = Session();
  ASSERT_TRUE(confused->OnHello(CodedHello(spec_.entropy_prior_checksum)).ok());
  outcome = confused->OnChunk(RawChunks(1)[0]);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status().message().find("decoder read"), std::string::npos) << outcome.status();
}

}  // namespace
}  // namespace nqe::ingest
