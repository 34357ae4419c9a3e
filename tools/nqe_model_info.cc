// nqe-model-info --model <file>: the layers of an .nqe model and its memory accounting
// (DESIGN.md contract 3). The last line is exactly "param_bits=<n> activation_bits=<n>".
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/model/memory_accounting.h"
#include "common/model/model_loader.h"
#include "common/model/weight_codec.h"
#include "tools/tool_flags.h"

ABSL_FLAG(std::string, model, "", "Path of the .nqe model file to describe (required).");

namespace nqe {
namespace {

// The encoding column: "TERNARY", "INT_K(4)", "FLEXOR(16/20)", "-" for layers without weights.
std::string EncodingLabel(const model::Layer& layer) {
  if (!layer.has_conv2d()) return "-";
  const model::Weights& w = layer.conv2d().weights();
  const std::string name = model::WeightEncoding_Name(w.encoding());
  if (w.encoding() == model::INT_K) return absl::StrFormat("%s(%d)", name, w.int_bits());
  if (w.encoding() == model::FLEXOR) {
    return absl::StrFormat("%s(%d/%d)", name, w.flexor().n_in(), w.flexor().n_out());
  }
  if (w.encoding() == model::CELLULAR_AUTOMATON) {
    return absl::StrFormat("%s(rule %d)", name, w.ca().rule());
  }
  return name;
}

int Run(const std::string& path) {
  absl::StatusOr<LoadedModel> loaded = LoadModelFile(path);
  if (!loaded.ok()) {
    std::cerr << "nqe-model-info: " << loaded.status().message() << "\n";
    return 1;
  }
  const model::Model& m = loaded->proto;
  std::cout << absl::StrFormat("model %s  task %s  checksum %s\n", m.name(),
                               model::Task_Name(m.task()), loaded->checksum);
  std::cout << absl::StrFormat("input %s (offset %d)\n", loaded->tensor_shapes[0].ToString(),
                               m.input().offset());
  if (m.task() == model::TASK_ENCODE) {
    const int bits = static_cast<int>(m.code_layout().bits_per_patch());
    const int patch = static_cast<int>(m.code_layout().patch_size());
    std::cout << absl::StrFormat("code %d bits per %dx%d patch (%.4f bpp)\n", bits, patch, patch,
                                 static_cast<double>(bits) / (patch * patch));
  } else {
    std::cout << absl::StrFormat("classes %d\n", m.class_names_size());
  }
  std::cout << absl::StrFormat("%-4s %-20s %-16s %-12s %-12s %-22s %12s %14s\n", "#", "name", "op",
                               "input", "output", "encoding", "stored_bits", "stage_bits");
  for (int i = 0; i < loaded->num_layers(); ++i) {
    const model::Layer& layer = m.layers(i);
    const LayerMemoryRow& row = loaded->memory.layers[i];
    const std::string stage = row.transient ? "transient" : absl::StrCat(row.stage_bits);
    std::cout << absl::StrFormat(
        "%-4d %-20s %-16s %-12s %-12s %-22s %12d %14s\n", i, layer.name().substr(0, 20), row.op,
        loaded->tensor_shapes[loaded->layer_inputs[i][0]].ToString(), row.output.ToString(),
        EncodingLabel(layer), row.param_bits, stage);
  }
  const MemoryReport& memory = loaded->memory;
  std::cout << absl::StrFormat("param_bits %s the 1 Mbit budget (%d of %d bits, %.1f %%)\n",
                               memory.FitsParamBudget() ? "fits" : "EXCEEDS", memory.param_bits,
                               kParamBudgetBits,
                               100.0 * static_cast<double>(memory.param_bits) / kParamBudgetBits);
  std::cout << absl::StrFormat("param_bits=%d activation_bits=%d\n", memory.param_bits,
                               memory.activation_bits);
  return 0;
}

}  // namespace
}  // namespace nqe

int main(int argc, char** argv) {
  nqe::ParseToolFlags(
      argc, argv,
      "Describes an NQE model: every layer (name, op, shapes, weight encoding, stored bits) and "
      "its memory accounting.\nUsage: nqe-model-info --model <file.nqe>");
  const std::string path = absl::GetFlag(FLAGS_model);
  if (path.empty()) {
    std::cerr << "nqe-model-info: --model is required (see --help)\n";
    return 2;
  }
  return nqe::Run(path);
}
