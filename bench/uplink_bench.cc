// nqe-uplink-bench: what the entropy-coded uplink costs the camera and the cloud, against what
// the camera spends anyway. One real frame (samples/camera-a/01.jpg) through the committed
// 28-channel encoder (models/encoder-0.4375bpp.nqe) and its prior: encoding the frame with the
// integer engine (the baseline), then entropy-coding its codes in uplink chunks of 4 patch rows
// and decoding them back. Run from the repository root (or pass --repo=DIR before the
// benchmark flags). Times are per frame, 1 thread each.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "common/model/model_loader.h"
#include "edge_encoder/engine/engine.h"
#include "edge_encoder/patches.h"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

namespace nqe {
namespace {

constexpr int kRowsPerChunk = 4;  // nqe-edge's default --rows_per_chunk

struct Fixture {
  std::unique_ptr<Engine> encoder;
  ImageU8 frame;
  FrameCodes codes;
  CodeShape shape;
  std::unique_ptr<EntropyPrior> prior;
  std::vector<std::vector<uint8_t>> chunks;  // the codes as the uplink sends them
};

std::string& Repo() {
  static std::string repo = ".";
  return repo;
}

void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "nqe-uplink-bench: %s: %s (run from the repository root)\n", what.c_str(),
               status.ToString().c_str());
  std::exit(2);
}

const Fixture& TheFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    const std::string encoder_path = Repo() + "/models/encoder-0.4375bpp.nqe";
    absl::StatusOr<LoadedModel> model = LoadModelFile(encoder_path);
    if (!model.ok()) Die(encoder_path, model.status());
    const TensorShape out = model->output_shape();
    f->shape = {out.channels, out.height};
    absl::StatusOr<Engine> engine =
        Engine::Create(std::make_shared<const LoadedModel>(*std::move(model)));
    if (!engine.ok()) Die(encoder_path, engine.status());
    f->encoder = std::make_unique<Engine>(*std::move(engine));

    const std::string image_path = Repo() + "/samples/camera-a/01.jpg";
    cv::Mat bgr = cv::imread(image_path, cv::IMREAD_COLOR);
    if (bgr.empty()) Die(image_path, absl::NotFoundError("cannot read"));
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    f->frame = ImageU8(rgb.rows, rgb.cols);
    for (int y = 0; y < rgb.rows; ++y) {
      std::memcpy(f->frame.pixel(y, 0), rgb.ptr(y), static_cast<size_t>(rgb.cols) * 3);
    }
    absl::StatusOr<FrameCodes> codes = EncodeFrame(*f->encoder, f->frame);
    if (!codes.ok()) Die("encode", codes.status());
    f->codes = *std::move(codes);

    const std::string prior_path = Repo() + "/models/encoder-0.4375bpp.prior";
    absl::StatusOr<EntropyPrior> prior = EntropyPrior::Load(prior_path);
    if (!prior.ok()) Die(prior_path, prior.status());
    f->prior = std::make_unique<EntropyPrior>(*std::move(prior));
    FrameRowsEncoder encoder(f->codes.grid, f->shape, *f->prior);
    const size_t row_bytes = static_cast<size_t>(f->codes.grid.cols) * f->codes.bytes_per_patch();
    for (int row = 0; row < f->codes.grid.rows; row += kRowsPerChunk) {
      const int rows = std::min(kRowsPerChunk, f->codes.grid.rows - row);
      f->chunks.push_back(*encoder.EncodeRows(
          rows, absl::MakeConstSpan(f->codes.bytes).subspan(row * row_bytes, rows * row_bytes)));
    }
    return f;
  }();
  return *fixture;
}

void SetFrameCounters(benchmark::State& state, const Fixture& f) {
  size_t wire = 0;
  for (const auto& chunk : f.chunks) wire += chunk.size();
  state.SetItemsProcessed(state.iterations());
  state.counters["patches"] = f.codes.grid.count();
  state.counters["raw_bytes"] = static_cast<double>(f.codes.bytes.size());
  state.counters["wire_bytes"] = static_cast<double>(wire);
}

// The baseline: the camera's integer encoder on the whole frame.
void BM_EncodeFrame(benchmark::State& state) {
  const Fixture& f = TheFixture();
  for (auto _ : state) {
    absl::StatusOr<FrameCodes> codes = EncodeFrame(*f.encoder, f.frame);
    benchmark::DoNotOptimize(codes->bytes.data());
  }
  SetFrameCounters(state, f);
}
BENCHMARK(BM_EncodeFrame)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The edge's extra work: its codes entropy-coded chunk by chunk, as Uplink::SendFrame does.
void BM_EntropyEncodeFrame(benchmark::State& state) {
  const Fixture& f = TheFixture();
  const size_t row_bytes = static_cast<size_t>(f.codes.grid.cols) * f.codes.bytes_per_patch();
  for (auto _ : state) {
    FrameRowsEncoder encoder(f.codes.grid, f.shape, *f.prior);
    for (int row = 0; row < f.codes.grid.rows; row += kRowsPerChunk) {
      const int rows = std::min(kRowsPerChunk, f.codes.grid.rows - row);
      auto coded = encoder.EncodeRows(
          rows, absl::MakeConstSpan(f.codes.bytes).subspan(row * row_bytes, rows * row_bytes));
      benchmark::DoNotOptimize(coded->data());
    }
  }
  SetFrameCounters(state, f);
}
BENCHMARK(BM_EntropyEncodeFrame)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The cloud's extra work: the chunks decoded back to codes, as FrameAssembler does.
void BM_EntropyDecodeFrame(benchmark::State& state) {
  const Fixture& f = TheFixture();
  for (auto _ : state) {
    FrameRowsDecoder decoder(f.codes.grid, f.shape, *f.prior);
    int row = 0;
    for (const auto& chunk : f.chunks) {
      const int rows = std::min(kRowsPerChunk, f.codes.grid.rows - row);
      auto codes = decoder.DecodeRows(rows, chunk);
      benchmark::DoNotOptimize(codes->data());
      row += rows;
    }
  }
  SetFrameCounters(state, f);
}
BENCHMARK(BM_EntropyDecodeFrame)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace nqe

int main(int argc, char** argv) {
  // --repo=DIR: where models/ and samples/ are (default: the working directory).
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--repo=", 7) == 0) {
      nqe::Repo() = argv[i] + 7;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
