#include "common/model/layer_info.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace nqe {
namespace {

constexpr size_t kMaxNameInMessages = 64;

}  // namespace

std::string LayerOpName(const model::Layer& layer) {
  if (layer.op_case() == model::Layer::OP_NOT_SET) return "none";
  // The oneof member's field name is the op's name: no table to keep in sync with the schema.
  return layer.GetDescriptor()->FindFieldByNumber(layer.op_case())->name();
}

std::string LayerLabel(int index, const model::Layer& layer) {
  std::string name = absl::CHexEscape(layer.name().substr(0, kMaxNameInMessages));
  if (layer.name().size() > kMaxNameInMessages) absl::StrAppend(&name, "...");
  return absl::StrCat("layer ", index, " '", name, "'");
}

}  // namespace nqe
