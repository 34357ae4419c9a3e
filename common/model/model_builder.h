// Builds NQE models in code: the writer side of the format for tests, benchmarks and tools that
// synthesise models. Python writes the real ones (training/nqe/model_format/).
#ifndef NQE_COMMON_MODEL_MODEL_BUILDER_H_
#define NQE_COMMON_MODEL_MODEL_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "proto/nqe_model.pb.h"

namespace nqe {

struct ConvSpec {
  uint32_t in_channels = 0;
  uint32_t out_channels = 0;
  uint32_t kernel = 1;  // square kernels: kernel_h = kernel_w
  uint32_t stride = 1;
  uint32_t padding = 0;
  uint32_t groups = 1;

  uint32_t WeightCount() const { return out_channels * (in_channels / groups) * kernel * kernel; }
};

// Appends layers in order; each Add* returns the index of the tensor the layer produces
// (layer i produces tensor i + 1), to wire `inputs` of later layers. Checks nothing: that is
// the loader's job, and tests build invalid models on purpose.
class ModelBuilder {
 public:
  ModelBuilder(std::string name, model::Task task, uint32_t height, uint32_t width, int32_t offset);

  int AddConv(std::string name, const ConvSpec& spec, model::Weights weights,
              std::vector<uint32_t> inputs = {});
  int AddBsn(std::string name, std::vector<uint32_t> shifts, std::vector<int32_t> biases = {},
             uint32_t bias_bits = 0);
  int AddActivation(std::string name, model::ActivationKind kind, uint32_t bits);
  int AddMaxPool(std::string name, uint32_t kernel, uint32_t stride);
  int AddGlobalSumPool(std::string name);
  int AddMuxResidual(std::string name, uint32_t bits, uint32_t block_input, uint32_t branch);

  void SetClassNames(std::initializer_list<std::string> names);
  void SetCodeLayout(uint32_t patch_size, uint32_t bits_per_patch);

  model::Model& proto() { return model_; }
  const model::Model& proto() const { return model_; }
  // The model framed as an .nqe file.
  std::string FileBytes() const;

 private:
  model::Layer* NewLayer(std::string name);

  model::Model model_;
};

// The .nqe bytes of any model message.
std::string ModelFileBytes(const model::Model& model);

// Deterministic pseudo-random levels in [lo, hi] (splitmix64 of `seed`); `nonzero` excludes 0.
std::vector<int8_t> SyntheticLevels(size_t count, int lo, int hi, uint64_t seed,
                                    bool nonzero = false);

// A 32x32 encoder shaped like the product's (ternary 3x3 convs with stride 2, BSN, HWMSB/QRELU,
// a MUX residual, SIGN): 3->32->64->64->16 channels, 4x4x16 = 256 bits per patch (0.25 bpp).
model::Model SyntheticEncoderModel(uint64_t seed = 1);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_MODEL_BUILDER_H_
