// nqe-engine-bench: per-op kernels and whole-network patches/s on a synthetic 32x32 encoder.
// Items are output values for the ops and patches for the network. Short by default
// (--benchmark_min_time overrides).
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/model/cellular_automaton.h"
#include "common/model/model_builder.h"
#include "common/model/model_loader.h"
#include "edge_encoder/engine/engine.h"
#include "edge_encoder/engine/layers/activation.h"
#include "edge_encoder/engine/layers/bit_shift_norm.h"
#include "edge_encoder/engine/layers/conv2d.h"
#include "edge_encoder/engine/layers/max_pool.h"
#include "edge_encoder/engine/layers/mux_residual.h"
#include "edge_encoder/engine/layers/x86/conv2d_fast.h"

namespace nqe {
namespace {

constexpr double kMinTime = 0.05;

Tensor RandomTensor(const TensorShape& shape, int32_t lo, int32_t hi, uint64_t seed) {
  Tensor t(shape);
  uint64_t state = seed;
  for (int32_t& v : t.data) v = lo + static_cast<int32_t>(SplitMix64Next(&state) % (hi - lo + 1));
  return t;
}

model::Conv2d Conv3x3(int channels, int out_channels, int stride, int groups) {
  model::Conv2d conv;
  conv.set_in_channels(channels);
  conv.set_out_channels(out_channels);
  conv.set_kernel_h(3);
  conv.set_kernel_w(3);
  conv.set_stride(stride);
  conv.set_padding(1);
  conv.set_groups(groups);
  return conv;
}

// Args: channels, out_channels, size, stride, groups, fast (0/1).
void BM_Conv3x3(benchmark::State& state) {
  const int c = static_cast<int>(state.range(0)), o = static_cast<int>(state.range(1));
  const int size = static_cast<int>(state.range(2)), stride = static_cast<int>(state.range(3));
  const int groups = static_cast<int>(state.range(4));
  const bool fast = state.range(5) != 0;
  const model::Conv2d conv = Conv3x3(c, o, stride, groups);
  const std::vector<int8_t> levels = SyntheticLevels(size_t(o) * (c / groups) * 9, -1, 1, 7);
  const Tensor in = RandomTensor({c, size, size}, 0, 4, 3);
  Tensor out({o, (size - 1) / stride + 1, (size - 1) / stride + 1});
  const layers::FastConv2d fast_conv(conv, levels, ValueRange{0, 4});
  for (auto _ : state) {
    if (fast) {
      fast_conv.Run(in, &out);
    } else {
      layers::Conv2dReference(conv, levels, in, &out);
    }
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(out.data.size()));
  state.SetLabel(fast ? "fast" : "reference");
}
BENCHMARK(BM_Conv3x3)
    ->ArgNames({"C", "O", "HW", "s", "g", "fast"})
    ->Args({3, 32, 32, 2, 1, 0})
    ->Args({3, 32, 32, 2, 1, 1})
    ->Args({32, 64, 16, 2, 1, 0})
    ->Args({32, 64, 16, 2, 1, 1})
    ->Args({64, 64, 8, 1, 1, 0})
    ->Args({64, 64, 8, 1, 1, 1})
    ->Args({64, 64, 16, 1, 64, 0})
    ->Args({64, 64, 16, 1, 64, 1})
    ->MinTime(kMinTime);

const TensorShape kMap{64, 16, 16};

void BM_BitShiftNorm(benchmark::State& state) {
  model::BitShiftNorm bsn;
  bsn.add_shifts(5);
  const Tensor in = RandomTensor(kMap, -5000, 5000, 1);
  Tensor out(kMap);
  for (auto _ : state) {
    layers::BitShiftNorm(bsn, in, &out);
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * kMap.NumElements());
}
BENCHMARK(BM_BitShiftNorm)->MinTime(kMinTime);

void BM_ActivationHwmsb(benchmark::State& state) {
  model::Activation activation;
  activation.set_kind(model::HWMSB);
  activation.set_bits(2);
  const Tensor in = RandomTensor(kMap, -8, 8, 2);
  Tensor out(kMap);
  for (auto _ : state) {
    layers::Activation(activation, in, &out);
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * kMap.NumElements());
}
BENCHMARK(BM_ActivationHwmsb)->MinTime(kMinTime);

void BM_MaxPool2x2(benchmark::State& state) {
  model::MaxPool pool;
  pool.set_kernel(2);
  pool.set_stride(2);
  const Tensor in = RandomTensor(kMap, 0, 3, 3);
  Tensor out({kMap.channels, kMap.height / 2, kMap.width / 2});
  for (auto _ : state) {
    layers::MaxPool(pool, in, &out);
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(out.data.size()));
}
BENCHMARK(BM_MaxPool2x2)->MinTime(kMinTime);

void BM_MuxResidual(benchmark::State& state) {
  model::MuxResidual mux;
  mux.set_bits(2);
  const Tensor block = RandomTensor(kMap, 0, 3, 4);
  const Tensor branch = RandomTensor(kMap, 0, 3, 5);
  Tensor out(kMap);
  for (auto _ : state) {
    layers::MuxResidual(mux, block, branch, &out);
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * kMap.NumElements());
}
BENCHMARK(BM_MuxResidual)->MinTime(kMinTime);

// Whole network: patches/s of SyntheticEncoderModel (ternary 3->32->64->64->16, 256 bits).
void BM_EncoderPatch(benchmark::State& state) {
  const bool fast = state.range(0) != 0;
  absl::StatusOr<LoadedModel> loaded =
      LoadModelBytes(ModelFileBytes(SyntheticEncoderModel()), "synthetic");
  if (!loaded.ok()) {
    state.SkipWithError(std::string(loaded.status().message()).c_str());
    return;
  }
  const absl::StatusOr<Engine> engine =
      Engine::Create(std::make_shared<const LoadedModel>(*std::move(loaded)), {!fast});
  ImageU8 patch(32, 32);
  uint64_t seed = 11;
  for (uint8_t& v : patch.rgb) v = static_cast<uint8_t>(SplitMix64Next(&seed));
  for (auto _ : state) {
    absl::StatusOr<Tensor> code = engine->Run(patch);
    benchmark::DoNotOptimize(code->data.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(fast ? "fast, patches" : "reference, patches");
}
BENCHMARK(BM_EncoderPatch)->ArgName("fast")->Arg(0)->Arg(1)->MinTime(kMinTime);

}  // namespace
}  // namespace nqe

BENCHMARK_MAIN();
