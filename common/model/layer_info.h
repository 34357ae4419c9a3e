// Human-readable names for layers and their ops, for error messages, tools and reports.
#ifndef NQE_COMMON_MODEL_LAYER_INFO_H_
#define NQE_COMMON_MODEL_LAYER_INFO_H_

#include <string>

#include "proto/nqe_model.pb.h"

namespace nqe {

// The op's field name in the schema ("conv2d", "bsn", "activation", ...), or "none".
std::string LayerOpName(const model::Layer& layer);

// "layer 3 'conv2'": the index and the name, escaped and shortened so that a hostile file cannot
// flood a log line.
std::string LayerLabel(int index, const model::Layer& layer);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_LAYER_INFO_H_
