// Parameter memory and peak activation buffer of a model (DESIGN.md contract 3,
// docs/integer-semantics.md "Memory accounting").
#ifndef NQE_COMMON_MODEL_MEMORY_ACCOUNTING_H_
#define NQE_COMMON_MODEL_MEMORY_ACCOUNTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/network_validator.h"
#include "common/model/tensor_shape.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

inline constexpr uint64_t kParamBudgetBits = uint64_t{1} << 20;  // 1 Mbit

struct LayerMemoryRow {
  std::string name;
  std::string op;
  TensorShape output;
  int value_bits = 0;       // width of each output value: 8 input, k for activations, 32 else
  bool transient = false;   // fused into the next layer by the hardware, never buffered
  uint64_t param_bits = 0;  // stored weights, BSN shifts and biases
  uint64_t stage_bits = 0;  // materialised output + materialised tensors read; 0 if transient
};

struct MemoryReport {
  uint64_t param_bits = 0;
  uint64_t activation_bits = 0;  // the largest stage_bits
  std::vector<LayerMemoryRow> layers;

  bool FitsParamBudget() const { return param_bits <= kParamBudgetBits; }
};

// `model` must have passed AnalyzeNetwork, which produced `analysis`.
MemoryReport ComputeMemoryReport(const model::Model& model, const NetworkAnalysis& analysis);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_MEMORY_ACCOUNTING_H_
