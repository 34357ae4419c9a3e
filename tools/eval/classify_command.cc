#include "tools/eval/classify_command.h"

#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "edge_encoder/engine/engine.h"
#include "edge_encoder/engine/task_output.h"
#include "opencv2/imgproc.hpp"
#include "tools/eval/cifar10_dataset.h"
#include "tools/eval/image_io.h"
#include "tools/eval/parallel_for.h"
#include "tools/eval/progress.h"

namespace nqe::eval {
namespace {

absl::StatusOr<Engine> LoadClassifier(const std::string& path) {
  absl::StatusOr<LoadedModel> model = LoadModelFile(path);
  if (!model.ok()) return model.status();
  if (model->proto.task() != model::TASK_CLASSIFY) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a classifier (task ",
                                                   model::Task_Name(model->proto.task()), ")"));
  }
  if (model->output_shape().channels != kCifarClasses) {
    return absl::InvalidArgumentError(absl::StrCat(path, " has ", model->output_shape().channels,
                                                   " classes, CIFAR-10 has ", kCifarClasses));
  }
  return Engine::Create(std::make_shared<const LoadedModel>(*std::move(model)));
}

// `limit` indices spread evenly over [0, total) (all of them if limit is 0 or >= total), so a
// quick run still sees every class of the class-sorted JPEG layout.
std::vector<int> SelectIndices(int total, int limit) {
  const int n = limit > 0 && limit < total ? limit : total;
  std::vector<int> indices(n);
  for (int i = 0; i < n; ++i) indices[i] = static_cast<int>(int64_t{i} * total / n);
  return indices;
}

absl::StatusOr<std::vector<int32_t>> RunLogits(const Engine& engine, const cv::Mat& image) {
  absl::StatusOr<Tensor> output = engine.Run(ToImageU8(image));
  if (!output.ok()) return output.status();
  return ClassifyLogits(*output);
}

absl::Status WritePredictions(const std::string& path, const std::vector<int>& indices,
                              const std::vector<int>& labels, const std::vector<int>& predicted) {
  std::ofstream file(path);
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  file << "# index label predicted\n";
  for (size_t i = 0; i < indices.size(); ++i) {
    file << indices[i] << " " << labels[indices[i]] << " " << predicted[i] << "\n";
  }
  file.close();
  if (!file) return absl::DataLossError(absl::StrCat("error writing ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status RunClassify(const ClassifyOptions& options, std::ostream& out) {
  if (options.model.empty() || options.data.empty()) {
    return absl::InvalidArgumentError("classify needs --model and --data");
  }
  if (options.threads < 1) return absl::InvalidArgumentError("--threads must be >= 1");
  absl::StatusOr<Engine> engine = LoadClassifier(options.model);
  if (!engine.ok()) return engine.status();
  absl::StatusOr<LabeledImages> data = LoadCifar10Test(options.data, options.cache);
  if (!data.ok()) return data.status();

  const model::InputSpec& input = engine->model().proto.input();
  const cv::Size model_size(static_cast<int>(input.width()), static_cast<int>(input.height()));
  const std::vector<int> indices =
      SelectIndices(static_cast<int>(data->images.size()), options.limit);
  std::fprintf(stderr, "[classify] %zu images from %s, model input %dx%d%s\n", indices.size(),
               data->source.c_str(), model_size.width, model_size.height,
               options.mirror ? ", image + mirror logits summed" : "");

  std::vector<int> predicted(indices.size());
  Progress progress("classify", static_cast<int>(indices.size()));
  absl::Status status = ParallelFor(
      static_cast<int>(indices.size()), options.threads, [&](int i, int) -> absl::Status {
        cv::Mat image = data->images[indices[i]];
        if (image.size() != model_size) {
          cv::Mat resized;
          cv::resize(image, resized, model_size, 0, 0, cv::INTER_AREA);
          image = resized;
        }
        absl::StatusOr<std::vector<int32_t>> logits = RunLogits(*engine, image);
        if (!logits.ok()) return logits.status();
        if (options.mirror) {
          cv::Mat mirrored;
          cv::flip(image, mirrored, /*flipCode=*/1);
          absl::StatusOr<std::vector<int32_t>> more = RunLogits(*engine, mirrored);
          if (!more.ok()) return more.status();
          for (size_t c = 0; c < logits->size(); ++c) (*logits)[c] += (*more)[c];
        }
        predicted[i] = ArgMax(*logits);
        progress.Tick();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  int correct = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    correct += predicted[i] == data->labels[indices[i]] ? 1 : 0;
  }
  if (!options.predictions.empty()) {
    if (absl::Status s = WritePredictions(options.predictions, indices, data->labels, predicted);
        !s.ok()) {
      return s;
    }
  }
  const MemoryReport& memory = engine->model().memory;
  out << absl::StrFormat("accuracy=%.4f images=%d param_bits=%d activation_bits=%d\n",
                         static_cast<double>(correct) / indices.size(), indices.size(),
                         memory.param_bits, memory.activation_bits);
  return absl::OkStatus();
}

}  // namespace nqe::eval
