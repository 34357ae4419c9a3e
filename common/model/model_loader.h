// Loads an .nqe model file (docs/model-format.md): container, payload, full network
// validation, weight decoding, value-range proof and memory accounting. A LoadedModel is
// immutable and everything an engine needs to run it.
#ifndef NQE_COMMON_MODEL_MODEL_LOADER_H_
#define NQE_COMMON_MODEL_MODEL_LOADER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/model/memory_accounting.h"
#include "common/model/tensor_shape.h"
#include "common/model/value_ranges.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

struct LoadedModel {
  model::Model proto;
  std::string source_name;  // the path, or what the caller named the bytes
  std::string checksum;     // CRC-32 of the payload as 8 lowercase hex digits
  // Index 0 is the model input, i + 1 the output of layer i.
  std::vector<TensorShape> tensor_shapes;
  std::vector<ValueRange> tensor_ranges;
  // The tensors each layer reads (an empty `inputs` list resolved to the previous tensor).
  std::vector<std::vector<int>> layer_inputs;
  // Decoded weight levels per layer, OIHW; empty for layers other than conv2d.
  std::vector<std::vector<int8_t>> conv_levels;
  MemoryReport memory;

  int num_layers() const { return proto.layers_size(); }
  const TensorShape& output_shape() const { return tensor_shapes.back(); }
};

// Reads and loads `path`. NotFound/PermissionDenied-style errors if it cannot be read.
absl::StatusOr<LoadedModel> LoadModelFile(const std::string& path);

// Loads a model from the bytes of a file; `source_name` prefixes every error message.
// Container errors: InvalidArgument (magic, oversize length), Unimplemented (version),
// DataLoss (truncated, trailing bytes, CRC, unparsable payload). Network errors:
// InvalidArgument naming the layer and the rule broken.
absl::StatusOr<LoadedModel> LoadModelBytes(absl::string_view bytes, absl::string_view source_name);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_MODEL_LOADER_H_
